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

import datetime as dt

from metrics.ingest.mapping import FIELDS
from metrics.ingest.model import Inspection, Options, Prepared
from metrics.store import KIND_LABELS, Workspace


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


def options(preset: dict | None, kind: str | None, *, mapping: dict[str, str] | None = None,
            as_of: dt.date | None = None, amount_in_cents: bool = False,
            date_formats: dict[str, str] | None = None, skip_invalid: bool = False,
            answers: dict | None = None, today: dt.date | None = None) -> Options:
    """The Options for prepare(): the preset's settings merged with the analyst's (see the module's rule)."""
    saved = saved_settings(preset, kind)
    confirmed = dict(saved.get("mapping", {}))
    if confirmed and kind in FIELDS:  # a preset is a whole confirmed mapping: a field it leaves out is not used
        confirmed = {name: "" for name, _label, _required in FIELDS[kind]} | confirmed
    return Options(kind=kind, mapping={**confirmed, **(mapping or {})}, as_of=as_of,
                   amount_in_cents=amount_in_cents or bool(saved.get("amount_in_cents")),
                   date_formats={**saved.get("date_formats", {}), **(date_formats or {})},
                   skip_invalid=skip_invalid, answers={**saved.get("answers", {}), **(answers or {})}, today=today)


def already_stored(ws: Workspace, prepared: Prepared) -> tuple[str, int] | None:
    """Whether this exact file (same bytes) is stored: ("current", version) when it is the current version of its
    kind, ("earlier", version) when it was stored before (the latest such version); None otherwise."""
    current = ws.current_versions().get(prepared.kind)
    info = ws.upload_info(current)
    if info and info["sha256"] == prepared.sha256:
        return "current", current
    uploads = ws.uploads()
    same = uploads[uploads["sha256"] == prepared.sha256]
    return ("earlier", int(same["version"].max())) if not same.empty else None


def already_stored_text(found: tuple[str, int] | None, kind: str) -> str:
    """already_stored() in words ("" when the file is new)."""
    if found is None:
        return ""
    state, version = found
    if state == "current":
        return (f"This exact file is already the current version of its kind ({KIND_LABELS.get(kind, kind)} "
                f"version {version}).")
    return f"This exact file was uploaded before (version {version})."
