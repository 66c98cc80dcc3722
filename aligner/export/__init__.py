"""Exporters of aligned pairs: TMX (translate-toolkit) and JSON Lines.

    from aligner.export import export_tmx, export_jsonl
    export_tmx(project.confirmed_pairs(), "out.tmx")

Both write atomically and return the number of pairs written. The TMX
module (and translate-toolkit/lxml) is imported only when used.
"""

from __future__ import annotations

__all__ = ["export_candidates_tmx", "export_jsonl", "export_tmx", "pair_json"]


def __getattr__(name: str):
    if name in ("export_tmx", "export_candidates_tmx"):
        from . import tmx

        return getattr(tmx, name)
    if name in ("export_jsonl", "pair_json"):
        from . import jsonl

        return getattr(jsonl, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
