"""Survey checks that read the file before the NPS and CSAT preparers: which question is the NPS, rows that are
no customer's answer (previews, tests, spam; and, for tickets too, rows a flag column marks deleted or excluded), a
response number mapped as the customer id, identical answers."""

from __future__ import annotations

from metrics.errors import InvalidOptionError
from metrics.ingest.checks import _Checker, _keep_or_reject, _repeat, _repeats
from metrics.ingest.mapping import NOT_A_SCORE, normalise_header
from metrics.ingest.model import counted
from metrics.ingest.questions import Question
from metrics.ingest.sqltext import sql_words
from metrics.store import quote_ident


def _which_recommend_question(chk: _Checker, mapping: dict[str, str], columns: list[str],
                              labels: dict[str, str]) -> None:
    """Two questions that ask how likely one is to recommend (the support team, the product): the first column was
    taken, NPS −80 for the product's +33. Which one is the NPS is asked, must confirm."""
    asking = [c for c in columns
              if "recommend" in normalise_header(c + " " + labels.get(c, ""))
              and not any(w in normalise_header(c) for w in NOT_A_SCORE)
              # Qualtrics' Q1_NPS_GROUP ("… - Group"): the question's category, not a second question
              and not normalise_header(c).endswith("group") and not normalise_header(labels.get(c, "")).endswith(
                  "group")]
    if len(asking) < 2 or mapping.get("score") not in asking:
        return
    answer = chk.questions.ask(Question(
        "score_column", "Several questions ask how likely they are to recommend. Which one is the NPS?",
        tuple(asking), {c: f"'{c}'" for c in asking}, None,
        "Each is read as a 0–10 likelihood to recommend; only one can be the company's NPS (the others ask about "
        "a team, a feature or a channel).", must_confirm=True))
    if answer is not None:
        mapping["score"] = answer


# Survey tools' response status for answers that no customer gave (Qualtrics: 'Survey Preview', 'Survey Test',
# 'Spam'): left out with a count (they moved NPS 33 -> 14 in a helper's file)
# Alchemer's 'Disqualified' (screened out by the survey's logic); its 'Partial' answers count: the score was given
NOT_ANSWER_STATUS = ("survey preview", "preview", "survey test", "test", "spam", "disqualified",
                     "survey preview spam", "imported spam", "offline survey preview", "ex spam", "synthetic")
# Qualtrics' numeric export writes the response type as its code (its SPSS labels: 0 IP Address, 1 Survey Preview,
# 2 Survey Test, 4 Imported, 8 Spam, 9 Survey Preview Spam, 12 Imported Spam, 16 Offline, 17 Offline Survey
# Preview, 32 EX, 40 EX Spam, 48 EX Offline, 256 Synthetic): read as answers, a preview's 0 and a spam 0 moved
# NPS +40 to −12.5. The codes of the words above are left out; 0, 4, 16, 32 and 48 are customers' answers.
QUALTRICS_NOT_ANSWER_CODES = ("1", "2", "8", "9", "12", "17", "40", "256")
QUALTRICS_ANSWER_CODES = ("0", "4", "16", "32", "48")


def _not_real_answers(chk: _Checker, warnings: list[str]) -> None:
    """Leave out, with a count, the responses a survey tool marks as no customer's: by their status (words, or
    Qualtrics' numeric codes in a Qualtrics export whose status column holds only codes) and by Qualtrics'
    'DistributionChannel' preview / test."""
    if (status := chk.column_named(("status", "responsestatus", "responsetype", "surveystatus"))) is not None:
        n, said = chk.leave_out_values(status, NOT_ANSWER_STATUS)
        cell = f"trim(coalesce({quote_ident(status)}, ''))"
        if chk.tool.startswith("Qualtrics") and not n and not chk.count_where(
                f"{cell} NOT IN {sql_words(QUALTRICS_NOT_ANSWER_CODES + QUALTRICS_ANSWER_CODES)}"):
            n, said = chk.leave_out_values(status, QUALTRICS_NOT_ANSWER_CODES)
            said += " (Qualtrics' codes of previews, tests, spam and synthetic responses)"
        if n:
            warnings.append(f"{counted(n, 'response')} whose '{status}' says {said} {'was' if n == 1 else 'were'} "
                            "left out: previews, tests, spam and screened-out (disqualified) responses are no "
                            "customer's answer.")
    if (channel := chk.column_named(("distributionchannel",))) is not None:
        n, said = chk.leave_out_values(channel, ("preview", "test"))
        if n:
            warnings.append(f"{counted(n, 'response')} whose '{channel}' says {said} {'was' if n == 1 else 'were'} "
                            "left out: a survey's previews and tests are no customer's answer.")


# Typeform's export beside 'Submit Date (UTC)' writes 'Response Type' completed / partial (and started): a partial is
# a response never submitted, which Typeform's results leave out (its Responses API returns completed responses
# unless partial ones are asked for). Counted, a partial's NPS answer moved the NPS (+20 read as −12.5). Its older
# export has no 'Response Type': a partial there is a row without a submit date (refused as a missing date).
TYPEFORM_UNSUBMITTED = ("partial", "started")
_TYPEFORM_TYPES = (*TYPEFORM_UNSUBMITTED, "completed", "")


def _unsubmitted_typeform(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """Leave out, with a count, a Typeform export's responses that were never submitted (partial, started)."""
    submitted = chk.column_named(("submitdateutc",))
    if submitted is None or chk.column_named(("networkid",)) is None and "#" not in chk.file_columns():
        return
    kind = chk.column_named(("responsetype",))
    cell = f"lower(trim(coalesce({quote_ident(kind)}, '')))" if kind else None
    if cell and not chk.count_where(f"{cell} NOT IN {sql_words(_TYPEFORM_TYPES)}"):
        unsubmitted, said = f"{cell} IN {sql_words(TYPEFORM_UNSUBMITTED)}", f"'{kind}' says partial or started"
    else:
        unsubmitted, said = f"trim(coalesce({quote_ident(submitted)}, '')) = ''", f"'{submitted}' is empty"
    score = mapping.get("score")
    n, answered = chk.con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE trim(coalesce({quote_ident(score) if score else 'NULL'}, '')) "
        f"<> '') FROM raw WHERE {unsubmitted}").fetchone()
    if not n:
        return
    chk.leave_out(unsubmitted)
    warnings.append(f"{counted(n, 'Typeform response')} whose {said} {'was' if n == 1 else 'were'} left out: never "
                    f"submitted, and Typeform's own results count submitted responses only"
                    + (f" ({answered:,} had answered '{score}')." if answered else "."))


# Flag columns whose true rows are no customer's answer or ticket: Wootric's 'excluded_from_calculations' (left
# out of its own NPS; counted, NPS +17 read as 0), a tool's 'deleted' / 'is_deleted' (Kustomer's deleted
# conversations were solved tickets), 'spam', 'is_test'. Only a column of true/false values is read as a flag.
# Alchemer's 'is_test_data' (1/0: two test answers of 0 moved NPS +50 to +12.5), Retently's 'isBogus'.
LEFT_OUT_FLAGS = ("excludedfromcalculations", "excluded", "isexcluded", "deleted", "isdeleted", "spam", "isspam",
                  "istest", "test", "testresponse", "istestdata", "testdata", "isbogus", "bogus",
                  # Help Scout's 'isDraft': an agent's unsent message, no customer's request (an open ticket more)
                  "isdraft", "draft")
_TRUE, _FALSE = ("true", "t", "yes", "y", "1"), ("false", "f", "no", "n", "0", "")


def _true_false(chk: _Checker, column: str) -> tuple[str, int, int]:
    """(the cell's SQL, how many cells say true, how many are neither true nor false nor empty)."""
    cell = f"lower(trim(coalesce({quote_ident(column)}, '')))"
    flagged, other = chk.con.execute(f"SELECT count(*) FILTER ({cell} IN {sql_words(_TRUE)}), "
                                     f"count(*) FILTER ({cell} NOT IN {sql_words(_TRUE + _FALSE)}) FROM raw").fetchone()
    return cell, flagged, other


def leave_out_flagged(chk: _Checker, mapped: dict[str, str], what: str, warnings: list[str]) -> None:
    """Leave out, with a count, the rows a flag column (LEFT_OUT_FLAGS, not a mapped field) marks true."""
    for column in chk.file_columns():
        if normalise_header(column) not in LEFT_OUT_FLAGS or column in mapped.values():
            continue
        cell, flagged, other = _true_false(chk, column)
        if flagged and not other:
            chk.leave_out(f"{cell} IN {sql_words(_TRUE)}")
            warnings.append(f"{counted(flagged, what)} whose '{column}' is true {'was' if flagged == 1 else 'were'} "
                            "left out, as the tool that wrote the file leaves them out of its own figures.")


def _comment_flag(chk: _Checker, mapping: dict[str, str], given: dict[str, str], warnings: list[str]) -> None:
    """A comment column that holds only true/false (Medallia's 'comments': whether a comment was given) is a flag,
    not the comments: read as text, 'true' and 'false' were six comments where none was written. Not read, said."""
    column = mapping.get("comment")
    if column is None or "comment" in given:
        return
    _cell, flags, other = _true_false(chk, column)
    if flags and not other:
        mapping.pop("comment")
        warnings.append(f"'{column}' holds only true/false values: a flag saying whether a comment was given, not "
                        "the comments, so it is not read as comments (map the comment text's column if the file "
                        "has one).")


# A column naming the survey each answer belongs to (HubSpot's feedback submissions, Jotform, an export of every
# survey of an account): a CSAT survey's 5 out of 5 read as an NPS answer is a detractor
# Retently's feedback: 'metricsType' (NPS, CSAT, CES; a CSAT campaign's 5 of 5 were NPS detractors: NPS −22 for +40).
# Not a campaign's name: one NPS survey sent in waves
SURVEY_HEADERS = ("surveyname", "surveytype", "survey", "surveytitle", "formname", "formtitle", "questionnaire",
                  "metricstype", "metrictype", "surveymetric", "umfrage", "umfragename")
_OWN_SURVEY = {"nps": ("nps", "netpromoter", "recommend"), "csat": ("csat", "satisf", "zufrieden")}
MAX_SURVEYS = 30


def _one_survey(chk: _Checker, kind: str, warnings: list[str]) -> None:
    """Answers of several surveys in one file (a survey name or type column with more than one value): which are
    the NPS (or CSAT) survey is asked; the names that say so ('Q1 NPS', type 'NPS') are proposed, and with none the
    answer must be confirmed. The other surveys' answers are left out, counted per survey."""
    column = chk.column_named(SURVEY_HEADERS)
    if column is None:
        return
    cell = f"coalesce({quote_ident(column)}, '')"
    found = chk.con.execute(f"SELECT {cell}, count(*) FROM raw GROUP BY 1 ORDER BY 2 DESC, 1 "
                            f"LIMIT {MAX_SURVEYS + 1}").fetchall()
    if len(found) < 2:
        return
    if len(found) > MAX_SURVEYS:
        raise InvalidOptionError(f"'{column}' names more than {MAX_SURVEYS} surveys: upload the "
                                 f"{'NPS' if kind == 'nps' else 'CSAT'} survey's answers alone.")
    names = [v for v, _ in found]
    own = [v for v in names if any(w in normalise_header(v) for w in _OWN_SURVEY[kind])]
    noun = "NPS" if kind == "nps" else "CSAT"
    answer = chk.questions.ask(Question(
        f"surveys:{column}", f"The file holds the answers of {len(names)} surveys ('{column}'). Which are the {noun} "
        "survey?", tuple(names), {v: f"'{v}'" if v else "(no survey named)" for v in names},
        own or None, "Answers per survey: " + ", ".join(f"{v or '(none)'} ({n:,})" for v, n in found)
        + f". Another survey's ratings (a 1–5 CSAT, a CES) read as {noun} answers would change the {noun}.",
        multi=True, must_confirm=not own))
    if not answer:
        return
    kept = answer if isinstance(answer, list) else [answer]
    left = [(v, n) for v, n in found if v not in kept]
    if left:
        # the survey names are the file's own values: bound, through a temp table (leave_out takes no parameters)
        chk.con.execute("CREATE OR REPLACE TEMP TABLE _surveys AS SELECT unnest(?::VARCHAR[]) AS v", [kept])
        chk.leave_out(f"{cell} NOT IN (SELECT v FROM _surveys)")
        chk.con.execute("DROP TABLE _surveys")
        n = sum(c for _, c in left)
        warnings.append(f"{counted(n, 'answer')} of other surveys in '{column}' left out, as answered: "
                        + ", ".join(f"{v or '(none)'} ({c:,})" for v, c in left) + ".")


def _row_counter(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """A survey column mapped as the customer id that numbers the rows 1, 2, 3 … in file order: the form's
    response number (Microsoft Forms' 'ID'), which read as a customer id would link answer 1 to customer 1 of the
    customers file, a plausible wrong link. Asked (Question "row_counter:<column>"), "response number" proposed:
    then it is the response id and the answers are not linked, said."""
    col = mapping.get("customer_id")
    if col is None or not _counts_rows(chk, col):
        _numbered_responses(chk, mapping, warnings)
        return
    answer = chk.questions.ask(Question(
        f"row_counter:{col}", f"'{col}' numbers the rows 1 to {chk.total:,} in order. Is it a customer id?",
        ("response", "customer"), {"response": "no: the form's response number (answers not linked to customers)",
                                   "customer": "yes: customer ids that happen to run 1, 2, 3 … in file order"},
        proposal="response",
        detail="A form numbers its responses this way (Microsoft Forms' 'ID'); read as customer ids, the first "
               "answer would be linked to customer 1 of the customers file."))
    if answer == "response":
        mapping.pop("customer_id")
        mapping.setdefault("response_id", col)
        warnings.append(f"'{col}' numbers the rows 1 to {chk.total:,} in order, as a form numbers its responses: "
                        "read as the response number, not as customer ids, so these answers are not linked to "
                        "customers (answer the question to read it otherwise).")
        _timed_response_ids(chk, col, mapping.get("response_date"), warnings)


def _counts_rows(chk: _Checker, col: str) -> bool:
    """Whether `col` numbers the rows 1, 2, 3 … in file order (a form's response number)."""
    if chk.total < 3:
        return False
    ident = quote_ident(col)
    # numbers 1 to the row count, first (one plain pass; ids that are not all numbers stop here), then in file order
    counts = chk.con.execute(f"SELECT count(x) = count(*) AND min(x) = 1 AND max(x) = count(*) "
                             f"FROM (SELECT TRY_CAST({ident} AS BIGINT) AS x FROM raw)").fetchone()[0]
    return bool(counts and chk.con.execute(
        f"SELECT count(*) = count(*) FILTER (WHERE TRY_CAST({ident} AS BIGINT) = n) "
        f"FROM (SELECT {ident}, row_number() OVER (ORDER BY _row) AS n FROM raw)").fetchone()[0])


def _numbered_responses(chk: _Checker, mapping: dict[str, str], warnings: list[str]) -> None:
    """A response id that numbers the rows 1, 2, 3 … (Microsoft Forms' 'ID') is the form's own count: another
    form's file numbers its answers the same way, and appended beside it, its answer 1 of the same day was taken for
    this file's answer 1 (counted once: three answers of eight lost, NPS 0 for +12.5). Such an id is kept with the
    answer's own time (the date cell as written, to the second), which a second export of the same form repeats
    and another form's answers do not."""
    col = mapping.get("response_id")
    if col is not None and _counts_rows(chk, col):
        _timed_response_ids(chk, col, mapping.get("response_date"), warnings)


def _timed_response_ids(chk: _Checker, col: str, date: str | None, warnings: list[str]) -> None:
    """_numbered_responses for a column known to number the rows: each id with the answer's time as written."""
    if date is None:
        return
    timed = f"trim(coalesce({quote_ident(date)}, ''))"
    if chk.count_where(f"NOT contains({timed}, ':')"):
        return  # without a time of day the date adds too little; left as it is
    rid = quote_ident(col)
    chk.con.execute(f"UPDATE raw SET {rid} = trim({rid}) || ' at ' || {timed}")
    example = chk.con.execute(f"SELECT {rid} FROM raw ORDER BY _row LIMIT 1").fetchone()[0]
    warnings.append(f"'{col}' numbers this form's responses 1 to {chk.total:,}, as another form numbers its own: each "
                    f"answer is identified by its number and its time in '{date}' (e.g. '{example}'), so a file "
                    "added beside this one takes none of its answers for these.")


def _repeated_answers(chk: _Checker, mapping: dict[str, str], whole_row: str, warnings: list[str]) -> None:
    """Survey answers with neither a response id nor a customer id, identical in every column: with only a date
    and a score (an anonymous survey) two people can answer alike on one day, so they are not proof of a row
    exported twice. Asked (Question "repeated_answers"): separate answers (proposed when the date has no time of
    day), or repeats to reject (proposed when even the time of day is equal, which two people rarely share)."""
    if not (repeats := _repeats(chk, whole_row)):
        return
    date = mapping.get("response_date")
    timed = date is not None and chk.count_where(f"contains({quote_ident(date)}, ':')") > 0
    answer = chk.questions.ask(Question(
        "repeated_answers", f"{_repeat(repeats, 'answer')} in every column. What are they?",
        ("count", "reject"), {"count": "separate answers that happen to be alike: count each",
                              "reject": "the same answer exported twice: reject the repeats"},
        proposal="reject" if timed else "count",
        detail="The file has no response id or customer id to tell answers apart"
               + (f"; '{date}' has times of day, and these repeat them to the second." if timed
                  else f"{f'; {date!r} has no time of day' if date else ''}: several people can give the same "
                       "score on the same day.")))
    _keep_or_reject(chk, answer == "count", whole_row, warnings,
                    f"{_repeat(repeats, 'answer')} in every column; with no response or customer id to tell them "
                    "apart, each is counted as a separate answer.")
