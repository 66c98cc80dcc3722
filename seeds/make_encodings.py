#!/usr/bin/env python3
"""Write the demo articles in the encodings listed in gold/encodings.json.

The articles are edited as plain UTF-8 and then saved in the legacy
encodings a reader meets in the wild (Windows-1252, Windows-1256, UTF-16
with BOM, UTF-8 with BOM, some with CRLF line ends).  Standard library only.

    python seeds/make_encodings.py            # UTF-8 working copies -> manifest encodings
    python seeds/make_encodings.py --to-utf8  # back to UTF-8 / LF, for editing
    python seeds/make_encodings.py --check    # every file decodes strictly with its encoding

Both conversions are idempotent: a file already in the wanted form is left alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # manifest paths are relative to the repository root
MANIFEST = HERE / "gold" / "encodings.json"

# Files saved with Windows line ends, as Notepad / Word would.
CRLF = {"seeds/fr/02_lemonde_ayrault_alep.txt", "seeds/ar/03_asharq_east_aleppo.txt"}

_BOMS = {"utf-16": (b"\xff\xfe", b"\xfe\xff"), "utf-8-sig": (b"\xef\xbb\xbf",)}


def load_manifest() -> dict[str, str]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _is_utf8_working_copy(data: bytes) -> bool:
    if data.startswith(b"\xef\xbb\xbf") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\r\n" not in text


def _in_final_form(data: bytes, rel: str, enc: str) -> bool:
    if enc in _BOMS and not data.startswith(_BOMS[enc]):
        return False
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return False
    if enc in ("cp1252", "cp1256"):
        # a legacy file holding non-ASCII text is not valid UTF-8
        try:
            data.decode("utf-8")
            if any(ord(c) > 127 for c in text):
                return False
        except UnicodeDecodeError:
            pass
    has_crlf = "\r\n" in text
    return has_crlf == (rel in CRLF)


def encode_all() -> int:
    for rel, enc in load_manifest().items():
        path = ROOT / rel
        data = path.read_bytes()
        if _in_final_form(data, rel, enc):
            continue
        if not _is_utf8_working_copy(data):
            print(f"{rel}: neither a UTF-8 working copy nor valid {enc}; fix it by hand", file=sys.stderr)
            return 1
        text = data.decode("utf-8")
        if rel in CRLF:
            text = text.replace("\n", "\r\n")
        path.write_bytes(text.encode(enc))  # raises if a character does not fit the code page
        print(f"{rel}: written as {enc}{' + CRLF' if rel in CRLF else ''}")
    return 0


def to_utf8() -> int:
    for rel, enc in load_manifest().items():
        path = ROOT / rel
        data = path.read_bytes()
        if _is_utf8_working_copy(data):
            continue
        text = data.decode(enc).replace("\r\n", "\n")
        path.write_bytes(text.encode("utf-8"))
        print(f"{rel}: {enc} -> utf-8")
    return 0


def check() -> int:
    bad = 0
    for rel, enc in load_manifest().items():
        data = (ROOT / rel).read_bytes()
        if not _in_final_form(data, rel, enc):
            print(f"{rel}: not in its manifest encoding {enc}", file=sys.stderr)
            bad += 1
    print("encodings ok" if not bad else f"{bad} file(s) not in their manifest encoding")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--to-utf8", action="store_true", help="convert every article back to UTF-8 with LF")
    g.add_argument("--check", action="store_true", help="only verify the encodings")
    a = ap.parse_args(argv)
    if a.to_utf8:
        return to_utf8()
    if a.check:
        return check()
    return encode_all()


if __name__ == "__main__":
    sys.exit(main())
