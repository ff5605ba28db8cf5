"""prepare(): read, map, validate and normalise one export; load_sample(); the stored version in words."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from metrics.errors import (
    EmptyFileError,
    IngestError,
    InvalidOptionError,
    MissingColumnError,
    UnknownKindError,
    UnreadableFileError,
)
from metrics.ingest.checks import _Checker
from metrics.ingest.mapping import FIELDS, detect_kind
from metrics.ingest.model import Options, Prepared
from metrics.ingest.prepare_customers import _prepare_customers
from metrics.ingest.prepare_nps import _prepare_nps
from metrics.ingest.prepare_revenue import _prepare_revenue
from metrics.ingest.questions import Questions
from metrics.ingest.read import load
from metrics.store import KINDS, Snapshot, Workspace, quote_ident

PREPARERS = {"nps": _prepare_nps, "customers": _prepare_customers, "revenue": _prepare_revenue}
DATE_FIELD = {"nps": "response_date", "customers": "start_date", "revenue": "month"}


def prepare(data: bytes, file_name: str, options: Options | None = None) -> Prepared:
    """Read, map and validate one export. Raises an IngestError subclass if anything cannot be trusted
    (with `report` set when validation found bad rows and `skip_invalid` is off)."""
    opts = options or Options()
    opts.today = opts.today or dt.date.today()
    if opts.as_of and opts.as_of > opts.today:
        raise InvalidOptionError(f"The as-of date {opts.as_of:%Y-%m-%d} is in the future; an export cannot be "
                                 "taken after today.")
    questions = Questions(opts.answers)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        seen = load(con, data, file_name, questions)
        questions.settle()  # encoding, sheet, header row: nothing can be mapped until they are answered
        columns = seen.columns
        kind = opts.kind or seen.kind or detect_kind(columns, seen.labels)
        if kind not in KINDS:
            raise UnknownKindError(f"Unknown kind {kind!r}.")
        mapping = {**seen.mapping(kind), **opts.mapping}
        mapping = {k: v for k, v in mapping.items() if v}
        for name, col in mapping.items():
            if col not in columns:
                raise MissingColumnError(name, f"column {col!r}", columns)
        if kind == "revenue" and "start_date" in mapping:
            mapping.pop("month", None)
        _require_fields(kind, mapping, columns, opts)
        chk = _Checker(con, opts, questions)
        chk.flag_duplicates(", ".join(quote_ident(c) for c in columns), None,
                            "rows (identical in every column to an earlier row)",
                            "repeat an earlier row in every column")
        warnings: list[str] = list(seen.warnings)
        if seen.tool != "CSV":
            warnings.insert(0, f"{seen.tool} export: {seen.header_rows} header rows read as one.")
        rows = PREPARERS[kind](chk, mapping, opts, warnings)
        chk.questions.settle()  # a preparer that needs an answer first settles itself before validating
        for column, (used, other) in chk.ambiguous.items():
            warnings.append(f"Dates in '{column}' fit both {used} and {other}; read as {used}. Confirm the format "
                            "in the mapping step.")
        if rows.empty:
            raise EmptyFileError("No usable rows remain after skipping unanswered responses.")
        dates = rows[DATE_FIELD[kind]]
        first, last = dates.min().date(), dates.max().date()
        if kind == "revenue":  # a month of revenue runs to the month's last day
            last = (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()
        layout = {"revenue": "subscriptions" if "start_date" in mapping else "snapshot" if "tenure" in mapping
                  else "lines",
                  "customers": "subscriptions" if "subscription_id" in mapping
                  else "list" if "start_date" in mapping else "snapshot"}.get(kind, "responses")
        return Prepared(kind, file_name, hashlib.sha256(data).hexdigest(), mapping, rows, warnings, first, last,
                        seen, layout, dict(chk.formats), dict(chk.ambiguous), chk.as_of, chk.report,
                        list(chk.questions.asked), chk.questions.effective())
    except IngestError:
        raise
    except duckdb.Error as exc:  # anything DuckDB could not do with this file's values
        raise UnreadableFileError(f"The file could not be processed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def _require_fields(kind: str, mapping: dict[str, str], columns: list[str], opts: Options) -> None:
    for name, label, required in FIELDS[kind]:
        if not required or name in mapping:
            continue
        if kind == "customers" and name == "start_date" and {"tenure", "churned"} <= mapping.keys():
            continue  # snapshot file: start derived from tenure
        if kind == "revenue" and name == "month" and ("start_date" in mapping or "tenure" in mapping):
            continue  # subscription list: months from start/end; snapshot: from tenure
        if kind == "nps" and name == "response_date" and opts.as_of:
            continue  # undated survey: the as-of date
        if kind == "nps" and name == "response_date":
            label += " (or, for a survey without dates, an as-of date)"
        raise MissingColumnError(name, label, columns)
    if kind == "customers" and "start_date" in mapping and "churned" in mapping and "churn_date" not in mapping:
        raise MissingColumnError("churn_date", "churn date (a churned flag alone does not say when)", columns)


def _pct(new: float, old: float) -> str:
    return f"{(new - old) / old:+.1%}" if old else "new"


def change_summary(ws: Workspace, version: int, previous: int | None) -> str:
    """The stored version in words, and what changed vs the version it replaced:
    "1,234 rows, 2023-01-01 to 2024-12-31, 500 customers; vs version 3: +312 customers, ARR +4.1%"."""
    new = ws.version_stats(version)
    if new is None:
        return ""
    span = f"{new['first_date']:%Y-%m-%d} to {new['last_date']:%Y-%m-%d}" if new["first_date"] else "no dates"
    text = f"{new['rows']:,} rows, {span}, {new['customers']:,} customers"
    if new["kind"] == "revenue":
        text += f", ARR {new['arr']:,.0f} (last month × 12)"
    elif new["kind"] == "nps" and new["nps"] is not None:
        text += f", NPS {new['nps']:+.0f}"
    old = ws.version_stats(previous)
    if old is None:
        return text + "; the first version of its kind."
    changes = [f"{new['rows'] - old['rows']:+,} rows", f"{new['customers'] - old['customers']:+,} customers"]
    if new["kind"] == "revenue":
        changes.append(f"ARR {_pct(new['arr'], old['arr'])}")
    elif new["kind"] == "customers":
        changes.append(f"{new['active'] - old['active']:+,} active at the end")
    elif new["nps"] is not None and old["nps"] is not None:
        changes.append(f"NPS {new['nps'] - old['nps']:+.1f} points")
    return text + f"; vs version {previous}: " + ", ".join(changes) + "."


SAMPLE_FILES = {"customers": "customers.csv", "nps": "nps_responses.csv", "revenue": "revenue.csv"}


def load_sample(ws: Workspace, folder) -> Snapshot:
    """Load the bundled sample company through the same path as an upload, as one snapshot."""
    uploads = []
    for kind, name in SAMPLE_FILES.items():
        # The sample's dates are fixed, so none may be judged "in the future" on a machine with an old clock.
        opts = Options(kind=kind, today=dt.date(9999, 12, 31))
        uploads.append(prepare((Path(folder) / name).read_bytes(), name, opts).to_upload("sample"))
    return ws.commit(uploads)
