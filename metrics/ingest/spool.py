"""A file on disk read without holding it in memory: one streaming pass that hashes it and decides whether
DuckDB may read it directly (the fast path) or whether it needs the careful path of read.py (decoded whole in
Python: other encodings, blank lines, stray bytes, containers).

The fast path is taken only where the careful path would hand DuckDB the very same bytes: plain UTF-8 (a UTF-8
byte-order mark allowed, which DuckDB skips as the careful path strips it), no NUL, no blank line, no line longer
than read.MAX_LINE_BYTES, no text the careful path would comment on (�, doubly decoded UTF-8), and CRLF line
ends only as pairs (those are rewritten to LF into a scratch copy, chunk by chunk, exactly as
`text.replace("\\r\\n", "\\n")` would). Anything else: `fast` is False with the reason, and the caller reads the
bytes as before."""

from __future__ import annotations

import codecs
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHUNK = 8 * 1024 * 1024
HEAD_BYTES = 8 * 1024 * 1024  # ≥ 2M characters in any UTF-8 text: read.py looks at most that far ahead
_MOJIBAKE_LEADS = (b"\xc3\x83", b"\xc3\x82")  # "Ã" and "Â": where read.py's doubly-decoded check starts
_REPLACEMENT = b"\xef\xbf\xbd"


@dataclass
class Scan:
    path: Path
    size: int
    sha256: str
    fast: bool
    reason: str = ""        # why not fast, in words (for tests and the bench)
    crlf: bool = False      # line ends are CRLF: DuckDB reads a normalised scratch copy
    head: str = ""          # the first ≥ HEAD_BYTES of the (normalised) text, cut after a line end


def scan(path: str | os.PathLike, max_line: int, sniffed: str) -> Scan:
    """Hash the file and decide the path, in one pass of CHUNK-sized reads (memory: a few chunks)."""
    path = Path(path)
    digest = hashlib.sha256()
    size = path.stat().st_size
    why = "" if sniffed == "text" else f"a {sniffed} container"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    head = bytearray()
    carry = b""           # a trailing CR, joined to the next chunk (it may be half of a CRLF)
    tail = b"\n"          # last bytes of the normalised text so far (start of file counts as a line end)
    line, longest, crlf, first = 0, 0, False, True  # (`tail` starts as a line end: a blank first line is a
    #                                                   blank line like any other)
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
            if why:
                continue
            chunk = carry + block
            carry = b""
            if chunk.endswith(b"\r"):
                chunk, carry = chunk[:-1], b"\r"
            if first:
                first = False
                if chunk.startswith(codecs.BOM_UTF8):
                    chunk = chunk[len(codecs.BOM_UTF8):]
                elif chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    why = "a UTF-16 byte-order mark"
                    continue
            if b"\r" in chunk:
                crlf = True
                chunk = chunk.replace(b"\r\n", b"\n")
                if b"\r" in chunk:
                    why = "a carriage return that does not end a line"
                    continue
            # A plain ASCII chunk (most of most exports; isascii() is one fast pass) cannot hold bad UTF-8,
            # mojibake or U+FFFD: only the others are decoded and searched (127 MB revenue file: 0.65 -> 0.3 s).
            ascii_only = chunk.isascii() and not decoder.getstate()[0]
            try:
                if not ascii_only:
                    decoder.decode(chunk)
            except UnicodeDecodeError:
                why = "bytes that are not UTF-8"
                continue
            seam = tail + chunk[:4]  # a pattern split between two chunks
            if b"\x00" in chunk:
                why = "NUL bytes"
            elif b"\n\n" in chunk or b"\n\n" in seam:
                why = "blank lines"
            elif not (ascii_only and seam.isascii()) and any(m in chunk or m in seam
                                                             for m in (*_MOJIBAKE_LEADS, _REPLACEMENT)):
                why = "text read.py comments on (� or doubly decoded UTF-8)"
            if why:
                continue
            first_end, last_end = chunk.find(b"\n"), chunk.rfind(b"\n")
            if first_end < 0:
                line += len(chunk)
            else:
                longest = max(longest, line + first_end)
                # Between the first and last line end: a stretch of half the limit without a line end may be
                # part of a line over the limit; such a file takes the careful path, which measures exactly.
                half = max_line // 2
                if any(chunk.find(b"\n", o, o + half + 1) < 0 for o in range(first_end, last_end - half, half)):
                    longest = max_line + 1
                line = len(chunk) - last_end - 1
            if longest > max_line or line > max_line:
                why = "a line longer than the limit"
                continue
            tail = (tail + chunk)[-4:] if len(chunk) < 4 else chunk[-4:]
            if len(head) < HEAD_BYTES or b"\n" not in head[HEAD_BYTES:]:
                head += chunk
    if not why:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            why = "bytes that are not UTF-8"
    if carry and not why:
        why = "a carriage return that does not end a line"
    if why:
        return Scan(path, size, digest.hexdigest(), False, why)
    cut = len(head)
    if cut > HEAD_BYTES:  # up to the first line end after HEAD_BYTES: whole lines only
        cut = head.index(b"\n", HEAD_BYTES) + 1
    return Scan(path, size, digest.hexdigest(), True, crlf=crlf, head=bytes(head[:cut]).decode("utf-8"))


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def normalised_copy(path: Path, folder: str | os.PathLike | None = None) -> Path:
    """A scratch copy of a CRLF file with every CRLF turned into LF (scan() found no lone CR); the caller
    deletes it once DuckDB has read it."""
    fd, name = tempfile.mkstemp(prefix="cx_upload_", suffix=".csv", dir=folder)
    carry = b""
    with path.open("rb") as f, os.fdopen(fd, "wb") as out:
        while block := f.read(CHUNK):
            chunk = carry + block
            carry = b""
            if chunk.endswith(b"\r"):
                chunk, carry = chunk[:-1], b"\r"
            out.write(chunk.replace(b"\r\n", b"\n"))
        out.write(carry)
    return Path(name)
