"""Who is about to leave: a transparent churn-risk model, its honest quality, and the accounts at risk.

Rules (shared/METRICS.md, "Churn risk"):
- One row per customer and start month M: customers in the customers file active at the start of M (started
  before M's first day, not churned before it). Label: the churn date falls in M … M+2 (three months). A row is
  labelled only when M+2 is within the data (M+2 ≤ the last data month).
- Features use only data dated before M starts: revenue of months up to M−1, responses and comments dated
  before M's first day, the start date. The churn date is only ever the label. Start months begin HISTORY
  months after the first data month so the 6-month MRR trend exists.
- Time split: the hold-out is the last HOLDOUT_MONTHS labelled start months; training uses the start months
  whose three-month outcome ends before the first hold-out start month (M+2 < first hold-out month). Quality
  is measured on the hold-out rows only.
- Model: logistic regression on standardised features (scikit-learn, L2, C=1), so each account's risk splits
  into per-feature contributions coef × (x − training mean) ÷ training sd; challenger: histogram gradient
  boosting (fixed seed). Baselines, fitted on the same training rows and scored on the same hold-out rows:
  the NPS category alone (latest category before M, "none" for never surveyed) and the 3-month MRR trend
  alone.
- Quality: AUC with a 95% interval by bootstrap over customers (a customer's rows move together; fixed
  seed), top-decile lift = churn rate of the 10% highest scores ÷ the hold-out churn rate, and observed vs
  predicted churn by decile of the score. The model "beats" a baseline when the 95% bootstrap interval of
  the AUC difference lies above 0. When it does not beat both, that is said (beats_baselines False with the
  reason) and accounts are ranked by the better baseline instead.
- Not measurable below MIN_TRAIN_EVENTS churned rows in training or MIN_HOLDOUT_EVENTS in the hold-out.
- Accounts at risk: customers active at the start of the month after the data's last month, scored by the
  same procedure refitted on every labelled start month (training + hold-out); probability = churn within
  the next three months. ARR = 12 × MRR of the last data month. Reasons: the account's three largest positive
  contributions, in words; a yes/no feature counts only when it is yes for that account.
- ARR at risk (next three months) = Σ probability × ARR, with a 95% interval from the outcome's own spread
  (± Z_95 √Σ p(1 − p) ARR², metrics.rules; model uncertainty is not included), overall, by segment and by region.

Cost: `train` takes a few seconds on the sample (≈ 5,000 customers, 36 months) plus the one-off comment
analysis (metrics.voice). It is deterministic for a snapshot and seed; callers cache the RiskModel per
snapshot (st.cache_resource keyed by snapshot number) and never retrain on a page view.
"""

from __future__ import annotations

import datetime as dt
import math
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from metrics import memory, rules, stats, voice
from metrics.definitions import fmt_currency, plural
from metrics.rules import CATEGORY_SQL, MAX_TRAIN_ROWS
from metrics.store import source_rows_for
from metrics.text.themes import THEMES
from metrics.view import add_months

HORIZON = 3              # months M … M+2
HOLDOUT_MONTHS = 6       # last labelled start months held out
HISTORY = 6              # months of history before the first start month
COMMENT_LOOKBACK = pd.Timedelta(days=365)  # comments count for a year
MIN_TRAIN_EVENTS = 30
MIN_HOLDOUT_EVENTS = stats.MIN_CHURN_EVENTS
BOOTSTRAP = 500
CATEGORIES = ("Promoter", "Passive", "Detractor", "none")
BASELINES = {"nps_category": "NPS category alone", "mrr_trend_3m": "3-month MRR trend alone"}


# ---------------------------------------------------------------------------------------------------------
# Rows and features
# ---------------------------------------------------------------------------------------------------------
def _month_index(month: dt.date, first: dt.date) -> int:
    return rules.age_in_months(first, month)


def _load(cur, snapshot: int, versions: dict):
    first, last = cur.execute("SELECT first_month, last_month FROM snapshots WHERE snapshot = ?",
                              [snapshot]).fetchone()
    cust = cur.execute("""SELECT customer_id, start_date, churn_date, coalesce(segment, 'Unknown') AS segment,
                                 coalesce(region, 'Unknown') AS region
                          FROM customers WHERE version = $cv ORDER BY customer_id""",
                       {"cv": versions["customers"]}).df()
    # customers × months matrices of MRR and contraction, filled from the facts as numbers only (the customer's
    # row in `cust`, same order, and the month's index) streamed in batches: millions of customer-months are
    # never held whole, nor as Python strings (200,000 customers: the peak ~300 MB lower).
    n_months = _month_index(last, first) + 1
    # (contraction is only ever asked "was there one", so it is held as booleans: 1 byte a cell, not 8)
    mrr, contraction = np.zeros((len(cust), n_months)), np.zeros((len(cust), n_months), dtype=bool)
    # The customer's row is found by Arrow's hash lookup per batch: a DuckDB join here built its hash table on
    # the millions of fact rows (+270 MB), not on the customers.
    ids = pa.array(cust["customer_id"], pa.string())
    money = cur.sql("""
        SELECT customer_id, datediff('month', $first, month)::INTEGER AS m, mrr::DOUBLE AS mrr,
               contraction_mrr::DOUBLE AS contraction
        FROM fact_customer_revenue
        -- 0 is the matrix's default (build_rows): only the months with money move in
        WHERE snapshot = $s AND (mrr <> 0 OR contraction_mrr <> 0)""",
                    params={"s": snapshot, "first": first}).to_arrow_reader(250_000)
    for batch in money:
        found = pc.index_in(batch.column("customer_id").cast(pa.string()), value_set=ids)
        batch = batch.filter(pc.is_valid(found))  # revenue of a customer not in the customers file: no row
        i, m = pc.drop_null(found).to_numpy(), batch.column("m").to_numpy()
        mrr[i, m] = batch.column("mrr").to_numpy(zero_copy_only=False)  # NULL (no earlier month) as NaN
        contraction[i, m] = pc.fill_null(pc.greater(batch.column("contraction"), 0), False).to_numpy(
            zero_copy_only=False)
    money.close()
    # Survey answers and comments keyed by the customer's row in `cust` (int32) as money is, never as strings:
    # 1M answers as string frames (and comments with their theme lists as Python objects) took ~300 MB. Each is
    # read when build_rows reaches its step (`said[name]()`), not all three up front: at 1M answers with comments
    # the three frames side by side set the training's peak.
    if not voice.ensure_snapshot(cur, snapshot):  # no survey answers: empty frames of the same columns
        def empty(**fields):
            return pa.schema({"_i": pa.int32(), "date": pa.timestamp("us"), **fields}).empty_table().to_pandas()

        return first, last, cust, mrr, contraction, {
            "responses": lambda: empty(score=pa.float64(), category=pa.string()),
            "scored": lambda: empty(negative=pa.bool_(), sentiment_score=pa.float64()),
            "mentions": lambda: empty(theme=pa.string())}
    answers = source_rows_for(cur, "nps", snapshot, "s")
    # Every NPS source of the snapshot (store.source_rows); the last row of a day wins, as in the facts.
    responses = f"""
        SELECT n.customer_id, n.response_date::TIMESTAMP AS date,
               arg_max(n.score, (n.version, n.row_number))::DOUBLE AS score,
               {CATEGORY_SQL.format(s="arg_max(n.score, (n.version, n.row_number))")} AS category
        FROM {answers} n WHERE n.customer_id IS NOT NULL
        GROUP BY n.customer_id, n.response_date"""
    # The latest scored comment counts (_asof): comments of one day in file order, the last one wins.
    scored = f"""
        SELECT n.customer_id, n.response_date::TIMESTAMP AS date, a.sentiment = 'negative' AS negative,
               a.score::DOUBLE AS sentiment_score
        FROM {answers} n
        JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
        WHERE n.customer_id IS NOT NULL AND a.sentiment <> $not_scored
        ORDER BY n.response_date, n.version, n.row_number"""
    mentions = f"""
        SELECT customer_id, date, theme FROM (
            SELECT n.customer_id, n.response_date::TIMESTAMP AS date, unnest(a.themes) AS theme
            FROM {answers} n
            JOIN comment_analysis a ON a.nps_version = n.version AND a.row_number = n.row_number
            WHERE n.customer_id IS NOT NULL)
        WHERE list_contains($themes, theme)"""
    return first, last, cust, mrr, contraction, {
        "responses": lambda: _indexed(cur.sql(responses, params={"s": snapshot}), ids),
        "scored": lambda: _indexed(cur.sql(scored, params={"s": snapshot, "not_scored": voice.NOT_SCORED}), ids),
        "mentions": lambda: _indexed(cur.sql(mentions, params={"s": snapshot, "themes": list(THEMES)}), ids)}


def _indexed(rel, ids: pa.Array) -> pd.DataFrame:
    """A relation's rows with customer_id replaced by `_i`, the customer's position in `ids` (int32), read in
    batches; rows of a customer not in `ids` are left out (no training row can use them)."""
    reader = rel.to_arrow_reader(250_000)
    fields = [("_i", pa.int32())] + [(f.name, f.type) for f in reader.schema if f.name != "customer_id"]
    parts = [pa.schema(fields).empty_table()]
    for batch in reader:
        found = pc.index_in(batch.column("customer_id").cast(pa.string()), value_set=ids)
        table = pa.Table.from_batches([batch]).filter(pc.is_valid(found)).drop_columns(["customer_id"])
        parts.append(table.add_column(0, "_i", pc.drop_null(found).cast(pa.int32())))
    reader.close()
    return pa.concat_tables(parts).to_pandas()


def _asof(rows: pd.DataFrame, right: pd.DataFrame, columns: list[str], tolerance=None) -> pd.DataFrame:
    """For each row (customer, month M), the latest `right` row of the customer dated strictly before M (missing
    values where there is none, or where it is more than `tolerance` before M); of one customer's rows of the
    same date, the last in `right`'s order. Matched on positions alone, by a binary search over one sorted int64
    key (the customer, then the rank of the date among the dates seen), and each column taken once: pandas'
    merge_asof held the rows three times over and set the training's peak in the app (+60 MB at 1M answers)."""
    if len(right) == 0:
        out = pd.DataFrame(index=rows.index, columns=columns)
        return out
    l_i, r_i = rows["_i"].to_numpy(np.int64), right["_i"].to_numpy(np.int64)
    l_t = rows["M"].to_numpy().astype("datetime64[us]").astype(np.int64)
    r_t = pd.to_datetime(right["date"]).to_numpy().astype("datetime64[us]").astype(np.int64)
    times = np.unique(np.concatenate([np.unique(l_t), np.unique(r_t)]))
    r_key = r_i * len(times) + np.searchsorted(times, r_t)
    order = np.argsort(r_key, kind="stable")  # by customer, then date; a day's rows keep their order
    r_key = r_key[order]
    pos = np.searchsorted(r_key, l_i * len(times) + np.searchsorted(times, l_t), side="left") - 1
    del r_key
    found = pos >= 0
    pos = order[np.clip(pos, 0, None)]
    found &= r_i[pos] == l_i  # the customer's own row, not the previous customer's last
    if tolerance is not None:
        found &= l_t - r_t[pos] <= pd.Timedelta(tolerance).value // 1000  # µs
    pos[~found] = -1
    return pd.DataFrame({c: right[c].array.take(pos, allow_fill=True) for c in columns}, index=rows.index)


def _sample(ids: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """A deterministic random subset of customers (a hash of seed and id below `fraction`): the same customers
    for the same data and seed, whatever order the file lists them in."""
    if fraction >= 1:
        return np.ones(len(ids), dtype=bool)
    return np.array([zlib.crc32(f"{seed}:{c}".encode()) for c in ids]) < fraction * 2**32


def build_rows(cur, snapshot: int, versions: dict, max_rows: int = MAX_TRAIN_ROWS,
               seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """(customer, start month) rows with label (NaN when the outcome is not yet observed) and features.

    Start months M whose month before (M − 1, the latest MRR) lies in the revenue data's months only: before
    the revenue file starts, a customer's MRR is unknown, not 0. When the labelled rows would exceed
    `max_rows`, they are those of a random sample of customers (_sample; every account active now is still
    scored). Returns (rows, info); rows has customer_id, month, label, the feature columns (info["features"])
    and the raw values the reasons are worded from; info["rows_all"] counts the labelled rows before sampling."""
    first, last, cust, mrr, contraction, said = _load(cur, snapshot, versions)
    n_months = _month_index(last, first) + 1
    (rfirst, rlast), = cur.execute("SELECT revenue_first, revenue_last FROM snapshots WHERE snapshot = ?",
                                   [snapshot]).fetchall()  # all: the answers are read on this cursor later
    if rfirst is None:
        raise ValueError("the data version has no revenue months")
    m_from = max(HISTORY, _month_index(rfirst, first) + 1)
    m_to = min(n_months, _month_index(rlast, first) + 1)

    mrr[:, :_month_index(rfirst, first)] = np.nan  # not in the revenue data: unknown (never a feature)
    start = pd.to_datetime(cust["start_date"])
    churn = pd.to_datetime(cust["churn_date"])
    months = range(m_from, m_to + 1)  # m_to = n_months: the month after the data (accounts to score now)
    active_by_m = {}
    for m in months:
        month = pd.Timestamp(add_months(first, m))
        active_by_m[m] = ((start < month) & (churn.isna() | (churn >= month))).to_numpy()
    rows_all = sum(int(a.sum()) for m, a in active_by_m.items() if m + HORIZON - 1 < n_months)
    in_sample = _sample(cust["customer_id"].to_numpy(), max_rows / rows_all if rows_all else 1.0, seed)
    frames = []
    for m in months:
        month = pd.Timestamp(add_months(first, m))
        active = active_by_m[m] if m == n_months else active_by_m[m] & in_sample
        idx = np.flatnonzero(active)
        f = pd.DataFrame({"customer_id": cust["customer_id"].to_numpy()[idx], "M": month, "m": m, "_i": idx})
        if m + HORIZON - 1 < n_months:
            f["label"] = (churn.iloc[idx] < month + pd.DateOffset(months=HORIZON)).to_numpy().astype(float)
        else:
            f["label"] = np.nan
        frames.append(f)
    rows = pd.concat(frames, ignore_index=True)
    del frames, active_by_m
    i, m = rows["_i"].to_numpy(), rows["m"].to_numpy()

    def at(matrix, k):
        j = m - k
        return np.where(j >= 0, matrix[i, np.clip(j, 0, None)], np.nan)

    rows["mrr_last"] = at(mrr, 1)
    for k, name in ((3, "mrr_trend_3m"), (6, "mrr_trend_6m")):
        before = at(mrr, k + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(before > 0, (rows["mrr_last"] - before) / before, 0.0)
        rows[name] = np.clip(np.nan_to_num(change), -1.0, 2.0)
    rows["contractions_6m"] = sum((at(contraction, k) > 0).astype(np.uint8) for k in range(1, 7))
    del mrr, contraction  # each step's inputs go once used: building the rows set the training's peak (836 -> 741 MB)
    rows["log_arr"] = np.log1p(rules.ARR_FACTOR * rows["mrr_last"])
    rows["no_revenue"] = (rows["mrr_last"] <= 0).astype(np.uint8)
    rows["tenure_months"] = ((rows["M"] - start.iloc[i].to_numpy()).dt.days / 30.4375).to_numpy()
    rows["segment"] = cust["segment"].to_numpy()[i]
    rows["region"] = cust["region"].to_numpy()[i]

    # NPS: latest response (latest of its day) before M, the one before it, and since when the category held.
    resp = said["responses"]().sort_values(["_i", "date"], kind="stable")
    g = resp.groupby("_i", sort=False)
    resp["prev_score"] = g["score"].shift(1)
    new_run = resp["category"].ne(g["category"].shift(1))
    resp["run"] = new_run.astype(int).groupby(resp["_i"]).cumsum()
    resp["since"] = resp.groupby(["_i", "run"])["date"].transform("min")
    latest = _asof(rows, resp, ["category", "score", "prev_score", "since", "date"])
    rows["category"] = latest["category"].fillna("none").to_numpy()
    rows["nps_score"] = latest["score"].astype(float).to_numpy()
    rows["nps_prev_score"] = latest["prev_score"].astype(float).to_numpy()
    rows["category_since"] = latest["since"].to_numpy()
    for c in CATEGORIES:
        rows[f"nps_{c.lower()}"] = (rows["category"] == c).astype(np.uint8)
    rows["nps_drop"] = np.nan_to_num(rows["nps_prev_score"] - rows["nps_score"]).clip(min=0)
    rows["months_since_response"] = np.nan_to_num(
        (rows["M"] - pd.to_datetime(latest["date"]).to_numpy()).dt.days.to_numpy() / 30.4375, nan=0.0)
    del resp, g, new_run, latest

    # Comments in the year before M: the latest scored comment's sentiment, and the themes raised.
    last_said = _asof(rows, said["scored"](), ["negative", "sentiment_score", "date"], tolerance=COMMENT_LOOKBACK)
    rows["comment_sentiment"] = last_said["sentiment_score"].astype(float).fillna(0.0).to_numpy()
    rows["negative_comment"] = (last_said["negative"] == True).astype(np.uint8).to_numpy()  # noqa: E712 (NaN: no)
    rows["comment_date"] = last_said["date"].to_numpy()
    del last_said
    theme_cols, mentions = [], said["mentions"]()
    for theme in THEMES:
        hits = mentions.loc[mentions["theme"] == theme, ["_i", "date"]].assign(hit=1.0)
        col = f"theme_{theme}"
        rows[col] = _asof(rows, hits, ["hit"], tolerance=COMMENT_LOOKBACK)["hit"].fillna(0.0).astype(np.uint8) \
            .to_numpy()
        theme_cols.append(col)
    del mentions

    seg_cols, reg_cols = [], []
    for dim, cols in (("segment", seg_cols), ("region", reg_cols)):
        for value in sorted(rows[dim].unique()):
            col = f"{dim}={value}"
            rows[col] = (rows[dim] == value).astype(np.uint8)
            cols.append(col)
    features = (["nps_promoter", "nps_passive", "nps_detractor", "nps_none", "nps_drop", "months_since_response",
                 "comment_sentiment", "negative_comment", *theme_cols, "mrr_trend_3m", "mrr_trend_6m",
                 "contractions_6m", "log_arr", "no_revenue", "tenure_months", *seg_cols, *reg_cols])
    rows["month"] = rows["M"].dt.date
    info = {"first": first, "last": last, "features": features, "as_of": add_months(first, n_months),
            "rows_all": rows_all}
    return rows.drop(columns=["_i", "m"]), info


# ---------------------------------------------------------------------------------------------------------
# Quality measures
# ---------------------------------------------------------------------------------------------------------
def auc(y, score) -> float | None:
    """Area under the ROC curve by ranks (ties count one half): the chance a churner scores above a stayer."""
    y = np.asarray(y, dtype=float)
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return None
    ranks = pd.Series(np.asarray(score, dtype=float)).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def top_decile_lift(y, score) -> float | None:
    """Churn rate of the ceil(10%) highest scores (ties by row order) ÷ the overall churn rate."""
    y = np.asarray(y, dtype=float)
    if len(y) == 0 or y.sum() == 0:
        return None
    k = math.ceil(len(y) / 10)
    top = np.argsort(-np.asarray(score, dtype=float), kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def calibration(y, prob) -> pd.DataFrame:
    """Rows sorted by predicted probability (ties by row order) in ten near-equal groups: rows, mean predicted,
    observed churn rate with its Wilson interval."""
    y = np.asarray(y, dtype=float)
    prob = np.asarray(prob, dtype=float)
    order = np.argsort(prob, kind="stable")
    out = []
    for d, part in enumerate(np.array_split(order, 10), start=1):
        if len(part) == 0:
            continue
        ci = stats.wilson(int(y[part].sum()), len(part))
        out.append({"decile": d, "rows": len(part), "predicted": float(prob[part].mean()),
                    "observed": ci.estimate, "observed_low": ci.low, "observed_high": ci.high})
    return pd.DataFrame(out)


def _weighted_auc_lift(inv: np.ndarray, k_levels: int, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """AUC and top-decile lift of a score given as dense ranks `inv`, rows weighted by w (a bootstrap draw:
    how many times each row was drawn). Ties count one half in the AUC; in the top decile a tied boundary
    level counts in proportion."""
    cp = np.bincount(inv, weights=w * y, minlength=k_levels)
    cn = np.bincount(inv, weights=w * (1 - y), minlength=k_levels)
    pos, neg = cp.sum(), cn.sum()
    if pos == 0 or neg == 0:
        return math.nan, math.nan
    below = np.cumsum(cn) - cn
    area = float((cp * (below + 0.5 * cn)).sum() / (pos * neg))
    n = pos + neg
    k = math.ceil(n / 10)
    t, p = (cp + cn)[::-1], cp[::-1]
    cum = np.cumsum(t)
    j = int(np.searchsorted(cum, k))  # first level (from the top) that reaches k rows
    before = cum[j] - t[j]
    top_pos = p[:j].sum() + p[j] * (k - before) / t[j]
    return area, float((top_pos / k) / (pos / n))


def _bootstrap(y, groups, scores: dict[str, np.ndarray], seed: int, reps: int = BOOTSTRAP) -> dict:
    """Resample customers (all their rows together) `reps` times; AUC and top-decile lift of every score."""
    rng = np.random.default_rng(seed)
    codes, uniq = pd.factorize(pd.Series(groups))
    levels = {name: np.unique(s, return_inverse=True) for name, s in scores.items()}
    draws: dict[str, list] = {k: [] for k in scores} | {f"{k}:lift": [] for k in scores}
    for _ in range(reps):
        w = np.bincount(rng.integers(0, len(uniq), len(uniq)), minlength=len(uniq))[codes].astype(float)
        for name, (values, inv) in levels.items():
            area, lift = _weighted_auc_lift(inv, len(values), y, w)
            draws[name].append(area)
            draws[f"{name}:lift"].append(lift)
    return {k: np.array(vals, dtype=float) for k, vals in draws.items()}


def _interval(point, draws) -> stats.Interval:
    draws = draws[~np.isnan(draws)]
    if point is None or len(draws) == 0:
        return stats.Interval(point, None, None)
    return stats.Interval(point, float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975)))


# ---------------------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------------------
def _fit_logistic(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=5000).fit(_standardised(x, mean, sd), y)
    return model, mean, sd


def _standardised(x: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """(x − mean) / sd as one new array in C order. The expression's intermediate was a second copy of the features
    at the training's memory peak, and scikit-learn copies an F-ordered matrix (as pandas gives it) to C order
    before it fits: a third."""
    z = np.subtract(x, mean, order="C")
    z /= sd
    return z


def _predict(fit, x: np.ndarray) -> np.ndarray:
    return fit[0].predict_proba(_standardised(x, *fit[1:]))[:, 1]


def _contributions(fit, x: np.ndarray) -> np.ndarray:
    z = _standardised(x, *fit[1:])
    z *= fit[0].coef_[0]
    return z


@dataclass
class RiskModel:
    snapshot: int
    measurable: bool
    reason: str | None = None
    as_of: dt.date | None = None            # accounts are scored for the three months from this month
    features: list[str] = field(default_factory=list)
    train_months: list[dt.date] = field(default_factory=list)
    holdout_months: list[dt.date] = field(default_factory=list)
    n_train: int = 0
    n_holdout: int = 0
    train_events: int = 0
    holdout_events: int = 0
    rows_all: int = 0     # labelled customer × start month rows before sampling (build_rows)
    rows_used: int = 0    # of which the model used: all, or a random sample of customers' rows
    auc: stats.Interval | None = None
    challenger_auc: stats.Interval | None = None
    baselines: dict[str, stats.Interval] = field(default_factory=dict)
    differences: dict[str, stats.Interval] = field(default_factory=dict)  # model AUC − baseline AUC
    top_decile_lift: stats.Interval | None = None
    calibration: pd.DataFrame | None = None
    beats_baselines: bool = False
    ranked_by: str = "model"                # "model" or the baseline used for the ranking
    coefficients: pd.DataFrame | None = None  # per standardised feature, evaluated and final fit
    accounts: pd.DataFrame | None = None      # active accounts, highest probability first
    holdout: pd.DataFrame | None = None       # hold-out rows: customer, month, label, scores

    def arr_at_risk(self, by: str | None = None) -> pd.DataFrame:
        """Σ probability × ARR over the scored accounts, with its 95% interval (outcome spread only)."""
        if self.accounts is None:
            return pd.DataFrame(columns=["group", "accounts", "arr", "arr_at_risk", "low", "high"])
        acc = self.accounts
        keys = pd.Series("All", index=acc.index) if by is None else acc[by]
        rows = []
        for key, part in acc.groupby(keys, sort=True):
            risk = float((part["probability"] * part["arr"]).sum())
            se = math.sqrt(float((part["probability"] * (1 - part["probability"]) * part["arr"] ** 2).sum()))
            rows.append({"group": key, "accounts": len(part), "arr": float(part["arr"].sum()),
                         "arr_at_risk": risk, "low": max(0.0, risk - stats.Z95 * se), "high": risk + stats.Z95 * se})
        return pd.DataFrame(rows)


def _month_name(value) -> str:
    return pd.Timestamp(value).strftime("%B %Y")


def reason_text(feature: str, row, above_mean: bool = False) -> str | None:
    """The words for one feature of one account; None when the feature is a "no" for it (not a reason).
    above_mean: the account's value is above the training mean (worded for size)."""
    if feature.startswith(("nps_promoter", "nps_passive", "nps_detractor")) or feature == "nps_none":
        if row[feature] != 1:
            return None
        if feature == "nps_none":
            return "no survey answer yet"
        return f"{row['category'].lower()} since {_month_name(row['category_since'])}"
    if feature == "nps_drop":
        return f"score fell from {row['nps_prev_score']:.0f} to {row['nps_score']:.0f}" if row[feature] > 0 else None
    if feature == "months_since_response":
        return f"last survey answer {plural(round(row[feature]), 'month')} ago" if row["category"] != "none" else None
    if feature in ("comment_sentiment", "negative_comment"):
        if pd.isna(row["comment_date"]) or (feature == "negative_comment" and row[feature] != 1):
            return None
        label = ("negative" if row["comment_sentiment"] < -0.3 else "positive" if row["comment_sentiment"] > 0.3
                 else "neutral")
        return f"{label} comment in {_month_name(row['comment_date'])}"
    if feature.startswith("theme_"):
        return f"mentions {feature[6:]}" if row[feature] == 1 else None
    if feature in ("mrr_trend_3m", "mrr_trend_6m"):
        k = feature[10]
        change = row[feature]
        if abs(change) < 0.005:
            return f"MRR flat over {k} months"
        return f"MRR {'down' if change < 0 else 'up'} {abs(change):.0%} in {k} months"
    if feature == "contractions_6m":
        n = int(row[feature])
        return f"{n} contraction{'s' if n != 1 else ''} in 6 months" if n else "no contraction in 6 months"
    if feature == "log_arr":
        arr = fmt_currency(rules.ARR_FACTOR * row["mrr_last"])
        return f"{'larger' if above_mean else 'smaller'} account (ARR {arr})"
    if feature == "no_revenue":
        return "no revenue last month" if row[feature] == 1 else None
    if feature == "tenure_months":
        return f"customer for {plural(round(row[feature]), 'month')}"
    if feature.startswith(("segment=", "region=")):
        dim, value = feature.split("=", 1)
        return f"{dim} {value}" if row[feature] == 1 else None
    return None


def reasons(features: list[str], contributions: np.ndarray, row, n: int = 3,
            above_mean: np.ndarray | None = None) -> list[str]:
    """The account's n largest positive contributions that are reasons for it, in words."""
    out = []
    for j in np.argsort(-contributions, kind="stable"):
        if contributions[j] <= 0 or len(out) == n:
            break
        text = reason_text(features[j], row, bool(above_mean[j]) if above_mean is not None else False)
        if text is not None and text not in out:
            out.append(text)
    return out


def split(rows: pd.DataFrame, holdout_months: int = HOLDOUT_MONTHS):
    """(training mask, hold-out mask, hold-out months) over `rows`: hold-out = the last labelled start months;
    training = labelled start months M with M + HORIZON − 1 before the first hold-out month. Masks, not copies:
    the rows are the largest frame of the training (the process's memory peak)."""
    labelled = rows["label"].notna().to_numpy()
    hold = sorted(rows.loc[labelled, "month"].unique())[-holdout_months:]
    if not hold:
        return np.zeros(len(rows), bool), np.zeros(len(rows), bool), []
    cutoff = add_months(hold[0], -(HORIZON - 1))  # M + 2 < first hold-out month ⇔ M < cutoff
    month = rows["month"]
    return labelled & (month < cutoff).to_numpy(), labelled & month.isin(hold).to_numpy(), list(hold)


def train(cur, snapshot: int, versions: dict, seed: int = 0, holdout_months: int = HOLDOUT_MONTHS) -> RiskModel:
    """Fit, evaluate on the hold-out, refit on every labelled month and score the active accounts."""
    if missing_kinds := [noun for kind, noun in (("customers", "a customers file (churn dates)"),
                                                  ("revenue", "revenue data")) if versions.get(kind) is None]:
        # the one that is missing, named: "needs a customers file and revenue" beside a stored customers file misled
        return RiskModel(snapshot, False, "needs " + " and ".join(missing_kinds))
    first, last = cur.execute("SELECT first_month, last_month FROM snapshots WHERE snapshot = ?",
                              [snapshot]).fetchone()
    months = 0 if first is None else _month_index(last, first) + 1
    if months < HISTORY + HORIZON:
        return RiskModel(snapshot, False, f"the data covers {plural(months, 'month')}; the model needs at least "
                                          f"{HISTORY + HORIZON} ({HISTORY} of history, then a {HORIZON}-month outcome)")
    rfirst, rlast = cur.execute("SELECT revenue_first, revenue_last FROM snapshots WHERE snapshot = ?",
                                [snapshot]).fetchone()
    rev_months = 0 if rfirst is None else _month_index(rlast, rfirst) + 1
    if rev_months < HORIZON + 2:
        return RiskModel(snapshot, False, f"the revenue data covers {plural(rev_months, 'month')}; the model "
                                          f"needs at least {HORIZON + 2} (the MRR before a start month, then a "
                                          f"{HORIZON}-month outcome and a hold-out)")
    rows, info = build_rows(cur, snapshot, versions, seed=seed)
    memory.release()  # the intermediates of the rows (the peak is still to come: the fits copy the features)
    features = info["features"]
    in_tr, in_ho, hold = split(rows, holdout_months)
    tr, ho = rows.loc[in_tr, ["month", "label"]], rows.loc[in_ho, ["customer_id", "month", "label"]]
    model = RiskModel(snapshot, False, as_of=info["as_of"], features=features, holdout_months=hold,
                      train_months=sorted(tr["month"].unique()), n_train=len(tr), n_holdout=len(ho),
                      train_events=int(tr["label"].sum()), holdout_events=int(ho["label"].sum()),
                      rows_all=info["rows_all"], rows_used=int(rows["label"].notna().sum()))
    if model.train_events < MIN_TRAIN_EVENTS or model.holdout_events < MIN_HOLDOUT_EVENTS:
        # the unit is the customer-month (a churner counts in each of the up to three months before it left), so
        # the counts are named as such: "24 churned" beside 13 churned customers read as a wrong figure
        model.reason = (f"{model.train_events:,} customer-months followed by a churn within three months to train "
                        f"on and {model.holdout_events:,} in the hold-out months; at least {MIN_TRAIN_EVENTS} and "
                        f"{MIN_HOLDOUT_EVENTS} are needed")
        return model
    from sklearn.ensemble import HistGradientBoostingClassifier

    x_tr, y_tr = rows.loc[in_tr, features].to_numpy(float), tr["label"].to_numpy(float)
    x_ho, y_ho = rows.loc[in_ho, features].to_numpy(float), ho["label"].to_numpy(float)
    fit = _fit_logistic(x_tr, y_tr)
    scores = {"model": _predict(fit, x_ho)}
    from threadpoolctl import threadpool_limits

    gb = HistGradientBoostingClassifier(random_state=seed, max_iter=100, learning_rate=0.1, max_depth=3,
                                        early_stopping=False)
    with threadpool_limits(limits=1):  # one core: the app shares the machine (and results stay reproducible)
        scores["challenger"] = gb.fit(x_tr, y_tr).predict_proba(x_ho)[:, 1]
    base_cols = {"nps_category": [f"nps_{c.lower()}" for c in CATEGORIES], "mrr_trend_3m": ["mrr_trend_3m"]}
    base_fits, unavailable = {}, []
    for name, cols in list(base_cols.items()):
        j = [features.index(c) for c in cols]
        if np.ptp(x_tr[:, j], axis=0).max() == 0:  # e.g. no survey answers: the baseline cannot rank anyone
            unavailable.append(BASELINES[name])
            model.baselines[name] = model.differences[name] = stats.Interval(None, None, None)
            del base_cols[name]
            continue
        base_fits[name] = (j, _fit_logistic(x_tr[:, j], y_tr))
        scores[name] = _predict(base_fits[name][1], x_ho[:, j])
    draws = _bootstrap(y_ho, ho["customer_id"].to_numpy(), scores, seed)
    point = {k: auc(y_ho, s) for k, s in scores.items()}
    model.auc = _interval(point["model"], draws["model"])
    model.challenger_auc = _interval(point["challenger"], draws["challenger"])
    model.top_decile_lift = _interval(top_decile_lift(y_ho, scores["model"]), draws["model:lift"])
    model.calibration = calibration(y_ho, scores["model"])
    for name in base_cols:  # the available ones
        model.baselines[name] = _interval(point[name], draws[name])
        model.differences[name] = _interval(point["model"] - point[name], draws["model"] - draws[name])
    losing = [BASELINES[n] for n in base_cols if model.differences[n].low is None or model.differences[n].low <= 0]
    model.beats_baselines = not losing and not unavailable
    best = max(base_cols, key=lambda n: point[n]) if base_cols else None
    model.ranked_by = best if losing else "model"
    notes = []
    if losing:
        notes.append("the model's hold-out AUC is not above " + " and ".join(losing)
                     + " (95% interval of the difference reaches 0); accounts are ranked by " + BASELINES[best])
    if unavailable:
        notes.append(" and ".join(unavailable) + " cannot be scored (no variation in the training rows), so"
                     " the model is not shown to beat it")
    model.reason = "; ".join(notes) or None
    model.holdout = ho.assign(**{k: v for k, v in scores.items()}) \
        .reset_index(drop=True)

    # Final fit on every labelled start month; score the accounts active now. The evaluation's arrays go first,
    # and only the feature columns of the labelled rows are copied: this step set the process's peak memory.
    del tr, x_tr, x_ho, gb
    labelled = rows["label"].notna().to_numpy()
    x_all, y_all = rows.loc[labelled, features].to_numpy(float), rows.loc[labelled, "label"].to_numpy(float)
    now = rows[rows["month"] == info["as_of"]].reset_index(drop=True)
    del rows  # from here on only the accounts active now are scored and worded
    memory.release()
    final = _fit_logistic(x_all, y_all)
    model.coefficients = pd.DataFrame({"feature": features, "evaluated": fit[0].coef_[0],
                                       "final": final[0].coef_[0]})
    x_now = now[features].to_numpy(float)
    if model.ranked_by == "model":
        j, used_fit = list(range(len(features))), final
    else:
        j = base_fits[best][0]
        used_fit = _fit_logistic(x_all[:, j], y_all)
    del x_all, y_all  # the labelled rows' features: the scoring and wording below are the process's peak
    prob, contrib = _predict(used_fit, x_now[:, j]), _contributions(used_fit, x_now[:, j])
    above = x_now[:, j] > used_fit[1]
    used = [features[k] for k in j]
    # Plain dicts (now.iloc[k] per account took 25 s for 144,000 accounts), a chunk of accounts at a time: the dicts
    # of all 200,000 accounts at once held ~450 MB.
    worded = now[list(dict.fromkeys(_REASON_COLUMNS + used))]
    said = [reasons(used, contrib[start + k], row, above_mean=above[start + k])
            for start in range(0, len(now), _REASON_CHUNK)
            for k, row in enumerate(worded.iloc[start:start + _REASON_CHUNK].to_dict("records"))]
    accounts = pd.DataFrame({
        "customer_id": now["customer_id"], "segment": now["segment"], "region": now["region"],
        "arr": rules.ARR_FACTOR * now["mrr_last"], "probability": prob, "reasons": said,
    })
    model.accounts = accounts.sort_values(["probability", "arr", "customer_id"], ascending=[False, False, True]) \
        .reset_index(drop=True)
    model.measurable = True
    return model


_REASON_CHUNK = 10_000
# The raw values reason_text words a reason from, beside the features themselves.
_REASON_COLUMNS = ["category", "category_since", "nps_prev_score", "nps_score", "comment_date", "comment_sentiment",
                   "mrr_last"]


def sample_note(model: RiskModel) -> str:
    """The page's sentence on sampling ("" when every labelled row was used)."""
    if model.rows_used >= model.rows_all:
        return ""
    return (f" Trained and tested on a random sample of customers: {model.rows_used:,} of {model.rows_all:,} "
            f"customer × start month rows (whole customers drawn at random to about {MAX_TRAIN_ROWS:,} rows, to stay "
            "within memory); every account "
            "active now is scored.")


def arr_at_risk_for(model: RiskModel, segment: str | None = None, region: str | None = None) -> dict | None:
    """ARR at risk (Σ p × ARR, 95% interval from the outcome spread) over the scored accounts of a segment
    and/or region (None: all); None when the model is not measurable or no account is in the group."""
    if not model.measurable or model.accounts is None:
        return None
    acc = model.accounts
    if segment is not None:
        acc = acc[acc["segment"] == segment]
    if region is not None:
        acc = acc[acc["region"] == region]
    if acc.empty:
        return None
    risk = float((acc["probability"] * acc["arr"]).sum())
    se = math.sqrt(float((acc["probability"] * (1 - acc["probability"]) * acc["arr"] ** 2).sum()))
    return {"arr_at_risk": risk, "low": max(0.0, risk - stats.Z95 * se), "high": risk + stats.Z95 * se,
            "arr": float(acc["arr"].sum()), "accounts": len(acc)}


def quality_table(model: RiskModel) -> pd.DataFrame:
    """The model, its challenger and the baselines on the same hold-out rows: AUC with its 95% interval and,
    for the baselines, the model's AUC minus theirs with its interval (None where not scored)."""
    rows = [{"score": "Model (logistic regression)", "auc": model.auc, "difference": None},
            {"score": "Challenger (gradient boosting)", "auc": model.challenger_auc, "difference": None}]
    for name, label in BASELINES.items():
        if name in model.baselines:
            rows.append({"score": f"Baseline: {label}", "auc": model.baselines[name],
                         "difference": model.differences.get(name)})
    out = []
    for r in rows:
        a, d = r["auc"] or stats.Interval(None, None, None), r["difference"] or stats.Interval(None, None, None)
        out.append({"score": r["score"], "auc": a.estimate, "auc_low": a.low, "auc_high": a.high,
                    "difference": d.estimate, "difference_low": d.low, "difference_high": d.high})
    return pd.DataFrame(out)


def verdict(model: RiskModel) -> str:
    """The plain sentence: does the model beat both baselines on the hold-out rows?"""
    if not model.measurable:
        return f"The churn model is not measurable on this data: {model.reason}."
    if model.beats_baselines:
        return ("The model beats both baselines (NPS category alone; 3-month MRR trend alone) on the same hold-out "
                "rows: the 95% interval of each AUC difference is above 0. Accounts are ranked by the model.")
    return f"The model does not beat both baselines: {model.reason}."


def risk_list(model: RiskModel) -> pd.DataFrame:
    """The scored accounts, highest probability first: customer, segment, region, ARR, probability of churning
    in the next three months and up to three reasons (one column each), for the page and the CSV export."""
    cols = ["customer_id", "segment", "region", "arr", "probability", "reason_1", "reason_2", "reason_3"]
    if model.accounts is None:
        return pd.DataFrame(columns=cols)
    acc = model.accounts
    padded = [list(r) + [""] * (3 - len(r)) for r in acc["reasons"]]
    return pd.DataFrame({"customer_id": acc["customer_id"], "segment": acc["segment"], "region": acc["region"],
                         "arr": acc["arr"], "probability": acc["probability"],
                         "reason_1": [r[0] for r in padded], "reason_2": [r[1] for r in padded],
                         "reason_3": [r[2] for r in padded]})[cols]


def _interval_json(i: stats.Interval | None) -> dict | None:
    if i is None:
        return None
    return {"estimate": i.estimate, "low": i.low, "high": i.high}


def summary_json(cur, view, versions: dict, model: RiskModel | None = None) -> dict:
    """`churn_risk` and `voice` for `python -m metrics.report --json`. Pass a cached model to avoid training."""
    model = train(cur, view.snapshot, versions) if model is None else model
    return {"churn_risk": risk_json(model), "voice": voice.summary(cur, view, versions)}


def risk_json(model: RiskModel) -> dict:
    """The model's quality and ARR at risk as JSON-ready figures (`churn_risk` of the report)."""
    risk: dict = {"measurable": model.measurable, "reason": model.reason,
                  "as_of": model.as_of.isoformat() if model.as_of else None,
                  "holdout_months": [m.isoformat() for m in model.holdout_months], "n": model.n_holdout,
                  "events": model.holdout_events, "n_train": model.n_train}
    if model.measurable:
        overall = model.arr_at_risk().iloc[0]
        risk.update({
            "auc": _interval_json(model.auc), "challenger_auc": _interval_json(model.challenger_auc),
            "top_decile_lift": _interval_json(model.top_decile_lift),
            "baselines": {k: _interval_json(v) for k, v in model.baselines.items()},
            "beats_baselines": model.beats_baselines, "ranked_by": model.ranked_by,
            "arr_at_risk": {"horizon_months": HORIZON, "estimate": overall["arr_at_risk"], "low": overall["low"],
                            "high": overall["high"], "arr": overall["arr"], "accounts": int(overall["accounts"])},
        })
    return risk
