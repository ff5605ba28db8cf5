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
  `comment_themes`, keyed by (nps_version, theme_map, row_number): about 0.6 s for the sample's 11,700 comments,
  once per NPS version and theme-map version (versions with identical maps share the rows). Every function below
  takes the theme-map version (`tm`, None = the latest) and reads that version only, so one figure never mixes two
  maps; a frame passed in carries its version (frame.attrs["theme_map"]) and is refused under another one.
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

import threading

import pandas as pd

from metrics import rules, stats, theme_store
from metrics.rules import CATEGORY_SQL
from metrics.schema import transaction
from metrics.store import source_rows_for
from metrics.view import View, query

SCHEMA = """
CREATE TABLE IF NOT EXISTS comment_analysis (
    nps_version INTEGER NOT NULL, row_number BIGINT NOT NULL, language VARCHAR, sentiment VARCHAR NOT NULL,
    score DOUBLE, themes VARCHAR[] NOT NULL
)
"""
THEMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS comment_themes (
    nps_version INTEGER NOT NULL, theme_map INTEGER NOT NULL, row_number BIGINT NOT NULL, themes VARCHAR[] NOT NULL
)
"""
NOT_SCORED = "not scored"
NOT_RECOGNISED = "not recognised"  # the language group of comments the engine does not score
LABELS = ("positive", "neutral", "negative")
_LOCK = threading.Lock()  # one analysis at a time in a process (the app runs one workspace per process)

_HAS_COMMENT = "nullif(trim(n.comment), '') IS NOT NULL"


def ensure_analysis(cur, nps_version: int | None) -> int:
    """Analyse the comments of an NPS version unless stored already; returns the number of comments stored.

    The check is a count: the version is complete when every non-blank comment has its row. An incomplete
    set (an interrupted run) is replaced as a whole, in one transaction."""
    if nps_version is None:
        return 0
    cur.execute(SCHEMA)
    with _LOCK:
        want, have = _analysis_counts(cur, nps_version)
        if want == have:
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
        reader.close()
        return done


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
    cur.execute(SCHEMA)
    return all(want == have for want, have in (_analysis_counts(cur, v) for v in nps_versions(cur, snapshot)))


def ensure_themes(cur, nps_version: int | None, theme_map: int) -> int:
    """Assign the themes of one theme-map version to every analysed comment of an NPS version unless stored
    already; returns the number of comments. Like ensure_analysis, complete or redone as a whole."""
    if nps_version is None:
        return 0
    want = ensure_analysis(cur, nps_version)
    cur.execute(THEMES_SCHEMA)
    mapping = theme_store.load(cur, theme_map)  # UnknownVersion before anything is written
    key = {"v": nps_version, "tm": int(theme_map)}
    with _LOCK:
        have = cur.execute("SELECT count(*) FROM comment_themes WHERE nps_version = $v AND theme_map = $tm",
                           key).fetchone()[0]
        if have == want:
            return int(have)
        # A version with the same map and complete rows (e.g. one restored by going back) lends its rows.
        twin = cur.execute("""
            SELECT t.theme_map FROM comment_themes t JOIN theme_map_versions m ON m.version = t.theme_map
            WHERE t.nps_version = $v AND t.theme_map <> $tm AND m.sha256 = $sha
            GROUP BY t.theme_map HAVING count(*) = $want LIMIT 1""",
                           {**key, "sha": theme_store.sha(cur, theme_map), "want": want}).fetchone()
        rows = None
        if twin is None:
            rows = cur.execute(f"""
                SELECT n.row_number, n.comment, a.language FROM nps_responses n
                JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
                WHERE n.version = $v AND {_HAS_COMMENT} ORDER BY n.row_number""", {"v": nps_version}).df()
            seen: dict[tuple, list] = {}  # a comment's themes depend on its text alone: repeats are read once
            themes = []
            for text, lang in zip(rows["comment"], rows["language"], strict=True):
                key_ = (text, lang if isinstance(lang, str) else None)
                if key_ not in seen:
                    seen[key_] = mapping.assign(*key_)
                themes.append(seen[key_])
            frame = pd.DataFrame({"row_number": rows["row_number"].to_numpy(), "themes": themes})
        with transaction(cur):
            cur.execute("DELETE FROM comment_themes WHERE nps_version = $v AND theme_map = $tm", key)
            if twin is not None:
                cur.execute("INSERT INTO comment_themes SELECT nps_version, $tm, row_number, themes FROM comment_themes"
                            " WHERE nps_version = $v AND theme_map = $twin", {**key, "twin": twin[0]})
            else:
                cur.register("assigned", frame)
                cur.execute("INSERT INTO comment_themes SELECT $v, $tm, row_number, themes::VARCHAR[] FROM assigned",
                            key)
                cur.unregister("assigned")
        return int(want)


def nps_versions(cur, snapshot: int) -> list[int]:
    """The NPS versions (sources) a snapshot reads."""
    return [r[0] for r in cur.execute("SELECT version FROM snapshot_sources WHERE snapshot = ? AND kind = 'nps'"
                                      " ORDER BY version", [snapshot]).fetchall()]


def ensure_snapshot(cur, snapshot: int, theme_map: int | None = None) -> list[int]:
    """ensure_analysis (and, given a theme-map version, ensure_themes) for every NPS source of the snapshot;
    returns their versions."""
    versions = nps_versions(cur, snapshot)
    for v in versions:
        ensure_analysis(cur, v)
        if theme_map is not None:
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


def _comments_sql(where_dates: str, answers: str) -> str:
    """The comments of `answers` (a store.source_rows subquery) with their analysis, themes and customer."""
    return f"""
        SELECT n.row_number, n.response_id, n.customer_id, n.response_date,
               date_trunc('month', n.response_date)::DATE AS month, n.score AS nps_score,
               {CATEGORY_SQL.format(s="n.score")} AS category, coalesce(n.channel, 'Unknown') AS channel,
               coalesce(n.segment, c.segment, 'Unknown') AS segment,
               coalesce(n.region, c.region, 'Unknown') AS region, n.comment,
               a.language, a.sentiment, a.score AS sentiment_score, t.themes
        FROM {answers} n
        JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
        JOIN comment_themes t ON t.nps_version = n.version AND t.row_number = n.row_number AND t.theme_map = $tm
        LEFT JOIN (SELECT customer_id, segment, region FROM customers WHERE version = $cv) c USING (customer_id)
        WHERE {_HAS_COMMENT} AND {where_dates}
          AND ($segment IS NULL OR coalesce(n.segment, c.segment, 'Unknown') = $segment)
          AND ($region IS NULL OR coalesce(n.region, c.region, 'Unknown') = $region)
        ORDER BY n.response_date, n.row_number"""


def comments(cur, view: View, versions: dict, start=None, end=None, tm: int | None = None) -> pd.DataFrame:
    """Every analysed comment in the window (or in [start, end] months), one row per comment, from every NPS
    source of the view's snapshot (an answer present in several sources once, as store.source_rows reads), with
    the themes of theme-map version `tm` (None: the latest), which frame.attrs["theme_map"] names."""
    tm = theme_version(cur, tm)
    if not ensure_snapshot(cur, view.snapshot, tm):
        frame = pd.DataFrame(columns=["row_number", "response_id", "customer_id", "response_date", "month",
                                      "nps_score", "category", "channel", "segment", "region", "comment",
                                      "language", "sentiment", "sentiment_score", "themes"])
        frame.attrs["theme_map"] = tm
        return frame
    params = view.params(cv=versions.get("customers"), tm=tm)
    if start is not None:
        params.update(start=start, end=end)
    frame = query(cur, _comments_sql("n.response_date BETWEEN $start AND last_day($end)",
                                     source_rows_for(cur, "nps", view.snapshot, "snapshot")), params)
    frame["themes"] = [list(t) if t is not None else [] for t in frame["themes"]]
    frame.attrs["theme_map"] = tm
    return frame


def _frame(cur, view: View, versions: dict, tm: int | None, frame: pd.DataFrame | None) -> pd.DataFrame:
    """The window's comments under theme-map version tm, or the frame given, which must carry that version."""
    if frame is None:
        return comments(cur, view, versions, tm=tm)
    given = frame.attrs.get("theme_map")
    if tm is not None and given is not None and int(given) != int(tm):
        raise ValueError(f"these comments carry theme map version {given}, not {tm}: one figure, one theme map")
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


def sentiment_shares(cur, view: View, versions: dict, by: str | None = None,
                     frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sentiment shares over scored comments with Wilson 95% intervals, and coverage (scored ÷ all), overall
    (by=None), by "language" (unscored comments form the "not recognised" group) or by "channel"."""
    if by not in (None, "language", "channel"):
        raise ValueError(f"unknown grouping {by!r}")
    frame = comments(cur, view, versions) if frame is None else frame
    keys = (pd.Series("All", index=frame.index) if by is None
            else frame[by].fillna(NOT_RECOGNISED) if by == "language" else frame[by])
    rows = []
    for key, part in frame.groupby(keys, sort=True):
        scored = int((part["sentiment"] != NOT_SCORED).sum())
        row = {"group": key, "comments": len(part), "scored": scored,
               "coverage": stats.ratio(scored, len(part)),
               "too_small": scored < stats.MIN_RESPONSES}
        _share_columns(row, part["sentiment"].value_counts().to_dict(), scored)
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(["comments", "group"], ascending=[False, True]).reset_index(drop=True)
    return out


def sentiment_by_month(cur, view: View, versions: dict, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per month of the window with comments: comments, scored, coverage and the three sentiment shares over
    scored comments with Wilson 95% intervals; too_small when fewer than stats.MIN_RESPONSES are scored."""
    frame = comments(cur, view, versions) if frame is None else frame
    rows = []
    for month, part in frame.groupby("month", sort=True):
        scored = int((part["sentiment"] != NOT_SCORED).sum())
        row = {"month": pd.Timestamp(month), "comments": len(part), "scored": scored,
               "coverage": stats.ratio(scored, len(part)), "too_small": scored < stats.MIN_RESPONSES}
        _share_columns(row, part["sentiment"].value_counts().to_dict(), scored)
        rows.append(row)
    return pd.DataFrame(rows, columns=["month", "comments", "scored", "coverage", "too_small",
                                       *[f"{lab}{suf}" for lab in LABELS for suf in ("", "_share", "_low", "_high")]])


def _exploded(frame: pd.DataFrame) -> pd.DataFrame:
    ex = frame[["row_number", "customer_id", "month", "category", "sentiment", "sentiment_score", "themes"]]
    ex = ex.explode("themes").dropna(subset=["themes"]).rename(columns={"themes": "theme"})
    return ex


def _arr_at_end(cur, view: View) -> pd.DataFrame:
    """ARR in the window's last month of the customers active in it (any segment/region: the comment's own
    segment/region already filtered the mentions)."""
    return query(cur, f"""SELECT customer_id, {rules.ARR_FACTOR} * mrr::DOUBLE AS arr FROM fact_customer_revenue
                         WHERE snapshot = $snapshot AND month = $end AND active""", view.params())


def churn_after_mention(cur, view: View, versions: dict, tm: int | None = None) -> pd.DataFrame:
    """Per theme: churn within the window of customers who raised it in the previous window of the same length
    vs customers who commented then without raising it; both active at the window's start."""
    prev = view.previous()
    tm = theme_version(cur, tm)
    before = comments(cur, view, versions, start=prev.start, end=prev.end, tm=tm)
    order = theme_store.load(cur, tm).themes
    base = query(cur, f"""SELECT customer_id, coalesce(churn_month BETWEEN $start AND $end, false) AS churned
                          FROM fact_customer_revenue WHERE {View.where()} AND month = $start AND active_start""",
                 view.params())
    before = before[before["customer_id"].isin(set(base["customer_id"]))]
    churned = dict(zip(base["customer_id"], base["churned"], strict=True))
    commenters = set(before["customer_id"])
    ex = _exploded(before)
    rows = []
    for theme in _theme_names(ex, order):
        raised = set(ex.loc[ex["theme"] == theme, "customer_id"])
        others = commenters - raised
        k1, n1 = sum(churned[c] for c in raised), len(raised)
        k2, n2 = sum(churned[c] for c in others), len(others)
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


def _theme_names(ex: pd.DataFrame, order: list[str]) -> list[str]:
    """The themes raised, in the map's order."""
    seen = set(ex["theme"])
    return [t for t in order if t in seen] + sorted(seen - set(order))


def themes(cur, view: View, versions: dict, tm: int | None = None, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per theme raised in the window, ranked by ARR at stake (then mentions): mentions, customers,
    share of comments, detractor and promoter shares (Wilson 95%), mean sentiment (95% interval), ARR at stake
    and churn after a mention (churn_after_mention), all under theme-map version tm (None: the latest; the
    version read is out.attrs["theme_map"])."""
    frame = _frame(cur, view, versions, tm, frame)
    tm = int(frame.attrs.get("theme_map", theme_version(cur, tm)))
    ex = _exploded(frame)
    n_det = int((frame["category"] == "Detractor").sum())
    n_pro = int((frame["category"] == "Promoter").sum())
    arr = dict(zip(*_arr_at_end(cur, view).to_dict("list").values(), strict=True))
    churn = churn_after_mention(cur, view, versions, tm).set_index("theme")
    rows = []
    for theme in _theme_names(ex, theme_store.load(cur, tm).themes):
        part = ex[ex["theme"] == theme]
        det = stats.wilson(int((part["category"] == "Detractor").sum()), n_det)
        pro = stats.wilson(int((part["category"] == "Promoter").sum()), n_pro)
        scores = part.loc[part["sentiment"] != NOT_SCORED, "sentiment_score"].astype(float)
        mean = stats.mean_interval(float(scores.sum()), float((scores ** 2).sum()), len(scores))
        customers = set(part["customer_id"].dropna())
        negative = set(part.loc[part["sentiment"] == "negative", "customer_id"].dropna())
        row = {"theme": theme, "mentions": len(part), "customers": len(customers),
               "share_of_comments": stats.ratio(len(part), len(frame)),
               "detractor_share": det.estimate, "detractor_low": det.low, "detractor_high": det.high,
               "promoter_share": pro.estimate, "promoter_low": pro.low, "promoter_high": pro.high,
               "mean_sentiment": mean.estimate, "sentiment_low": mean.low, "sentiment_high": mean.high,
               "arr_at_stake": float(sum(arr.get(c, 0.0) for c in customers)),
               "customers_at_stake": sum(c in arr for c in customers),
               "arr_at_stake_negative": float(sum(arr.get(c, 0.0) for c in negative)),
               "customers_at_stake_negative": sum(c in arr for c in negative)}
        if theme in churn.index:
            row.update(churn.loc[theme].drop(["significant"]).to_dict())
            row["churn_significant"] = bool(churn.loc[theme, "significant"])
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(["arr_at_stake", "mentions", "theme"], ascending=[False, False, True])
    out = out.reset_index(drop=True)
    out.attrs["theme_map"] = tm
    return out


def theme_trend(cur, view: View, versions: dict, tm: int | None = None,
                frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per month of the window and theme (theme-map version tm): mentions, comments that month and the share
    (months without a comment are left out)."""
    frame = _frame(cur, view, versions, tm, frame)
    per_month = frame.groupby("month").size().rename("comments")
    ex = _exploded(frame)
    counts = ex.groupby(["month", "theme"]).size().rename("mentions").reset_index()
    counts = counts.merge(per_month.reset_index(), on="month")
    counts["share"] = counts["mentions"] / counts["comments"]
    return counts.sort_values(["month", "theme"]).reset_index(drop=True)


def quotes(cur, view: View, versions: dict, theme: str, n: int = 3, sentiment: str | None = "negative",
           tm: int | None = None, frame: pd.DataFrame | None = None) -> list[str]:
    """Up to n distinct example comments raising the theme (theme-map version tm), as plain text: the strongest
    of the wanted sentiment first (most negative for "negative", most positive for "positive"), then the most
    recent."""
    frame = _frame(cur, view, versions, tm, frame)
    part = frame[[theme in t for t in frame["themes"]]]
    if sentiment is not None:
        part = part[part["sentiment"] == sentiment]
    key = part["sentiment_score"].fillna(0.0) * (-1 if sentiment == "negative" else 1)
    part = part.assign(_k=key).sort_values(["_k", "response_date", "row_number"], ascending=[False, False, True])
    out: list[str] = []
    for text in part["comment"]:
        text = " ".join(str(text).split())
        if text not in out:
            out.append(text)
        if len(out) == n:
            break
    return out


def summary(cur, view: View, versions: dict, top: int = 5, tm: int | None = None) -> dict:
    """The voice figures for the JSON report: sentiment shares and coverage overall and by language, and the
    top themes with mentions and ARR at stake under theme-map version tm (None: the latest), which it names."""
    frame = comments(cur, view, versions, tm=tm)

    def value(v):
        return None if stats.missing(v) else float(v)

    def shares(table: pd.DataFrame) -> list[dict]:
        return [{"group": r["group"], "comments": int(r["comments"]), "scored": int(r["scored"]),
                 "coverage": value(r["coverage"]),
                 **{label: {"share": value(r[f"{label}_share"]), "low": value(r[f"{label}_low"]),
                            "high": value(r[f"{label}_high"])} for label in LABELS}}
                for _, r in table.iterrows()]

    table = themes(cur, view, versions, frame=frame)
    return {
        "comments": len(frame),
        "theme_map": int(frame.attrs["theme_map"]),
        "sentiment": (shares(sentiment_shares(cur, view, versions, frame=frame)) or [None])[0],
        "sentiment_by_language": shares(sentiment_shares(cur, view, versions, by="language", frame=frame)),
        "top_themes": [{"theme": r["theme"], "mentions": int(r["mentions"]), "customers": int(r["customers"]),
                        "arr_at_stake": round(float(r["arr_at_stake"]), 2),
                        "arr_at_stake_negative": round(float(r["arr_at_stake_negative"]), 2)}
                       for _, r in table.head(top).iterrows()],
    }
