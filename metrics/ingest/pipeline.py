"""prepare(): read, map, validate and normalise one export; load_sample(); the stored version in words."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.definitions import currency_sign, fmt_currency
from metrics.errors import (
    EmptyFileError,
    IngestError,
    InvalidOptionError,
    MissingColumnError,
    UnknownKindError,
    UnreadableFileError,
)
from metrics.ingest.checks import _Checker, flag_summary_rows
from metrics.ingest.customer_keys import _same_customer_keys
from metrics.ingest.dates import format_name
from metrics.ingest.engine import Opened, connect, new_spill, scratch_dir
from metrics.ingest.mapping import FIELDS, detect_kind
from metrics.ingest.missing import CATEGORY_FIELDS, read_missing_tokens
from metrics.ingest.model import Options, Prepared, counted
from metrics.ingest.prepare_csat import _prepare_csat
from metrics.ingest.prepare_customers import _prepare_customers, not_customers_yet
from metrics.ingest.prepare_nps import _prepare_nps
from metrics.ingest.prepare_revenue import _prepare_revenue
from metrics.ingest.prepare_tickets import _prepare_tickets
from metrics.ingest.questions import Question, Questions
from metrics.ingest.read import Source, load
from metrics.ingest.revenue_lines import (
    _balance_categories,
    _credit_notes,
    _debit_credit,
    _guest_ids,
    _line_amounts,
    _order_amount_repeated,
    _order_lines,
    _repeated_lines,
    _taken_back,
    _tax_beside,
    _total_row,
    _unpaid_rows,
    paddle_adjusted,
    square_partial_refunds,
)
from metrics.ingest.sqltext import _blank
from metrics.ingest.survey_rows import (
    _comment_flag,
    _not_real_answers,
    _one_survey,
    _repeated_answers,
    _row_counter,
    _unsubmitted_typeform,
    _which_recommend_question,
    leave_out_flagged,
)
from metrics.ingest.unpivot import Unpivot, unpivot
from metrics.ingest.unpivot import warning as unpivot_warning
from metrics.rules import add_months
from metrics.schema import KIND_LABELS, TABLES
from metrics.store import Snapshot, Workspace, quote_ident

PREPARERS = {"nps": _prepare_nps, "customers": _prepare_customers, "revenue": _prepare_revenue,
             "csat": _prepare_csat, "tickets": _prepare_tickets}
DATE_FIELD = {"nps": "response_date", "customers": "start_date", "revenue": "month", "csat": "response_date",
              "tickets": "dated_at"}


def open_file(data: Source, file_name: str, answers: dict | None = None, *,
              scratch: str | os.PathLike | None = None,
              watch: Callable[[duckdb.DuckDBPyConnection], None] | None = None, memory: str | None = None) -> Opened:
    """Read the file into a fresh connection (what inspect() shows), kept open for prepare(opened=…).
    The caller closes it unless prepare() takes it over. Raises IngestError (the connection closed).
    `memory`: the connection's ceiling (engine.connect)."""
    spill = new_spill(scratch)
    con = connect(spill, memory)
    if watch is not None:
        watch(con)
    try:
        seen = load(con, data, file_name, Questions(answers), scratch_dir(scratch))
    except BaseException:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
        raise
    return Opened(con, seen, dict(answers or {}), spill)


def _hidden_columns_mapped(chk: _Checker, mapping: dict[str, str], seen) -> None:
    """A mapped column the workbook hides (an old 'mrr' hidden beside the 'mrr_2026' the analyst sees): read unasked,
    the figures came from a column the analyst does not see (MRR 120 where the sheet shows 150). Asked, must
    confirm: read it, or stop and map another column."""
    hidden = [(f, c) for f, c in mapping.items() if c in seen.hidden_columns]
    if not hidden:
        return
    named = ", ".join(f"'{c}' ({f})" for f, c in hidden)
    answer = chk.questions.ask(Question(
        "hidden_columns", f"Column{'s' if len(hidden) > 1 else ''} {named} {'is' if len(hidden) == 1 else 'are'} "
        f"hidden in sheet '{seen.sheet}': read {'it' if len(hidden) == 1 else 'them'}?", ("read", "stop"),
        {"read": "read them as mapped (the sheet hides them, the file holds them)",
         "stop": "store nothing: map another column (or unhide the one meant) and upload again"},
        None, "The workbook hides these mapped columns: the analyst reading the sheet does not see the values they "
        "hold. " + (f"Hidden columns: {', '.join(repr(c) for c in seen.hidden_columns[:8])}." if seen.hidden_columns
                    else ""), must_confirm=True))
    if answer == "stop":
        raise InvalidOptionError(f"Nothing was stored: {named} {'is' if len(hidden) == 1 else 'are'} hidden in the "
                                 "workbook. Map another column, or unhide the one meant, and upload again.")


def prepare(data: Source, file_name: str, options: Options | None = None, *, opened: Opened | None = None,
            scratch: str | os.PathLike | None = None,
            watch: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> Prepared:
    """Read, map and validate one export: its bytes, or the path of a file on disk (read by DuckDB where it
    can, never held in memory whole; see read.load). Raises an IngestError subclass if anything cannot be
    trusted (with `report` set when validation found bad rows and `skip_invalid` is off).

    `opened`: the same file already read by open_file(); its table is used (not read again) when it was read
    with the same read-level answers, and it is closed either way. `watch` is called with each connection the
    file is parsed in (a job keeps it to interrupt a running query)."""
    opts = options or Options()
    opts.today = opts.today or dt.date.today()
    if opts.as_of and opts.as_of > opts.today:
        raise InvalidOptionError(f"The as-of date {opts.as_of:%Y-%m-%d} is in the future; an export cannot be "
                                 "taken after today.")
    questions = Questions(opts.answers)
    if opened is not None and not opened.fits(opts.answers):
        opened.close()
        opened = None
    if opened is None:
        spill = new_spill(scratch)
        con = connect(spill)
        if watch is not None:
            watch(con)
    else:
        con, spill = opened.con, opened.spill
    try:
        if opened is None:
            seen = load(con, data, file_name, questions, scratch_dir(scratch))
        else:
            seen = opened.seen
            for q in seen.questions:  # the read stage's questions, asked again with these answers
                questions.ask(q)
        questions.settle()  # encoding, sheet, header row: nothing can be mapped until they are answered
        wide = unpivot(con, seen.columns, opts.kind or seen.kind, questions)  # rewrites `raw` when confirmed
        view = seen if wide is None else replace(seen, columns=wide.columns)
        columns = view.columns
        kind = opts.kind or seen.kind or detect_kind(columns, seen.labels)
        if kind not in PREPARERS:
            raise UnknownKindError(f"Unknown kind {kind!r}.")
        if seen.tool != "CSV" and kind not in ("nps", "csat"):
            # a survey tool's StartDate / EndDate are when a response was taken, never a customer's start and churn
            # (a Qualtrics response was stored as a customer who churned 39 seconds after starting)
            noun = {"customers": "a customer list", "revenue": "revenue", "tickets": "support tickets"}[kind]
            raise InvalidOptionError(f"This is a {seen.tool} survey export: its rows are survey responses, not "
                                     f"{noun}. Upload it as NPS responses or CSAT answers.")
        given = dict(opts.mapping)
        # detection judges the mapping with the analyst's fields in it (a month given by hand makes an invoice file);
        # a given header the unpivot replaced (a wide month header), and a field given as none, are left to
        # _map_unpivoted and the merge below
        detected = view.mapping(kind, {k: v for k, v in given.items() if v and v in columns})
        if wide is not None:
            _map_unpivoted(kind, wide, detected, given, columns)
        mapping = {**detected, **given}
        mapping = {k: v for k, v in mapping.items() if v}
        for name, col in mapping.items():
            if col not in columns:
                raise MissingColumnError(name, _label(kind, name), columns, chosen=col)
        if kind == "revenue" and "start_date" in mapping:
            mapping.pop("month", None)
        try:
            _require_fields(kind, mapping, columns, opts)
        except MissingColumnError as exc:
            if opts.kind and not opts.mapping and seen.tool == "CSV":  # a kind its header does not fit: say what
                # it looks like (a survey tool's export is only ever NPS or CSAT, its hint is its questions below)
                try:
                    guess = detect_kind(columns, seen.labels)
                except UnknownKindError:
                    guess = None
                if guess and guess != kind:
                    exc.args = (f"{exc.args[0]} Its columns look like {KIND_LABELS[guess]}: upload it as that kind?",)
            if seen.labels:  # a survey export: its questions, so the analyst sees why none was taken as the score
                asked = "; ".join(f"{c} '{q[:60]}'" for c, q in seen.labels.items()
                                  if q and (re.match(r"Q\d", c) or q.rstrip().endswith("?")))
                if asked:
                    exc.args = (f"{exc.args[0]} Read as a {seen.tool} export; its questions: {asked}.",)
            raise
        chk = _Checker(con, opts, questions)
        chk.labels, chk.wide, chk.tool = seen.labels, wide, seen.tool
        chk.delimiter, chk.date1904, chk.format_signs = seen.delimiter, seen.date1904, seen.format_signs
        _hidden_columns_mapped(chk, mapping, seen)
        warnings: list[str] = list(seen.warnings)
        # NA, N/A, None … are empty cells in every column (asked first where NA or None may be a category's name)
        read_missing_tokens(chk, columns, warnings, [mapping[f] for f in CATEGORY_FIELDS if f in mapping])
        if kind == "nps" and "score" not in given:
            _which_recommend_question(chk, mapping, columns, seen.labels)
        if kind in ("nps", "csat", "tickets"):
            leave_out_flagged(chk, mapping, "ticket" if kind == "tickets" else "response", warnings)
        if kind in ("nps", "csat"):
            _not_real_answers(chk, warnings)
            _unsubmitted_typeform(chk, mapping, warnings)
            _comment_flag(chk, mapping, given, warnings)
            _one_survey(chk, kind, warnings)
            _row_counter(chk, mapping, warnings)
        if kind == "customers":
            not_customers_yet(chk, mapping, warnings)
        if kind == "revenue":
            # also for an amount mapped by hand: a total repeated on each line of its invoice is never one line's
            # revenue (Xero on the Data page, which passed every field on as chosen: 430 for 200)
            paddle_adjusted(chk, mapping, warnings)  # before any check reads the amount
            square_partial_refunds(chk, mapping, warnings)
            if not _line_amounts(chk, mapping, warnings):
                _tax_beside(chk, mapping, given, warnings)
            # a shop's or a sales tool's export: its total row, item rows, guests, refunds
            _total_row(chk, mapping, warnings)
            _order_lines(chk, mapping, warnings)
            _order_amount_repeated(chk, mapping, warnings)
            _guest_ids(chk, mapping, warnings)
            _taken_back(chk, mapping, warnings)
            _unpaid_rows(chk, mapping, warnings)
            _balance_categories(chk, mapping, warnings)
        if kind == "revenue" and "amount" in mapping:
            # a debit beside the credit column carries its own sign: its journal type is not read again
            if not _debit_credit(chk, mapping, warnings):
                _credit_notes(chk, mapping, warnings)
        _same_customer_keys(chk, mapping, warnings)
        flag_summary_rows(chk, mapping)
        whole_row = ", ".join(quote_ident(c) for c in columns)
        if kind == "revenue" and not {"start_date", "tenure"} & mapping.keys():
            _repeated_lines(chk, mapping, whole_row, warnings)
        elif kind in ("nps", "csat") and not {"response_id", "customer_id"} & mapping.keys():
            _repeated_answers(chk, mapping, whole_row, warnings)
        else:
            chk.flag_duplicates(whole_row, None, "rows (identical in every column to an earlier row)",
                                "repeat an earlier row in every column")
        if kind in ("nps", "csat") and "response_id" in mapping:
            # one response twice (a comment added later, an edited score): counted twice it moved NPS 33 -> 43
            rid = quote_ident(mapping["response_id"])
            chk.flag_duplicates(rid, mapping["response_id"], f"response ids in column "
                                f"'{mapping['response_id']}'", "repeat an earlier row's response id",
                                where=f"NOT {_blank(rid)}", advice="One response is one answer: keep one row per "
                                "response id (the latest, if it was edited) and upload again, or skip the repeats "
                                "(the first row of each is kept).")
        if seen.tool != "CSV":
            warnings.insert(0, f"{seen.tool} export: {seen.header_rows} header rows read as one.")
        if wide is not None:
            warnings.append(unpivot_warning(wide))
        rows = PREPARERS[kind](chk, mapping, opts, warnings)
        kind = chk.kind or kind  # an NPS upload holding a satisfaction scale is CSAT (prepare_nps.py)
        chk.questions.settle()  # a preparer that needs an answer first settles itself before validating
        warnings.extend(chk.notes)
        for column, (one, other) in chk.ambiguous.items():
            warnings.append(f"Dates in '{column}' fit both {format_name(one)} and {format_name(other)}; read as "
                            f"{format_name(chk.formats[column])}, as answered.")
        if len(rows) == 0:
            # said for what the kind leaves out: a revenue file "skipping unanswered responses" (every subscription
            # starting after the as-of date) read as a survey's message
            left_out = ("skipping unanswered responses" if kind in ("nps", "csat") else
                        "leaving out the rows the warnings name" + (
                            f" (every subscription or line may start after the as-of date, {opts.as_of:%Y-%m-%d})"
                            if kind == "revenue" and opts.as_of else ""))
            raise EmptyFileError(f"No usable rows remain after {left_out}." + (
                " " + " ".join(warnings[:3]) if warnings and kind not in ("nps", "csat") else ""))
        first, last = _date_range(rows, DATE_FIELD[kind])
        if kind == "revenue":  # a month of revenue runs to the month's last day
            last = add_months(last.replace(day=1), 1) - dt.timedelta(days=1)
        if kind == "customers" and opts.as_of:
            # the file speaks for every customer up to its as-of date (nobody else left before it): the facts'
            # months reach it (facts.PARAMETERS["cuntil"], stored as the upload's last date)
            last = max(last, opts.as_of)
        layout = {"revenue": "subscriptions" if "start_date" in mapping else "snapshot" if "tenure" in mapping
                  else "lines",
                  "customers": "subscriptions" if "subscription_id" in mapping
                  else "list" if "start_date" in mapping else "snapshot"}.get(kind, "responses")
        # A snapshot customer file lists the customers still there a month before its as-of date: churn is known
        # for the as-of month only (earlier churners are not in the file), so earlier months' churn is blank.
        churn_known = opts.as_of.replace(day=1) if kind == "customers" and layout == "snapshot" else None
        return Prepared(kind, file_name, seen.sha256, mapping, rows, warnings, first, last,
                        seen, layout, dict(chk.formats), dict(chk.ambiguous), chk.as_of, chk.report,
                        list(chk.questions.asked), chk.questions.effective(), churn_known, chk.currency)
    except IngestError as exc:
        if not hasattr(exc, "asked"):  # the questions stay on offer beside the refusal (e.g. a date format)
            exc.asked = list(questions.asked)
        raise
    except duckdb.Error as exc:  # anything DuckDB could not do with this file's values
        raise UnreadableFileError(f"The file could not be processed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)


def _date_range(rows, column: str) -> tuple[dt.date, dt.date]:
    if not isinstance(rows, pa.Table):  # tickets: a pandas frame
        return rows[column].min().date(), rows[column].max().date()
    low, high = pc.min_max(rows[column]).values()
    low, high = low.as_py(), high.as_py()
    # a date column comes back as date, a timestamp as datetime: both to the day, as pandas' .date() did
    return (low.date() if isinstance(low, dt.datetime) else low), (high.date() if isinstance(high, dt.datetime)
                                                                   else high)


def _map_unpivoted(kind: str, wide: Unpivot, detected: dict[str, str], given: dict[str, str],
                   columns: list[str]) -> None:
    """Mapping after unpivoting: a wide header the analyst chose stands for the column now holding its values;
    an empty choice made while the new columns did not exist yet does not hide them; the period column is the
    kind's date unless another column was chosen."""
    made = {wide.period, *(g.name for g in wide.groups)}
    for name, col in list(given.items()):
        if col and col not in columns and wide.column_for(col):
            given[name] = wide.column_for(col)
        elif not col and detected.get(name) in made:
            given.pop(name)
    date_field = DATE_FIELD[kind]
    if given.get(date_field):
        return
    if kind in ("nps", "revenue") or date_field not in detected:
        # the periods are when the responses / revenue happened: a kept column that merely looks like a date
        # (a 'created' or 'date' column describing the customer) must not take their place
        detected[date_field] = wide.period


def _label(kind: str, name: str) -> str:
    """The words for a canonical field of `kind` (FIELDS), else its name."""
    return next((label for field, label, _ in FIELDS.get(kind, ()) if field == name), name)


def _require_fields(kind: str, mapping: dict[str, str], columns: list[str], opts: Options) -> None:
    for name, label, required in FIELDS[kind]:
        if not required or name in mapping:
            continue
        if kind == "customers" and name == "start_date" and {"tenure", "churned"} <= mapping.keys():
            continue  # snapshot file: start derived from tenure
        if kind == "revenue" and name == "month" and ("start_date" in mapping or "tenure" in mapping):
            continue  # subscription list: months from start/end; snapshot: from tenure
        if kind in ("nps", "csat") and name == "response_date" and opts.as_of:
            continue  # undated survey: the as-of date
        if kind in ("nps", "csat") and name == "response_date":
            label += " (or, for a survey without dates, an as-of date)"
        raise MissingColumnError(name, label, columns)
    if kind == "customers" and "start_date" in mapping and "churned" in mapping and "churn_date" not in mapping:
        raise MissingColumnError("churn_date", "churn date (a churned flag alone does not say when)", columns)


def _pct(new: float, old: float) -> str:
    return f"{(new - old) / old:+.1%}" if old else "new"


def stored_summary(ws: Workspace, version: int, previous: int | None, beside: list[int] | None = None) -> str:
    """change_summary for a replacing upload; for one added beside other sources of its kind (`beside`), the
    version in words and the sources it joins: a file-to-file change ("NPS -111.7 points") would not be the
    figures' change, which read every source."""
    kind = ws.upload_info(version)["kind"]  # one record, not every upload as a frame
    if not beside:
        return change_summary(ws, version, previous) + link_summary(ws, kind, version)
    (anonymous,), = ws.cursor().execute(
        f"SELECT count(*) FROM {quote_ident(TABLES[kind])} WHERE version = ? AND response_id IS NULL "
        "AND customer_id IS NULL", [version]).fetchall()
    return (change_summary(ws, version, None).removesuffix("; the first version of its kind.")
            + f"; added beside version {', '.join(str(v) for v in beside)} (an answer in several files counts once"
            + (f"; its {anonymous:,} answers without a response id or customer id cannot be matched to another "
               "file's, and count as new answers)." if anonymous else ").") + link_summary(ws, kind, version))


def link_summary(ws: Workspace, kind: str, version: int) -> str:
    """" 42 of 50 customer ids match a customer of the customers file (version 3)." for a file beside the customers
    file: ids written differently in two files (case, a prefix, another key) link nothing, and the pages would put
    every answer under "No response" without a word. Empty for a customers file, or when there is none."""
    customers = ws.current_versions().get("customers")
    if kind == "customers" or customers is None:
        return ""
    (ids, matched), = ws.cursor().execute(
        f"SELECT count(DISTINCT t.customer_id), count(DISTINCT c.customer_id) FROM {quote_ident(TABLES[kind])} t "
        "LEFT JOIN customers c ON c.version = ? AND c.customer_id = t.customer_id WHERE t.version = ?",
        [customers, version]).fetchall()
    if not ids:
        return ""
    if not matched:
        return (f" None of its {ids:,} customer ids matches a customer of the customers file (version {customers}): "
                "nothing in it is linked to churn or revenue. Do both files use the same customer id?")
    return f" {matched:,} of its {ids:,} customer ids match a customer of the customers file (version {customers})."


def change_summary(ws: Workspace, version: int, previous: int | None) -> str:
    """The stored version in words, and what changed vs the version it replaced:
    "1,234 rows, 2023-01-01 to 2024-12-31, 500 customers; vs version 3: +312 customers, ARR +4.1%"."""
    new = ws.version_stats(version)
    if new is None:
        return ""
    span = f"{new['first_date']:%Y-%m-%d} to {new['last_date']:%Y-%m-%d}" if new["first_date"] else "no dates"
    text = f"{counted(new['rows'], 'row')}, {span}, {counted(new['customers'], 'customer')}"
    if new["kind"] == "revenue":
        currency = (ws.upload_infos([version]).get(version) or {}).get("currency")
        text += f", ARR {fmt_currency(new['arr'], currency_sign(currency))} (last month × 12)"
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


SAMPLE_FILES = {"customers": "customers.csv", "nps": "nps_responses.csv", "revenue": "revenue.csv",
                "csat": "csat_responses.csv", "tickets": "tickets.csv"}
# The sample's own answers to the questions ingest asks of it (its generator writes 0-10 likelihood-to-recommend
# scores and 1-5 satisfaction answers; its tickets' Good/Bad/Offered/Unoffered ratings need none), so loading it
# asks nothing.
SAMPLE_ANSWERS = {"nps": {"scale:score": "0-10"}, "csat": {"scale:satisfaction": "1-5"}}


def load_sample(ws: Workspace, folder) -> Snapshot:
    """Load the bundled sample company through the same path as an upload, as one snapshot."""
    uploads = []
    for kind, name in SAMPLE_FILES.items():
        # The sample's dates are fixed, so none may be judged "in the future" on a machine with an old clock.
        opts = Options(kind=kind, today=dt.date(9999, 12, 31), answers=SAMPLE_ANSWERS.get(kind, {}))
        uploads.append(prepare((Path(folder) / name).read_bytes(), name, opts).to_upload("sample"))
    return ws.commit(uploads)
