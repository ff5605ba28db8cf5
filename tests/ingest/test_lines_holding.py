"""The lines holding non-ASCII or stray bytes (read.py: the encoding evidence and the stray-byte message) are found
by the character and widened to their line, in one linear pass. Checked against the plain regular-expression
reading (`[^\\n]*[class][^\\n]*`, which backtracks over every line without the class: 26 s on a 5M-line file)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.ingest.read import _non_ascii_lines, _stray_lines


def reference_non_ascii(data: bytes, limit: int) -> list[tuple[int, bytes]]:
    out, line, pos = [], 1, 0
    for m in re.finditer(rb"[^\n]*[\x80-\xff][^\n]*", data):
        line += data.count(b"\n", pos, m.start())
        pos = m.start()
        out.append((line, m.group()))
        if len(out) >= limit:
            break
    return out


def reference_stray(data: bytes, limit: int) -> tuple[list[int], int]:
    text = data.decode("utf-8", errors="surrogateescape")
    lines, total, line, pos = [], 0, 1, 0
    for m in re.finditer(r"[^\n]*[\udc80-\udcff][^\n]*", text):
        total += 1
        if len(lines) < limit:
            line += text.count("\n", pos, m.start())
            pos = m.start()
            lines.append(line)
    return lines, total


FILES = st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")) | st.sampled_from(
    [b"", b"caf\xe9", b"Caf\xc3\xa9", b"a,b\r", b"\xff\xfe", b"plain"]), max_size=25).map(b"\n".join)


@settings(max_examples=300, deadline=None)
@given(FILES, st.sampled_from([1, 3, 50]))
def test_the_same_lines_as_the_regular_expression(data, limit):
    assert _non_ascii_lines(data, limit) == reference_non_ascii(data, limit)
    assert _stray_lines(data, limit) == reference_stray(data, limit)


def test_hand_worked():
    data = b"id,name\n1,Ann\n2,Caf\xe9\n3,Zo\xeb \xe9\n4,Bob\n5,\xe9"
    assert _non_ascii_lines(data, 2) == [(3, b"2,Caf\xe9"), (4, b"3,Zo\xeb \xe9")]
    assert _stray_lines(data, 1) == ([3], 3)  # three lines hold a byte that is not UTF-8; the first is line 3
