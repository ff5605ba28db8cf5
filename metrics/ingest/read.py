"""Reading a file: size limits, container (gzip, workbook), decoding, dialect, header rows, loading into
DuckDB as VARCHAR.

Everything here decides from the file's content. Where the evidence leaves a doubt (the encoding, the sheet of a
workbook, whether the first row is a header) a Question is asked (questions.py); the proposal is used unless the
analyst answers, and a must-confirm question stops prepare() before any figure is computed."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from metrics.errors import (
    EmptyFileError,
    FileTooLargeError,
    IngestError,
    TooManyColumnsError,
    UnreadableFileError,
)
from metrics.ingest import containers, spool
from metrics.ingest.mapping import SYNONYMS, _guess_kind, normalise_header
from metrics.ingest.model import Inspection
from metrics.ingest.questions import Question, Questions
from metrics.ingest.sqltext import _blank, stripped
from metrics.store import quote_ident

MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # keep in step with .streamlit/config.toml server.maxUploadSize
PLAN_WITHOUT_OPTIMIZER = 50          # columns from which the load is planned without DuckDB's optimizer
MAX_COLUMNS = 1000                    # more is a wrong delimiter or not an export
MAX_LINE_BYTES = 1024 * 1024          # one row longer than this is not a real export row
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
RESERVED = ("_row",)                  # column names the app itself adds to the raw table

# ---- encodings ------------------------------------------------------------------------------------
# Single-byte code pages an analyst's Western export plausibly uses; each decodes any byte string, so the
# choice is made by how natural the accented characters read (see _score).
CODEPAGES = ("cp1252", "latin-1", "cp850", "mac_roman")
ENCODING_LABELS = {
    "utf-8": "UTF-8 (bytes that are not UTF-8 shown as �)",
    "utf-8+cp1252": "UTF-8, with the stray non-UTF-8 bytes read as Windows-1252",
    "cp1252": "Windows-1252 (Western Europe; Excel on Windows)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "cp850": "CP850 (DOS Western Europe; older Windows tools and terminals)",
    "mac_roman": "Mac Roman (old Mac exports)",
}
ENCODING_CHOICES = tuple(ENCODING_LABELS)
_SHORT = {"utf-8": "UTF-8", "utf-8+cp1252": "UTF-8 + Windows-1252", "cp1252": "Windows-1252",
          "latin-1": "Latin-1", "cp850": "CP850", "mac_roman": "Mac Roman"}
_SAMPLE_LINES = 2000   # lines with non-ASCII bytes scored per candidate
_PREVIEW_LINES = 3


def _stray_as_cp1252(err: UnicodeDecodeError) -> tuple[str, int]:
    return err.object[err.start:err.end].decode("cp1252", errors="replace"), err.end


codecs.register_error("cx_stray_cp1252", _stray_as_cp1252)


@dataclass
class Decoded:
    text: str
    encoding: str                      # what was used, in words
    warnings: list[str] = field(default_factory=list)
    stray: int = 0                     # bytes that are not UTF-8 in a file read as UTF-8
    choice: str = ""                   # the answer to the encoding question, when it was asked


# Windows-1252's typographic punctuation (bytes 0x80–0x9F, cp850's accented letters) where text puts it: a dash
# between spaces, a quote opening a word or closing one, an apostrophe inside a word ("don’t"). Unscored, a German
# "Sehr gut – „prima“ … für" read as CP850 ("Sehr gut û äprimaô … f³r": three lower-case letters) outscored it.
_DASHES = "–—"
_OPENING_QUOTES = "„‚“‘«"  # German quotes open low („ ‚) and close high (“ ‘), English ones open with “ ‘
_CLOSING_QUOTES = "“”‘’»"


def _typographic(c: str, prev: str, nxt: str) -> bool:
    """Whether punctuation `c` stands where text puts it (_DASHES, _OPENING_QUOTES, _CLOSING_QUOTES)."""
    if c in _DASHES:
        return prev == " " and nxt == " "
    if c == "’" and prev.isalpha() and nxt.isalpha():
        return True  # an apostrophe
    if c in _OPENING_QUOTES and not prev.isalnum() and nxt.isalnum():
        return True
    return c in _CLOSING_QUOTES and (prev.isalnum() or prev in ".!?") and not nxt.isalnum()


def _score(text: str) -> int:
    """How natural the non-ASCII characters of `text` read: lower-case accented letters score, a capital inside
    a lower-case word ("TrŠs", "CafÈ": cp850 or cp1252 read as the other), punctuation between letters ("Tr‚s":
    cp850 read as cp1252) and control or undefined characters (C1 controls: cp1252 read as Latin-1) cost;
    typographic punctuation where text puts it scores (_typographic)."""
    score = 0
    for m in re.finditer(r"[^\x00-\x7f]", text):
        c, i = m.group(), m.start()
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if c.isalpha() and ord(c) > 0x17F:
            # beyond the Latin letters of European text: Mac Roman's ƒ and ﬂ for Windows-1252's Ä and ß
            # ("Äußerst" read "ƒuflerst" scored higher, the two lower-case letters against one capital)
            score -= 2
        elif c.isalpha():
            if not c.isupper():
                score += 2
            elif prev.isalpha() and prev.islower():
                score -= 2
            elif nxt.isalpha():
                score += 1
        elif c == "\ufffd" or unicodedata.category(c) in ("Cc", "Cn", "Co"):
            score -= 5
        elif _typographic(c, prev, nxt):
            score += 1
        elif prev.isalpha() and nxt.isalpha():
            score -= 3
        elif unicodedata.category(c) == "Sc":
            score += 1
    return score


def _lines_holding(data, pattern: str | bytes, limit: int, count_all: bool = False) -> tuple[list, int]:
    """(line number, line) of the first `limit` lines holding a match of `pattern` (one character class), and
    how many lines hold one (counted to the end with `count_all`, else it stops after the limit). Linear: found by
    the character, then widened to its line (a pattern `[^\n]*[class][^\n]*` backtracks over every line that
    lacks the class: 26 s on a 5M-line file)."""
    nl = b"\n" if isinstance(data, bytes) else "\n"
    out: list[tuple[int, object]] = []
    line, pos, end, total = 1, 0, -1, 0
    for m in re.finditer(pattern, data):
        if m.start() < end:
            continue  # another match on a line already counted
        start = data.rfind(nl, 0, m.start()) + 1
        end = data.find(nl, m.start())
        end = len(data) if end < 0 else end
        total += 1
        if len(out) < limit:
            line += data.count(nl, pos, start)
            pos = start
            out.append((line, data[start:end]))
        elif not count_all:
            break
    return out, total


def _non_ascii_lines(data: bytes, limit: int) -> list[tuple[int, bytes]]:
    """(line number, bytes) of the first `limit` lines holding a byte ≥ 0x80."""
    return _lines_holding(data, rb"[\x80-\xff]", limit)[0]


def _excerpt(line: str, width: int = 70) -> str:
    i = next((k for k, c in enumerate(line) if ord(c) > 127), 0)
    start = max(0, i - width // 3)
    text = line[start:start + width].replace("\r", "").replace("\t", " ")
    text = "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" else c for c in text)  # C1 controls
    return ("…" if start else "") + text + ("…" if start + width < len(line) else "")


def _preview(lines: list[tuple[int, bytes]], codec: str) -> str:
    return "; ".join(f"line {no:,}: {_excerpt(raw.decode(_codec(codec), errors=_errors(codec)))}"
                     for no, raw in lines[:_PREVIEW_LINES])


def _codec(choice: str) -> str:
    return "utf-8" if choice.startswith("utf-8") else choice


def _errors(choice: str) -> str:
    # Windows-1252 leaves five bytes undefined: shown as � (and scored down) rather than failing.
    return {"utf-8+cp1252": "cx_stray_cp1252"}.get(choice, "replace")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: text that is mostly ASCII has a NUL in every other byte."""
    half = len(data) // 2
    if half < 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, questions: Questions | None = None) -> Decoded:
    """Bytes to text, from evidence: a byte-order mark; UTF-16 without one; valid UTF-8; UTF-8 with a few stray
    bytes (stays UTF-8, the lines named); else the code page whose reading of the accented characters is most
    natural. Every reading that is not certain is asked as Question "encoding". Rejects binary files."""
    questions = questions if questions is not None else Questions()
    if not data.strip():
        raise EmptyFileError("The file is empty.")
    if data.startswith(containers.ZIP_MAGIC):
        raise UnreadableFileError("This is a zip archive (perhaps an .xlsx), not a CSV. Export it as CSV first.")
    decoded = None
    for bom, name in ((codecs.BOM_UTF16_LE, "UTF-16 LE"), (codecs.BOM_UTF16_BE, "UTF-16 BE")):
        if data.startswith(bom):
            decoded = Decoded(data.decode("utf-16", errors="replace"), name)  # a lost character shows as �
            break
    else:
        if data.startswith(codecs.BOM_UTF8):  # then as any UTF-8 file: a stray byte is found and named
            data = data[len(codecs.BOM_UTF8):]
        if b"\x00" in data:
            codec = _utf16_without_bom(data)
            if codec is None:
                raise UnreadableFileError("The file contains binary data (NUL bytes); it is not a text CSV.")
            try:
                decoded = Decoded(data.decode(codec), f"UTF-16 {codec[-2:].upper()} (no byte-order mark)")
            except UnicodeDecodeError as exc:
                raise UnreadableFileError("The file looks like UTF-16 text without a byte-order mark, but byte "
                                          f"{exc.start:,} is not valid UTF-16; it is not a text CSV.") from exc
        else:
            try:
                decoded = Decoded(data.decode("utf-8"), "UTF-8")
            except UnicodeDecodeError:
                decoded = _decode_non_utf8(data, questions)
    text = decoded.text
    if "\x00" in text:
        raise UnreadableFileError("The file contains binary data (NUL characters); it is not a text CSV.")
    if not text.strip():
        raise EmptyFileError("The file is empty.")
    return decoded


def _decode_non_utf8(data: bytes, questions: Questions) -> Decoded:
    clean = data.decode("utf-8", errors="ignore")
    bad = len(data) - len(clean.encode("utf-8"))                  # bytes that are not part of valid UTF-8
    valid = len(clean) - len(clean.encode("ascii", errors="ignore"))  # valid non-ASCII UTF-8 characters
    lines = _non_ascii_lines(data, _SAMPLE_LINES)
    sample = b"\n".join(line for _, line in lines)
    readings = {c: sample.decode(_codec(c), errors=_errors(c)) for c in ENCODING_CHOICES}
    scores = {c: _score(t) for c, t in readings.items()}
    if valid and valid >= bad:
        # Real UTF-8 characters outnumber the stray bytes: a UTF-8 file with a few bytes from elsewhere (a row
        # pasted from a Windows tool). Re-reading everything in a code page would garble every good character.
        proposal, close = "utf-8", valid < 2 * bad
        why = (f"{valid:,} characters are valid UTF-8 and {bad:,} bytes are not; the file is read as UTF-8 and "
               "those bytes shown as �")
    else:
        ranked = sorted(CODEPAGES, key=lambda c: (-scores[c], CODEPAGES.index(c)))
        proposal = ranked[0]
        rivals = [c for c in ranked[1:] if readings[c] != readings[proposal]]
        margin = max(2, len(re.findall(r"[^\x00-\x7f]", readings[proposal])) // 10)
        close = bool(rivals) and scores[proposal] - scores[rivals[0]] < margin
        why = (f"the file is not UTF-8; read as {ENCODING_LABELS[proposal]}, the reading in which the accented "
               "letters look most natural" + (" (but another reading is almost as plausible)" if close else ""))
    shown, seen_texts = [], {}
    order = ("utf-8", "utf-8+cp1252", *CODEPAGES) if proposal == "utf-8" else (*CODEPAGES, "utf-8+cp1252", "utf-8")
    for c in (proposal, *[c for c in order if c != proposal]):
        preview = _preview(lines, c)
        if preview in seen_texts:
            continue  # identical reading (e.g. Latin-1 and Windows-1252 without bytes 0x80–0x9F)
        seen_texts[preview] = c
        shown.append(f"{_SHORT[c]}: {preview}")
    answer = questions.ask(Question(
        "encoding", "Which character encoding does the file use?", ENCODING_CHOICES, dict(ENCODING_LABELS), proposal,
        f"Evidence: {why}. The first lines with accented characters, as each encoding reads them — "
        + " | ".join(shown), must_confirm=close))
    choice = answer if isinstance(answer, str) else proposal
    text = data.decode(_codec(choice), errors=_errors(choice))
    warnings = []
    if not choice.startswith("utf-8"):
        warnings.append(f"The file is not UTF-8; it was read as {ENCODING_LABELS[choice]}"
                        + (" as you chose." if "encoding" in questions.answers
                           else ". Check the accented letters in the preview; the encoding question can change it."))
    return Decoded(text, _SHORT[choice], warnings,
                   bad if choice.startswith("utf-8") else 0, choice)


def _stray_lines(data: bytes, limit: int = 5) -> tuple[list[int], int]:
    """Line numbers of the first lines holding bytes that are not UTF-8, and how many lines hold any."""
    escaped = data.decode("utf-8", errors="surrogateescape")  # each invalid byte becomes one lone surrogate
    found, total = _lines_holding(escaped, r"[\udc80-\udcff]", limit, count_all=True)
    return [n for n, _ in found], total


def _lines_text(found: tuple[list[int], int]) -> str:
    lines, total = found
    more = f" and {total - len(lines):,} more" if total > len(lines) else ""
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(f"{n:,}" for n in lines) + more


def decode(data: bytes, questions: Questions | None = None) -> str:
    """Bytes to text (see decode_bytes)."""
    return decode_bytes(data, questions).text


# ---- dialect --------------------------------------------------------------------------------------
def _longest_line(text: str) -> tuple[int, int]:
    """(line number, length in characters) of the longest physical line."""
    best, best_no, start, no = 0, 1, 0, 1
    while True:
        end = text.find("\n", start)
        length = (len(text) if end < 0 else end) - start
        if length > best:
            best, best_no = length, no
        if end < 0:
            return best_no, best
        start, no = end + 1, no + 1


DIALECT_SAMPLE = 262_144  # characters of the text read to tell its delimiter and quoting


def _records(text: str, quote: str, escape: str):
    """(delimiter, records, error) for each delimiter of the first non-blank line, read with Python's csv module
    from the text's first DIALECT_SAMPLE characters (at least its first line): the non-empty records (the last left
    out when the sample cut the text) and None, or None and (line, csv.Error) where the module could not read them."""
    cut = len(text) > DIALECT_SAMPLE
    sample = text[:max(DIALECT_SAMPLE, text.find("\n") + 1)] if cut else text
    first = next((ln for ln in sample.split("\n") if ln.strip()), "")
    for d in DELIMITERS:
        if d not in first:
            continue
        reader = csv.reader(io.StringIO(sample), delimiter=d, **_csv_kwargs(quote, escape))
        try:
            rows = [r for r in reader if r]
        except csv.Error as exc:
            yield d, None, (reader.line_num, exc)
            continue
        yield d, rows[:-1] if cut and len(rows) > 1 else rows, None


def _candidates(text: str, quote: str = '"', escape: str = '"') -> list[tuple[tuple[float, int], str]]:
    """Each delimiter of the first non-blank line, ranked by (share of records with the header's number of
    fields, that number), from the first records read with Python's csv module (_records)."""
    ranked = []
    for d, rows, _ in _records(text, quote, escape):
        rows = (rows or [])[:200]
        if rows and len(rows[0]) > 1:
            ranked.append(((sum(len(r) == len(rows[0]) for r in rows) / len(rows), len(rows[0])), d))
    return sorted(ranked, key=lambda c: c[0], reverse=True)


def _dialect(text: str, quote: str = '"', escape: str = '"') -> tuple[str | None, int]:
    """(delimiter, fields in the header): the delimiter whose field count is the same on most records (ties:
    more fields). Chosen here rather than by DuckDB's sniffer, which can skip leading lines or take '#' lines
    for comments without saying so."""
    ranked = _candidates(text, quote, escape)
    return (ranked[0][1], ranked[0][0][1]) if ranked else (None, 1)


def _csv_error(text: str, quote: str, escape: str) -> UnreadableFileError | None:
    """Why no delimiter of the first line reads the first records (Python's csv module fails with each, e.g. on a
    carriage return inside an unquoted cell of a CRLF file), naming the line; None when one of them reads them.
    _candidates leaves such delimiters out, and the file would otherwise be taken for one column, or for a table
    under title lines with no delimiter at all."""
    failed = None
    for _, _, error in _records(text, quote, escape):
        if error is None:
            return None
        failed = failed or error
    return None if failed is None else _unreadable(*failed, text, quote)


def _unreadable(line: int, exc: csv.Error, text: str = "", quote: str = '"') -> UnreadableFileError:
    """Python's csv module's error near `line`, worded for the analyst. A cell that outgrew the field limit is a
    quote opened and never closed: named at the line it opened on (_opened_quote), not thousands of lines on where
    the limit was reached (a quote opened on line 2 was reported near line 7,017, a normal row)."""
    why = str(exc)
    if "new-line character" in why:
        why = "a line break (carriage return) inside a cell that is not in quotes"
    elif "field larger than field limit" in why and text and (opened := _opened_quote(text, quote, line)):
        return UnreadableFileError(f"The file could not be read as CSV: the quote ({quote}) opened on line "
                                   f"{opened:,} is never closed, so every line after it reads as one cell. Close "
                                   "that quote (or remove it) and upload again.")
    return UnreadableFileError(f"The file could not be read as CSV near line {line:,}: {why}. Fix that line and "
                               "upload again.")


def _opened_quote(text: str, quote: str, until: int) -> int | None:
    """The line (1-based) where the quote still open after line `until` was opened, else None. A doubled quote
    inside a cell toggles twice: it leaves the state as it was."""
    inside, opened = False, None
    for no, ln in enumerate(text.split("\n", until)[:until], 1):
        for _ in range(ln.count(quote)):
            inside = not inside
            if inside:
                opened = no
    return opened if inside else None


def _delimiter(text: str, quote: str, escape: str, questions: Questions) -> tuple[str | None, int]:
    """The delimiter; asked (must confirm) when two split every record into the same number of fields, as
    "Name;Amount, EUR" over "Acme;12,50" does for both ',' and ';'. Proposed: not the comma, which also
    appears inside values as a decimal or thousands separator."""
    ranked = _candidates(text, quote, escape)
    if not ranked:
        return None, 1
    tied = [d for key, d in ranked if key == ranked[0][0]]
    if len(tied) < 2 and "delimiter" not in questions.answers:
        return ranked[0][1], ranked[0][0][1]
    proposal = next((d for d in tied if d != ","), tied[0])
    first = next((ln for ln in text.split("\n") if ln.strip()), "")[:200]
    answer = questions.ask(Question(
        "delimiter", "Which character separates the fields?", tuple(d for _, d in ranked),
        {d: DELIMITERS[d] for _, d in ranked}, proposal,
        f"The first line reads: {first!r}. " + "; ".join(
            f"{DELIMITERS[d]}: {w} fields in {share:.0%} of the first records" for (share, w), d in ranked),
        must_confirm=len(tied) > 1))
    chosen = answer if isinstance(answer, str) else proposal
    return chosen, next(w for (_, w), d in ranked if d == chosen)


def _preamble(text: str, most: int = 10) -> int:
    """Lines of title text above the table (a report name, an export date): the number of leading lines
    without a delimiter when the lines after them are delimited with the same number of fields (0: none)."""
    lines = text.lstrip("\ufeff").split("\n", 60)[:60]  # the 61st part is the rest of the file
    for k in range(1, min(most, len(lines) - 2) + 1):
        rest = [ln for ln in lines[k:] if ln.strip()]
        if len(rest) < 2:
            return 0
        d, width = _dialect("\n".join(rest))
        if d is not None and all(len(next(csv.reader([ln], delimiter=d))) == width for ln in rest[:20]
                                 if '"' not in ln):
            return k
    return 0


def _title_block(text: str, quote: str, escape: str) -> int:
    """Lines of a title block above the table and a blank line under it, the title written as cells ('Revenue
    report,Generated 2026-11-02' above a three-column table): the number of lines up to and including the blank
    line, when each title line has fewer fields than the rows below, which all have one width (0: none). Such a
    file was refused as rows of unequal width, its title line taken for the header."""
    lines = text.lstrip("\ufeff").split("\n", 40)[:40]
    blank = next((i for i, ln in enumerate(lines[:11]) if not ln.strip()), 0)
    below = [ln for ln in lines[blank + 1:] if ln.strip()][:20]
    if not blank or len(below) < 2:
        return 0
    d, width = _dialect("\n".join(below), quote, escape)
    if d is None or width < 2:
        return 0

    def fields(line: str) -> int:
        return len(next(csv.reader([line], delimiter=d, **_csv_kwargs(quote, escape)), []))
    title = [fields(ln) for ln in lines[:blank]]
    # a title with no delimiter at all is _preamble's; a line as wide as the table is a row, not a title
    if max(title) >= 2 and max(title) < width and all(fields(ln) == width for ln in below if quote not in ln):
        return blank + 1
    return 0


def _fixed_width(text: str) -> list[list[str]] | None:
    """Whitespace-aligned text (columns padded with spaces) split where a column of spaces runs through every
    line. None when the lines do not line up into as many columns as the header names; raises when a line after
    the sample breaks the alignment."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    body = [ln for ln in lines if ln.strip()]
    if len(body) < 2:
        return None
    sample = body[:1000]
    width = max(len(ln) for ln in sample)
    filled = [False] * width
    for ln in sample:
        for i, ch in enumerate(ln):
            if ch != " ":
                filled[i] = True
    starts = _column_starts(filled)
    if not _fits_header(starts, body[0]):
        return None  # a line of the sample fills a gap between the header's names
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    rows = []
    for no, ln in enumerate(lines, 1):
        if not ln.strip():
            continue
        if any(e - 1 < len(ln) and ln[e - 1] != " " for _, e in bounds[:-1]):
            raise UnreadableFileError(
                f"The file looks like whitespace-aligned text (columns padded with spaces), but line {no:,} "
                "does not line up with the columns of the lines above. Export it as CSV (comma- or "
                "tab-separated) instead.")
        rows.append([ln[s:e].strip() for s, e in bounds])
    return rows


def _column_starts(filled: list[bool]) -> list[int]:
    return [i for i, f in enumerate(filled) if f and (i == 0 or not filled[i - 1])]


def _fits_header(starts: list[int], header: str) -> bool:
    """Whether the column starts cut the header into its names (none empty, none holding a gap of spaces)."""
    head = header.strip()
    if len(starts) < 2 or len(starts) not in (len(head.split()), len(re.split(r" {2,}", head))):
        return False
    names = [header[s:e].strip() for s, e in zip(starts, [*starts[1:], None], strict=True)]
    return all(names) and not any("  " in n for n in names)


def _misaligned(text: str) -> int | None:
    """The first line after which the columns of spaces no longer cut the header into its names."""
    lines = text.lstrip("\ufeff").split("\n")
    no0 = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    header = lines[no0].rstrip()
    filled: list[bool] = []
    for no, ln in enumerate(lines[no0:no0 + 1001], no0 + 1):
        ln = ln.rstrip()
        filled += [False] * (len(ln) - len(filled))
        for i, ch in enumerate(ln):
            if ch != " ":
                filled[i] = True
        if not _fits_header(_column_starts(filled), header):
            return no if no > no0 + 1 else None
    return None


# ---- header ---------------------------------------------------------------------------------------
def _cells(row) -> list[str]:
    return ["" if v is None else str(v).strip() for v in row]


_IMPORT_ID = '{"importid"'
_SURVEYMONKEY_LABELS = ("Response", "Open-Ended Response")


def header_layout(head: list[list[str]]) -> tuple[int, list[str], dict[str, str], str]:
    """From the first rows: (number of header rows, column names, column -> question text, tool)."""
    r0 = head[0]
    for i in (1, 2):  # Qualtrics: a row of {"ImportId": …} JSON below the ids (and the question text)
        if i < len(head) and sum(c.replace(" ", "").lower().startswith(_IMPORT_ID) for c in head[i]) * 2 >= len(r0):
            labels = dict(zip(r0, head[1], strict=False)) if i == 2 else {}
            return i + 1, r0, labels, "Qualtrics"
    if len(head) > 1 and sum(bool(re.fullmatch(r"V\d+", c)) for c in r0) >= 3 \
            and any(normalise_header(c) == "responseid" for c in head[1]):  # legacy Qualtrics: V1…Vn over names
        names = [c1 if re.fullmatch(r"V\d+", c0) or not c0 else c0 for c0, c1 in zip(r0, head[1], strict=False)]
        return 2, names, dict(zip(names, head[1], strict=False)), "Qualtrics (legacy)"
    if len(head) > 1 and not head[1][0] and any(c in _SURVEYMONKEY_LABELS for c in head[1]):
        names, prev = [], ""
        for c0, c1 in zip(r0, head[1], strict=False):  # SurveyMonkey: question text over answer labels
            base = c0 or prev
            prev = base
            names.append(base if (c0 and c1 in ("", *_SURVEYMONKEY_LABELS)) else f"{base} - {c1}" if c1 else base)
        return 2, names, {}, "SurveyMonkey"
    return 1, r0, {}, "CSV"


_NUMBER = re.compile(r"[-+(]?[$€£¥]?\s?\d[\d,.'\u00a0 ]*%?\)?")
_DATE = re.compile(r"(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{4}-\d{2})([ T]\d{1,2}:\d{2}.*)?")
_KNOWN = {s for names in SYNONYMS.values() for s in names}


def _cell_class(cell: str) -> str | None:
    if not cell:
        return None
    if _DATE.fullmatch(cell):
        return "date"
    if _NUMBER.fullmatch(cell):
        return "number"
    if not re.search(r"\s", cell) and (("@" in cell and "." in cell) or (re.search(r"\d", cell)
                                                                        and re.search(r"[A-Za-z]", cell))):
        return "id"
    return "word"


def _first_row_evidence(head: list[list[str]]) -> tuple[bool, bool, str]:
    """(looks like data, some cells look like data, evidence in words) for the first row of a one-header CSV.
    Data: most cells are numbers, dates or ids, at least one a number or date, none is a known header name, and
    every word in it has a word below it too (a header 'customer' over 'c1' is a header)."""
    r0 = head[0]
    r1 = head[1] if len(head) > 1 else []
    classes = [_cell_class(c) for c in r0]
    filled = [k for k in classes if k]
    datalike = [k for k in filled if k != "word"]
    strong = [k for k in filled if k in ("number", "date")]
    known = [c for c in r0 if normalise_header(c) in _KNOWN]
    words_over_words = all(_cell_class(r1[i]) in ("word", None) for i, k in enumerate(classes)
                           if k == "word" and i < len(r1)) if r1 else True
    looks = bool(filled) and len(datalike) >= math.ceil(0.6 * len(filled)) and bool(strong) and not known \
        and words_over_words
    shown = ", ".join(f"'{c}' ({k})" for c, k in zip(r0[:8], classes[:8], strict=False) if k)
    evidence = (f"The first row reads: {shown}{' …' if len(r0) > 8 else ''}. "
                f"{len(datalike)} of {len(filled)} filled cells look like values (numbers, dates or ids)"
                + (f"; {', '.join(repr(k) for k in known[:3])} look like column names." if known else "."))
    return looks, bool(strong), evidence


def _unique_names(names: list[str], warnings: list[str]) -> list[str]:
    """Column names as DuckDB can hold them: blanks named column<i>, and a name that repeats an earlier one in
    any letter case (DuckDB, like most SQL, does not tell 'Score' from 'score') or a name the app reserves
    gets a visible suffix " (2)" and a warning, so no value is ever read from the wrong column."""
    used = {r.casefold() for r in RESERVED}
    out = []
    for i, name in enumerate(names):
        name = name or f"column{i + 1}"
        if name.casefold() in used:
            k = 2
            while f"{name} ({k})".casefold() in used:
                k += 1
            new = f"{name} ({k})"
            earlier = next((o for o in out if o.casefold() == name.casefold()), None)
            if name.casefold() in {r.casefold() for r in RESERVED} and earlier is None:
                why = f"'{name}' is a name the app uses for row numbers"
            elif earlier == name:
                why = f"the header has the column name '{name}' more than once"
            else:
                why = (f"'{name}' and '{earlier}' differ only in upper/lower case, which the database does not "
                       "tell apart")
            warnings.append(f"Column {i + 1} is called '{new}': {why}. Map the column you mean by its new name.")
            name = new
        used.add(name.casefold())
        out.append(name)
    return out


# ---- loading --------------------------------------------------------------------------------------
class _Careful(Exception):
    """The fast path met something only the careful path decides (and words) exactly: read the bytes instead."""


def read_table(con: duckdb.DuckDBPyConnection, text: str, questions: Questions | None = None,
               row_offset: int = 0, delimiter: str | None = None, path: Path | None = None) -> Inspection:
    """Load CSV text into temp table `raw` (all VARCHAR, plus `_row` = row number as in the file, the first
    header row being row 1; + `row_offset` for a sheet whose data starts lower down).

    With `path` (spool.scan() found the file plain: UTF-8, LF, no blank line), `text` is only the file's head,
    for the dialect and the header, and DuckDB reads the file itself; anything the head cannot settle raises
    _Careful."""
    questions = questions if questions is not None else Questions()
    warnings: list[str] = []
    if "\r" in text and path is None:  # one line ending for DuckDB, which is told the dialect instead of guessing it
        text = text.replace("\r\n", "\n") if "\n" in text else text.replace("\r", "\n")
    line_no, longest = _longest_line(text) if path is None else (0, 0)  # a path: spool.scan() checked every line
    if longest > MAX_LINE_BYTES:
        raise UnreadableFileError(f"Line {line_no:,} is {longest / 2**20:,.1f} MB long; no export row is that "
                                  "long. Is this really a CSV export?")
    width = None
    quote, escape = _quoting(text) if delimiter is None else ('"', '"')  # given: CSV written by csv.writer
    if path is not None and re.match(r"\ufeff?sep=", text):
        raise _Careful("Excel's sep= line")
    if delimiter is None and (hint := re.match(r"\ufeff?sep=(.)\n", text)):
        # Excel's "sep=;" first line names the delimiter; it is not part of the table.
        delimiter, text, row_offset = hint.group(1), text[hint.end():], row_offset + 1
    if delimiter is None and path is None and (skip := _title_block(text, quote, escape)):
        lines, text = text.split("\n", skip)[:skip], text.split("\n", skip)[skip]
        row_offset += skip
        shown = "; ".join(repr(ln.strip()[:60]) for ln in lines if ln.strip())
        warnings.append(f"The first {skip} line(s) of the file ({shown}) are a title above the table, not part of "
                        f"it, and were skipped; the header is line {skip + 1}. Row numbers are those of the file.")
    if delimiter is None:
        delimiter, width = _delimiter(text, quote, escape, questions)
    if delimiter is None and path is not None:
        raise _Careful("no delimiter")
    if delimiter is None and (error := _csv_error(text, quote, escape)):
        raise error
    if delimiter is None:
        first = next((ln for ln in text.lstrip("\ufeff").split("\n") if ln.strip()), "")
        # Space-aligned columns are tried first: its last column may hold commas that look like a delimiter.
        rows = _fixed_width(text.lstrip("\ufeff")) if len(first.split()) >= 2 else None
        if rows is not None:
            warnings.append(f"Read as whitespace-aligned text: {len(rows[0])} columns split where a column of "
                            "spaces runs through every line. Check the preview.")
            text = containers.rows_to_csv(rows)
            delimiter, width, quote, escape = ",", len(rows[0]), '"', '"'
        elif skip := _preamble(text):
            lines, text = text.split("\n", skip)[:skip], text.split("\n", skip)[skip]
            row_offset += skip
            shown = "; ".join(repr(ln.strip()[:60]) for ln in lines if ln.strip())
            warnings.append(f"The first {skip} line(s) of the file ({shown or 'blank'}) are not part of the table and "
                            f"were skipped; the header is line {skip + 1}. Row numbers are still those of the file.")
            delimiter, width = _dialect(text, quote, escape)
        elif len(first.split()) >= 2:
            bad = _misaligned(text)
            raise UnreadableFileError(
                "No comma, semicolon, tab or | separates the fields of this file, so it would be read as one "
                "single column, and its spaces do not line up into one column per header name"
                + (f" (line {bad:,} breaks the alignment of the lines above)" if bad else "")
                + ". Export the file as CSV (comma- or tab-separated) instead.")
        else:  # one column: no delimiter at all, so a comma inside a later value does not split it
            delimiter, width = "\x1f", 1
    if width is None:
        width = len(next(csv.reader(io.StringIO(text[:MAX_LINE_BYTES * 2]), delimiter=delimiter,
                                    **_csv_kwargs(quote, escape)), []) or [""])
    if width > MAX_COLUMNS:  # before DuckDB: a 10,000-column file is refused at once
        raise TooManyColumnsError(f"The file has {width:,} columns ({DELIMITERS.get(delimiter, delimiter)}-"
                                  f"separated); at most {MAX_COLUMNS:,} are accepted. Check the delimiter, or export "
                                  "only the columns you need.")
    if path is None and width > 1 and (footer := _report_footer(text, delimiter, quote, escape)):
        text, kept = footer
        warnings.append(f"The last lines of the file, below the table ({kept}), are a report's footer, not rows: "
                        "skipped.")
    try:
        rel = con.read_csv(str(path) if path is not None else io.BytesIO(text.encode("utf-8")), header=False,
                           sep=delimiter, quotechar=quote, escapechar=escape, auto_detect=False,
                           columns={f"c{i}": "VARCHAR" for i in range(width)})
        head = [_cells(r) for r in rel.limit(16).fetchall()]
    except duckdb.Error as exc:
        if path is not None:
            raise _Careful(str(exc)) from exc
        _check_rows(text, delimiter, quote, escape)
        first_line = str(exc).strip().splitlines()[0]
        raise UnreadableFileError(f"The file could not be read as CSV: {first_line}") from exc
    try:
        if not head:
            raise EmptyFileError("The file is empty.")
        titles = _title_rows(head)
        if titles:
            shown = "; ".join(repr(", ".join(c for c in r if c)[:60]) for r in head[:titles] if any(r))
            warnings.append(f"The first {titles} row(s) ({shown or 'blank'}) are above the table and were skipped; "
                            "the header is the next row. Row numbers are still those of the file.")
            head = head[titles:]
        n_header, names, labels, tool = header_layout(head[:4])
        if tool == "CSV":
            n_header, names = _header_row(head[:4], questions)
        blank_names = {i for i, c in enumerate(names) if not c}
        names = _unique_names(names, warnings)
        # every cell stripped of spaces, tabs and line breaks at its ends once, here: the checks then read the
        # columns bare (a 5M-row revenue file was stripped again in each of some 20 passes, ~0.15 s each)
        select = ", ".join(f"{stripped(quote_ident(src))} AS {quote_ident(name)}"
                           for src, name in zip(rel.columns, names, strict=True))
        # DuckDB skips blank lines between rows of a multi-column file; count them back so every _row is the
        # row number a text editor or spreadsheet shows (quoted cells spanning lines still count as one row).
        has_blank = path is None and width > 1 and ("\n\n" in text or text.startswith("\n"))
        blanks = _blank_records(text, delimiter, quote, escape) if has_blank else []
        shift = "0"
        if blanks:
            con.execute("CREATE OR REPLACE TEMP TABLE _blank_rows (n BIGINT)")
            con.executemany("INSERT INTO _blank_rows VALUES (?)", [[b - k] for k, b in enumerate(blanks)])
            shift = "(SELECT count(*) FROM _blank_rows b WHERE b.n <= t._n)"
        # A wide file is planned without the optimizer: its passes over one expression per column grew faster than
        # the columns (1,000 columns: 7 s to plan 50 rows). A narrow one keeps it: the 1M-row NPS file's load took
        # 0.4 CPU s more without it.
        if width > PLAN_WITHOUT_OPTIMIZER:
            con.execute("PRAGMA disable_optimizer")
        try:
            # The cells first, then each row's number from the rowid of that table: DuckDB keeps a file's order in
            # a table it creates, and reads it on both cores. row_number() OVER () ran on one core (the 5M-line
            # revenue file: 2.5 s, now about 2.0 s with the second core free; docs/performance.md).
            con.execute(f"CREATE OR REPLACE TEMP TABLE _cells AS SELECT {select} FROM rel")
            con.execute(f"CREATE OR REPLACE TEMP TABLE raw AS SELECT _n + {int(row_offset)} + {shift} AS _row, "
                        f"* EXCLUDE (_n) FROM (SELECT rowid + 1 AS _n, * FROM _cells) t "
                        f"WHERE _n > {titles + n_header}")
        finally:
            con.execute("DROP TABLE IF EXISTS _cells")
            con.execute("PRAGMA enable_optimizer")
    except IngestError:
        raise
    except duckdb.Error as exc:
        if path is not None and not isinstance(exc, duckdb.InterruptException):
            raise _Careful(str(exc)) from exc
        _check_rows(text, delimiter, quote, escape)
        first_line = str(exc).strip().splitlines()[0]
        raise UnreadableFileError(f"The file could not be read as CSV: {first_line}") from exc
    # Drop unnamed, empty trailing columns (spreadsheets add them for a trailing comma).
    empty = [names[i] for i in sorted(blank_names)
             if con.execute(f"SELECT count(nullif({quote_ident(names[i])}, '')) FROM raw").fetchone()[0] == 0]
    for c in empty:
        con.execute(f"ALTER TABLE raw DROP COLUMN {quote_ident(c)}")
    columns = [c for c in names if c not in empty]
    labels = {c: v for c, v in labels.items() if c in columns and v and v != c}
    # Trailing empty rows: every cell blank.
    blank = " AND ".join(_blank(quote_ident(c)) for c in columns)
    con.execute(f"DELETE FROM raw WHERE {blank}")
    if con.execute("SELECT count(*) FROM raw").fetchone()[0] == 0:
        raise EmptyFileError(f"The file has a header ({len(columns):,} columns: "
                             + ", ".join(columns[:6]) + (" …" if len(columns) > 6 else "") + ") but no data rows.")
    signature = hashlib.sha256("\x1f".join(columns).encode()).hexdigest()
    kind = "nps" if tool != "CSV" else _guess_kind(columns, labels)
    sub_ids = next((c for c in columns if normalise_header(c) == "id" and con.execute(
        f"SELECT bool_and(starts_with({quote_ident(c)}, 'sub_')) FROM raw WHERE NOT {_blank(quote_ident(c))}"
    ).fetchone()[0]), None)
    return Inspection(columns, labels, n_header, tool, signature, kind, sub_ids,
                      delimiter="" if delimiter == "\x1f" else delimiter, warnings=warnings)


def _title_rows(head: list[list[str]]) -> int:
    """Rows of title text above a table (a report name in the first cell, the rest empty, as a spreadsheet saves
    it): how many lead the file before the first row with two or more filled cells. Only for tables at least
    three columns wide, where a header with a single name is implausible."""
    if not head or len(head[0]) < 3:
        return 0

    def filled(row: list[str]) -> int:
        return sum(bool(c) for c in row)
    for k, row in enumerate(head[:11]):
        if filled(row) >= 2:
            # a title block of several cells ('Revenue report', 'Generated 2026-11-02') closed by a blank row, the
            # table below it wider: the title was taken for the header ("no column for customer id")
            blank = next((j for j in range(k + 1, min(k + 6, len(head))) if not filled(head[j])), None)
            if blank is not None and blank + 2 < len(head) and \
                    max(filled(r) for r in head[k:blank]) < filled(head[blank + 1]) <= filled(head[blank + 2]) + 1:
                return blank + 1
            return k if k < len(head) - 1 else 0
    return 0


def _blank_records(text: str, delimiter: str, quote: str, escape: str) -> list[int]:
    """Record numbers (counting blank lines as records) of the blank lines outside quoted cells."""
    out = []
    for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter, **_csv_kwargs(quote, escape)), 1):
        if not row:
            out.append(n)
    return out


def _header_row(head: list[list[str]], questions: Questions) -> tuple[int, list[str]]:
    """Whether the first row is the header. Asked when it looks like data (must confirm: a purchase log without
    a header would otherwise lose its first purchase and name columns after its values) or partly does."""
    looks, partly, evidence = _first_row_evidence(head)
    if not (looks or partly or "header_row" in questions.answers):
        return 1, head[0]
    width = len(head[0])
    answer = questions.ask(Question(
        "header_row", "Is the first row of the file a header (column names) or already data?", ("header", "data"),
        {"header": "a header with column names", "data": f"data: no header (columns named column1…column{width})"},
        "data" if looks else "header", evidence, must_confirm=looks))
    if (answer or ("data" if looks else "header")) == "data":
        return 0, [f"column{i + 1}" for i in range(width)]
    return 1, head[0]


def _csv_kwargs(quote: str, escape: str) -> dict:
    return {"quotechar": quote, "doublequote": escape == quote, "escapechar": None if escape == quote else escape}


def _report_footer(text: str, delimiter: str, quote: str, escape: str) -> tuple[str, str] | None:
    """A formatted report's footer under its table (Salesforce: a blank line, "Grand Totals (10 records)",
    "Generated By: …", "Copyright (c) … salesforce.com"): lines of one field each below a blank line, refused
    before as rows with too few fields. (The text without them, the footer's first lines) or None."""
    lines = text.rstrip("\n").split("\n")
    start = len(lines)
    while start > 1 and len(next(csv.reader([lines[start - 1]], delimiter=delimiter,
                                             **_csv_kwargs(quote, escape)), [""])) <= 1:
        start -= 1
    footer = lines[start:]
    said = [ln.strip().strip(quote).strip() for ln in footer if ln.strip().strip(quote).strip()]
    # the footer begins under a blank line (the table's end) and says something; the table keeps its header row
    if not said or start < 2 or lines[start].strip().strip(quote).strip():
        return None
    return "\n".join(lines[:start]) + "\n", "; ".join(repr(t[:60]) for t in said[:2]) + (" …" if len(said) > 2 else "")


def _check_rows(text: str, delimiter: str, quote: str = '"', escape: str = '"') -> None:
    """After DuckDB refused the file: name the first row whose number of fields differs from the header's
    (often an unclosed quote or unquoted delimiters)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter, **_csv_kwargs(quote, escape))
    try:
        width = len(next((r for r in reader if r), []))
        for row in reader:
            if row and len(row) != width:
                hint = f" An unclosed quote ({quote}) makes a cell run on over the following lines." \
                    if any(quote in c or "\n" in c for c in row) else ""
                raise UnreadableFileError(
                    f"The rows do not have the same number of fields: the record ending on line {reader.line_num:,} "
                    f"has {len(row)} where the header has {width} ({DELIMITERS.get(delimiter, delimiter)}-separated)."
                    f"{hint} Fix that row and upload again.")
    except csv.Error as exc:
        raise _unreadable(reader.line_num, exc, text, quote) from exc


def _quoting(text: str) -> tuple[str, str]:
    """(quote, escape) of a CSV text: the standard double quote doubled inside a cell; a backslash escape when
    cells hold \\" and never ""; single quotes when no double quote appears and most cells are 'wrapped'."""
    sample = text[:DIALECT_SAMPLE]
    if '"' in sample:
        doubled = re.search(r'(?<![\\,;\t|\n])""(?![,;\t|\n])', sample)  # "" inside a cell, not an empty cell
        return ('"', "\\") if '\\"' in sample and not doubled else ('"', '"')
    if "'" in sample:
        cells = [c for ln in sample.split("\n")[1:51] for c in re.split(r"[,;\t|]", ln) if c.strip()]
        wrapped = sum(len(c.strip()) > 1 and c.strip()[0] == c.strip()[-1] == "'" for c in cells)
        if cells and wrapped * 2 >= len(cells):
            return "'", "'"
    return '"', '"'


# "é" written as UTF-8 (C3 A9), read as Windows-1252 ("Ã©") and saved as UTF-8 again: Ã or Â followed by what
# the second byte of a two-byte UTF-8 character (0x80–0xBF) becomes in Windows-1252.
_TWICE_SECOND = "\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e" \
    "\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(f"[A-Za-z]?[ÃÂ][{_TWICE_SECOND}][A-Za-z]?")


def _rows_matching(con: duckdb.DuckDBPyConnection, columns: list[str]) -> list[int]:
    pattern = f"[ÃÂ][{_TWICE_SECOND}]"
    cond = " OR ".join(f"regexp_matches({quote_ident(c)}, ?)" for c in columns)
    return [r for (r,) in con.execute(f"SELECT _row FROM raw WHERE {cond} ORDER BY _row LIMIT 5",
                                      [pattern] * len(columns)).fetchall()]


def _rows_with(con: duckdb.DuckDBPyConnection, columns: list[str], needle: str) -> list[int]:
    cond = " OR ".join(f"contains({quote_ident(c)}, ?)" for c in columns)
    return [r for (r,) in con.execute(f"SELECT _row FROM raw WHERE {cond} ORDER BY _row LIMIT 5",
                                      [needle] * len(columns)).fetchall()]


Source = bytes | str | os.PathLike


def load(con: duckdb.DuckDBPyConnection, data: Source, file_name: str = "",
         questions: Questions | None = None, scratch: str | os.PathLike | None = None) -> Inspection:
    """The whole read stage: size limit, container (gzip, workbook), decoding, dialect and header, into temp
    table `raw`. Questions go to `questions` (an unanswered must-confirm one leaves the proposal in place here;
    prepare() settles before going on).

    `data` is the file's bytes or its path. A path is never read into memory when spool.scan() finds it plain
    (DuckDB reads it; `scratch` holds a CRLF file's LF copy meanwhile); otherwise its bytes take the careful
    path below, exactly as if they had been passed."""
    questions = questions if questions is not None else Questions()
    if not isinstance(data, bytes | bytearray | memoryview):
        path = Path(data)
        _check_size_n(path.stat().st_size)
        with path.open("rb") as f:
            sniffed = containers.sniff(f.read(16))
        found = spool.scan(path, MAX_LINE_BYTES, sniffed)
        if found.fast:
            asked = list(questions.asked)
            try:
                seen = _load_plain(con, found, file_name, questions, scratch)
                seen.sha256 = found.sha256
                return seen
            except _Careful:
                questions.asked = asked  # the careful path asks again, in its own order
        return _load_bytes(con, path.read_bytes(), file_name, questions, scratch)
    return _load_bytes(con, bytes(data), file_name, questions, scratch)


def _name_notes(file_name: str, container: str) -> list[str]:
    lower = file_name.lower()
    if lower.endswith(containers.WORKBOOK_NAMES):
        return [f"The file is named '{file_name}' but holds text, not a workbook; it was read as text."]
    if lower.endswith(".gz") and container == "text":
        return [f"The file is named '{file_name}' but is not gzip-compressed; it was read as text."]
    return []


def _load_plain(con: duckdb.DuckDBPyConnection, found: spool.Scan, file_name: str, questions: Questions,
                scratch, name_notes: bool = True) -> Inspection:
    copy = spool.normalised_copy(found.path, scratch) if found.crlf else None
    try:
        seen = read_table(con, found.head, questions, path=copy or found.path)
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)
    seen.container, seen.encoding = "text", "UTF-8"
    seen.warnings = (_name_notes(file_name, "text") if name_notes else []) + seen.warnings
    seen.questions = list(questions.asked)
    return seen


def _transcoded(con: duckdb.DuckDBPyConnection, text: str, file_name: str, questions: Questions,
                scratch) -> Inspection | None:
    """Decoded text (another encoding, or gzip) read the fast way: written as UTF-8 to a scratch file that DuckDB
    reads, when spool.scan() finds that file plain (then the careful path would hand DuckDB the very same text).
    None when it is not: the caller reads the text the careful way. A 5M-line Windows-1252 file: 30 s → 9 s."""
    fd, name = tempfile.mkstemp(prefix="cx_utf8_", suffix=".csv", dir=scratch)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for i in range(0, len(text), spool.CHUNK):  # in chunks: never a second whole copy of the file
                out.write(text[i:i + spool.CHUNK].encode("utf-8"))
        found = spool.scan(path, MAX_LINE_BYTES, "text")
        if not found.fast:
            return None
        asked = list(questions.asked)
        try:
            return _load_plain(con, found, file_name, questions, scratch, name_notes=False)  # the caller's notes
        except _Careful:
            questions.asked = asked
            return None
    finally:
        path.unlink(missing_ok=True)


def _load_bytes(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, questions: Questions,
                scratch=None) -> Inspection:
    _check_size(data)
    sha256 = hashlib.sha256(data).hexdigest()
    notes: list[str] = []
    what = containers.sniff(data)
    container = "text"
    if what == "gzip":
        data = containers.gunzip(data, MAX_UPLOAD_BYTES)
        container, what = "gzip", containers.sniff(data)
        if what == "gzip":
            raise UnreadableFileError("The file is gzip-compressed twice; unpack it once and upload the result.")
        notes.append(f"Unpacked from gzip ({len(data) / 2**20:,.1f} MB unpacked).")
    if what in ("zip", "ole"):
        sheet = containers.read_workbook(data, questions, MAX_COLUMNS)
        seen = read_table(con, containers.rows_to_csv(sheet.rows), questions, sheet.first_row - 1, ",")
        seen.container, seen.sheet, seen.encoding, seen.delimiter = "workbook", sheet.name, "", ""
        seen.date1904 = sheet.date1904
        seen.format_signs = {seen.columns[i]: s for i, s in sheet.signs.items() if i < len(seen.columns)}
        seen.hidden_columns = [seen.columns[i] for i in sorted(sheet.hidden_columns) if i < len(seen.columns)]
        notes += sheet.warnings
    else:
        notes += _name_notes(file_name, container)
        decoded = decode_bytes(data, questions)
        seen = (None if decoded.stray else _transcoded(con, decoded.text, file_name, questions, scratch)) \
            or read_table(con, decoded.text, questions)
        seen.container, seen.encoding = container, decoded.encoding
        notes += decoded.warnings
        if decoded.stray:
            rows = _rows_with(con, seen.columns, "\ufffd") if decoded.choice == "utf-8" else []
            where = (("row " if len(rows) == 1 else "rows ") + ", ".join(f"{r:,}" for r in rows)) if rows \
                else _lines_text(_stray_lines(data))
            how = "shown as �" if decoded.choice == "utf-8" else "read as Windows-1252"
            notes.append(f"{decoded.stray:,} byte(s) are not valid UTF-8 ({where}); they were {how}. The rest of "
                         "the file is UTF-8. If it mixes encodings, choose how to read them in the encoding question.")
        # The plain look-up first: the pattern's optional leading letter makes every position a start (2 s on
        # a 5M-line file without one Ã or Â).
        if (("Ã" in decoded.text or "Â" in decoded.text) and (twice := _MOJIBAKE.search(decoded.text))
                and (rows := _rows_matching(con, seen.columns))):
            notes.append(f"Some text looks like UTF-8 that was decoded twice before the file was written (e.g. "
                         f"'{twice.group()}' where 'é' or similar was meant), first in row(s) "
                         + ", ".join(f"{r:,}" for r in rows) + ". It is stored as it is in the file; fix the export "
                         "if those names or comments matter.")
        if not decoded.stray and "\ufffd" in decoded.text and (rows := _rows_with(con, seen.columns, "\ufffd")):
            notes.append("Some text holds the replacement character � (a character lost before or while the file "
                         "was written), first in row(s) " + ", ".join(f"{r:,}" for r in rows) + ".")
    seen.warnings = notes + seen.warnings
    seen.questions = list(questions.asked)
    seen.sha256 = sha256
    return seen


def inspect(data: Source, file_name: str = "", answers: dict | None = None) -> Inspection:
    """Header rows, columns, detected kind and read-level questions of a file, for the mapping step.
    Raises IngestError."""
    con = duckdb.connect()
    try:
        return load(con, data, file_name, Questions(answers))
    finally:
        con.close()


def _size_text(n: int) -> str:
    """Megabytes with as many decimals as it takes to differ from the limit (never "200 MB > 200 MB")."""
    limit = MAX_UPLOAD_BYTES / 2**20
    for d in range(1, 7):
        text = f"{n / 2**20:,.{d}f}"
        if float(text.replace(",", "")) != limit:
            return text
    return f"{n / 2**20:,.6f}"


def _check_size(data: bytes) -> None:
    _check_size_n(len(data))


def _check_size_n(n: int) -> None:
    if n > MAX_UPLOAD_BYTES:
        raise FileTooLargeError(f"The file is {_size_text(n)} MB ({n:,} bytes); the limit is "
                                f"{MAX_UPLOAD_BYTES / 2**20:,.0f} MB ({MAX_UPLOAD_BYTES:,} bytes).")
