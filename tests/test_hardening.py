"""Hardening: the workspace connection refuses files, network, extensions and SET; timestamps are UTC; user
text renders literally in Markdown; the upload limit and XSRF protection are configured."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tomllib

import duckdb
import pytest
from conftest import REFERENCE, ROOT, prepare_file
from hypothesis import example, given
from hypothesis import strategies as hs

import safetext
from metrics import ingest, lockdown
from metrics.errors import IngestError
from metrics.store import Workspace

REFUSED = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "COPY (SELECT 1 AS x) TO '{tmp}/out.csv'",
    "COPY uploads TO '{tmp}/uploads.parquet' (FORMAT parquet)",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET memory_limit = '64GB'",
    "SET threads = 64",
    "SET autoload_known_extensions = true",
    "SET TimeZone = 'UTC'",
    "RESET enable_external_access",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_workspace_cursor_refuses_external_access_and_settings(sql, tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    try:
        with pytest.raises((duckdb.PermissionException, duckdb.InvalidInputException)):
            ws.cursor().execute(sql.format(tmp=tmp_path))
        assert not (tmp_path / "out.csv").exists() and not (tmp_path / "uploads.parquet").exists()
        assert not (tmp_path / "other.duckdb").exists()
    finally:
        ws.close()


def test_settings_are_explicit_and_the_store_still_works(tmp_path):
    ws = Workspace(tmp_path / "ws.duckdb")
    try:
        cur = ws.cursor()
        got = dict(cur.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'enable_external_access', "
            "'lock_configuration', 'autoload_known_extensions', 'autoinstall_known_extensions', 'memory_limit', "
            "'allocator_flush_threshold', 'allocator_background_threads')"
        ).fetchall())
        assert got["allocator_flush_threshold"] in ("32.0 MiB", "30.5 MiB", "32MB"), got["allocator_flush_threshold"]
        assert got["allocator_background_threads"] == "true"
        assert got["threads"] == str(lockdown.DEFAULT_THREADS)
        assert got["enable_external_access"] == "false" and got["lock_configuration"] == "true"
        assert got["autoload_known_extensions"] == "false" and got["autoinstall_known_extensions"] == "false"
        assert re.match(r"244\.1 MiB|256\.0 MB|256MB", got["memory_limit"]), got["memory_limit"]
        # Every write path works locked: commit (registers an in-memory frame), roll back, delete, presets.
        first = ws.commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
        ws.commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
        ws.rollback(first.versions["revenue"])
        ws.save_preset("sig", "name", "revenue", {"mapping": {}})
        assert ws.preset("sig")["name"] == "name"
        assert ws.delete_version(2) == [2]
    finally:
        ws.close()


def test_a_second_workspace_on_an_open_file_shares_the_locked_instance(tmp_path):
    """Streamlit's "Clear caches" drops the cached Workspace while it is still alive; the next run opens the file
    again and DuckDB hands it the same (locked) instance: it opens, still locked, with the first one's data."""
    first = Workspace(tmp_path / "ws.duckdb")
    first.commit([prepare_file(REFERENCE / "revenue.csv", "revenue").to_upload()])
    second = Workspace(tmp_path / "ws.duckdb")
    try:
        assert second.snapshot().snapshot == 1
        with pytest.raises(duckdb.InvalidInputException):
            second.cursor().execute("SET enable_external_access = true")
        first.close()
        assert second.cursor().execute("SELECT count(*) FROM uploads").fetchone()[0] == 1
    finally:
        second.close()


@pytest.mark.parametrize("memory, threads", [("2GB; DROP TABLE uploads", 2), ("lots", 2), ("1GB", 0), ("1GB", 999)])
def test_lock_settings_are_checked(memory, threads):
    with pytest.raises(ValueError):
        lockdown.settings(memory, threads)


def test_timestamps_are_stored_in_utc_whatever_the_server_zone(tmp_path):
    """Run the store in a process whose local zone is UTC+14: the recorded times must still be UTC."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + '/tests')\n"
        "from conftest import REFERENCE, prepare_file\n"
        "from metrics.store import Workspace\n"
        "ws = Workspace(sys.argv[2])\n"
        "ws.commit([prepare_file(REFERENCE / 'revenue.csv', 'revenue').to_upload()])\n"
        "print(ws.upload_info(1)['uploaded_at'].isoformat()); print(ws.snapshot().created_at.isoformat())\n"
    )
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    out = subprocess.run([sys.executable, "-c", script, str(ROOT), str(tmp_path / "tz.duckdb")], check=True,
                         capture_output=True, text=True, env={**os.environ, "TZ": "Pacific/Kiritimati"}).stdout
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for line in out.split():
        stamp = dt.datetime.fromisoformat(line)
        assert before - dt.timedelta(seconds=1) <= stamp <= after + dt.timedelta(seconds=1), (stamp, before)


# ---- Markdown escaping ---------------------------------------------------------------------------------
def literal(escaped: str) -> str:
    """What a CommonMark renderer shows for escaped text: each backslash escape resolved, word joiners unseen."""
    return re.sub(r"\\(.)", r"\1", escaped).replace(safetext.WORD_JOINER, "")


CORPUS = [
    "![b](http://host/beacon.png)",
    "**[x](https://evil.example/p)** :material/warning:",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<https://auto.example>",
    "https://bare.example/path www.bare.example mail@evil.example",
    "[click](javascript:alert(1))",
    "javascript:alert(document.cookie)",
    "'; DROP TABLE uploads; --",
    "\" OR 1=1 --",
    "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
    "$x^2$ and $$\\int$$",
    ":smile: :red[alert] :blue-background[x] :streamlit:",
    "# heading\n- item\n1. one\n> quote\n---",
    "| a | b |\n|---|---|",
    "`code` ```fence```",
    "&amp; &lt;b&gt;",
    "back\\slash\\*",
    "~~strike~~ _em_ __strong__",
]


@pytest.mark.parametrize("text", [*CORPUS, "x :material/warning: y", "=1+2\n-3\n+4\n12) x\n12. y\n***"])
def test_md_escape_renders_the_characters_themselves(text):
    out = safetext.md_escape(text)
    assert literal(out) == text
    # No Markdown, HTML, LaTeX or directive syntax character survives unescaped, nor a block marker at a line start.
    bare = out.replace("\\\\", "x")  # an escaped backslash is a literal character where it stands (e.g. line start)
    assert re.search(r"(?<!\\)[`*_{}\[\]()#+!|<>~$&]", bare) is None
    assert re.search(r"^\s*([-=]|\d+[.)])", bare, re.MULTILINE) is None
    # Patterns found in parsed text (URLs, e-mails, shortcodes) are broken by a word joiner.
    shown = out.replace("\\", "")
    assert not re.search(r"https?://|www\.|\w@\w|:[\w+-]+:|:material/|--", shown)


def test_md_escape_shows_invisible_and_direction_characters():
    out = safetext.md_escape("invoice\u202efdp.exe\u200b\u2066x\u2069\x00\ufeff")
    assert literal(out) == "invoice[U+202E]fdp.exe[U+200B][U+2066]x[U+2069][U+0000][U+FEFF]"
    assert not any(ch in out for ch in "\u202e\u200b\u2066\u2069\x00\ufeff")
    assert literal(safetext.md_escape("tab\there\r\nnext")) == "tab here\nnext"


def test_ui_md_escape_is_the_safe_one():
    import ui

    assert ui.md_escape("![b](http://host/beacon.png)") == safetext.md_escape("![b](http://host/beacon.png)")


# ---- configuration -------------------------------------------------------------------------------------
def test_upload_limit_and_xsrf_are_configured():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] * 2**20 == ingest.MAX_UPLOAD_BYTES  # the server refuses larger
    with pytest.raises(IngestError, match="MB"):
        ingest.inspect(b"a" * (ingest.MAX_UPLOAD_BYTES + 1))


def test_secrets_stay_out_of_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT).returncode
    assert ignored == 0
    example = (ROOT / ".streamlit" / "secrets.example.toml").read_text()
    assert "[auth]" in example and "[access" in example


def test_md_escape_leaves_ordinary_text_readable():
    """Dates, ranges, times, commas and quotes need no escape (checked in chromium), so messages stay as written."""
    assert safetext.md_escape("vs version 2: -19,970 rows, 2026-04-03 to 2026-06-05; 'a' \"b\" 50%") == \
        "vs version 2: -19,970 rows, 2026-04-03 to 2026-06-05; 'a' \"b\" 50%"
    assert safetext.md_escape("NPS +50") == "NPS \\+50"


@given(hs.text(alphabet=hs.sampled_from("ab1 :/@.-=+*_[]()!<>&$#`~|{}\\\n\t\u202e\u200bw"), max_size=40))
@example(":\\/")  # a user's own backslash between ':' and '/': shown as typed, no ':/' link syntax
def test_md_escape_keeps_every_character_and_leaves_no_syntax(text):
    out = safetext.md_escape(text)
    assert literal(out) == "".join(safetext._visible(ch) for ch in text)
    bare = out.replace("\\\\", "x")  # an escaped backslash is a literal character where it stands (e.g. line start)
    assert re.search(r"(?<!\\)[`*_{}\[\]()#+!|<>~$&]", bare) is None
    assert re.search(r"^\s*([-=]|\d+[.)])", bare, re.MULTILINE) is None
    # the escape backslashes removed; an escaped backslash stays a character (NUL: no syntax of its own), not nothing
    shown = out.replace("\\\\", "\0").replace("\\", "")
    assert not re.search(r"https?://|www\.|@(?!\u2060)|:[a-z_+/-]|--", shown)
