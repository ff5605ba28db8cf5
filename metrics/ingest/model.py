"""The objects of an upload: the analyst's Options, what the file looks like (Inspection), the validation
Report and the Prepared result that Workspace.commit() stores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.definitions import plural
from metrics.errors import (
    Problem,
)
from metrics.ingest.export import safe_csv
from metrics.ingest.mapping import detect_mapping
from metrics.ingest.questions import Question
from metrics.store import NewUpload

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Options:
    """Choices the analyst can make on the Data page."""

    kind: str | None = None                  # None: detect from the header
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> column ("" = not used)
    as_of: dt.date | None = None             # snapshot files, subscriptions, undated surveys: the export date
    amount_in_cents: bool = False
    today: dt.date | None = None             # dates after this are rejected as "in the future"
    date_formats: dict[str, str] = field(default_factory=dict)  # column -> one of DATE_FORMATS
    skip_invalid: bool = False               # store the valid rows and skip the rejected ones
    answers: dict[str, str | list[str]] = field(default_factory=dict)  # Question.key -> answer (questions.py)


REJECTED_SHOWN = 1000  # rows per problem in the rejected-rows download; the counts always cover every row


@dataclass
class Report:
    """Every problem validation found, and the rows they reject."""

    problems: list[Problem]
    total_rows: int
    rejected: pd.DataFrame  # 'file row', 'problems', then the file's own columns: the first
    #                         REJECTED_SHOWN rows of each problem (all of them when fewer)
    rejected_count: int | None = None  # every rejected row (None: as many as `rejected` holds)

    @property
    def rejected_rows(self) -> int:
        return len(self.rejected) if self.rejected_count is None else self.rejected_count

    @property
    def capped(self) -> bool:
        """Whether `rejected` (the download) holds only the first rows of each problem."""
        return self.rejected_rows > len(self.rejected)

    def table(self) -> pd.DataFrame:
        """One line per column and reason: count and the first rows (row number as in the file)."""
        import pandas as pd

        return pd.DataFrame({
            "Column": [p.column for p in self.problems],
            "Problem": [p.reason for p in self.problems],
            "Rows": [p.count for p in self.problems],
            "First rows": ["; ".join(f"row {c.row}: {c.value[:40]!r}" for c in p.cells) for p in self.problems],
        })

    def rejected_csv(self) -> bytes:
        return safe_csv(self.rejected)


@dataclass
class Inspection:
    """What the file looks like before any mapping: its header rows, columns and detected kind."""

    columns: list[str]
    labels: dict[str, str]   # column -> question text (survey exports with a second header row)
    header_rows: int
    tool: str                # "CSV", "Qualtrics", "Qualtrics (legacy)", "SurveyMonkey"
    signature: str           # sha256 of the header: the key of saved mapping presets
    kind: str | None         # detected kind, None when the header does not say
    subscription_ids: str | None = None  # a column named "id" holding Stripe subscription ids (sub_…)
    questions: list[Question] = field(default_factory=list)  # read-level questions (encoding, sheet, header row)
    encoding: str = ""       # how the text was decoded, in words ("UTF-8", "Windows-1252"); "" for a workbook
    delimiter: str = ""      # the field separator used; "" for a workbook
    container: str = "text"  # "text", "gzip" (unpacked first) or "workbook"
    sheet: str | None = None  # the workbook sheet read
    warnings: list[str] = field(default_factory=list)  # what reading decided that the analyst should know
    sha256: str = ""         # of the file's bytes as uploaded (the "already stored" check)
    date1904: bool = False   # a workbook in the 1904 date system: its serial numbers count from 1904-01-01
    format_signs: dict[str, str] = field(default_factory=dict)  # workbook column -> currency sign its format shows
    hidden_columns: list[str] = field(default_factory=list)  # workbook columns hidden in the sheet

    def mapping(self, kind: str, given: dict[str, str] | None = None) -> dict[str, str]:
        mapping = detect_mapping(kind, self.columns, self.labels, given)
        if kind == "customers" and "subscription_id" not in mapping and self.subscription_ids \
                and mapping.get("customer_id") != self.subscription_ids:
            mapping["subscription_id"] = self.subscription_ids
        return mapping


# '1 row', '2 rows', '1,234 customers': the one count-with-noun rule of the pages (definitions.plural), under the name
# ingest's messages use
counted = plural


@dataclass
class Prepared:
    kind: str
    file_name: str
    sha256: str
    mapping: dict[str, str]
    table: pa.Table | pd.DataFrame  # the canonical rows, typed (an Arrow table; tickets: a pandas frame)
    warnings: list[str]
    first_date: dt.date | None
    last_date: dt.date | None
    inspection: Inspection | None = None
    layout: str = "rows"  # revenue: "lines" or "subscriptions"; customers: "list", "snapshot", "subscriptions"
    date_formats: dict[str, str] = field(default_factory=dict)    # column -> format used
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # column -> formats that fit every value
    as_of: dt.date | None = None
    report: Report | None = None  # rows skipped (skip_invalid=True); None when every row was valid
    questions: list[Question] = field(default_factory=list)  # every question asked, answered or proposed
    answers: dict[str, str | list[str]] = field(default_factory=dict)  # the answer used for each
    churn_known_from: dt.date | None = None  # snapshot customer files: churn is known from the as-of month only
    currency: str | None = None  # revenue: the currency the file names (EUR, or a sign such as €), else None
    _frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def rows(self) -> pd.DataFrame:
        """The canonical rows as a pandas frame, converted on first use (tests, small previews): exactly what
        DuckDB's own `.df()` of the same query gives. The store path never needs it."""
        if not isinstance(self.table, pa.Table):
            return self.table
        if self._frame is None:
            self._frame = _frame(self.table)
        return self._frame

    @property
    def row_count(self) -> int:
        return len(self.table)

    def preview(self, n: int = 20) -> pd.DataFrame:
        """The first `n` canonical rows as a frame, without converting the rest."""
        if not isinstance(self.table, pa.Table):
            return self.table.head(n).copy()
        return _frame(self.table.slice(0, n))

    @property
    def summary(self) -> str:
        if not isinstance(self.table, pa.Table):
            ids = self.table["customer_id"].dropna().nunique()
        else:
            ids = pc.count_distinct(self.table["customer_id"], mode="only_valid").as_py()
        span = f"{self.first_date:%Y-%m-%d} to {self.last_date:%Y-%m-%d}" if self.first_date else "no dates"
        return f"{counted(self.row_count, 'row')}, {counted(ids, 'customer')}, {span}"

    @property
    def mapping_text(self) -> str:
        """The mapping as stored with the upload ("customer_id←Email, …"); mapped_fields reads it back."""
        return ", ".join(f"{k}←{v}" for k, v in self.mapping.items())

    def to_upload(self, source: str = "upload", uploaded_by: str | None = None) -> NewUpload:
        return NewUpload(self.kind, self.file_name, self.sha256, self.table, source, self.mapping_text,
                         self.first_date, self.last_date, uploaded_by, self.churn_known_from,
                         currency=self.currency, notes=self.notes or None)

    @property
    def notes(self) -> str:
        """What the stored rows leave out of the file or read in a stated way: the rejected rows skipped, then the
        check's warnings, one per line (stored with the upload as uploads.notes; "" when none)."""
        skipped = ([f"{counted(self.report.rejected_rows, 'rejected row')} of "
                    f"{counted(self.report.total_rows, 'row')} skipped (not stored)"] if self.report else [])
        return "\n".join(skipped + list(self.warnings))


def mapped_fields(mapping_text: str | None) -> set[str]:
    """The canonical fields of a stored upload's mapping (Prepared.mapping_text): {'customer_id', 'start_date', …}.
    The text left of each '←' (a field name; a column name may hold ', ', whose second part has no '←')."""
    return {part.split("←")[0].strip() for part in (mapping_text or "").split(", ") if "←" in part}


def _frame(table: pa.Table) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        return con.from_arrow(table).df()
    finally:
        con.close()
