"""A file on disk (the upload spooled, or metrics.load's FILE) gives exactly what its bytes give.

prepare(path) lets DuckDB read a plain UTF-8 file directly (spool.scan); anything else falls back to reading the
bytes. Where the two paths could differ, these tests prove they do not: every file of the hostile corpus and every
real export, once as bytes and once as a path, gives the same canonical rows, warnings, questions and hash, or the
same typed refusal.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import TODAY
from test_hostile import CORPUS

from metrics import ingest
from metrics.errors import DuplicateRowsError, IngestError, TooManyColumnsError
from metrics.ingest import spool
from metrics.ingest.read import MAX_LINE_BYTES

# ../shared/real_exports beside the main checkout (tests/ingest is two levels down; a worktree one more)
REAL = next((p / "shared" / "real_exports" for p in Path(__file__).resolve().parents[2:5]
             if (p / "shared" / "real_exports").exists()), None)
REAL_FILES = sorted(REAL.glob("*.csv")) if REAL else []
REAL_KINDS = {"telco_churn_ibm.csv": ("revenue", {"as_of": TODAY, "answers": {"tenure_unit:tenure": "months"}}),
              "nps_survey_usage.csv": ("nps", {}), "nps_miro.csv": ("nps", {"as_of": TODAY}),
              "saas_ravenstack_subscriptions.csv": ("revenue", {}), "saas_ravenstack_accounts.csv": ("customers", {}),
              "saas_ravenstack_support_tickets.csv": ("tickets", {}), "superstore_sales.csv": ("revenue", {}),
              "tickets_zendesk_fivetran_ticket_seed.csv": ("tickets", {}),
              "tickets_kaggle_customer_support_dayfirst.csv": ("tickets", {})}


def outcome(source, kind, options, name="upload.csv"):
    try:
        return ingest.prepare(source, name, ingest.Options(kind=kind, today=TODAY, **options))
    except IngestError as exc:
        return exc


def assert_same(from_bytes, from_path):
    assert type(from_bytes) is type(from_path)
    if isinstance(from_bytes, IngestError):
        assert str(from_bytes) == str(from_path)
        assert [q.key for q in getattr(from_bytes, "asked", [])] == [q.key for q in getattr(from_path, "asked", [])]
        a, b = getattr(from_bytes, "report", None), getattr(from_path, "report", None)
        assert (a is None) == (b is None)
        if a is not None:
            assert (a.total_rows, a.rejected_rows) == (b.total_rows, b.rejected_rows)
            pd.testing.assert_frame_equal(a.rejected, b.rejected)
        return
    pd.testing.assert_frame_equal(from_bytes.rows, from_path.rows)
    for attr in ("kind", "sha256", "mapping", "warnings", "first_date", "last_date", "layout", "date_formats",
                 "answers", "as_of", "churn_known_from"):
        assert getattr(from_bytes, attr) == getattr(from_path, attr), attr
    assert [q.key for q in from_bytes.questions] == [q.key for q in from_path.questions]
    assert from_bytes.inspection.encoding == from_path.inspection.encoding
    assert from_bytes.inspection.columns == from_path.inspection.columns


@pytest.mark.parametrize(("name", "data", "kind", "options"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_hostile_file_gives_the_same_answer_from_disk(tmp_path, name, data, kind, options):
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    assert_same(outcome(data, kind, options), outcome(path, kind, options))


@pytest.mark.skipif(not REAL_FILES, reason="the shared real exports are not on this machine")
@pytest.mark.parametrize("path", REAL_FILES, ids=[p.name for p in REAL_FILES])
def test_a_real_export_gives_the_same_rows_from_disk(path):
    kind, options = REAL_KINDS.get(path.name, (None, {}))
    from_bytes = outcome(path.read_bytes(), kind, options, path.name)
    from_path = outcome(path, kind, options, path.name)
    assert_same(from_bytes, from_path)


def test_the_fast_path_is_taken_for_plain_files_only(tmp_path):
    def scan(data: bytes) -> spool.Scan:
        path = tmp_path / "f.csv"
        path.write_bytes(data)
        return spool.scan(path, MAX_LINE_BYTES, "gzip" if data[:2] == b"\x1f\x8b" else "text")

    plain = b"customer_id,month,mrr\nc1,2026-01,5\n"
    found = scan(plain)
    assert found.fast and not found.crlf and found.head == plain.decode()
    assert found.sha256 == hashlib.sha256(plain).hexdigest()
    found = scan(plain.replace(b"\n", b"\r\n"))
    assert found.fast and found.crlf and found.head == plain.decode()  # the head as DuckDB will read it
    assert scan(codecs.BOM_UTF8 + plain).fast
    for data, reason in ((plain + "c2,2026-02,Café\n".encode("cp1252"), "bytes that are not UTF-8"),
                         (plain + b"\nc2,2026-02,6\n", "blank lines"),
                         (b"\n" + plain, "blank lines"),
                         (plain.replace(b"\n", b"\r"), "a carriage return that does not end a line"),
                         (plain + b"c2,2026-02,\x00\n", "NUL bytes"),
                         (codecs.BOM_UTF16_LE + plain.decode().encode("utf-16-le"), "a UTF-16 byte-order mark"),
                         (plain + "c2,2026-02,CafÃ©\n".encode(),
                          "text read.py comments on (� or doubly decoded UTF-8)"),
                         (gzip.compress(plain), "a gzip container"),
                         (b"a,b\n" + b"x" * (MAX_LINE_BYTES + 1) + b",1\n", "a line longer than the limit")):
        found = scan(data)
        assert not found.fast and found.reason == reason, reason


def test_a_crlf_pair_split_across_chunks_is_one_line_end(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "CHUNK", 7)  # "a,b\r\n1,2\r\n…": every few chunks end on the CR of a CRLF
    data = b"customer_id,month,mrr\r\n" + b"".join(b"c%d,2026-01,%d\r\n" % (i, i) for i in range(1, 40))
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    found = spool.scan(path, MAX_LINE_BYTES, "text")
    assert found.fast and found.crlf and found.head == data.decode().replace("\r\n", "\n")
    copy = spool.normalised_copy(path, tmp_path)
    assert copy.read_bytes() == data.replace(b"\r\n", b"\n")
    assert_same(outcome(data, "revenue", {}), outcome(path, "revenue", {}))


def test_a_plain_file_is_read_by_duckdb_not_decoded_in_python(tmp_path, monkeypatch):
    from metrics.ingest import read

    def refuse(*_args, **_kwargs):
        raise AssertionError("the whole file was decoded in Python")

    monkeypatch.setattr(read, "decode_bytes", refuse)
    path = tmp_path / "revenue.csv"
    path.write_bytes(b"customer_id,month,mrr\r\nc1,2026-01,5\r\nc2,2026-02,7\r\n")
    p = ingest.prepare(path, path.name, ingest.Options(kind="revenue", today=TODAY))
    assert p.rows.customer_id.tolist() == ["c1", "c2"] and [float(x) for x in p.rows.mrr] == [5.0, 7.0]
    assert not list(tmp_path.glob("cx_upload_*"))  # the LF copy of a CRLF file is gone afterwards


def test_hostile_sizes_from_disk_are_answered_within_ten_seconds(tmp_path):
    """The issue's three cases, as files on disk: 1M identical rows, subscriptions starting in 1970, 10,000
    columns. Timed in CPU seconds of this process (DuckDB's threads included), so a machine busy with other
    work does not fail it; the wall time on a quiet machine is in docs/performance.md."""
    same = tmp_path / "identical.csv"
    same.write_bytes(b"customer_id,start_date\n" + b"c1,2026-01-05\n" * 1_000_000)
    subs = tmp_path / "subs.csv"
    subs.write_text("id,Customer ID,Status,Start (UTC),Ended At (UTC),Amount\n"
                    + "".join(f"sub_{i},cus_{i},active,1970-01-01,,{10 + i % 90}\n" for i in range(12_000)))
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n")
    results = {}
    for path, kind, expected in ((same, "customers", DuplicateRowsError), (subs, "revenue", IngestError),
                                 (wide, "revenue", TooManyColumnsError)):
        started = time.process_time()
        # the subscriptions' unit answered ('cus_' ids beside whole amounts ask it first): the span check is reached
        results[path] = outcome(path, kind, {"as_of": TODAY, "answers": {"amount_unit:Amount": "units"}}
                                if path is subs else {})
        assert time.process_time() - started < 10, path.name
        assert isinstance(results[path], expected), (path.name, results[path])
    report = results[same].report
    assert report.rejected_rows == 999_999 and report.total_rows == 1_000_000
    assert len(report.rejected) == 1000 and report.capped  # the download: the first 1,000 rows of each problem
    assert report.rejected["file row"].tolist() == list(range(3, 1003))
    assert "more than 50 years before the as-of date" in str(results[subs])


@pytest.mark.parametrize("chunk", [3, 4, 5, 7, 11])
def test_non_ascii_text_is_seen_at_any_chunk_edge(tmp_path, monkeypatch, chunk):
    """An ASCII chunk skips the UTF-8 and mojibake checks; a multi-byte letter, a doubly decoded one or a broken
    sequence split by a chunk edge anywhere is still found (valid UTF-8 stays fast)."""
    monkeypatch.setattr(spool, "CHUNK", chunk)
    head = b"customer_id,month,mrr,name\n" + b"".join(b"c%d,2026-01,%d,plain\n" % (i, i) for i in range(1, 9))
    cases = ((head + "c9,2026-02,3,Café Zoë\n".encode(), True, ""),
             (head + "c9,2026-02,3,CafÃ©\n".encode(), False, "text read.py comments on (� or doubly decoded UTF-8)"),
             (head + b"c9,2026-02,3,Caf\xe9\n", False, "bytes that are not UTF-8"),
             (head + b"c9,2026-02,3,Caf\xc3", False, "bytes that are not UTF-8"))  # cut mid-letter at the end
    for i, (data, fast, reason) in enumerate(cases):
        path = tmp_path / f"f{i}.csv"
        path.write_bytes(data)
        found = spool.scan(path, MAX_LINE_BYTES, "text")
        assert (found.fast, found.reason) == (fast, reason), (chunk, data[-12:])
