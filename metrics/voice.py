"""What customers say: sentiment and themes of NPS comments, and what each theme is worth.

Rules (shared/METRICS.md, "Comments: sentiment and themes"):
- Every non-blank comment of an NPS data version is analysed once by the text engine (metrics.text.analyse:
  language, sentiment label and score, themes) and the result is stored in the workspace table
  `comment_analysis`, keyed by (nps_version, row_number). `ensure_analysis` fills it when a version is missing
  (about 0.5 s per 450 comments after an ~8 s model load), so pages only read it. A blank comment is not a
  comment: it is neither analysed nor counted.
- Sentiment comes from the text alone, never from the score. Shares (positive / neutral / negative) are over
  scored comments, each with a Wilson 95% interval; coverage = scored ÷ all comments is given beside them.
- Themes come from a version of the workspace's theme map (metrics.theme_store; an analyst edits it on the Data
  page). `ensure_themes` assigns each analysed comment its themes under one version and stores them in
  `comment_rows`, keyed by (nps_version, theme_map, row_number): about 0.6 s for the sample's 11,700 comments,
  once per NPS version and theme-map version (versions with identical maps share the rows). A row holds what
  the figures read of the answer and its analysis too, in date order: a window is one filtered scan of one table
  (joining the answers and analysis on every figure was most of the CMO page's time). Every function below
  takes the theme-map version (`tm`, None = the latest) and reads that version only, so one figure never mixes two
  maps. The figures are aggregated in DuckDB over the window's comments (never a frame of every comment: a
  million comments were 1.6 GB in pandas); `comments` gives that frame for exports only.
  (`comment_analysis.themes` keeps the shipped map's themes, which the churn model's features read.)
- A comment's segment and region are the response's own, else the customer's (as fact_nps does); a window
  [start, end] holds the comments dated from start's first day to end's last day.
- Per theme, over the window: mentions (comments raising it), the share of detractor comments and of promoter
  comments that raise it (Wilson 95%), the mean sentiment score of its scored comments (95% interval), and its
  ARR at stake = 12 × MRR in the window's last month of the distinct customers who raised it in the window and
  are active in that month. Themes are ranked by ARR at stake. Praise counts as raising a theme ("fast"
  raises performance), so the same sum over customers who raised it in a negative comment is given beside
  it (arr_at_stake_negative).
- Churn after a mention (no look-ahead): mentions are taken from the window of the same length just before
  the view's window (View.previous), so every mention predates the window's start. The base is the
  customers active at the start of the window who left at least one comment in that earlier window; those who
  raised the theme are compared with those who commented but did not raise it (commenting itself goes with
  dissatisfaction, so the comparison is between commenters). Churned = churn date within the window. Each
  rate has its Wilson interval; "not measurable" when either group has fewer than stats.MIN_CUSTOMERS
  customers.
"""

from __future__ import annotations

import operator
import threading
from types import SimpleNamespace

import duckdb
import pandas as pd
import pyarrow as pa

from metrics import rules, stats, theme_store
from metrics.facts import keys
from metrics.rules import CATEGORY_SQL
from metrics.schema import create_tables, transaction
from metrics.store import source_rows
from metrics.view import View, query, records, used

SCHEMA = """
CREATE TABLE IF NOT EXISTS comment_analysis (
    nps_version INTEGER NOT NULL, row_number BIGINT NOT NULL, language VARCHAR, sentiment VARCHAR NOT NULL,
    score DOUBLE, themes VARCHAR[] NOT NULL
)
"""
THEMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS comment_rows (
    nps_version INTEGER NOT NULL, theme_map INTEGER NOT NULL, row_number BIGINT NOT NULL, response_id VARCHAR,
    customer_id VARCHAR, response_date DATE NOT NULL, nps_score TINYINT NOT NULL, channel VARCHAR, segment VARCHAR,
    region VARCHAR, language VARCHAR, sentiment VARCHAR NOT NULL, score DOUBLE, themes VARCHAR[] NOT NULL,
    customer_key INTEGER  -- the workspace's integer key of customer_id (metrics/facts/keys.py): joins to revenue
)
"""
# What a comment row copies of its answer (n) and analysis (a); the text stays in nps_responses (a theme-map
# version's rows would otherwise hold every comment again).
_ROW_COLUMNS = ("n.row_number, n.response_id, n.customer_id, n.response_date, n.score AS nps_score, n.channel, "
                "n.segment, n.region, a.language, a.sentiment, a.score")
# A version's analysis (and its themes under a theme map) is complete when its marker row is there: written in the
# same transaction as the rows, so a page checks one small table instead of counting a million comments on every
# figure (five counts a figure took ~0.3 s at 480,000 comments). Analysis rows stored before the markers existed are
# checked by counting once and then marked; comment_rows came with its marker, so rows without one are redone.
DONE_SCHEMA = """
CREATE TABLE IF NOT EXISTS comment_analysis_done (nps_version INTEGER NOT NULL, comments BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS comment_rows_done (nps_version INTEGER NOT NULL, theme_map INTEGER NOT NULL,
                                                comments BIGINT NOT NULL);
"""
NOT_SCORED = "not scored"
NOT_RECOGNISED = "not recognised"  # the language group of comments the engine does not score
LABELS = ("positive", "neutral", "negative")
_LOCK = threading.Lock()  # one analysis at a time in a process (the app runs one workspace per process)

_HAS_COMMENT = "nullif(trim(n.comment), '') IS NOT NULL"


def ensure_analysis(cur, nps_version: int | None) -> int:
    """Analyse the comments of an NPS version unless stored already; returns the number of comments stored.

    Complete = its marker row (DONE_SCHEMA), written in the transaction that stores the rows; without one the rows
    are counted (the version is complete when every non-blank comment has its row) and an incomplete set (e.g. an
    interrupted run of an older version of the app) is replaced as a whole, in one transaction."""
    if nps_version is None:
        return 0
    _schema(cur)
    if (done := _done(cur, "comment_analysis_done", {"v": nps_version})) is not None:
        return done
    with _LOCK:
        want, have = _analysis_counts(cur, nps_version)
        if want == have:
            _mark(cur, "comment_analysis_done", {"v": nps_version, "n": want})
            return int(have)
        from metrics import text

        # Read and written a chunk at a time, in one transaction: a version's comments are never held whole
        # (1M comments would pass 1 GB). `reader` streams them while `cur` writes.
        reader, done = cur.cursor(), 0
        with transaction(cur):
            cur.execute("DELETE FROM comment_analysis WHERE nps_version = $v", {"v": nps_version})
            for rows, result in text.analyse_chunks(lambda: _comment_chunks(reader, nps_version)):
                cur.register("analysed", pd.DataFrame({
                    "nps_version": nps_version, "row_number": rows,
                    "language": result["lang"].to_numpy(), "sentiment": result["sentiment"].to_numpy(),
                    "score": result["score"].astype(float).to_numpy(), "themes": list(result["themes"])}))
                cur.execute("INSERT INTO comment_analysis SELECT nps_version, row_number, language, sentiment, "
                            "score, themes::VARCHAR[] FROM analysed")
                cur.unregister("analysed")
                done += len(rows)
            _mark(cur, "comment_analysis_done", {"v": nps_version, "n": done})
        reader.close()
        return done


def _schema(cur) -> None:
    create_tables(cur, SCHEMA, THEMES_SCHEMA, DONE_SCHEMA)  # a page and the background analysis may both create


def _where(key: dict) -> str:
    return "nps_version = $v" + (" AND theme_map = $tm" if "tm" in key else "")


def _done(cur, table: str, key: dict) -> int | None:
    """The number of comments of a version marked complete in `table` (comment_analysis_done, keyed by v, or
    comment_rows_done, keyed by v and tm), else None."""
    sql = f"SELECT max(comments) FROM {table} WHERE {_where(key)}"
    (n,), = cur.execute(sql, used(sql, key)).fetchall()
    return None if n is None else int(n)


def _mark(cur, table: str, key: dict) -> None:
    """Mark a version complete in `table` (see _done) with its number of comments, key["n"], once."""
    sql = f"DELETE FROM {table} WHERE {_where(key)}"
    cur.execute(sql, used(sql, key))
    cur.execute(f"INSERT INTO {table} VALUES ($v, {'$tm, ' if 'tm' in key else ''}$n)", key)


ANALYSIS_CHUNK = 20_000  # comments read, scored and written at a time


def _comment_chunks(cur, nps_version: int):
    """(row numbers, comments) of the version's non-blank comments in file order, ANALYSIS_CHUNK at a time."""
    batches = cur.sql(
        f"SELECT n.row_number, n.comment FROM nps_responses n WHERE n.version = $v AND {_HAS_COMMENT}"
        " ORDER BY n.row_number", params={"v": nps_version}).to_arrow_reader(ANALYSIS_CHUNK)
    for batch in batches:
        yield batch.column("row_number").to_numpy(), batch.column("comment").to_pylist()


def _analysis_counts(cur, nps_version: int) -> tuple[int, int]:
    """(non-blank comments of the NPS version, their stored analyses)."""
    return cur.execute(
        f"""SELECT (SELECT count(*) FROM nps_responses n WHERE n.version = $v AND {_HAS_COMMENT}),
                   (SELECT count(*) FROM comment_analysis WHERE nps_version = $v)""",
        {"v": nps_version}).fetchone()


def analysed(cur, snapshot: int) -> bool:
    """Whether every comment of the snapshot's NPS sources has its analysis stored: ensure_snapshot would not
    analyse anything. Never waits for an analysis under way (it reads what is committed)."""
    _schema(cur)
    return all(_done(cur, "comment_analysis_done", {"v": v}) is not None or operator.eq(*_analysis_counts(cur, v))
               for v in nps_versions(cur, snapshot))


def ensure_themes(cur, nps_version: int | None, theme_map: int) -> int:
    """Assign the themes of one theme-map version to every analysed comment of an NPS version unless stored
    already; returns the number of comments. Like ensure_analysis, complete (marked) or redone as a whole."""
    if nps_version is None:
        return 0
    want = ensure_analysis(cur, nps_version)
    key = {"v": nps_version, "tm": int(theme_map)}
    if (done := _done(cur, "comment_rows_done", key)) is not None:
        return int(done)
    mapping = theme_store.load(cur, theme_map)  # UnknownVersion before anything is written
    with _LOCK:
        if (done := _done(cur, "comment_rows_done", key)) is not None:  # stored by another thread meanwhile
            return int(done)
        # A version with the same map and complete rows (e.g. one restored by going back) lends its rows.
        twin = cur.execute("""
            SELECT t.theme_map FROM comment_rows t JOIN theme_map_versions m ON m.version = t.theme_map
            WHERE t.nps_version = $v AND t.theme_map <> $tm AND m.sha256 = $sha
            GROUP BY t.theme_map HAVING count(*) = $want LIMIT 1""",
                           {**key, "sha": theme_store.sha(cur, theme_map), "want": want}).fetchone()
        with transaction(cur):
            cur.execute("DELETE FROM comment_rows WHERE nps_version = $v AND theme_map = $tm", key)
            if twin is not None:
                cur.execute("INSERT INTO comment_rows BY NAME SELECT * REPLACE ($tm AS theme_map) FROM comment_rows"
                            " WHERE nps_version = $v AND theme_map = $twin ORDER BY response_date, row_number",
                            {**key, "twin": twin[0]})
            else:
                _assign_chunks(cur, nps_version, mapping, key)
            _mark(cur, "comment_rows_done", {**key, "n": want})
        return int(want)


def _assign_chunks(cur, nps_version: int, mapping, key: dict) -> None:
    """Assign and insert the themes of the version's analysed comments ANALYSIS_CHUNK at a time, inside the
    caller's transaction: a version's comments are never held whole (1M comments read at once took the app's
    server from 1.08 to 1.40 GB). `reader` streams them while `cur` writes, in date order (a window's scan then
    skips the row groups outside it)."""
    reader = cur.cursor()
    rows = keys.keyed(f"""
        SELECT {_ROW_COLUMNS}, n.comment FROM nps_responses n
        JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
        WHERE n.version = $v AND {_HAS_COMMENT}""", "comment_rows")
    batches = reader.sql(f"{rows} ORDER BY response_date, row_number",
                         params={"v": nps_version}).to_arrow_reader(ANALYSIS_CHUNK)
    seen: dict[tuple, list] = {}  # a comment's themes depend on its text alone: repeats are read once
    for batch in batches:
        # bounded by a chunk: a file of distinct comments would keep every text (at 4 chunks, the memory bench's
        # comments held ~12 MB here, just before the churn model's training sets the server's peak; now ~3 MB)
        if len(seen) > ANALYSIS_CHUNK:
            seen.clear()
        themes = []
        for text, lang in zip(batch.column("comment").to_pylist(), batch.column("language").to_pylist(),
                              strict=True):
            text_key = (text, lang)
            if text_key not in seen:
                seen[text_key] = mapping.assign(*text_key)
            themes.append(seen[text_key])
        cur.register("assigned", pa.Table.from_batches([batch]).drop_columns(["comment"])
                     .append_column("themes", pa.array(themes, pa.list_(pa.string()))))
        cur.execute("INSERT INTO comment_rows BY NAME SELECT *, $v AS nps_version, $tm AS theme_map FROM assigned",
                    key)
        cur.unregister("assigned")
    reader.close()


def nps_versions(cur, snapshot: int) -> list[int]:
    """The NPS versions (sources) a snapshot reads."""
    return [r[0] for r in cur.execute("SELECT version FROM snapshot_sources WHERE snapshot = ? AND kind = 'nps'"
                                      " ORDER BY version", [snapshot]).fetchall()]


def ensure_snapshot(cur, snapshot: int, theme_map: int | None = None) -> list[int]:
    """ensure_analysis (and, given a theme-map version, ensure_themes, which analyses first) for every NPS source of
    the snapshot; returns their versions."""
    versions = nps_versions(cur, snapshot)
    for v in versions:
        if theme_map is None:
            ensure_analysis(cur, v)
        else:
            ensure_themes(cur, v, theme_map)
    return versions


def theme_version(cur, tm: int | None) -> int:
    """The theme-map version a figure reads: the one asked for, else the latest; UnknownVersion when it was never
    stored (a page resolves a link's version first, see theme_store.resolve)."""
    if tm is None:
        return theme_store.latest(cur)
    if not theme_store.exists(cur, tm):
        raise theme_store.UnknownVersion(f"There is no theme map version {tm}.")
    return int(tm)


def _comments_sql(where_dates: str, deduplicated: str | None, customers: bool = True) -> str:
    """The comments of the snapshot's NPS sources ($snapshot) under theme-map version $tm, one comment_rows scan
    (only non-blank comments have rows), with `deduplicated` — a store.source_rows subquery, given when the snapshot
    reads several sources — keeping an answer found in several of them from its latest source only (as the answers'
    own figures do), and (customers=True) their segment and region, the response's own else the customer's, with
    the view's segment/region filter. A figure over every segment and region leaves the customers out (their join
    was a third of a figure's time)."""
    seg, reg = "coalesce(n.segment, c.segment, 'Unknown')", "coalesce(n.region, c.region, 'Unknown')"
    return f"""
        SELECT n.nps_version, n.row_number, n.response_id, n.customer_id, n.customer_key, n.response_date,
               date_trunc('month', n.response_date)::DATE AS month, n.nps_score,
               {CATEGORY_SQL.format(s="n.nps_score")} AS category, coalesce(n.channel, 'Unknown') AS channel,
               {f"{seg} AS segment, {reg} AS region," if customers else ""}
               n.language, n.sentiment, n.score AS sentiment_score, n.themes
        FROM comment_rows n
        {f"SEMI JOIN {deduplicated} d ON d.version = n.nps_version AND d.row_number = n.row_number"
         if deduplicated else ""}
        {"LEFT JOIN (SELECT customer_id, segment, region FROM customers WHERE version = $cv) c USING (customer_id)"
         if customers else ""}
        WHERE n.nps_version IN (SELECT version FROM snapshot_sources WHERE snapshot = $snapshot AND kind = 'nps')
          AND n.theme_map = $tm AND {where_dates}
        {f"AND ($segment IS NULL OR {seg} = $segment) AND ($region IS NULL OR {reg} = $region)"
         if customers else ""}"""


_WINDOW = "n.response_date BETWEEN $start AND last_day($end)"
_COLUMNS = ["row_number", "response_id", "customer_id", "response_date", "month", "nps_score", "category", "channel",
            "segment", "region", "comment", "language", "sentiment", "sentiment_score", "themes"]


def _window(cur, view: View, versions: dict, tm: int | None, dates: str = _WINDOW,
            customers: bool = False) -> tuple[str | None, dict, int]:
    """(the window's comments as SQL — None when the snapshot has no NPS source —, its parameters, the theme-map
    version read). The figures below aggregate this in DuckDB: a window of a million comments is never a pandas
    frame on a page (one was 1.6 GB). The comments' segment and region are there when asked for or filtered on;
    their text is not (_with_text joins it)."""
    tm, nps = _set_up(cur, view, tm)
    return _window_of(view, versions, tm, nps, dates, customers)


def _set_up(cur, view: View, tm: int | None) -> tuple[int, list[int]]:
    """(the theme-map version read, the snapshot's NPS versions), analysing and assigning what is missing first."""
    if (ready := _ready(cur, view.snapshot, tm)) is not None:
        return ready
    tm = theme_version(cur, tm)
    return tm, ensure_snapshot(cur, view.snapshot, tm)


def _window_of(view: View, versions: dict, tm: int, nps: list[int], dates: str = _WINDOW,
               customers: bool = False) -> tuple[str | None, dict, int]:
    """_window for a set-up already done (_set_up): a figure reading two windows sets up once (~3 ms each)."""
    if not nps:
        return None, {}, tm
    customers = customers or view.segment is not None or view.region is not None
    sql = _comments_sql(dates, source_rows("nps", "snapshot") if len(nps) > 1 else None, customers)
    return sql, view.params(cv=versions.get("customers"), tm=tm), tm


def _ready(cur, snapshot: int, tm: int | None) -> tuple[int, list[int]] | None:
    """(the theme-map version read, the snapshot's NPS versions) when nothing is left to do: the map version is
    stored and every NPS source's comment rows under it are marked complete; else None, and theme_version with
    ensure_snapshot (about ten statements, with their CREATE TABLE IF NOT EXISTS) create, check and fill what is
    missing. Three one-table statements: a figure's set-up 7.5 -> 3.7 ms (one statement joining the three took
    2-4 ms more to plan). A workspace whose comment tables do not exist yet fails here before anything is written."""
    try:
        if (tm := theme_store.stored(cur, tm)) is None:
            return None
        nps = nps_versions(cur, snapshot)
        (done,), = cur.execute("SELECT count(DISTINCT nps_version) FROM comment_rows_done "
                               "WHERE theme_map = $tm AND list_contains($nps, nps_version)",
                               {"tm": tm, "nps": nps}).fetchall()
    except duckdb.CatalogException:
        return None
    return (int(tm), nps) if done == len(nps) else None


def _with_text(rows: str) -> str:
    """`rows` (comments with nps_version, row_number and response_date) with their text, `comment`. The date is
    part of the join, though the row number alone finds the row: DuckDB then reads only the row groups of the rows'
    dates (answers are stored in date order, schema.STORED_ORDER), not every answer (quotes 24 -> 17 ms)."""
    return (f"SELECT c.*, r.comment FROM ({rows}) c JOIN nps_responses r "
            "ON r.version = c.nps_version AND r.row_number = c.row_number AND r.response_date = c.response_date")


def _themes_of(window: str) -> str:
    """One row per (comment, theme it raises) of the window: what pandas' explode gave."""
    return _unnested(f"SELECT * FROM ({window})", "*")


def _unnested(rows: str, columns: str) -> str:
    """`columns` of `rows` with one row per theme of each (an unnest in the select list: as a lateral join DuckDB
    took 0.9 s for 150,000 comments, this way 0.1 s)."""
    return f"""SELECT * FROM (SELECT {columns}, unnest(themes) AS theme FROM ({rows})) WHERE theme IS NOT NULL"""


def comments(cur, view: View, versions: dict, start=None, end=None, tm: int | None = None) -> pd.DataFrame:
    """Every analysed comment in the window (or in [start, end] months), one row per comment, from every NPS
    source of the view's snapshot (an answer present in several sources once, as store.source_rows reads), with
    the themes of theme-map version `tm` (None: the latest), which frame.attrs["theme_map"] names. For exports:
    the page's figures aggregate in SQL."""
    window, params, tm = _window(cur, view, versions, tm, customers=True)
    if window is None:
        frame = pd.DataFrame(columns=_COLUMNS)
        frame.attrs["theme_map"] = tm
        return frame
    if start is not None:
        params.update(start=start, end=end)
    frame = query(cur, f"SELECT {', '.join(_COLUMNS)} FROM ({_with_text(window)}) "
                       "ORDER BY response_date, row_number, nps_version", params)
    frame["themes"] = [list(t) if t is not None else [] for t in frame["themes"]]
    frame.attrs["theme_map"] = tm
    return frame


def comments_export(cur, view: View, versions: dict, tm: int | None = None) -> pd.DataFrame:
    """Every comment of the window for download: response id, customer, date, NPS score, language, sentiment
    label and score, themes (joined with "; ", theme-map version tm) and the text."""
    frame = comments(cur, view, versions, tm=tm)
    return pd.DataFrame({
        "response_id": frame["response_id"], "customer_id": frame["customer_id"],
        "date": pd.to_datetime(frame["response_date"]).dt.strftime("%Y-%m-%d"), "nps_score": frame["nps_score"],
        "channel": frame["channel"],
        "language": frame["language"].fillna(NOT_RECOGNISED), "sentiment": frame["sentiment"],
        "sentiment_score": frame["sentiment_score"], "themes": ["; ".join(t) for t in frame["themes"]],
        "comment": frame["comment"],
    })


def _share_columns(row: dict, counts: dict[str, int], scored: int) -> None:
    for label in LABELS:
        ci = stats.wilson(counts.get(label, 0), scored)
        row[label] = counts.get(label, 0)
        row[f"{label}_share"], row[f"{label}_low"], row[f"{label}_high"] = ci.estimate, ci.low, ci.high


_SENTIMENT_COUNTS = ", ".join(
    [f"count(*) FILTER (sentiment <> '{NOT_SCORED}') AS scored"]
    + [f"count(*) FILTER (sentiment = '{label}') AS {label}" for label in LABELS])


def _sentiment_rows(cur, window: str, params: dict, key: str, name: str) -> list[dict]:
    """Per value of `key` (SQL over the window's comments): comments, scored, coverage and the three shares over
    scored comments with Wilson 95% intervals; too_small below stats.MIN_RESPONSES scored."""
    counts = query(cur, f"SELECT {key} AS k, count(*) AS comments, {_SENTIMENT_COUNTS} FROM ({window}) c "
                        "GROUP BY k ORDER BY k", params)
    rows = []
    for r in counts.itertuples(index=False):
        scored = int(r.scored)
        row = {name: r.k, "comments": int(r.comments), "scored": scored,
               "coverage": stats.ratio(scored, int(r.comments)), "too_small": scored < stats.MIN_RESPONSES}
        _share_columns(row, {label: int(getattr(r, label)) for label in LABELS}, scored)
        rows.append(row)
    return rows


def sentiment_shares(cur, view: View, versions: dict, by: str | None = None) -> pd.DataFrame:
    """Sentiment shares over scored comments with Wilson 95% intervals, and coverage (scored ÷ all), overall
    (by=None), by "language" (unscored comments form the "not recognised" group) or by "channel"."""
    if by not in (None, "language", "channel"):
        raise ValueError(f"unknown grouping {by!r}")
    window, params, _ = _window(cur, view, versions, None)
    if window is None:
        return pd.DataFrame()
    key = ("'All'" if by is None else f"coalesce(language, '{NOT_RECOGNISED}')" if by == "language" else "channel")
    out = pd.DataFrame(_sentiment_rows(cur, window, params, key, "group"))
    if len(out):
        out = out.sort_values(["comments", "group"], ascending=[False, True]).reset_index(drop=True)
    return out


def theme_languages(cur, view: View, versions: dict, tm: int | None = None) -> dict:
    """Which of the window's comments the theme map can read: comments, those in a language of theme-map version
    tm (None: the latest), the map's languages, and the others by language group ({"not recognised": 4}). A
    comment in another language raises no theme, so it is in no theme figure: the page says how many."""
    by = sentiment_shares(cur, view, versions, "language")
    languages = sorted(theme_store.load(cur, tm).languages)
    counts = {} if by.empty else {str(g): int(n) for g, n in zip(by.group, by.comments, strict=True)}
    other = {g: n for g, n in counts.items() if g not in languages}
    return {"comments": sum(counts.values()), "read": sum(n for g, n in counts.items() if g in languages),
            "languages": languages, "other": other}


def sentiment_by_month(cur, view: View, versions: dict) -> pd.DataFrame:
    """Per month of the window with comments: comments, scored, coverage and the three sentiment shares over
    scored comments with Wilson 95% intervals; too_small when fewer than stats.MIN_RESPONSES are scored."""
    window, params, _ = _window(cur, view, versions, None)
    rows = [] if window is None else _sentiment_rows(cur, window, params, "month", "month")
    out = pd.DataFrame(rows, columns=["month", "comments", "scored", "coverage", "too_small",
                                      *[f"{lab}{suf}" for lab in LABELS for suf in ("", "_share", "_low", "_high")]])
    out["month"] = pd.to_datetime(out["month"])
    return out


def _arr_at_end_sql() -> str:
    """Every customer of the window's last month (any segment/region: the comment's own segment/region already
    filtered the mentions), whether active then, and its ARR (NULL: the revenue data does not reach the month)."""
    return (f"SELECT customer_key, active, {rules.ARR_FACTOR} * mrr::DOUBLE AS arr FROM fact_customer_revenue "
            "WHERE snapshot = $snapshot AND month = $end")


def churn_after_mention(cur, view: View, versions: dict, tm: int | None = None) -> pd.DataFrame:
    """Per theme: churn within the window of customers who raised it in the previous window of the same length
    vs customers who commented then without raising it; both active at the window's start."""
    tm, nps = _set_up(cur, view, tm)
    return _churn_after_mention(cur, view, versions, tm, nps, theme_store.load(cur, tm).themes)


_PREVIOUS_WINDOW = "n.response_date BETWEEN $p_start AND last_day($p_end)"


def _churn_after_mention(cur, view: View, versions: dict, tm: int, nps: list[int], order: list[str]) -> pd.DataFrame:
    """churn_after_mention once set up (_set_up) with the theme map's themes in order: themes() has both already."""
    prev = view.previous()
    window, params, tm = _window_of(view, versions, tm, nps, _PREVIOUS_WINDOW)
    counts = {}
    if window is not None:
        counts = {r.pop("theme"): r for r in records(cur, f"""
            WITH base AS (SELECT customer_key, coalesce(churn_month BETWEEN $start AND $end, false) AS churned
                          FROM fact_customer_revenue WHERE {View.where()} AND month = $start AND active_start),
                 c AS (SELECT c.customer_key, c.themes, b.churned FROM ({window}) c JOIN base b USING (customer_key)),
                 everyone AS (SELECT count(*) AS n, count(*) FILTER (churned) AS k
                              FROM (SELECT DISTINCT customer_key, churned FROM c)),
                 raised AS (SELECT DISTINCT theme, customer_key, churned
                            FROM ({_unnested("SELECT * FROM c", "customer_key, churned")}))
            SELECT r.theme, count(*) AS n1, count(*) FILTER (r.churned) AS k1, any_value(e.n) AS n, any_value(e.k) AS k
            FROM raised r, everyone e GROUP BY r.theme""", {**params, "p_start": prev.start, "p_end": prev.end})}
    rows = []
    for theme in _theme_names(set(counts), order):
        c = counts[theme]
        n1, k1 = int(c["n1"]), int(c["k1"])
        n2, k2 = int(c["n"]) - n1, int(c["k"]) - k1
        a, b = stats.wilson(k1, n1), stats.wilson(k2, n2)
        reason = (stats.too_few(min(n1, n2), stats.MIN_CUSTOMERS, "customers in a group")
                  if min(n1, n2) < stats.MIN_CUSTOMERS else None)
        z = None if reason else stats.two_proportion_z(k1, n1, k2, n2)
        rows.append({"theme": theme, "mentioned_customers": n1, "mentioned_churned": k1,
                     "mentioned_churn": None if reason else a.estimate,
                     "mentioned_churn_low": None if reason else a.low,
                     "mentioned_churn_high": None if reason else a.high,
                     "other_customers": n2, "other_churned": k2,
                     "other_churn": None if reason else b.estimate,
                     "other_churn_low": None if reason else b.low, "other_churn_high": None if reason else b.high,
                     "z": z, "significant": stats.significant(z), "not_measurable": reason})
    return pd.DataFrame(rows, columns=["theme", "mentioned_customers", "mentioned_churned", "mentioned_churn",
                                       "mentioned_churn_low", "mentioned_churn_high", "other_customers",
                                       "other_churned", "other_churn", "other_churn_low", "other_churn_high",
                                       "z", "significant", "not_measurable"])


def _theme_names(seen: set[str], order: list[str]) -> list[str]:
    """The themes raised, in the map's order (themes no longer in it after, by name)."""
    return [t for t in order if t in seen] + sorted(seen - set(order))


def themes(cur, view: View, versions: dict, tm: int | None = None) -> pd.DataFrame:
    """One row per theme raised in the window, ranked by ARR at stake (then mentions): mentions, customers,
    share of comments, detractor and promoter shares (Wilson 95%), mean sentiment (95% interval), ARR at stake
    and churn after a mention (churn_after_mention), all under theme-map version tm (None: the latest; the
    version read is out.attrs["theme_map"])."""
    tm, nps = _set_up(cur, view, tm)  # once for both windows (this one and churn_after_mention's)
    window, params, tm = _window_of(view, versions, tm, nps)
    out, unknown = pd.DataFrame(), None
    if window is not None:
        per_theme = records(cur, f"""
            WITH c AS MATERIALIZED (SELECT customer_key, category, sentiment, sentiment_score, themes FROM ({window})),
                 ex AS MATERIALIZED ({_themes_of("SELECT * FROM c")}),
                 everyone AS (SELECT count(*) AS n, count(*) FILTER (category = 'Detractor') AS n_det,
                                     count(*) FILTER (category = 'Promoter') AS n_pro FROM c),
                 raised AS (SELECT theme, count(*) AS mentions,
                                   count(*) FILTER (category = 'Detractor') AS det,
                                   count(*) FILTER (category = 'Promoter') AS pro,
                                   count(*) FILTER (sentiment <> '{NOT_SCORED}') AS scored,
                                   coalesce(sum(sentiment_score) FILTER (sentiment <> '{NOT_SCORED}'), 0) AS s1,
                                   coalesce(sum(sentiment_score * sentiment_score)
                                            FILTER (sentiment <> '{NOT_SCORED}'), 0) AS s2
                            FROM ex GROUP BY theme),
                 who AS (SELECT theme, customer_key, bool_or(sentiment = 'negative') AS negative FROM ex
                         WHERE customer_key IS NOT NULL GROUP BY theme, customer_key),
                 stake AS (SELECT w.theme, count(*) AS customers, count(a.customer_key) FILTER (a.active) AS at_stake,
                                  coalesce(sum(a.arr) FILTER (a.active), 0) AS arr,
                                  count(a.customer_key) FILTER (a.active AND w.negative) AS at_stake_negative,
                                  coalesce(sum(a.arr) FILTER (a.active AND w.negative), 0) AS arr_negative,
                                  count(a.customer_key) AS known, count(a.arr) AS priced
                           FROM who w LEFT JOIN ({_arr_at_end_sql()}) a USING (customer_key) GROUP BY w.theme)
            SELECT r.*, coalesce(s.customers, 0) AS customers, coalesce(s.at_stake, 0) AS at_stake,
                   coalesce(s.arr, 0) AS arr, coalesce(s.at_stake_negative, 0) AS at_stake_negative,
                   coalesce(s.arr_negative, 0) AS arr_negative, coalesce(s.known, 0) AS known,
                   coalesce(s.priced, 0) AS priced, e.n, e.n_det, e.n_pro
            FROM raised r CROSS JOIN everyone e LEFT JOIN stake s USING (theme)""", params)
        unknown = None if not per_theme else _stake_unknown(
            view, bool(versions.get("revenue")), sum(int(r["customers"]) for r in per_theme),
            sum(int(r["known"]) for r in per_theme), sum(int(r["priced"]) for r in per_theme))
        # read as plain records, not a frame and a pandas row per theme (~3 ms a call)
        per_theme = {r["theme"]: SimpleNamespace(**r) for r in per_theme}
        order = theme_store.load(cur, tm).themes
        churn = {r.pop("theme"): r for r in
                 _churn_after_mention(cur, view, versions, tm, nps, order).to_dict("records")}
        rows = []
        for theme in _theme_names(set(per_theme), order):
            r = per_theme[theme]
            det, pro = stats.wilson(int(r.det), int(r.n_det)), stats.wilson(int(r.pro), int(r.n_pro))
            mean = stats.mean_interval(float(r.s1), float(r.s2), int(r.scored), bounds=(-1.0, 1.0))
            row = {"theme": theme, "mentions": int(r.mentions), "customers": int(r.customers),
                   "share_of_comments": stats.ratio(int(r.mentions), int(r.n)),
                   "detractor_share": det.estimate, "detractor_low": det.low, "detractor_high": det.high,
                   "promoter_share": pro.estimate, "promoter_low": pro.low, "promoter_high": pro.high,
                   "mean_sentiment": mean.estimate, "sentiment_low": mean.low, "sentiment_high": mean.high,
                   "arr_at_stake": float("nan") if unknown else float(r.arr), "customers_at_stake": int(r.at_stake),
                   "arr_at_stake_negative": float("nan") if unknown else float(r.arr_negative),
                   "customers_at_stake_negative": int(r.at_stake_negative)}
            if theme in churn:
                row.update({k: v for k, v in churn[theme].items() if k != "significant"})
                row["churn_significant"] = bool(churn[theme]["significant"])
            rows.append(row)
        out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(["arr_at_stake", "mentions", "theme"], ascending=[False, False, True])
    out = out.reset_index(drop=True)
    out.attrs["theme_map"] = tm
    out.attrs["stake_unknown"] = unknown
    return out


def _stake_unknown(view: View, revenue: bool, raisers: int, known: int, priced: int) -> str | None:
    """Why ARR at stake cannot be measured in this view (None: it can). Its sum would read $0 for every theme,
    a plausible wrong figure, when none of the customers who raised a theme (`raisers`, counted per theme) is a
    customer in the period's last month (`known`), or none of those has a revenue figure then (`priced`: the
    revenue data does not reach the month)."""
    if not revenue:
        return "no revenue data is stored"
    if raisers == 0:
        return "the period's comments carry no customer id, so none can be matched to revenue"
    if known == 0:
        return (f"none of the customers who raised a theme is found among the customers of {view.end:%b %Y} in "
                "the customers or revenue data (their ids do not match, or all of them had left)")
    if priced == 0:
        return f"the revenue data does not cover {view.end:%b %Y}, the period's last month"
    return None


def theme_trend(cur, view: View, versions: dict, tm: int | None = None) -> pd.DataFrame:
    """Per month of the window and theme (theme-map version tm): mentions, comments that month and the share
    (months without a comment are left out)."""
    window, params, tm = _window(cur, view, versions, tm)
    if window is None:
        return pd.DataFrame(columns=["month", "theme", "mentions", "comments", "share"])
    out = query(cur, f"""
        WITH c AS MATERIALIZED (SELECT month, themes FROM ({window})),
             per_month AS (SELECT month, count(*) AS comments FROM c GROUP BY month),
             counts AS (SELECT month, theme, count(*) AS mentions FROM ({_themes_of("SELECT * FROM c")})
                        GROUP BY month, theme)
        SELECT m.month, m.theme, m.mentions, p.comments, m.mentions / p.comments AS share
        FROM counts m JOIN per_month p USING (month) ORDER BY m.month, m.theme""", params)
    out["month"] = pd.to_datetime(out["month"])
    return out


def quotes(cur, view: View, versions: dict, theme: str, n: int = 3, sentiment: str | None = "negative",
           tm: int | None = None) -> list[str]:
    """Up to n distinct example comments raising the theme (theme-map version tm), as plain text: the strongest
    of the wanted sentiment first (most negative for "negative", most positive for "positive"), then the most
    recent."""
    return quotes_by_theme(cur, view, versions, (theme,), n, sentiment, tm)[theme]


QUOTE_ROWS = 20  # rows read per wanted quote and theme: repeats of one text are skipped


def quotes_by_theme(cur, view: View, versions: dict, themes: tuple[str, ...], n: int = 3,
                    sentiment: str | None = "negative", tm: int | None = None) -> dict[str, list[str]]:
    """quotes() for several themes in one reading of the window: theme -> its quotes."""
    window, params, tm = _window(cur, view, versions, tm)
    if window is None:
        return {theme: [] for theme in themes}
    order = "coalesce(c.sentiment_score, 0.0) * $sign DESC, c.response_date DESC, c.row_number, c.nps_version DESC"
    columns = "nps_version, row_number, sentiment, sentiment_score, response_date"
    base = f"""FROM ({_unnested(window, columns)}) c
               WHERE list_contains($themes, c.theme) AND ($sentiment IS NULL OR c.sentiment = $sentiment)"""
    values = {**params, "themes": list(themes), "sentiment": sentiment, "sign": -1 if sentiment == "negative" else 1}
    # The texts of the first rows only: the ranking reads no comment text. Each theme's first rows are a top-n
    # aggregate (max_by over a key that sorts as `order` does; nps_version and row_number make it unique), not a
    # window over every row (the query 17 -> 13 ms at 200,000 customers).
    first = f"""SELECT theme, unnest(max_by(
                    {{'nps_version': c.nps_version, 'row_number': c.row_number, 'response_date': c.response_date,
                      'sentiment_score': c.sentiment_score}},
                    {{'a': coalesce(c.sentiment_score, 0.0) * $sign, 'b': c.response_date, 'c': -c.row_number,
                      'd': c.nps_version}}, $take), recursive := true) {base} GROUP BY theme"""
    sql = f"SELECT c.theme, c.comment FROM ({_with_text(first)}) c ORDER BY c.theme, {order}"
    take = n * QUOTE_ROWS
    rows = cur.execute(sql, used(sql, {**values, "take": take})).fetchall()
    out = {}
    for theme in themes:
        texts = [text for t, text in rows if t == theme]
        out[theme] = _distinct(texts, n)
        if len(out[theme]) < n and len(texts) == take:  # one text repeated over and over: read on, in order
            sql = f"SELECT c.comment FROM ({_with_text(f'SELECT c.* {base} AND c.theme = $theme')}) c ORDER BY {order}"
            out[theme] = _distinct(_batches(cur.execute(sql, used(sql, {**values, "theme": theme})), take), n)
    return out


def _batches(ordered, size: int):
    """The first column of a query's rows, read `size` rows at a time (never the whole result at once)."""
    while batch := ordered.fetchmany(size):
        yield from (row[0] for row in batch)


def _distinct(texts, n: int) -> list[str]:
    """The first n distinct texts, whitespace runs made one space."""
    out: list[str] = []
    for text in texts:
        text = " ".join(str(text).split())
        if text not in out:
            out.append(text)
            if len(out) == n:
                break
    return out


def summary(cur, view: View, versions: dict, top: int = 5, tm: int | None = None) -> dict:
    """The voice figures for the JSON report: sentiment shares and coverage overall and by language, and the
    top themes with mentions and ARR at stake under theme-map version tm (None: the latest), which it names."""
    def value(v):
        return None if stats.missing(v) else float(v)

    def shares(table: pd.DataFrame) -> list[dict]:
        return [{"group": r["group"], "comments": int(r["comments"]), "scored": int(r["scored"]),
                 "coverage": value(r["coverage"]),
                 **{label: {"share": value(r[f"{label}_share"]), "low": value(r[f"{label}_low"]),
                            "high": value(r[f"{label}_high"])} for label in LABELS}}
                for _, r in table.iterrows()]

    table = themes(cur, view, versions, tm)
    overall = shares(sentiment_shares(cur, view, versions))
    return {
        "comments": overall[0]["comments"] if overall else 0,
        "theme_map": int(table.attrs["theme_map"]),
        "sentiment": (overall or [None])[0],
        "sentiment_by_language": shares(sentiment_shares(cur, view, versions, by="language")),
        "top_themes": [{"theme": r["theme"], "mentions": int(r["mentions"]), "customers": int(r["customers"]),
                        **{k: None if stats.missing(r[k]) else round(float(r[k]), 2)
                           for k in ("arr_at_stake", "arr_at_stake_negative")}}
                       for _, r in table.head(top).iterrows()],
        "arr_at_stake_not_measurable": table.attrs["stake_unknown"],  # why the ARR above is None (None: it is not)
    }
