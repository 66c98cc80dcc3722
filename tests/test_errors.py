"""Error codes: one table in aligner/errors.py, each code used by exactly one exception."""

from __future__ import annotations

import importlib
import pkgutil

import aligner
from aligner.errors import ERROR_CODES, AlignerError


def _all_error_classes() -> list[type]:
    for mod in pkgutil.walk_packages(aligner.__path__, "aligner."):
        if mod.name.startswith("aligner.cli") or mod.name.endswith("__main__"):
            continue
        importlib.import_module(mod.name)
    seen, todo = [], [AlignerError]
    while todo:
        cls = todo.pop()
        seen.append(cls)
        todo.extend(cls.__subclasses__())
    return seen


def test_every_code_is_in_the_table_and_used_once():
    owners: dict[str, list[str]] = {}
    for cls in _all_error_classes():
        if "code" in vars(cls):  # a class that declares its own code
            owners.setdefault(cls.code, []).append(cls.__name__)
    assert {c: names for c, names in owners.items() if len(names) > 1} == {}
    for code, names in owners.items():
        assert code in ERROR_CODES, f"{names[0]} uses {code}, which is not in errors.ERROR_CODES"
        assert ERROR_CODES[code].startswith(names[0]), (code, names, ERROR_CODES[code])
    assert set(ERROR_CODES) == set(owners), "codes in the table that no exception uses"
