"""UI translations: gettext PO catalogues read with polib, no compiled .mo/.qm.

Every user-visible string in ``workbench/`` goes through :func:`tr` with a
*literal* argument so that :func:`extract_messages` can find it; strings
declared in tables are marked with :func:`N_` and translated where shown
(``tr(label)``). Placeholders use ``str.format`` names: ``tr("{n} left").format(n=3)``.
Counts use gettext plurals: ``ngettext("{n} pair", "{n} pairs", n).format(n=n)``
picks the form from the catalogue's ``Plural-Forms`` (two in French, six in Arabic).

The catalogues ship inside the package, in ``workbench/locale/``:
``workbench.pot`` (extracted from the source, see ``python -m workbench.i18n
update``), ``fr.po`` and ``ar.po``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from pathlib import Path

import polib

SUPPORTED = ("en", "fr", "ar")
"""UI languages, English first (the source language of the msgids)."""
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}

PACKAGE_DIR = Path(__file__).resolve().parent
CORE_TABLES = (("aligner/progress.py", "STAGE_LABELS"),)
"""Tables of the core whose values the app shows (translated): (file, dict name); read as literals."""


def _find_i18n_dir() -> Path:
    """``$WORKBENCH_I18N_DIR``, else the catalogues inside the package (checkout and wheel alike)."""
    import os

    env = os.environ.get("WORKBENCH_I18N_DIR")
    return Path(env) if env else PACKAGE_DIR / "locale"


I18N_DIR = _find_i18n_dir()
POT_PATH = I18N_DIR / "workbench.pot"
MARKERS = ("tr", "N_", "ngettext")

_catalog: dict[str, str] = {}
_plural_catalog: dict[str, list[str]] = {}
_language = "en"


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


_plural = _english_plural


def tr(msgid: str) -> str:
    """The translation of ``msgid`` in the current UI language (itself if none)."""
    return _catalog.get(msgid) or msgid


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for the count ``n`` in the current UI language."""
    forms = _plural_catalog.get(singular)
    if forms:
        i = _plural(int(n))
        if 0 <= i < len(forms) and forms[i]:
            return forms[i]
    return singular if n == 1 else plural


def plural_function(header: str | None):
    """The ``plural=`` expression of a ``Plural-Forms`` header as a function of n (English's if none)."""
    import gettext

    if not header or "plural=" not in header:
        return _english_plural
    expr = header.split("plural=", 1)[1].strip().rstrip(";")
    return gettext.c2py(expr)


def N_(msgid: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it yet."""
    return msgid


def current_language() -> str:
    return _language


def is_rtl(lang: str | None = None) -> bool:
    """True for right-to-left languages (default: the current UI language)."""
    return (lang or _language).split("_")[0].lower() in RTL_LANGUAGES


def load_catalog(lang: str, directory: Path = I18N_DIR) -> dict[str, str]:
    """Translated, non-fuzzy, non-obsolete singular entries of ``<directory>/<lang>.po``."""
    return _load(lang, directory)[0]


def _load(lang: str, directory: Path = I18N_DIR):
    """(msgid -> msgstr, singular msgid -> plural forms, plural function) of a catalogue."""
    if lang == "en":
        return {}, {}, _english_plural
    path = directory / f"{lang}.po"
    if not path.exists():
        return {}, {}, _english_plural
    po = polib.pofile(str(path), encoding="utf-8")
    single, plural = {}, {}
    for e in po:
        if e.obsolete or "fuzzy" in e.flags:
            continue
        if e.msgid_plural:
            forms = [e.msgstr_plural.get(i, "") for i in range(len(e.msgstr_plural))]
            if any(forms):
                plural[e.msgid] = forms
        elif e.msgstr:
            single[e.msgid] = e.msgstr
    return single, plural, plural_function(po.metadata.get("Plural-Forms"))


def normalise_language(lang: str | None) -> str | None:
    """``"fr_FR"`` -> ``"fr"``; None for an unsupported or empty value."""
    if not lang:
        return None
    code = lang.replace("-", "_").split("_")[0].lower()
    return code if code in SUPPORTED else None


def system_language() -> str:
    """The UI language from the system locale (QLocale.system()), English by default."""
    from PySide6.QtCore import QLocale

    loc = QLocale.system()
    for name in [loc.name(), *loc.uiLanguages()]:
        code = normalise_language(name)
        if code:
            return code
    return "en"


def resolve_language(option: str | None = None, setting: str | None = None) -> str:
    """``--lang`` option, else the saved setting, else the system locale."""
    return normalise_language(option) or normalise_language(setting) or system_language()


def set_language(lang: str) -> str:
    """Load the catalogue for ``lang`` (falls back to English); returns the code used."""
    global _catalog, _plural_catalog, _plural, _language
    code = normalise_language(lang) or "en"
    _catalog, _plural_catalog, _plural = _load(code)
    _language = code
    return code


_qt_translators: list = []


def apply_to_application(app, lang: str) -> None:
    """Layout direction of the whole UI, plus Qt's own strings (OK, Cancel...)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator

    app.setLayoutDirection(Qt.RightToLeft if is_rtl(lang) else Qt.LeftToRight)
    for t in _qt_translators:
        app.removeTranslator(t)
    _qt_translators.clear()
    if lang != "en":
        QLocale.setDefault(QLocale(lang))
        t = QTranslator(app)
        if t.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
            app.installTranslator(t)
            _qt_translators.append(t)


# --------------------------------------------------------------------------- extraction


def extract_messages(root: Path = PACKAGE_DIR) -> dict[str, list[tuple[str, int]]]:
    """msgid -> [(file relative to the repo, line)] for every ``tr("...")``/``N_("...")``.

    Only calls whose first argument is a string literal are collected (an
    f-string or a variable is not extractable; :func:`non_literal_calls` finds them).
    """
    found: dict[str, list[tuple[str, int]]] = {}
    base = root.parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if _is_marker_call(node) and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    rel = path.relative_to(base).as_posix()
                    found.setdefault(arg.value, []).append((rel, node.lineno))
    if root == PACKAGE_DIR:
        for rel, name in CORE_TABLES:
            for value, line in _table_values(base / rel, name):
                found.setdefault(value, []).append((rel, line))
    return found


def _table_values(path: Path, name: str) -> list[tuple[str, int]]:
    """(value, line) of every string value of the dict literal assigned to ``name`` in ``path``."""
    if not path.is_file():  # an installed wheel: the core's sources are beside, not under, the app
        return []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(node.value, ast.Dict):
            return [(v.value, v.lineno) for v in node.value.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)]
    return []


def extract_plurals(root: Path = PACKAGE_DIR) -> dict[str, str]:
    """singular msgid -> plural msgid for every ``ngettext("...", "...", n)`` with two literals."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if _is_marker_call(node) and _name(node) == "ngettext" and len(node.args) >= 2:
                a, b = node.args[0], node.args[1]
                if all(isinstance(x, ast.Constant) and isinstance(x.value, str) for x in (a, b)):
                    found[a.value] = b.value
    return found


def non_literal_calls(root: Path = PACKAGE_DIR) -> list[tuple[str, int]]:
    """``N_(...)`` calls and f-string ``tr(...)`` calls that the extractor cannot read."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if _is_marker_call(node) and node.args:
                arg = node.args[0]
                literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                # tr(variable) is fine (the variable holds an N_-marked string);
                # tr(f"...") and N_/ngettext(non-literal) are not.
                if _name(node) == "ngettext":
                    second = node.args[1] if len(node.args) > 1 else None
                    literal = literal and isinstance(second, ast.Constant) and isinstance(second.value, str)
                if isinstance(arg, ast.JoinedStr) or (_name(node) in ("N_", "ngettext") and not literal):
                    bad.append((path.relative_to(root.parent).as_posix(), node.lineno))
    return bad


def _name(node: ast.Call) -> str | None:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    return None


def _is_marker_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node) in MARKERS


def build_pot(messages: dict[str, list[tuple[str, int]]], plurals: dict[str, str] | None = None) -> polib.POFile:
    pot = polib.POFile(wrapwidth=0)
    pot.metadata = {
        "Project-Id-Version": "alignment-workbench",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for msgid in sorted(messages):
        occ = [(f, str(line)) for f, line in messages[msgid]]
        flags = ["python-brace-format"] if "{" in msgid else []
        plural = (plurals or {}).get(msgid)
        if plural is not None:
            pot.append(polib.POEntry(msgid=msgid, msgid_plural=plural, msgstr_plural={0: "", 1: ""},
                                     occurrences=occ, flags=flags))
        else:
            pot.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=occ, flags=flags))
    return pot


def merge_catalog(po: polib.POFile, pot: polib.POFile) -> tuple[int, int]:
    """Bring ``po`` in line with ``pot``: add new msgids, drop vanished ones.

    Returns (added, removed). Existing translations are kept as they are.
    """
    wanted = {e.msgid: e for e in pot}
    removed = 0
    for e in list(po):
        if e.msgid not in wanted or bool(e.msgid_plural) != bool(wanted[e.msgid].msgid_plural):
            po.remove(e)
            removed += 1
    have = {e.msgid for e in po}
    added = 0
    for msgid, src in wanted.items():
        if msgid not in have:
            if src.msgid_plural:
                n = int(po.metadata.get("Plural-Forms", "nplurals=2").split("nplurals=")[1].split(";")[0])
                po.append(polib.POEntry(msgid=msgid, msgid_plural=src.msgid_plural,
                                        msgstr_plural={i: "" for i in range(n)}, occurrences=src.occurrences,
                                        flags=list(src.flags)))
            else:
                po.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=src.occurrences,
                                        flags=list(src.flags)))
            added += 1
        else:
            entry = po.find(msgid)
            entry.occurrences = src.occurrences
    po.sort(key=lambda e: e.msgid)
    return added, removed


def missing_translations(lang: str, msgids: Iterable[str]) -> list[str]:
    single, plural, _fn = _load(lang)
    return [m for m in msgids if not single.get(m) and not all(plural.get(m) or [""])]


def update_catalogs(langs: Iterable[str] = ("fr", "ar")) -> dict[str, tuple[int, int]]:
    """Rewrite the .pot from the source and merge it into each .po."""
    from aligner.io.atomic import atomic_write_text

    pot = build_pot(extract_messages(), extract_plurals())
    atomic_write_text(POT_PATH, str(pot) + "\n")
    result = {}
    for lang in langs:
        path = I18N_DIR / f"{lang}.po"
        if path.exists():
            po = polib.pofile(str(path), encoding="utf-8", wrapwidth=0)
        else:
            po = polib.POFile(wrapwidth=0)
            po.metadata = dict(pot.metadata, Language=lang)
        result[lang] = merge_catalog(po, pot)
        atomic_write_text(path, str(po) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m workbench.i18n update|check``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd = argv[0] if argv else "check"
    if cmd == "update":
        for lang, (added, removed) in update_catalogs().items():
            print(f"{lang}.po: {added} added, {removed} removed")
        return 0
    msgids = set(extract_messages())
    status = 0
    pot_ids = {e.msgid for e in polib.pofile(str(POT_PATH))} if POT_PATH.exists() else set()
    if pot_ids != msgids:
        print("workbench.pot is out of date: run python -m workbench.i18n update")
        status = 1
    for lang in ("fr", "ar"):
        miss = missing_translations(lang, sorted(msgids))
        for m in miss:
            print(f"{lang}: untranslated: {m!r}")
        status |= bool(miss)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
