"""Wide layouts: one column per year, month or quarter (REVENUE_2015, NPS_SCORE_2016, Jan 2024, 2024-01)
turned into rows, one per file row and period, before mapping.

A header is a period column when it starts or ends with a period token; two or more such headers sharing a
stem (REVENUE_2015, REVENUE_2016 → stem REVENUE) and a granularity form a group. The step never decides alone:
it asks Question "unpivot" (must confirm), stating which column becomes which date and the row count after.
Once answered "yes", temp table `raw` is rewritten: every other column is kept, a `period` column holds the
period's first day (ISO text, read like any date column), one column per stem holds the values, and `_row`
stays the file row (a rejected value names the row the analyst can find in the file). Period rows whose cells
are all blank are left out and counted (a customer with no figure for a year is not a zero or an error)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import duckdb

from metrics.ingest.questions import Question, Questions
from metrics.ingest.sqltext import _blank
from metrics.store import quote_ident

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?P<year>(?:19|20)[0-9]{2})"
# Period tokens, most specific first: (granularity, regex of the whole token).
_TOKENS = [
    # 2024-01-01 (a workbook's date headers, as text): a month by its first or last day, not month '2024-01' and
    # a stem '01' (the stem became the value column, and a 'Total' column beside it the amount: MRR 3x)
    ("month", rf"{_YEAR}[-/.](?P<num>0[1-9]|1[0-2])[-/.](?:01|2[89]|3[01])(?:[\sT]00:00(?::00)?)?"),
    ("month", rf"{_YEAR}[-/_.]?(?P<num>0[1-9]|1[0-2])"),                      # 2024-01, 2024_01, 202401
    ("month", rf"{_MONTH}[\s\-_/.']*(?P<year>(?:19|20)?[0-9]{{2}})"),          # Jan 2024, Jan-24, January 2024
    ("month", rf"{_YEAR}[\s\-_/.]*{_MONTH}"),                                  # 2024 Jan
    ("quarter", rf"q(?P<q>[1-4])[\s\-_/.]*{_YEAR}"),                           # Q1 2024
    ("quarter", rf"{_YEAR}[\s\-_/.]*q(?P<q>[1-4])"),                           # 2024-Q1
    ("year", rf"(?:fy)?{_YEAR}"),                                              # 2015, FY2015
]
_SEP = r"[\s\-_/.:|]*"
DEFAULT_VALUE_NAME = {"revenue": "revenue", "nps": "score"}  # a group without a stem (Jan 2024, Feb 2024 …)


@dataclass
class Group:
    stem: str                                  # the shared header text without the period ('' when none)
    granularity: str                           # year, quarter or month
    columns: dict[str, dt.date] = field(default_factory=dict)  # header -> first day of its period
    name: str = ""                             # the value column after unpivoting


@dataclass
class Unpivot:
    groups: list[Group]
    kept: list[str]                            # the other columns, repeated on every period row
    period: str                                # name of the new period column
    rows_before: int
    rows_after: int
    blank: int                                 # period rows left out: every value blank

    @property
    def columns(self) -> list[str]:
        return [*self.kept, self.period, *(g.name for g in self.groups)]

    def column_for(self, header: str) -> str | None:
        """The column that now holds a wide header's values (an analyst's mapping may name the wide header)."""
        return next((g.name for g in self.groups if header in g.columns), None)


def _period(token: str) -> tuple[str, dt.date] | None:
    for granularity, pattern in _TOKENS:
        m = re.fullmatch(pattern, token, re.IGNORECASE)
        if not m:
            continue
        parts = m.groupdict()
        year = int(parts["year"]) if len(parts["year"]) == 4 else 2000 + int(parts["year"])
        if granularity == "month":
            month = int(parts["num"]) if parts.get("num") else MONTHS[parts["mon"][:3].lower()]
        elif granularity == "quarter":
            month = 3 * int(parts["q"]) - 2
        else:
            month = 1
        return granularity, dt.date(year, month, 1)
    return None


def _split(header: str) -> tuple[str, str, dt.date] | None:
    """(stem, granularity, period start) when the header starts or ends with a period token."""
    text = header.strip()
    candidates = []
    for m in re.finditer(r"(?=([A-Za-z0-9].*))", text):  # every suffix starting at a letter or digit
        start = m.start()
        if start and text[start - 1].isalnum() and text[start].isalnum() \
                and text[start - 1].isdigit() == text[start].isdigit():
            continue  # inside a word or number: '...2015' of 'ID12015' is not a token
        candidates.append((text[:start], text[start:]))
    for stem, token in candidates:  # longest suffix first: 'Jan 2024' before '2024'
        found = _period(token)
        if found:
            return re.sub(rf"{_SEP}$", "", stem), *found
    for end in range(len(text), 0, -1):  # prefix tokens: '2024-01 revenue', 'Q1 2024 NPS'
        if end < len(text) and text[end - 1].isalnum() and text[end].isalnum() \
                and text[end - 1].isdigit() == text[end].isdigit():
            continue
        found = _period(text[:end])
        if found:
            return re.sub(rf"^{_SEP}", "", text[end:]), *found
    return None


def detect(columns: list[str]) -> list[Group]:
    """Groups of ≥ 2 period columns sharing a stem and a granularity (only the granularity with most columns)."""
    groups: dict[tuple[str, str], Group] = {}
    for col in columns:
        split = _split(col)
        if split is None:
            continue
        stem, granularity, start = split
        group = groups.setdefault((stem.lower(), granularity), Group(stem, granularity))
        if start not in group.columns.values():
            group.columns[col] = start
    found = [g for g in groups.values() if len(g.columns) >= 2]
    if not found:
        return []
    by_grain: dict[str, int] = {}
    for g in found:
        by_grain[g.granularity] = by_grain.get(g.granularity, 0) + len(g.columns)
    grain = max(by_grain, key=lambda k: by_grain[k])
    return [g for g in found if g.granularity == grain]


def _fresh(name: str, taken: set[str]) -> str:
    out, n = name, 2
    while out.lower() in taken:
        out, n = f"{name}_{n}", n + 1
    taken.add(out.lower())
    return out


def plan(con: duckdb.DuckDBPyConnection, columns: list[str], kind: str | None) -> Unpivot | None:
    groups = detect(columns)
    if not groups:
        return None
    wide = {c for g in groups for c in g.columns}
    kept = [c for c in columns if c not in wide]
    taken = {c.lower() for c in kept}
    period = _fresh("period", taken)
    for g in groups:
        g.name = _fresh(g.stem or DEFAULT_VALUE_NAME.get(kind or "", "value"), taken)
    before = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    starts = sorted({d for g in groups for d in g.columns.values()})
    filled = " + ".join(
        "(" + " OR ".join(f"NOT {_blank(quote_ident(c))}" for g in groups for c, d in g.columns.items() if d == s)
        + ")::INTEGER" for s in starts)
    after = con.execute(f"SELECT coalesce(sum({filled}), 0) FROM raw").fetchone()[0]
    return Unpivot(groups, kept, period, before, int(after), before * len(starts) - int(after))


def describe(u: Unpivot) -> str:
    parts = []
    for g in u.groups:
        cols = list(g.columns.items())
        shown = ", ".join(f"{c} → {d:%Y-%m-%d}" for c, d in cols[:6]) + (f", … ({len(cols)} columns)"
                                                                          if len(cols) > 6 else "")
        parts.append(f"into '{g.name}': {shown}")
    grain = {"year": "a year's value is dated 1 January of its year",
             "quarter": "a quarter's value is dated the first day of the quarter",
             "month": "a month's value is dated the first of the month"}[u.groups[0].granularity]
    return ("; ".join(parts) + f". Each row is repeated per period with '{u.period}' ({grain}); "
            f"{u.rows_before:,} rows become {u.rows_after:,}"
            + (f" (left out: {u.blank:,} row-period pair(s) whose cells are all blank)." if u.blank else ".")
            + (f" Kept on every row: {', '.join(u.kept)}." if u.kept else ""))


def unpivot(con: duckdb.DuckDBPyConnection, columns: list[str], kind: str | None,
            questions: Questions) -> Unpivot | None:
    """Ask whether the wide columns are one per period; when answered yes, rewrite `raw` into rows."""
    u = plan(con, columns, kind)
    if u is None:
        return None
    grains = {"year": "year", "quarter": "quarter", "month": "month"}[u.groups[0].granularity]
    answer = questions.ask(Question(
        "unpivot", f"The file has one column per {grains} ({', '.join(list(u.groups[0].columns)[:3])} …). "
                   f"Turn them into one row per {grains}?",
        ("yes", "no"), {"yes": f"yes: one row per file row and {grains}",
                        "no": "no: keep the columns as they are"},
        proposal="yes", detail=describe(u), must_confirm=True))
    if answer is None:  # the mapping depends on the answer: nothing further can be read until it is given
        questions.settle()
    if answer != "yes":
        return None
    starts = sorted({d for g in u.groups for d in g.columns.values()})
    kept = "".join(f"{quote_ident(c)}, " for c in u.kept)
    selects = []
    for s in starts:
        cells = [(g, next((c for c, d in g.columns.items() if d == s), None)) for g in u.groups]
        values = ", ".join((f"{quote_ident(c)}" if c else "NULL::VARCHAR") + f" AS {quote_ident(g.name)}"
                           for g, c in cells)
        present = " OR ".join(f"NOT {_blank(quote_ident(c))}" for _, c in cells if c)
        selects.append(f"SELECT _row, {kept}'{s:%Y-%m-%d}' AS {quote_ident(u.period)}, {values} "
                       f"FROM raw WHERE {present}")
    con.execute("CREATE OR REPLACE TEMP TABLE raw_long AS " + " UNION ALL ".join(selects)
                + f" ORDER BY _row, {quote_ident(u.period)}")
    con.execute("DROP TABLE raw")
    con.execute("ALTER TABLE raw_long RENAME TO raw")
    return u


def warning(u: Unpivot) -> str:
    grain = u.groups[0].granularity
    return (f"One column per {grain} turned into rows: " + describe(u)
            + (f" As revenue, a {grain}'s figure is spread evenly over its months (the {grain}'s revenue ÷ "
               f"{12 if grain == 'year' else 3} a month)." if grain != "month" else ""))
