"""The uploader's bytes are held once: Streamlit deep-copies a widget's value on every run, and ui makes that copy
of an uploaded file share the bytes instead of duplicating them (127 MB per run for a 5M-line revenue file)."""
import copy
import hashlib
from pathlib import Path

from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

import ui  # noqa: F401  (installs the sharing deep copy)
from metrics.ingest import session


def test_a_deep_copy_of_an_upload_shares_its_bytes_and_keeps_what_the_page_reads():
    data = b"customer_id,month,mrr\nc1,2026-10,100\n" * 1000
    upload = UploadedFile(UploadedFileRec("f-1", "revenue.csv", "text/csv", data), None)
    upload.read(7)  # a position moved in one run does not move in the next
    [twin] = copy.deepcopy([upload])  # the widget's value: a list of files
    assert twin is not upload
    assert twin.getvalue() is data  # the same bytes object: nothing copied
    assert (twin.file_id, twin.name, twin.type, twin.size) == ("f-1", "revenue.csv", "text/csv", len(data))
    assert twin.read(11) == b"customer_id"
    assert twin.__sizeof__() < 1000  # owns no buffer of its own (a copy would own len(data) bytes)


def test_spool_takes_a_known_digest_and_names_the_file_by_it(tmp_path: Path):
    data = b"customer_id,month,mrr\nc1,2026-10,100\n"
    digest = hashlib.sha256(data).hexdigest()
    path, sha = session.spool(data, tmp_path, digest)
    assert (path.name, sha) == (f"{digest}.upload", digest)
    assert path.read_bytes() == data
    assert session.spool(data, tmp_path) == (path, digest)  # hashed here when not given: the same name


def test_forget_uploads_drops_the_stored_files_of_this_session_only(monkeypatch):
    from types import SimpleNamespace

    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    manager = MemoryUploadedFileManager("/upload")
    for session_id, file_id in (("s1", "a"), ("s1", "b"), ("s2", "a")):
        manager.add_file(session_id, UploadedFileRec(file_id, f"{file_id}.csv", "text/csv", b"x" * 1000))
    monkeypatch.setattr(ui, "get_script_run_ctx", lambda: SimpleNamespace(session_id="s1", uploaded_file_mgr=manager))
    ui.forget_uploads({"a": "sha of a"})
    assert [f.file_id for f in manager.get_files("s1", ["a", "b"])] == ["b"]
    assert [f.file_id for f in manager.get_files("s2", ["a"])] == ["a"]  # another session's file stays
    monkeypatch.setattr(ui, "get_script_run_ctx", lambda: None)
    ui.forget_uploads({"b": "sha"})  # outside a script run: nothing to do, no error
