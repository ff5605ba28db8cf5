"""One customer, one id: ids written differently within a file (an email's capitals, 7.0 for 7, 'ACME INC.' beside
'Acme Inc') read as one, asked or said."""

from __future__ import annotations

import re

from metrics.ingest.checks import _Checker
from metrics.ingest.model import counted
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import _blank
from metrics.rules import id_spelling_key
from metrics.store import quote_ident

_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def _same_customer_keys(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Customer ids written so that one customer's id differs between files: email addresses with capitals
    ('Chloe.1@AcmeCorp.com' in the CRM, lower case in the survey tool) and whole numbers written as 7.0 (a
    spreadsheet or pandas export of a column with one empty cell). Compared as text they never matched: every
    answer fell under "No response", unsaid. Every file's ids are written one way: emails in lower case (matched
    whatever their case, as mail is), whole numbers without '.0'. Said when anything changed."""
    col = mapping.get("customer_id")
    if col is None:
        return
    ident = quote_ident(col)
    # judged on the distinct ids (a 5M-line file has some 200,000): every one an email, or every one a whole number
    _count_ids(chk, ident)
    distinct, emails, capitals, whole, dotted = chk.con.execute(rf"""
        SELECT count(*), count(*) FILTER (regexp_matches(v, '{_EMAIL}')),
               count(*) FILTER (regexp_matches(v, '{_EMAIL}') AND v <> lower(v)),
               count(*) FILTER (regexp_matches(v, '^-?[0-9]+(\.0+)?$')), count(*) FILTER (regexp_matches(v, '\.0+$'))
        FROM ids""").fetchone()
    if not distinct:
        return
    # a customers list holds one row per customer (unless it lists subscriptions): two spellings read as one are
    # two rows of one customer, refused naming both spellings (_one_spelling)
    one_row_each = chk.opts.kind == "customers" and "subscription_id" not in mapping
    if _id_lists(chk, col, warnings, one_row_each):
        return
    _renewal_orders(chk, col, warnings)
    _excel_scientific_ids(chk, col)
    _excel_text_ids(chk, col, warnings)
    if emails == distinct and capitals:
        _rewrite_raw_ids(chk, f"UPDATE raw SET {ident} = lower(trim({ident})) WHERE NOT {_blank(ident)}")
        are = "is an email address" if capitals == 1 else "are email addresses"
        warnings.append(f"{counted(capitals, 'customer id')} in '{col}' {are} with capitals: read in lower case, "
                        "as every file's email ids are, so one customer matches across files whatever the case.")
    elif whole == distinct and dotted:
        _rewrite_raw_ids(chk, rf"UPDATE raw SET {ident} = regexp_replace(trim({ident}), '\.0+$', '') "
                        f"WHERE NOT {_blank(ident)}")
        are = "is a whole number" if dotted == 1 else "are whole numbers"
        warnings.append(f"{counted(dotted, 'customer id')} in '{col}' {are} written with '.0' (as a spreadsheet or "
                        "pandas export writes a column with an empty cell): read without it (7.0 as 7), so it matches "
                        "the same customer in the other files.")
    else:
        _one_spelling(chk, col, warnings, one_row_each)


def _count_ids(chk: _Checker, ident: str) -> None:
    """Temp table `ids`: each distinct customer id of the file with its count, in one pass (the checks below read it,
    and read it again after one of them rewrote the ids)."""
    chk.con.execute(f"CREATE OR REPLACE TEMP TABLE ids AS SELECT {ident} AS v, count(*) AS n FROM raw "
                    f"WHERE NOT {_blank(ident)} GROUP BY 1")
    chk.counted_ids = ident


def _rewrite_raw_ids(chk: _Checker, sql: str, params: list | None = None) -> None:
    """Run `sql`, an UPDATE of raw's customer ids: `ids` no longer lists them until counted again."""
    chk.counted_ids = None
    chk.con.execute(sql, params or [])


# Excel's way to keep an id's leading zeros in a CSV: the cell written as a formula of text, ="00123"
_EXCEL_TEXT = r'^="(.*)"$'


def _excel_text_ids(chk: _Checker, col: str, warnings: list[str]) -> None:
    """An id written ="00123" (a CSV made to open in Excel with its leading zeros kept) is the id 00123: read as
    written it was stored with the '="' and '"' around it and matched no customer of the other files, unsaid. The
    wrapping is dropped, said."""
    if n := _rewrite_ids(chk, col, _EXCEL_TEXT, f"regexp_extract({{v}}, '{_EXCEL_TEXT}', 1)"):
        warnings.append(f"{counted(n, 'customer id')} in '{col}' {'is' if n == 1 else 'are'} written as Excel text "
                        "formulas (=\"00123\", which keeps an id's leading zeros in a spreadsheet): read as the id "
                        "inside (00123), so it matches the same customer in the other files.")


# a long number as Excel writes it in a CSV saved from a cell formatted General: 6 significant digits and E+
_EXCEL_SCIENTIFIC = r"^[0-9](\.[0-9]+)?[Ee]\+[0-9]{1,3}$"


def _excel_scientific_ids(chk: _Checker, col: str) -> None:
    """An id Excel wrote in scientific notation ('1.23457E+11' for 123456789012) has lost its last digits: two
    customers whose ids begin alike were read as one and their revenue summed, unsaid. Nothing can bring the digits
    back: refused, naming the rows, to be exported again with the id column as text."""
    if not chk.con.execute(f"SELECT count(*) FROM ids WHERE regexp_matches(trim(v), '{_EXCEL_SCIENTIFIC}')"
                           ).fetchone()[0]:
        return
    chk.refuse(col, f"regexp_matches(trim({quote_ident(col)}), '{_EXCEL_SCIENTIFIC}')",
               "are numbers in scientific notation, as Excel writes a long id ('1.23457E+11'): its last digits are "
               "lost, and different customers would read as one. Export the file again with the id column formatted "
               "as text (in Excel: select the column, Format Cells > Text, before saving as CSV), or from the system "
               "the ids come from")


def _rewrite_ids(chk: _Checker, col: str, pattern: str, rewritten: str) -> int:
    """Rewrite the ids of `col` matching `pattern` (a regular expression, no quote) to `rewritten` (SQL over {v}, the
    trimmed id); the number of distinct ids rewritten (0: nothing done). `ids` is counted again for the checks after."""
    n = chk.con.execute(f"SELECT count(*) FROM ids WHERE regexp_matches(v, '{pattern}')").fetchone()[0]
    if n:
        ident = quote_ident(col)
        v = f"trim({ident})"
        _rewrite_raw_ids(chk, f"UPDATE raw SET {ident} = {rewritten.replace('{v}', v)} "
                        f"WHERE regexp_matches({v}, '{pattern}')")
        _count_ids(chk, ident)
    return n


# Google Play's order id of a subscription's renewal: the first order's id and '..' with the renewal's number
_RENEWAL_ORDER = r"^GPA\.[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{5}\.\.[0-9]+$"


def _renewal_orders(chk: _Checker, col: str, warnings: list[str]) -> None:
    """Google Play writes each renewal of a subscription under its own order id, 'GPA.1234-…-12345..0' for the first
    renewal of 'GPA.1234-…-12345': read as written, every renewal was a new customer and the month before a churn
    (a month's MRR churned and won again each month). The renewal's number is dropped, so a subscription is one
    customer, said."""
    if not (n := _rewrite_ids(chk, col, _RENEWAL_ORDER, "regexp_replace({v}, '\\.\\.[0-9]+$', '')")):
        return
    warnings.append(f"{counted(n, 'order id')} in '{col}' {'is a renewal' if n == 1 else 'are renewals'} of a Google "
                    "Play subscription ('..' and the renewal's number after the first order's id): read as that "
                    "first order's id, so each subscription is one customer.")


# kinds whose rows stand without a customer (an answer, a ticket): a row naming several may be kept unlinked
OPTIONAL_CUSTOMER_KINDS = ("nps", "csat", "tickets")
# one cell naming several ids: 'a;b' (HubSpot's 'Associated Company IDs' lists every company of a ticket or deal),
# each a word without spaces (text with a ';' in a sentence is not a list)
_ID_LIST = r"^\s*[^;\s]+(\s*;\s*[^;\s]+)+\s*;?\s*$"


def _id_lists(chk: _Checker, col: str, warnings: list[str], one_row_each: bool = False) -> bool:
    """Cells that list several customer ids ('111;333'): read as one id, the row belonged to a customer that exists
    in no other file (its answers, tickets or revenue linked to nobody, unsaid); read as the first listed, it may be
    the wrong company (HubSpot does not list the primary first). Asked, must confirm, no proposal; True when the
    ids were changed (the spelling checks then read the new ids)."""
    ident = quote_ident(col)
    n, rows, example = chk.con.execute(f"SELECT count(*), sum(n), min(v) FROM ids WHERE regexp_matches(v, '{_ID_LIST}')"
                                       ).fetchone()
    if not n:
        return False
    optional = chk.opts.kind in OPTIONAL_CUSTOMER_KINDS
    labels = {"first": "the first id listed in each",
              **({"unlinked": "no customer: counted in every total, linked to no customer"} if optional else {}),
              "as_is": "as written: each list is one id (';' is part of the ids)"}
    answer = chk.questions.ask(Question(
        f"id_lists:{col}", f"{counted(int(rows), 'row')} list several customer ids in '{col}'. Whose row is each?",
        tuple(labels), labels, None,
        f"{counted(n, 'different list')}, e.g. '{example}'. The file does not say which customer is the row's own "
        "(a CRM lists every associated company; HubSpot's 'Associated Company IDs (Primary)' names one): map that "
        "column instead if the export has it.", must_confirm=True))
    if answer in (None, "as_is"):  # None: unanswered, refused at the end (settle)
        return False
    new = "NULL" if answer == "unlinked" else f"trim(split_part({ident}, ';', 1))"
    _rewrite_raw_ids(chk, f"UPDATE raw SET {ident} = {new} WHERE regexp_matches({ident}, '{_ID_LIST}')")
    warnings.append(f"{counted(int(rows), 'row')} listing several customer ids in '{col}' "
                    + ("were read without a customer, as answered." if answer == "unlinked"
                       else "were read as the first id listed, as answered."))
    if answer == "first":
        _count_ids(chk, ident)
        _one_spelling(chk, col, warnings, one_row_each)
    return True


# an id's words: its runs of letters and digits, in lower case ('ACME INC.' and 'Acme Inc' have the same words;
# '12-3' and '1-23' do not: the separator moved, and with it the id)
_WORD = re.compile(r"[^\W_]+")
# a record's id rather than a name: one word or several joined without spaces, with digits and letters
# ('0015g00000ABCDE', 'cus_N4x7', 'AB-1234'): capitals may be part of it (Salesforce's 15-character ids)
_RECORD_ID = re.compile(r"(?=.*[0-9])(?=.*[^\W\d_])\S+")


def _words(v: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(v.lower()))


def _one_spelling(chk: _Checker, col: str, warnings: list[str], one_row_each: bool = False) -> None:
    """Customer ids that differ only in capitals, spaces or punctuation within one file ('Acme Inc' and 'ACME INC.'
    in a month's rows): read as two customers, one churned and one new, NRR 83% for 100%. Whether they are one
    customer is asked; answered yes, each is read as its most frequent spelling, said. Proposed yes only when every
    group has the same words and none is a record id: separators in other places ('12-3', '1-23') or record ids
    in other capitals ('0015g00000ABCDE', '…abcde') are as likely different customers, and read as one their
    revenue was summed under one id (1-23 at 300 for 100 and 200): asked, must confirm, proposed apart.
    `one_row_each`: a customers list (one row per customer): read as one, the rows are one customer twice,
    refused naming both spellings and the answer that keeps them apart."""
    ident = quote_ident(col)
    key = id_spelling_key("v")
    # the keys two ids share first, then the lists of those few alone: an ordered list for each of 200,000 ids was
    # most of the time (a 1M-answer NPS file: 0.36 CPU s, now 0.08)
    groups = chk.con.execute(f"""
        WITH k AS (SELECT v, n, {key} AS key FROM ids),
             shared AS (SELECT key FROM k GROUP BY key HAVING count(*) > 1 AND key <> '')
        SELECT list(v ORDER BY n DESC, v) FROM k WHERE key IN (SELECT key FROM shared)
        GROUP BY key ORDER BY min(v)""").fetchall()
    if not groups:
        return
    spellings = [g for (g,) in groups]
    moved = [g for g in spellings if len({_words(v) for v in g}) > 1]
    cased = [g for g in spellings if g not in moved and any(_RECORD_ID.fullmatch(v) for v in g)]
    unsure = moved + cased

    def listed(gs: list[list[str]]) -> str:
        return "; ".join(" / ".join(f"'{v}'" for v in g) for g in gs[:3]) + (" …" if len(gs) > 3 else "")

    shown = listed(unsure + [g for g in spellings if g not in unsure])
    doubt = ((f" In {listed(moved)} the separators stand between other letters or digits, as between two "
              "different ids: read as one, different customers would be merged." if moved else "")
             + (f" {listed(cased)} look like record ids whose capitals are part of the id (Salesforce's "
                "15-character ids): read as one, different customers would be merged." if cased else ""))
    answer = chk.questions.ask(Question(
        f"one_spelling:{col}", f"Are customer ids in '{col}' that differ only in capitals or punctuation one customer?",
        ("one", "separate"), {"one": "one customer each (read as its most frequent spelling)",
                              "separate": "different customers"}, "separate" if unsure else "one",
        f"{counted(len(spellings), 'group')} of ids differ only so: {shown}. Read apart, one customer looks like a "
        "churn and a new customer." + doubt, must_confirm=bool(unsure)))
    if answer != "one":
        return
    pairs = [(v, g[0]) for g in spellings for v in g[1:]]
    if one_row_each:
        # rewritten, the rows were refused as repeats of a customer id no earlier row held ('1-23' twice), and
        # the answer that keeps them apart went unsaid
        chk.flag(col, f"{ident} IN (SELECT unnest(?::VARCHAR[]))", f"spell another row's customer id otherwise "
                 f"({shown}): read as one customer (one_spelling:{col}=one), and a customers list holds one row per "
                 f"customer. If they are different customers, answer one_spelling:{col}=separate; otherwise keep "
                 "one row of each and upload again", [[a for a, _ in pairs]])
        return
    _rewrite_raw_ids(chk, f"UPDATE raw SET {ident} = m.to_id FROM (SELECT unnest(?::VARCHAR[]) AS from_id, "
                    f"unnest(?::VARCHAR[]) AS to_id) m WHERE {'raw.' + ident} = m.from_id",
                    [[a for a, _ in pairs], [b for _, b in pairs]])
    warnings.append(f"{counted(len(pairs), 'customer id')} in '{col}' differing from another only in capitals or "
                    f"punctuation {'was' if len(pairs) == 1 else 'were'} read as that customer ({shown}).")
