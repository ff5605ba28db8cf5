"""Typed errors raised by ingest. Each one carries a message an analyst can act on."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BadCell:
    row: int  # row number as in the file, the header being row 1
    column: str
    value: str


class IngestError(Exception):
    """Base class: the file was rejected and nothing was stored.

    `report` is set when validation ran to the end: every problem found (metrics.ingest.Report), so the
    analyst can see them all and choose to store the valid rows instead."""

    report = None


class EmptyFileError(IngestError):
    """The file has no bytes, or a header but no data rows."""


class UnreadableFileError(IngestError):
    """The file is not text CSV (binary, zip, unknown encoding, unbalanced quotes …)."""


class FileTooLargeError(IngestError):
    """The file is larger than the configured upload limit."""


class TooMuchDataError(FileTooLargeError):
    """The file is within the upload limit but implies more rows than a stated ceiling (e.g. subscriptions
    expanded to customer-months), computed before anything is expanded."""


class InvalidOptionError(IngestError):
    """A choice made in the mapping step cannot be right (e.g. an as-of date in the future)."""


class NeedsAnswerError(IngestError):
    """The file cannot be read with certainty until the analyst answers some questions (metrics.ingest.questions).

    `questions` are the unanswered ones; `asked` every question the upload raised (shown together)."""

    def __init__(self, questions: list, asked: list):
        self.questions = questions
        self.asked = asked
        shown = "; ".join(f"{q.prompt}" + (f" (proposed: {q.describe(q.proposal)})" if q.proposal is not None else "")
                          for q in questions)
        super().__init__(f"{len(questions)} question(s) need an answer before anything is stored: {shown}")


class UnknownKindError(IngestError):
    """The kind of export could not be recognised from its header."""


class MissingColumnError(IngestError):
    """A required canonical field has no matching column."""

    def __init__(self, field_name: str, label: str, columns: list[str], chosen: str | None = None):
        """`chosen`: the column a mapping named for the field, when the file has none of that name."""
        self.field = field_name
        self.columns = columns
        # every column up to 100 (an 80-column orders export cut at 12 hid the amount columns one could map)
        shown = ", ".join(repr(c) for c in columns[:100]) + (f" and {len(columns) - 100:,} more"
                                                            if len(columns) > 100 else "")
        missing = (f"No column for {label} ('{field_name}') was found." if chosen is None else
                   f"The column {chosen!r} chosen for {label} ('{field_name}') is not in the file.")
        super().__init__(f"{missing} The file's columns are: {shown}.")


@dataclass
class InvalidValuesError(IngestError):
    """Some cells of a column could not be accepted; `cells` lists the first few, `count` all of them."""

    column: str
    reason: str
    count: int
    cells: list[BadCell] = field(default_factory=list)

    def __str__(self) -> str:
        shown = "; ".join(f"row {c.row}: {c.value!r}" for c in self.cells)
        more = f" (and {self.count - len(self.cells)} more)" if self.count > len(self.cells) else ""
        return f"Column '{self.column}': {self.count} value(s) {self.reason} — {shown}{more}."


@dataclass
class DuplicateRowsError(IngestError):
    """Rows that repeat a key (or repeat a whole row) that must be unique."""

    what: str
    count: int
    rows: list[int] = field(default_factory=list)
    advice: str = "Remove duplicates and upload again."

    def __str__(self) -> str:
        shown = ", ".join(str(r) for r in self.rows)
        return f"{self.count} duplicate {self.what}; first at rows {shown}. {self.advice}"


class TooManyColumnsError(UnreadableFileError):
    """More columns than any export we accept (usually a wrong delimiter or a corrupt file)."""


@dataclass(frozen=True)
class Problem:
    """One reason rows were rejected: every cell of `column` that failed it, with the first few shown.

    `duplicate_what` is set for duplicate rows/ids (the reject path raises DuplicateRowsError for those)."""

    column: str
    reason: str
    count: int
    cells: tuple[BadCell, ...] = ()
    duplicate_what: str = ""
    duplicate_advice: str = ""  # what to do instead of "Remove duplicates" (DuplicateRowsError.advice)

    def as_error(self) -> IngestError:
        if self.duplicate_what:
            return DuplicateRowsError(self.duplicate_what, self.count, [c.row for c in self.cells],
                                      *([self.duplicate_advice] if self.duplicate_advice else []))
        return InvalidValuesError(self.column, self.reason, self.count, list(self.cells))
