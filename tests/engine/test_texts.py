"""Streaming a side's lines: byte offsets instead of texts in memory (aligner/io/lines.py
scan_lines, aligner/engine/texts.py)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from aligner.engine.shards import Shard, plan_side, read_shard
from aligner.engine.texts import NumberTable
from aligner.errors import InputFileError
from aligner.io.lines import read_line_span, read_lines, scan_lines
from aligner.rerank import numbers

TRICKY = ("first line\r\nsecond\rthird\u2028fourth\x85fifth\x0bsixth\x0c\x1cé ب 😀\n"
          "\n   \n" + "a long ordinary line of words " * 20 + "\nlast, no line break")


def encodings():
    yield "utf-8", TRICKY.encode("utf-8")
    yield "utf-8 BOM", b"\xef\xbb\xbf" + TRICKY.encode("utf-8")
    yield "utf-16-le BOM", b"\xff\xfe" + TRICKY.encode("utf-16-le")
    yield "utf-16-be BOM", b"\xfe\xff" + TRICKY.encode("utf-16-be")


def spans(path, chunk):
    out = []
    for ch in scan_lines(path, chunk_bytes=chunk):
        out += [(ch.codec, int(a), int(b), bool(k)) for a, b, k in zip(ch.starts, ch.stops, ch.blank)]
    return out


@pytest.mark.parametrize("chunk", [1, 5, 64, 1 << 20])
@pytest.mark.parametrize("name,data", list(encodings()), ids=[n for n, _ in encodings()])
def test_scan_gives_read_lines_lines_at_any_chunk_size(tmp_path, name, data, chunk):
    f = tmp_path / "in.txt"
    f.write_bytes(data)
    want = read_lines(f)
    got = spans(f, chunk)
    assert [read_line_span(f, c, a, b)[0] if b > a else "" for c, a, b, _ in got] == want
    assert [blank for *_, blank in got] == [not t.strip() for t in want]
    # a range of lines reads back as those lines (what a shard worker reads)
    codec, a, b = got[2][0], got[2][1], got[6][2]
    assert read_line_span(f, codec, a, b) == want[2:7]


@pytest.mark.parametrize("data,problem", [
    (b"caf\xc3\xa9\nok\n" * 3 + b"bad \xe9 byte\n", "is not valid UTF-8 (bad byte 0xe9 on line 7)"),
    (b"\x00\x01\x02binary\x00" * 20, "looks like a binary file, not text"),
    (b"\n  \n\t\n", "contains only blank lines"),
    (b"\xff\xfe" + "odd".encode("utf-16-le") + b"\x00", "not valid UTF-16"),
])
def test_scan_reports_what_read_lines_reports(tmp_path, data, problem):
    f = tmp_path / "bad.txt"
    f.write_bytes(data)
    with pytest.raises(InputFileError) as want:
        read_lines(f)
    for chunk in (3, 1 << 20):
        with pytest.raises(InputFileError) as got:
            spans(f, chunk)
        assert got.value.problem == want.value.problem and problem in got.value.problem


def test_side_texts_are_read_from_the_files_not_kept(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one 1\n\nthree 3 and 4\n", encoding="utf-8")
    b.write_bytes(b"\xff\xfe" + "quatre 4\r\ncinq\n".encode("utf-16-le"))
    _, shards, failures, texts = plan_side([a, b], shard_lines=2, skip_blank=True,
                                           max_bytes=10_000, rows_table=tmp_path / "rows.i64")
    assert not failures and len(texts) == 4
    assert list(texts) == ["one 1", "three 3 and 4", "quatre 4", "cinq"]
    assert texts.line_numbers(np.array([3, 0, 2])).tolist() == [4, 0, 3]
    assert (tmp_path / "rows.i64").stat().st_size == 4 * 4 * 8  # 4 rows of 4 int64, no text
    assert [read_shard(s, 10_000) for s in shards] == [["one 1"], ["three 3 and 4"],
                                                       ["quatre 4", "cinq"]]
    table = NumberTable.build(texts, tmp_path, "side", block=3)
    assert [len(x) for x in table.sets(0, 4)] == [len(numbers(t)) for t in texts] == [1, 2, 1, 0]
    assert table.lookup(np.array([[2, -1], [0, 2]]))[2] == table.sets(2, 3)[0]
    texts.check_unchanged()
    os.utime(a, ns=(0, 0))  # the file changed after it was planned: the output would be wrong
    with pytest.raises(InputFileError, match="a.txt: changed while it was being mined"):
        texts.check_unchanged()


def test_a_shard_whose_file_changed_names_the_problem(tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("a\nb\nc\nd\n", encoding="utf-8")
    _, shards, _, _ = plan_side([f], shard_lines=2, skip_blank=False, max_bytes=10_000)
    assert read_shard(shards[1], 10_000) == ["c", "d"]
    f.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"in.txt: changed while it was being read \(lines 3-4\)"):
        read_shard(shards[1], 10_000)
    f.write_bytes(b"a\nb\nc\xe9\nd\n")
    with pytest.raises(InputFileError, match="not valid UTF-8"):
        read_shard(Shard(1, str(f), 2, 4, 2, False, 4, 9), 10_000)
