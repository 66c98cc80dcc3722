"""CSV: one row per variant: ``cluster_id,canonical,type,form,lang,script,count`` (UTF-8, header row)."""

from __future__ import annotations

import csv
import io

from ...records import NameCluster
from ..dictionary import DictionaryImportError, Problem, RawCluster, RawVariant, validate
from .base import decode

COLUMNS = ("cluster_id", "canonical", "type", "form", "lang", "script", "count")


class CsvFormat:
    name = "csv"
    extensions = ("csv",)

    def dumps(self, clusters: list[NameCluster], *, lang: str | None = None) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for c in clusters:
            for v in c.variants:
                w.writerow([c.id, c.canonical, c.type, v.form, v.lang, v.script, v.count])
        return buf.getvalue().encode("utf-8")

    def loads(self, data: bytes, path: str) -> list[NameCluster]:
        text, problems = decode(data, path)
        if text is None:
            raise DictionaryImportError(path, problems)
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            raise DictionaryImportError(path, [Problem(path, 1, "no header row")]) from None
        except csv.Error as e:
            raise DictionaryImportError(path, [Problem(path, 1, f"not valid CSV: {e}")]) from None
        cols = [h.strip().lower() for h in header]
        missing = [c for c in COLUMNS if c not in cols and c not in ("cluster_id", "script", "count")]
        if missing:
            raise DictionaryImportError(path, [Problem(path, 1, f"missing column(s) {', '.join(missing)}; "
                                                                f"expected {','.join(COLUMNS)}")])
        idx = {c: cols.index(c) for c in COLUMNS if c in cols}
        clusters: dict[str, RawCluster] = {}
        order: list[str] = []
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                problems.append(Problem(path, reader.line_num, f"not valid CSV: {e}"))
                break
            ln = reader.line_num
            if not row or not any(x.strip() for x in row):
                continue
            if len(row) < len(cols):
                problems.append(Problem(path, ln, f"{len(row)} fields, expected {len(cols)}"))
                continue

            def get(c):
                return row[idx[c]] if c in idx else ""

            cid = get("cluster_id").strip()
            key = cid or f"{get('type').strip()}\x1f{get('canonical').strip()}"
            rc = clusters.get(key)
            if rc is None:
                rc = clusters[key] = RawCluster(get("canonical"), get("type").strip(), [], cid, ln)
                order.append(key)
            else:
                if get("canonical").strip() != str(rc.canonical).strip():
                    problems.append(Problem(path, ln, f"cluster {cid!r}: canonical {get('canonical')!r} differs "
                                                      f"from {rc.canonical!r} (line {rc.line})"))
                    continue
                if get("type").strip() != rc.type:
                    problems.append(Problem(path, ln, f"cluster {cid!r}: type {get('type')!r} differs from "
                                                      f"{rc.type!r} (line {rc.line})"))
                    continue
            rc.variants.append(RawVariant(get("form"), get("lang"), get("script"), get("count") or 0, ln))
        return validate([clusters[k] for k in order], path, problems)
