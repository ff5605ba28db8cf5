"""Support tickets: one canonical row per ticket from help-desk exports (Zendesk, Freshdesk, Intercom, HubSpot,
generic files and event logs). Rules: shared/METRICS.md "Service (support tickets)" and "CSAT".

- One ticket per id: an export with one row per ticket update (the id repeats) is reduced to each ticket's
  latest state (by the updated-at column, else the file order); created and first-reply times are the earliest
  seen, reopens are counted from solved/closed -> open moves when the export has no reopen count.
- Deleted, spam and merged-away tickets are not tickets: left out, with a count.
- Status: the export's, else derived from the solve time; an export with neither a status nor a solved/closed time
  cannot tell open from solved: status 'unknown' (never 'open'), said.
- Solved time: the solved/resolved column, else the closed column (said so). A ticket whose status is open
  again (reopened) has no solved time. Zendesk's updated_at is never a solve time.
- Durations in calendar hours: a duration column of the export (unit from its header or H:MM:SS, else asked),
  else the difference of the timestamps. Business-hours columns are used only when no calendar figure exists
  for any measure (hours_basis 'business'), never mixed with calendar time. Dates without a time of day give
  whole days and set day_precision.
- Times out of order (a reply or solve before creation, a solve before the first reply) make the file's
  timestamp durations untrustworthy: above 5% of tickets every such duration is left out (none averaged), below
  it only those tickets'; negative duration cells are left out; each with a warning and the count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from metrics.errors import InvalidOptionError, MissingColumnError
from metrics.ingest.checks import FALSE_WORDS, TRUE_WORDS, _Checker, _formula_warning
from metrics.ingest.customer_keys import _EXCEL_TEXT
from metrics.ingest.dates import unreadable
from metrics.ingest.mapping import normalise_header
from metrics.ingest.model import Options, counted
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import _blank, sql_words
from metrics.ingest.ticket_values import (
    LONGEST_HOURS,
    MAX_DURATION_YEARS,
    check_timestamps,
    duration,
    looks_like_timestamps,
    satisfaction,
    tags,
    timestamp,
    val,
)
from metrics.store import quote_ident

if TYPE_CHECKING:
    import pandas as pd

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
NOT_A_TICKET = "not_a_ticket"
STATUS_WORDS = {
    "new": "new", "open": "open", "in progress": "open", "waiting on us": "open", "active": "open",
    "assigned": "open", "reopened": "open", "escalated": "open",
    "pending": "pending", "pending customer response": "pending", "waiting on customer": "pending",
    "waiting on contact": "pending", "awaiting customer": "pending", "waiting on third party": "pending",
    "snoozed": "pending",
    # Jira Service Management's 'Waiting for support' / 'Waiting for customer'; Kustomer's 'done'; Front's 'archived'
    # (a conversation dealt with and put away) were asked each time
    "waiting for support": "open", "waiting for customer": "pending", "done": "solved", "archived": "closed",
    "unresolved": "open",  # Crisp's conversation states: pending, unresolved, resolved
    "submitted": "new", "in_progress": "open", "waiting_on_customer": "pending",  # Intercom's tickets
    # Dynamics 365 cases' 'Status Reason' (statuscode): In Progress, On Hold, Waiting for Details, Researching;
    # Problem Solved and Information Provided resolve a case; Merged is above; Cancelled is asked
    "waiting for details": "pending", "researching": "open", "problem solved": "solved",
    "information provided": "solved",
    # Re:amaze: 'Responded' is a conversation an agent answered that awaits the customer (not yet Done);
    # Auto-Resolved and Chatbot Resolved are Done conversations resolved by its assistant or chatbot
    "responded": "pending", "auto-resolved": "solved", "chatbot resolved": "solved",
    # Helpshift's issue states: open until resolved ('rejected' is asked: closed without a resolution)
    "new-for-agent": "open", "waiting-for-agent": "open", "pending-reassignment": "open",
    "agent-replied": "pending",
    "hold": "hold", "on-hold": "hold", "on hold": "hold",
    "solved": "solved", "resolved": "solved",
    "closed": "closed",
    "deleted": NOT_A_TICKET, "spam": NOT_A_TICKET, "merged": NOT_A_TICKET,
    # German Zendesk (Neu, Offen, Wartend, Angehalten, Gelöst, Geschlossen) and Freshdesk (Ausstehend, Warten auf …)
    "neu": "new", "offen": "open", "in bearbeitung": "open", "wiedereröffnet": "open", "eskaliert": "open",
    "wartend": "pending", "ausstehend": "pending", "warten auf kunden": "pending", "warten auf kunde": "pending",
    "warten auf drittanbieter": "pending", "angehalten": "hold",
    "gelöst": "solved", "erledigt": "solved", "geschlossen": "closed",
    "gelöscht": NOT_A_TICKET, "zusammengeführt": NOT_A_TICKET,
}
OPEN_STATUSES = ("new", "open", "pending", "hold")
# A file with neither a status nor a solved/closed time cannot tell open from solved: stored as this state
UNKNOWN_STATE = "unknown"
DONE_STATUSES = ("solved", "closed")
UNTRUSTED_SHARE = 0.05   # above this share of tickets with times out of order, no timestamp duration is used


def _status_map(chk: _Checker, column: str) -> None:
    """Temp table status_map(word, norm): known words, and the analyst's answer for each unknown one."""
    chk.con.execute("CREATE OR REPLACE TEMP TABLE status_map (word VARCHAR, norm VARCHAR)")
    chk.con.executemany("INSERT INTO status_map VALUES (?, ?)", [[w, s] for w, s in STATUS_WORDS.items()])
    v = val(column)
    unknown = chk.con.execute(
        f"SELECT lower({v}) AS w, count(*) FROM raw WHERE {v} IS NOT NULL AND lower({v}) NOT IN "
        "(SELECT word FROM status_map) GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    choices = (*STATUSES, NOT_A_TICKET)
    labels = {s: s for s in STATUSES} | {NOT_A_TICKET: "not a ticket (deleted, spam, merged)"}
    for word, count in unknown:
        answer = chk.questions.ask(Question(
            f"ticket_status:{word}", f"What does the status '{word}' in '{column}' mean?", choices, labels, None,
            f"{count:,} tickets have this status.", must_confirm=True))
        if answer is not None:
            chk.con.execute("INSERT INTO status_map VALUES (?, ?)", [word, answer])


def _flag_words(chk: _Checker, column: str, extra_true: tuple[str, ...] = ()) -> str:
    v = f"lower(coalesce({val(column)}, ''))"
    chk.flag(column, f"{v} NOT IN {sql_words(TRUE_WORDS + FALSE_WORDS + extra_true)}", "are not yes/no flags")
    return f"CASE WHEN {val(column)} IS NULL THEN NULL ELSE {v} IN {sql_words(TRUE_WORDS + extra_true)} END"


DUPLICATE_RESOLUTIONS = ("duplicate", "duplicated")  # Jira's resolution of an issue closed as another's copy


def _leave_out_duplicates(chk: _Checker, warnings: list[str]) -> None:
    """Jira closes a request that repeats another with the resolution 'Duplicate', as Zendesk merges tickets: its
    request lives on in the other ticket, so counting it would add a ticket and its resolution time twice (24
    created for 22). Left out before any check, with the count."""
    if (resolution := chk.column_named(("resolution",))) is None:
        return
    cell = f"lower(trim(coalesce({quote_ident(resolution)}, '')))"
    if n := chk.count_where(f"{cell} IN {sql_words(DUPLICATE_RESOLUTIONS)}"):
        chk.con.execute(f"DELETE FROM raw WHERE {cell} IN {sql_words(DUPLICATE_RESOLUTIONS)}")
        chk.total -= n
        warnings.append(f"{counted(n, 'ticket')} resolved as Duplicate in '{resolution}' {'was' if n == 1 else 'were'}"
                        " left out: their requests live on in the ticket they repeat.")


# When a ticket was moved to the trash (Gorgias' 'trashed_datetime'; a 'deleted_at'): a ticket with one is deleted,
# whatever its status says (a trashed ticket kept 'closed' was a solved ticket more, its minutes in the median)
TRASHED_HEADERS = ("trasheddatetime", "trashedat", "trasheddate", "deletedat", "deleteddatetime", "deleteddate",
                   "deletedtime")
# Until when a ticket is snoozed (Gorgias' 'snooze_datetime', Intercom's 'snoozed_until'): Gorgias closes a snoozed
# ticket until the time comes and then opens it again, so a closed ticket snoozed past its close is waiting, not
# solved (read as solved, a day's snooze was its resolution time and it left the backlog)
SNOOZE_HEADERS = ("snoozedatetime", "snoozeduntil", "snoozeuntil", "snoozedtill")


def _leave_out_trashed(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    column = chk.column_named(TRASHED_HEADERS)
    if column is None or column in m.values():
        return
    filled = f"NOT {_blank(quote_ident(column))}"
    if n := chk.count_where(filled):
        chk.leave_out(filled)
        warnings.append(f"{counted(n, 'ticket')} with a time in '{column}' {'was' if n == 1 else 'were'} left out: "
                        "moved to the trash (deleted), whatever the status says.")


# When the customer first wrote in a conversation (Intercom's 'statistics.first_contact_reply_at')
CONTACT_HEADERS = ("statisticsfirstcontactreplyat", "firstcontactreplyat")


def _outbound_start(chk: _Checker, m: dict[str, str], times: dict[str, str], warnings: list[str]) -> None:
    """A conversation an agent started (an outbound message) becomes a request when the customer first replies:
    Intercom measures its reply and close times from then. Measured from the outbound message, a customer who
    answered a day later made the first reply 24.5 h for 0.5 h (and Intercom's own reply times, disagreeing, were
    set aside). The ticket starts at the customer's first message where that is later than its creation, said."""
    column = chk.column_named(CONTACT_HEADERS)
    if column is None or column in m.values() or "created_at" not in times:
        return
    contact, *_ = timestamp(chk, column)
    check_timestamps(chk, column, contact, chk.opts.today)
    created = times["created_at"]
    if n := chk.count_where(f"{contact} > {created}"):
        times["created_at"] = f"(CASE WHEN {contact} > {created} THEN {contact} ELSE {created} END)"
        warnings.append(f"{counted(n, 'conversation')} began with an agent's message before the customer wrote "
                        f"('{column}' later than '{m['created_at']}'): {'it starts' if n == 1 else 'they start'} "
                        "when the customer first wrote, so reply and resolution times are measured from the "
                        "customer's request, as the tool measures them.")


# A yes/no column saying a ticket took part in a merge (osTicket's 'Merged'). osTicket sets it on the ticket the others
# were merged into as well as on those merged into it (Ticket::setMergeType flags both), so the merged-away ones
# cannot be told apart and left out as Zendesk's closed_by_merge are: all are counted, and the file says how many.
MERGED_FLAG_HEADERS = ("merged", "ismerged")


def _excel_text_ids(chk: _Checker, column: str, warnings: list[str]) -> None:
    """A ticket id written ="T1" (a CSV made to open in Excel with an id's leading zeros kept) is the id T1, as a
    customer id so written is (customer_keys._excel_text_ids): kept as typed, it was another ticket than the same id
    in the next export, unsaid. The wrapping is dropped, said."""
    ident = quote_ident(column)  # cells are stripped as the file is loaded
    n = chk.con.execute(f"SELECT count(DISTINCT {ident}) FROM raw WHERE regexp_matches({ident}, ?)",
                        [_EXCEL_TEXT]).fetchone()[0]
    if n:
        chk.con.execute(f"UPDATE raw SET {ident} = regexp_extract({ident}, ?, 1) WHERE regexp_matches({ident}, ?)",
                        [_EXCEL_TEXT, _EXCEL_TEXT])
        warnings.append(f"{counted(n, 'ticket id')} in '{column}' {'is' if n == 1 else 'are'} written as Excel text "
                        "formulas (=\"00123\", which keeps an id's leading zeros in a spreadsheet): read as the id "
                        "inside (00123), so it is the same ticket in every export.")


def _say_merged(chk: _Checker, m: dict[str, str], warnings: list[str]) -> None:
    column = chk.column_named(MERGED_FLAG_HEADERS)
    if column is None or column in m.values():
        return
    if n := chk.count_where(f"lower(coalesce({val(column)}, '')) IN {sql_words(TRUE_WORDS)}"):
        warnings.append(f"{counted(n, 'ticket')} marked in '{column}' took part in a merge; the export does not say "
                        "which ticket the others were merged into (osTicket marks both), so all are counted as "
                        "tickets: a ticket merged into another adds one to the tickets created and solved.")


# What only a ticket has: a state, a solve or close, a reply. A file of rows about tickets has none of them.
TICKET_ONLY_FIELDS = ("status", "solved_at", "closed_at", "first_reply_at", "first_reply_time", "resolution_time",
                      "first_reply_time_business", "resolution_time_business", "reopens")


def _refuse_records_about_tickets(m: dict[str, str], columns: list[str]) -> None:
    """A file whose rows have an id of their own beside the ticket they name, and nothing only a ticket has (Zendesk's
    satisfaction ratings: 'id, ticket_id, requester_id, score, created_at'): each row is a record about a ticket
    (a rating, a comment, an event), not a ticket. Read as tickets, every rating was a ticket created when it was
    rated (volume by rating date) and its score was lost. Refused, saying what to upload instead."""
    own = next((c for c in columns if normalise_header(c) == "id" and c != m["ticket_id"]), None)
    if own is None or set(TICKET_ONLY_FIELDS) & m.keys():
        return
    raise InvalidOptionError(
        f"Each row has an id of its own ('{own}') and names a ticket in '{m['ticket_id']}', and the file has no "
        "status, solve, close or reply column: its rows are records about tickets (satisfaction ratings, comments "
        "or events), not tickets, and read as tickets the ticket volume would count them. Upload the tickets "
        "export as support tickets; upload satisfaction ratings as CSAT answers.")


# A change log names, on each row, the field that changed and its value (Jira's changelog: 'field', 'fromString',
# 'toString', 'created' = when it changed; Zendesk's ticket_field_history: 'field_name', 'value', 'updated')
CHANGED_FIELD_HEADERS = ("field", "fieldname", "fieldid", "changedfield", "fieldchanged")
CHANGED_VALUE_HEADERS = ("tostring", "fromstring", "to", "from", "newvalue", "oldvalue", "previousvalue", "value",
                         "tovalue", "fromvalue")


def _refuse_change_logs(columns: list[str]) -> None:
    """A file with one row per change of one field of a ticket is not a ticket list: read as tickets, each ticket's
    first change was its creation (a September ticket first changed in October counted in October's volume, one
    never changed was missing) and, with no status column, every ticket was open, a resolved one too. Refused,
    saying what to upload instead."""
    headers = {normalise_header(c): c for c in columns}
    field = next((headers[h] for h in CHANGED_FIELD_HEADERS if h in headers), None)
    value = next((headers[h] for h in CHANGED_VALUE_HEADERS if h in headers), None)
    if field is None or value is None:
        return
    raise InvalidOptionError(
        f"Each row names a field that changed ('{field}') and its value ('{value}'): this is a change log (a "
        "ticket's history, one row per field change), not a list of tickets. Read as tickets, a ticket's first "
        "change would be its creation and its status unknown. Upload the tickets export (one row per ticket with "
        "its status and its created and resolved times).")


def _prepare_tickets(chk: _Checker, m: dict[str, str], opts: Options, warnings: list[str]) -> pd.DataFrame:
    con = chk.con
    # "First Response Time" / "Time to Resolution" that hold timestamps are times, not durations (changed in the
    # mapping itself, so the stored mapping says what the column was read as).
    for dur, at in (("first_reply_time", "first_reply_at"), ("resolution_time", "solved_at")):
        if dur in m and at not in m and looks_like_timestamps(chk, m[dur]):
            warnings.append(f"'{m[dur]}' holds timestamps, not durations despite its name: read as the "
                            f"{'time of the first reply' if at == 'first_reply_at' else 'solve time'}.")
            m[at] = m.pop(dur)
    columns = chk.file_columns()
    _refuse_change_logs(columns)
    if "ticket_id" not in m:
        raise MissingColumnError("ticket_id", "ticket id", columns)
    if not {"created_at", "solved_at", "closed_at", "first_reply_at"} & m.keys():
        raise MissingColumnError("created_at", "created at (or a solved time)", columns)
    _refuse_records_about_tickets(m, columns)
    _excel_text_ids(chk, m["ticket_id"], warnings)
    _leave_out_duplicates(chk, warnings)
    _leave_out_trashed(chk, m, warnings)
    _say_merged(chk, m, warnings)
    tid = val(m["ticket_id"])
    chk.flag(m["ticket_id"], f"{tid} IS NULL", "are empty (every ticket needs an id)")

    times: dict[str, str] = {}
    day_only: list[str] = []  # the export's column names of whole-day dates (for the warning)
    days: set[str] = set()     # their canonical names: which durations from timestamps are whole days
    part_days: dict[str, str] = {}  # canonical name -> SQL true on its cells that are dates among timed cells
    for name in ("created_at", "first_reply_at", "solved_at", "closed_at", "updated_at"):
        if name in m:
            expr, dates_only, untimed = timestamp(chk, m[name])
            check_timestamps(chk, m[name], expr, opts.today)
            times[name] = expr
            if dates_only and name != "updated_at":
                day_only.append(m[name])
                days.add(name)
            elif untimed and name != "updated_at":
                # some cells a date without a time of day beside timed ones ('2024-03-05' among '… 09:00'): read as
                # midnight, a ticket solved at noon took an invented 12 h, counted as exact; its durations from these
                # times are left out instead (_durations), said
                cell = val(m[name])
                part_days[name] = f"({cell} IS NOT NULL AND NOT contains({cell}, ':'))"
                warnings.append(f"{counted(untimed, 'cell')} of '{m[name]}' {'has' if untimed == 1 else 'have'} a "
                                "date without a time of day beside timed cells: durations from "
                                f"{'it' if untimed == 1 else 'them'} are left out (a date is no instant).")
    snooze = chk.column_named(SNOOZE_HEADERS)
    snoozed = "NULL::TIMESTAMP"
    if snooze is not None and snooze not in m.values() and chk.count_where(f"NOT {_blank(quote_ident(snooze))}"):
        snoozed, *_ = timestamp(chk, snooze)  # a snooze ends ahead of the export: no future-date check
        chk.flag(snooze, f"{val(snooze)} IS NOT NULL AND {snoozed} IS NULL", unreadable(chk, snooze, "times"))
    _outbound_start(chk, m, times, warnings)
    # a business-hours column set aside (a calendar figure exists) is not read: its unit is not asked about
    read = ("first_reply_time", "resolution_time") + (
        ("first_reply_time_business", "resolution_time_business") if _business_only(m) else ())
    durations = {name: duration(chk, m[name], warnings) for name in read if name in m}
    csat = satisfaction(chk, m["satisfaction"], warnings) if "satisfaction" in m else None
    if "status" in m:
        _status_map(chk, m["status"])
    escalated = _flag_words(chk, m["escalated"], ("escalated",)) if "escalated" in m else "NULL::BOOLEAN"
    if "reopens" in m:
        r = val(m["reopens"])
        count = f"try_cast(regexp_extract({r}, '^([0-9]+)(\\.0+)?$', 1) AS INTEGER)"
        chk.flag(m["reopens"], f"{r} IS NOT NULL AND {count} IS NULL "
                 f"AND lower({r}) NOT IN {sql_words(TRUE_WORDS + FALSE_WORDS)}",
                 "are not reopen counts (whole numbers ≥ 0) or yes/no flags")
        reopens = (f"CASE WHEN {count} IS NOT NULL THEN {count} WHEN lower({r}) IN {sql_words(TRUE_WORDS)} THEN 1 "
                   f"WHEN lower({r}) IN {sql_words(FALSE_WORDS)} THEN 0 END")
    else:
        reopens = "NULL::INTEGER"
    chk.questions.settle()
    chk.settle()

    def t(name: str) -> str:
        return times.get(name, "NULL::TIMESTAMP")

    def d(name: str) -> str:
        return durations.get(name) or "NULL::DOUBLE"

    def text(name: str) -> str:
        return val(m[name]) if name in m else "NULL::VARCHAR"

    status_join = f"LEFT JOIN status_map s_map ON s_map.word = lower({val(m['status'])})" if "status" in m else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE t0 AS
        SELECT r._row, {tid} AS ticket_id, {text('customer_id')} AS customer_id,
               {t('created_at')} AS created_at, {t('first_reply_at')} AS first_reply_at,
               {t('solved_at')} AS solved_raw, {t('closed_at')} AS closed_raw, {t('updated_at')} AS updated_at,
               {' OR '.join(part_days.get(n, 'false') for n in ('created_at', 'first_reply_at'))} AS reply_untimed,
               {' OR '.join(part_days.get(n, 'false') for n in ('created_at', 'solved_at', 'closed_at'))}
                   AS solve_untimed,
               {d('first_reply_time')} AS fr_cal, {d('resolution_time')} AS res_cal,
               {d('first_reply_time_business')} AS fr_bus, {d('resolution_time_business')} AS res_bus,
               {text('status')} AS status_raw, {'s_map.norm' if 'status' in m else 'NULL::VARCHAR'} AS status,
               lower({text('priority')}) AS priority, {text('channel')} AS channel,
               {csat['score'] if csat else 'NULL::SMALLINT'} AS csat_score,
               {csat['scale'] if csat else 'NULL::VARCHAR'} AS csat_scale,
               {csat['satisfied'] if csat else 'NULL::BOOLEAN'} AS csat_satisfied,
               {csat['offered'] if csat else 'NULL::BOOLEAN'} AS csat_offered,
               {reopens} AS reopens, {escalated} AS escalated,
               {tags(m['tags']) if 'tags' in m else 'NULL::VARCHAR[]'} AS tags,
               {text('subject')} AS subject, {text('segment')} AS segment, {text('region')} AS region,
               {snoozed} AS snoozed_until
        FROM raw r {status_join}""")

    # ---- one row per ticket: an event log is reduced to each ticket's latest state -------------------------
    rows, tickets = con.execute("SELECT count(*), count(DISTINCT ticket_id) FROM t0").fetchone()
    derive_reopens = False
    if rows > tickets:
        order = f"'{m['updated_at']}' (then the file order)" if "updated_at" in m else "the file order"
        derive_reopens = "reopens" not in m and "status" in m
        warnings.append(f"{rows:,} rows for {tickets:,} tickets: the ticket id repeats, so this is read as an event "
                        f"log (one row per ticket update) and each ticket's latest state by {order} is used"
                        + ("; reopens counted from solved/closed → open moves." if derive_reopens else "."))
    # The first reply's duration is the earliest row's that has one (Front writes it on the first outbound
    # message), the rating the latest row's that has one (a later automatic update leaves it blank): read from the
    # latest row alone, Front's first reply was a later message's (1.1 h for 2.0) and Kustomer's ratings were lost.
    rated = "csat_scale IS NOT NULL OR csat_offered IS NOT NULL"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE t1 AS
        WITH seq AS (
            SELECT *, lag(status) OVER (PARTITION BY ticket_id ORDER BY updated_at NULLS FIRST, _row) AS prev_status,
                   row_number() OVER (PARTITION BY ticket_id ORDER BY updated_at NULLS FIRST, _row) AS n
            FROM t0
        ), w AS (
            SELECT *, row_number() OVER (PARTITION BY ticket_id ORDER BY n DESC) AS k,
                   min(created_at) OVER (PARTITION BY ticket_id) AS first_created,
                   min(first_reply_at) OVER (PARTITION BY ticket_id) AS first_reply_min,
                   arg_min(fr_cal, CASE WHEN fr_cal IS NOT NULL THEN n END) OVER (PARTITION BY ticket_id) AS fr_cal_1,
                   arg_min(fr_bus, CASE WHEN fr_bus IS NOT NULL THEN n END) OVER (PARTITION BY ticket_id) AS fr_bus_1,
                   arg_max({{'score': csat_score, 'scale': csat_scale, 'satisfied': csat_satisfied,
                            'offered': csat_offered}}, CASE WHEN {rated} THEN n END)
                       OVER (PARTITION BY ticket_id) AS rating,
                   count_if(status IN {sql_words(OPEN_STATUSES)} AND prev_status IN {sql_words(DONE_STATUSES)})
                       OVER (PARTITION BY ticket_id) AS moves,
                   bool_or(reply_untimed) OVER (PARTITION BY ticket_id) AS reply_untimed_any,
                   bool_or(solve_untimed) OVER (PARTITION BY ticket_id) AS solve_untimed_any
            FROM seq
        )
        SELECT * EXCLUDE (k, n, created_at, first_reply_at, reopens, first_created, first_reply_min, moves, fr_cal,
                          fr_bus, fr_cal_1, fr_bus_1, rating, csat_score, csat_scale, csat_satisfied, csat_offered,
                          reply_untimed, solve_untimed, reply_untimed_any, solve_untimed_any),
               first_created AS created_at, first_reply_min AS first_reply_at,
               reply_untimed_any AS reply_untimed, solve_untimed_any AS solve_untimed,
               fr_cal_1 AS fr_cal, fr_bus_1 AS fr_bus,
               -- no rated row: every rating field of the ticket is empty (a score comes with its scale)
               rating.score AS csat_score, rating.scale AS csat_scale, rating.satisfied AS csat_satisfied,
               rating.offered AS csat_offered,
               {'moves::INTEGER' if derive_reopens else 'reopens'} AS reopens
        FROM w WHERE k = 1""")

    # ---- not tickets -----------------------------------------------------------------------------------------
    if "status" in m:
        for word, n in con.execute(f"SELECT lower(status_raw), count(*) FROM t1 WHERE status = '{NOT_A_TICKET}' "
                                   "GROUP BY 1 ORDER BY 1").fetchall():
            warnings.append(f"{counted(n, 'ticket')} with status '{word}' {'is' if n == 1 else 'are'} not "
                            f"{'a ticket' if n == 1 else 'tickets'} and {'was' if n == 1 else 'were'} left out.")
        con.execute(f"DELETE FROM t1 WHERE status = '{NOT_A_TICKET}'")
    if "tags" in m:
        merged = con.execute("SELECT count(*) FROM t1 WHERE list_contains(tags, 'closed_by_merge')").fetchone()[0]
        if merged:
            warnings.append(f"{merged:,} tickets closed by a merge (tag closed_by_merge) were left out: their "
                            "requests live on in the ticket they were merged into.")
            con.execute("DELETE FROM t1 WHERE list_contains(tags, 'closed_by_merge')")

    # ---- solved time and status ------------------------------------------------------------------------------
    if "solved_at" in m:
        solved = "coalesce(solved_raw, closed_raw)"
    elif "closed_at" in m:
        solved = "closed_raw"
        warnings.append(f"No solved time column: the closed time '{m['closed_at']}' is used as the solve time.")
    elif "status" in m:
        solved = "NULL::TIMESTAMP"
        warnings.append("No solved or closed time in this export (an updated-at time is not a resolution time): "
                        "tickets solved per month, the backlog and resolution times cannot be measured.")
    else:
        solved = "NULL::TIMESTAMP"
        n = con.execute("SELECT count(*) FROM t1").fetchone()[0]
        warnings.append(f"No status column and no solved or closed time (a chat export's shape): whether "
                        f"{'the ticket is' if n == 1 else f'each of the {n:,} tickets is'} open or solved is not "
                        "known, so none is counted as open: the backlog, open tickets, tickets solved and "
                        "resolution times cannot be measured.")
    derived = (f"CASE WHEN solved_raw IS NOT NULL THEN 'solved' WHEN {solved} IS NOT NULL THEN 'closed' "
               "ELSE 'open' END")
    if "status" in m:
        status = f"coalesce(status, {derived})"
        blank = con.execute("SELECT count(*) FROM t1 WHERE status IS NULL").fetchone()[0]
        if blank:
            warnings.append(f"{blank:,} tickets without a status: one with a solve time is solved, any other open.")
    elif "solved_at" in m or "closed_at" in m:
        status = derived
        warnings.append("No status column: a ticket with a solve time is solved, any other open.")
    else:
        # Nothing says whether a ticket is open or solved (LiveChat's chats: no status, no end time): read as
        # open, every chat ever had was in the backlog and 'open over 24 h'
        status = f"'{UNKNOWN_STATE}'"
    con.execute(f"CREATE OR REPLACE TEMP TABLE t2 AS SELECT * EXCLUDE (status), {status} AS status, "
                f"{solved} AS solved_at FROM t1")
    reopened = con.execute(f"SELECT count(*) FROM t2 WHERE status IN {sql_words(OPEN_STATUSES)} "
                           "AND solved_at IS NOT NULL"
                           ).fetchone()[0]
    if reopened:
        one = reopened == 1
        warnings.append(f"{counted(reopened, 'ticket')} {'is' if one else 'are'} open again (status "
                        f"new/open/pending/hold) though {'it carries' if one else 'they carry'} a solve time: "
                        "counted as open, with no solve time.")
        con.execute(f"UPDATE t2 SET solved_at = NULL WHERE status IN {sql_words(OPEN_STATUSES)}")
    asleep = f"status IN {sql_words(DONE_STATUSES)} AND snoozed_until > coalesce(solved_at, created_at)"
    if snoozed != "NULL::TIMESTAMP" and (n := con.execute(f"SELECT count(*) FROM t2 WHERE {asleep}").fetchone()[0]):
        warnings.append(f"{counted(n, 'closed ticket')} snoozed in '{snooze}' until after "
                        f"{'its' if n == 1 else 'their'} close {'is' if n == 1 else 'are'} waiting, not solved: "
                        "counted as pending (in the backlog), with no solve time.")
        con.execute(f"UPDATE t2 SET status = 'pending', solved_at = NULL WHERE {asleep}")
    if "solved_at" in m or "closed_at" in m:
        unsolved = con.execute(f"SELECT count(*) FROM t2 WHERE status IN {sql_words(DONE_STATUSES)} "
                               "AND solved_at IS NULL"
                               ).fetchone()[0]
        if unsolved:
            warnings.append(f"{unsolved:,} solved or closed tickets have no solve time: they count in no month's "
                            "solved tickets and in no resolution time.")

    # ---- durations -------------------------------------------------------------------------------------------
    _durations(chk, m, warnings, days, "first_reply_at" in m, "created_at" in m, "solved_at" in m or "closed_at" in m)
    if day_only:
        warnings.append("No time of day in " + ", ".join(f"'{c}'" for c in day_only) + ": day precision (times "
                        "from these dates are whole days, counted from date to date; flagged day_precision).")
    undated = con.execute("SELECT count(*) FROM t3 WHERE coalesce(created_at, solved_at, first_reply_at) IS NULL"
                          ).fetchone()[0]
    if undated:
        one = undated == 1
        warnings.append(f"{counted(undated, 'ticket')} {'has' if one else 'have'} no created, reply or solve time: "
                        f"{'it counts' if one else 'they count'} in no month.")
    _formula_warning(chk, m, ("subject", "customer_id", "segment", "region", "channel"), warnings)
    frame = con.execute(f"""
        SELECT ticket_id, customer_id, created_at, first_reply_at, solved_at, first_reply_hours, resolution_hours,
               hours_basis, {bool(day_only)} AS day_precision, first_reply_day_precision,
               resolution_day_precision, status, priority, channel, csat_score, csat_scale,
               csat_satisfied, csat_offered, reopens, escalated, tags, subject, segment, region,
               coalesce(created_at, solved_at, first_reply_at) AS dated_at
        FROM t3 ORDER BY _row""").df()
    if frame["dated_at"].isna().all():
        raise MissingColumnError("created_at", "created at (no ticket has a created, reply or solve time)",
                                 list(m.values()))
    return frame


def _business_only(m: dict[str, str]) -> bool:
    """Whether every measure the export has is in business hours only (no calendar figure for any): then the
    business-hours columns are the durations; else they are set aside, never mixed with calendar time."""
    cal = {"first_reply": "first_reply_time" in m or ("first_reply_at" in m and "created_at" in m),
           "resolution": "resolution_time" in m or (("solved_at" in m or "closed_at" in m) and "created_at" in m)}
    bus = {"first_reply": "first_reply_time_business" in m, "resolution": "resolution_time_business" in m}
    present = [k for k in cal if cal[k] or bus[k]]
    return bool(present) and all(bus[k] and not cal[k] for k in present)


def _durations(chk: _Checker, m: dict[str, str], warnings: list[str], days: set[str], has_reply: bool,
               has_created: bool, has_solved: bool) -> None:
    """t2 -> t3 with first_reply_hours, resolution_hours, hours_basis and, per measure, whether the ticket's figure
    is whole days (`days`: the canonical names of the time columns that are dates without a time of day). A
    figure from the export's own duration column is as exact as that column, even beside whole-day dates (RavenStack
    gives dates and a minutes column: its first response times are not day precision)."""
    con = chk.con
    # solved_at is the closed time when the export has no solve time
    dated = days | ({"solved_at"} if "closed_at" in days and "solved_at" not in m else set())

    def span(late: str, early: str) -> str:
        # whole days when either end is a date without a time of day: a case opened at 09:00 and closed that day
        # (Salesforce's 'Closed Date') took 0 days, not -9 h (midnight minus 09:00)
        if {late, early} & dated:
            return f"(date_diff('day', {early}::DATE, {late}::DATE) * 24.0)"
        return f"(epoch({late}) - epoch({early})) / 3600.0"

    ts_fr = span("first_reply_at", "created_at")
    ts_res = span("solved_at", "created_at")

    def before(late: str, early: str) -> str:
        # a date without a time of day (HubSpot's 'Close date') is midnight: a ticket closed the day it was created
        # is not out of order, so a pair with such a column is compared by day
        return f"{late}::DATE < {early}::DATE" if {late, early} & dated else f"{late} < {early}"

    disorder = (f"({before('first_reply_at', 'created_at')} OR {before('solved_at', 'created_at')} "
                f"OR {before('solved_at', 'first_reply_at')})")
    bad, pairs = con.execute(
        f"SELECT count_if({disorder}), count_if((created_at IS NOT NULL)::INT + (first_reply_at IS NOT NULL)::INT "
        "+ (solved_at IS NOT NULL)::INT >= 2) FROM t2").fetchone()
    trust_all = True
    if bad:
        names = {"created": m.get("created_at"), "reply": m.get("first_reply_at"),
                 "solved": m.get("solved_at", m.get("closed_at"))}
        cols = ", ".join(f"'{c}'" for c in names.values() if c)
        share = bad / pairs
        if share > UNTRUSTED_SHARE:
            trust_all = False
            warnings.append(f"{bad:,} of {pairs:,} tickets ({share:.0%}) have times out of order in {cols} (a reply "
                            "or solve before creation, or a solve before the first reply): durations from these "
                            "times cannot be trusted, so none is computed from them (none averaged).")
        else:
            one = bad == 1
            warnings.append(f"{counted(bad, 'ticket')} {'has' if one else 'have'} times out of order in {cols}: "
                            f"{'its' if one else 'their'} durations from these times are left out.")
    ok = "true" if trust_all else "false"

    def from_times(expr: str, needs: bool, untimed: str) -> str:
        # `untimed`: the ticket's time is a date among timed cells (prepare: part_days), no instant to count from
        return (f"CASE WHEN {ok} AND NOT coalesce({disorder}, false) AND NOT {untimed} THEN {expr} END" if needs
                else "NULL::DOUBLE")

    fr_ts = from_times(ts_fr, has_reply and has_created, "reply_untimed")
    res_ts = from_times(ts_res, has_solved and has_created, "solve_untimed")
    for col, name in (("fr_cal", "first_reply_time"), ("res_cal", "resolution_time"),
                      ("fr_bus", "first_reply_time_business"), ("res_bus", "resolution_time_business")):
        if name in m:
            neg, long = con.execute(f"SELECT count(*) FILTER ({col} < 0), count(*) FILTER ({col} > $most) FROM t2",
                                    {"most": LONGEST_HOURS}).fetchone()
            if neg:
                warnings.append(f"{neg:,} negative durations in '{m[name]}' cannot be true and were left out.")
            if long:  # 300 nines in a first reply time were stored as 1.7e298 hours
                warnings.append(f"{long:,} durations in '{m[name]}' are longer than {MAX_DURATION_YEARS} years "
                                f"({LONGEST_HOURS:,.0f} hours), which no ticket waits: broken cells, left out.")
            if neg or long:
                con.execute(f"UPDATE t2 SET {col} = NULL WHERE {col} < 0 OR {col} > $most", {"most": LONGEST_HOURS})
    if _business_only(m):
        basis = "business"
        fr, res = "fr_bus", "res_bus"
        warnings.append("Only business-hours durations in this export: stored as business hours (hours_basis "
                        "'business'), never mixed with calendar time.")
    else:
        basis = "calendar"
        fr = _column_or_times(chk, m, warnings, "fr_cal", "first_reply_time", fr_ts)
        res = _column_or_times(chk, m, warnings, "res_cal", "resolution_time", res_ts)
        set_aside = [m[n] for n in ("first_reply_time_business", "resolution_time_business") if n in m]
        if set_aside:
            warnings.append("Business-hours columns " + ", ".join(f"'{c}'" for c in set_aside) + " set aside: "
                            "durations are in calendar hours (the two are never mixed).")

    def whole_days(figure: str, column: str, ts_expr: str, end_is_date: str) -> str:
        """SQL: the ticket's figure came from timestamps (not the export's duration column), one of them a date."""
        if basis == "business" or ts_expr == "NULL::DOUBLE":
            return "false"
        dated = "true" if "created_at" in days else end_is_date
        own = f" AND {column} IS NULL" if column in figure else ""
        return f"(({figure}) IS NOT NULL{own} AND ({ts_expr}) IS NOT NULL AND {dated})"

    def is_date(name: str) -> str:
        return "true" if name in days else "false"

    fr_days = whole_days(fr, "fr_cal", fr_ts, is_date("first_reply_at"))
    # the solve time is the solved column's, else the closed column's (t1's solved_raw / closed_raw)
    res_days = whole_days(res, "res_cal", res_ts, f"(CASE WHEN solved_raw IS NOT NULL THEN {is_date('solved_at')} "
                                                  f"ELSE {is_date('closed_at')} END)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE t3 AS SELECT *, {fr} AS first_reply_hours, {res} AS resolution_hours, "
                f"CASE WHEN {fr} IS NOT NULL OR {res} IS NOT NULL THEN '{basis}' END AS hours_basis, "
                f"{fr_days} AS first_reply_day_precision, {res_days} AS resolution_day_precision FROM t2")


def _column_or_times(chk: _Checker, m: dict[str, str], warnings: list[str], col: str, name: str, ts_expr: str) -> str:
    """The export's own calendar duration column where it agrees with the timestamps (within 0.1 h, or 24 h for
    dates without a time), else the timestamps: a column that disagrees for more than 5% of the tickets having
    both is a wrong unit or business hours in disguise, so it is not used at all."""
    if name not in m:
        return ts_expr
    if ts_expr == "NULL::DOUBLE":
        return col
    # within a day when either end is a date without a time (HubSpot's 'Close date' beside a timed 'Create date')
    end = m.get("first_reply_at") if name.startswith("first_reply") else m.get("solved_at", m.get("closed_at"))
    tol = 24.0 if any(c and _is_day_only(chk, c) for c in (m.get("created_at"), end)) else 0.1
    gap = f"abs({col} - ({ts_expr}))"
    differ, both, an_hour = chk.con.execute(
        f"SELECT count_if({gap} > {tol}), count_if({col} IS NOT NULL AND ({ts_expr}) IS NOT NULL), "
        f"count_if({gap} > {tol} AND abs({gap} - 1) <= {tol}) FROM t2").fetchone()
    if differ and an_hour == differ and tol < 1:
        # Local times without a zone across a daylight-saving change (Zendesk's export: the account's zone) are an
        # hour off the time that passed; the export's own minutes are right (43 h, where the times said 42)
        warnings.append(f"{differ:,} tickets whose '{m[name]}' differs from the difference of their times by one "
                        "hour, as local times across a daylight-saving change do: the export's own durations are "
                        "used.")
        return f"coalesce({col}, {ts_expr})"
    if differ and differ > UNTRUSTED_SHARE * both:
        warnings.append(f"'{m[name]}' differs from the difference of the tickets' times by more than {tol:g} h for "
                        f"{differ:,} of {both:,} tickets (a wrong unit, or business hours?): it is not used; the "
                        "durations come from the times.")
        return ts_expr
    if differ:
        warnings.append(f"{differ:,} tickets whose '{m[name]}' differs from the difference of their times by more "
                        f"than {tol:g} h; the export's own duration column is used.")
    return f"coalesce({col}, {ts_expr})"


def _is_day_only(chk: _Checker, column: str) -> bool:
    return chk.formats.get(column) != "EPOCH" and chk.con.execute(
        f"SELECT count(*) FILTER (contains({val(column)}, ':')) = 0 FROM raw").fetchone()[0]

