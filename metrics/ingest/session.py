"""One upload as the analyst drives it, shared by the Data page and `python -m metrics.load`.

The steps around prepare() that used to live in the page: which saved mapping preset applies, how its settings
merge with the analyst's own choices into `Options`, and whether this exact file is already stored.

Merge rule (the analyst's choice always wins):
- kind: the one chosen, else the preset's, else the one detected from the header;
- a preset applies only to its own kind; its mapping is the whole confirmed mapping (a field it does not name is
  not used; the page's own choices, made per field, override it);
- amounts in cents: on if the analyst or the preset says so;
- date formats and answers to questions: the preset's, overridden key by key by the analyst's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from metrics.ingest.engine import Opened
from metrics.ingest.mapping import FIELDS
from metrics.ingest.model import Inspection, Options, Prepared
from metrics.store import KIND_LABELS, NewUpload, Workspace


def find_preset(ws: Workspace, seen: Inspection, name: str | None = None) -> dict | None:
    """The saved preset for this file: the one called `name`, else the one saved for its header (None if
    none). Raises LookupError when no preset has that name, or several do and none is for this header."""
    if name is None:
        return ws.preset(seen.signature)
    saved = ws.presets()
    named = saved[saved["name"] == name]
    if named.empty:
        known = ", ".join(repr(n) for n in sorted(set(saved["name"]))) or "none saved yet"
        raise LookupError(f"There is no mapping preset named {name!r} (presets: {known}).")
    if seen.signature in set(named["signature"]):
        return ws.preset(seen.signature)
    if len(named) > 1:
        raise LookupError(f"{len(named)} presets are named {name!r} and none was saved for this file's columns; "
                          "rename them on the Data page so the name says which one.")
    return ws.preset(named["signature"].iloc[0])


def choose_kind(chosen: str | None, preset: dict | None, seen: Inspection) -> str | None:
    """The kind to read the file as: the analyst's choice, else the preset's, else the detected one."""
    return chosen or (preset or {}).get("kind") or seen.kind


def saved_settings(preset: dict | None, kind: str | None) -> dict:
    """The preset's settings when it is for this kind; {} otherwise."""
    return preset["settings"] if preset and preset["kind"] == kind else {}


# Fields added after presets were first saved without their field list: a preset from then never chose them, so
# they are detected as for a new file (a Stripe invoice preset would otherwise ignore 'Tax' and 'Period Start').
ADDED_AFTER_OLD_PRESETS = {"revenue": ("period_start", "period_end", "tax", "interval_count")}


def _field_names(kind: str) -> list[str]:
    return [name for name, _label, _required in FIELDS[kind]]


def preset_fields(saved: dict, kind: str) -> list[str]:
    """The fields of `kind` a preset's mapping chose among: the list saved with it (preset_settings), else the
    kind's fields less those added after such presets."""
    return saved.get("fields") or [name for name in _field_names(kind)
                                   if name not in ADDED_AFTER_OLD_PRESETS.get(kind, ())]


def preset_settings(prepared: Prepared, amount_in_cents: bool) -> dict:
    """What a preset saves of a prepared file: its whole mapping, the fields it was chosen among (a field added to
    the kind later is then detected, not left unused), cents, date formats and answers."""
    return {"mapping": prepared.mapping, "fields": _field_names(prepared.kind),
            "amount_in_cents": amount_in_cents, "date_formats": prepared.date_formats, "answers": prepared.answers}


def options(preset: dict | None, kind: str | None, *, mapping: dict[str, str] | None = None,
            as_of: dt.date | None = None, amount_in_cents: bool = False,
            date_formats: dict[str, str] | None = None, skip_invalid: bool = False,
            answers: dict | None = None, today: dt.date | None = None) -> Options:
    """The Options for prepare(): the preset's settings merged with the analyst's (see the module's rule)."""
    saved = saved_settings(preset, kind)
    confirmed = dict(saved.get("mapping", {}))
    if confirmed and kind in FIELDS:  # a preset is a whole confirmed mapping: a field it leaves out is not used
        confirmed = {name: "" for name in preset_fields(saved, kind)} | confirmed
    return Options(kind=kind, mapping={**confirmed, **(mapping or {})}, as_of=as_of,
                   amount_in_cents=amount_in_cents or bool(saved.get("amount_in_cents")),
                   date_formats={**saved.get("date_formats", {}), **(date_formats or {})},
                   skip_invalid=skip_invalid, answers={**saved.get("answers", {}), **(answers or {})}, today=today)


def already_stored(ws: Workspace, prepared: Prepared) -> tuple[str, int] | None:
    """Whether this exact file (same bytes) is stored: ("current", version) when it is the current version of its
    kind read with the same columns, ("remapped", version) when read now with other columns (a mapping corrected:
    storing it again is the point), ("earlier", version) when it was stored before as this kind (the latest such
    version), ("as:<kind>", version) when as another kind; None otherwise."""
    current = ws.current_versions().get(prepared.kind)
    info = ws.upload_info(current)
    if info and info["sha256"] == prepared.sha256:
        same = info["mapping"] == prepared.mapping_text
        return ("current" if same else "remapped"), current
    earlier = ws.latest_upload_of(prepared.sha256)
    if earlier is None:
        return None
    stored_as = (ws.upload_info(earlier) or {}).get("kind", prepared.kind)
    return ("earlier", earlier) if stored_as == prepared.kind else (f"as:{stored_as}", earlier)


def before_shown(ws: Workspace, prepared: Prepared) -> str | None:
    """Before a file is stored: whether its dates lie before the months the dashboard will show once it replaces
    its kind in the current data (MAX_HISTORY_MONTHS back from the latest month of any kind), and so would be
    stored but never shown, wholly or in part. None when they do not, or without own data to go beside."""
    from metrics.facts import MAX_HISTORY_MONTHS
    from metrics.rules import add_months

    first, last = prepared.first_date, prepared.last_date
    current = ws.snapshot()
    if first is None or last is None or current is None or ws.holds_sample():
        return None
    infos = ws.upload_infos(v for kind, v in current.versions.items() if kind != prepared.kind)
    latest = max([*(i["last_date"] for i in infos.values() if i and i["last_date"]), last]).replace(day=1)
    shown = add_months(latest, 1 - MAX_HISTORY_MONTHS)
    if first >= shown:
        return None
    window = f"{shown:%b %Y} – {latest:%b %Y}, the {MAX_HISTORY_MONTHS} months back from the latest month of any data"
    if last < shown:
        return (f"This file's dates ({first:%b %Y} – {last:%b %Y}) lie before the months the dashboard will show "
                f"beside the current data ({window}): it can be stored, but no period will show it. Roll the newer "
                "files back first to see it, or check that this is the file you meant.")
    return (f"This file's rows of {first:%b %Y} – {add_months(shown, -1):%b %Y} lie before the months the "
            f"dashboard will show ({window}): they are stored, but no period shows them.")


def read_otherwise(kind: str | None, mapping: dict[str, str], prepared: Prepared) -> str:
    """The fields a prepared file reads from another column than the mapping step shows ("customer id: none;
    response id: 'ID'"), "" when none does or the file was read as another kind (an NPS upload holding CSAT)."""
    if kind is None or prepared.kind != kind:
        return ""
    labels = {name: label for name, label, _req in FIELDS[kind]}
    shown = {k: v for k, v in mapping.items() if v}
    changed = [f for f in labels if shown.get(f) != prepared.mapping.get(f)]
    return "; ".join(f"{labels[f]}: " + (f"'{prepared.mapping[f]}'" if f in prepared.mapping else "none")
                     for f in changed)


def already_stored_text(found: tuple[str, int] | None, kind: str) -> str:
    """already_stored() in words ("" when the file is new)."""
    if found is None:
        return ""
    state, version = found
    if state == "current":
        return (f"This exact file is already the current version of its kind ({KIND_LABELS.get(kind, kind)} "
                f"version {version}).")
    if state == "remapped":
        return (f"This exact file is the current version of its kind ({KIND_LABELS.get(kind, kind)} version "
                f"{version}), read then with other columns; this upload stores it as read now.")
    if state.startswith("as:"):  # stored before as another kind: not this kind's data (it read as "already there")
        return (f"This exact file was stored before as {KIND_LABELS.get(state[3:], state[3:])} (version {version}); "
                f"this upload reads it as {KIND_LABELS.get(kind, kind)}.")
    return f"This exact file was uploaded before (version {version})."


# ---- uploads as jobs (metrics.jobs): the Data page's read, check and store steps --------------------------------
SPOOL_FOLDER = "uploads"   # beside the workspace file: uploads spooled to disk while the analyst works on them
SPOOL_KEEP_SECONDS = 24 * 3600


def spool_folder(ws: Workspace) -> Path:
    """Where uploads are spooled: an `uploads` folder beside the workspace file (the system's temp folder for an
    in-memory workspace). Spooled files older than a day are removed here."""
    base = Path(tempfile.gettempdir()) / "cx_uploads" if ws.path == ":memory:" else Path(ws.path).parent / SPOOL_FOLDER
    base.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in base.glob("*.upload"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > SPOOL_KEEP_SECONDS:
                old.unlink()
    return base


def spool(buffer, folder: Path, digest: str | None = None) -> tuple[Path, str]:
    """Write an upload's bytes (any buffer, not copied) to `folder` once, named by their hash; returns (path,
    sha256). A file already spooled is reused. `digest`: the bytes' sha256 when the caller has it already."""
    view = memoryview(buffer)
    digest = digest or hashlib.sha256(view).hexdigest()
    path = folder / f"{digest}.upload"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
        with os.fdopen(fd, "wb") as f:
            f.write(view)
        os.replace(tmp, path)  # never a half-written file under the final name
    return path, digest


# The Data page parses uploads in a smaller connection than the command line's 512MB: its process also holds
# Streamlit, the pages and the uploaded file's bytes. A 5M-line revenue file's check: peak 731 -> 528 MB beside the
# app's imports, 5.9 -> 6.4 s.
PAGE_MEMORY = "256MB"

# The Data page reads a file to show its columns (inspect_work), then checks every row (prepare_work). The check
# takes over the first reading instead of reading the file again (5M revenue lines: ~1 s less) when its
# read-level answers are the same. One reading is kept, the latest: its table holds up to CX_INGEST_MEMORY of the
# process (spilling beyond), so an older one is closed when a new one comes.
_KEPT: dict[str, Opened] = {}
_KEPT_LOCK = threading.Lock()


def _keep(path: Path, opened: Opened) -> None:
    with _KEPT_LOCK:
        older = list(_KEPT.values())
        _KEPT.clear()
        _KEPT[str(path)] = opened
    for old in older:
        old.close()


def _take(path: Path) -> Opened | None:
    with _KEPT_LOCK:
        return _KEPT.pop(str(path), None)


def release(path: Path) -> None:
    """Close the reading kept for this spooled file, if any (the file was stored or dropped)."""
    opened = _take(path)
    if opened is not None:
        opened.close()


def inspect_work(path: Path, name: str, answers: dict, scratch: Path) -> Callable:
    """Read the file for the mapping step (a job's work): its Inspection, or the IngestError raised. The
    reading is kept for prepare_work."""
    def work(job):
        from metrics.ingest.pipeline import open_file

        job.step("reading the file", 0.05)
        opened = open_file(path, name, answers, scratch=scratch, watch=job.watch, memory=PAGE_MEMORY)
        _keep(path, opened)
        return opened.seen
    return work


def prepare_work(path: Path, name: str, options: Options, scratch: Path) -> Callable:
    """Read and check the file (a job's work): the Prepared, or the IngestError raised. Takes over the reading
    inspect_work kept when it fits (prepare() closes it either way)."""
    def work(job):
        from metrics.ingest.pipeline import open_file, prepare

        opened = _take(path)
        if opened is not None and not opened.fits(options.answers):  # read with other answers: read again here
            opened.close()
            opened = None
        if opened is None:
            job.step("reading the file", 0.05)
            opened = open_file(path, name, options.answers, scratch=scratch, watch=job.watch, memory=PAGE_MEMORY)
        else:
            job.watch(opened.con)  # Cancel interrupts the kept connection's queries too
        try:
            job.step("checking every row", 0.4)
        except BaseException:
            opened.close()
            raise
        return prepare(path, name, options, opened=opened, scratch=scratch, watch=job.watch)
    return work


def store_work(ws: Workspace, upload: NewUpload, *, leave_sample: bool, append: bool) -> Callable:
    """Commit one upload (a job's work): the new Snapshot. Cancel interrupts the commit's own cursor; its
    transaction rolls back, so nothing is stored."""
    def work(job):
        job.step("storing and building the facts", 0.5)
        return ws.commit([replace(upload, on_cursor=job.watch)], leave_sample=leave_sample, append=append)
    return work
