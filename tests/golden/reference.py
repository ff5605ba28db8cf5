"""Golden reference: the headline figures computed a second time, from the raw CSVs, with plain pandas.

What this is
    An independent implementation of the definitions in shared/METRICS.md, read literally, for the figures the
    CEO and CFO pages show: NPS with its adjusted-Wald 95% interval and n; monthly logo churn pooled over a
    period and annualised; MRR, ARR, ARPA; the MRR bridge of a month and the quick ratio; trailing-12 GRR and
    NRR; LTV; churn by NPS category (category as of the window's start) with Wilson intervals and counts.
    It reads the sample company's raw files (sample_data/customers.csv, nps_responses.csv, revenue.csv, or
    files with the same columns) straight into pandas and does every step here, in this one file.

Why it must stay independent
    tests/golden/test_golden.py compares the app's numbers with these. That comparison is only worth anything
    if the two sides can't share a mistake. So this module imports nothing from the app (metrics/, ui,
    charts, report, viewstate, app) and never reuses the app's SQL, helpers or constants; a test reads this
    file's imports with `ast` and fails if that changes. The app's code was read for one thing only: to learn
    which windows it uses where METRICS.md leaves the choice open (the period is the 12 calendar months
    ending at M; logo churn over a period is pooled, Σ churned ÷ Σ active at start; LTV uses the ARPA of the
    period's last month and the period's pooled monthly churn; the quick ratio beside a period pools the
    period's movements). Where the app and METRICS.md differ, this file follows METRICS.md and the golden
    test marks the difference as an expected failure; never change this file to make the app pass.

Choices made here where METRICS.md says nothing (each stated so it can be challenged)
    - Amounts are read as exact decimals (never through a float). Several rows for one customer and month are
      summed exactly ("the sum of its recurring revenue for M"), and that sum is kept in whole cents, rounded
      half up; every later sum is of whole cents, and a figure in dollars is cents ÷ 100. The sample's
      revenue is already monthly, in dollars, with at most two decimals, so no rounding happens on it.
    - "Latest response before a date": responses strictly before the date; of several on the same day, the
      one further down the file is the latest.
    - A segment or region filter keeps the customers of that segment/region (customers.csv) and only their
      responses and revenue: responses without a customer id or with an unknown one then drop out.
    - Movements of a month need the month before it inside the revenue data; otherwise they are not
      measurable (None), like trailing retention whose base month is before the data.
    - Months run from the first revenue month to the last; a month without any revenue row inside that
      range has MRR 0.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

Z95 = 1.96
DEFAULT_GROSS_MARGIN = 0.80
PROMOTER, PASSIVE, DETRACTOR, NO_RESPONSE = "Promoter", "Passive", "Detractor", "No response"
CATEGORIES = (PROMOTER, PASSIVE, DETRACTOR)


# ---- loading ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Company:
    """The raw data, typed: one row per customer, per response, and MRR in cents per customer and month."""

    customers: pd.DataFrame   # customer_id, signup (Timestamp), churn (Timestamp or NaT), segment, region
    responses: pd.DataFrame   # customer_id (may be missing), date (Timestamp), score (int); file order kept
    mrr_cents: pd.DataFrame   # index customer_id, one column per month (pd.Period) from first to last; int

    @property
    def first_month(self) -> pd.Period:
        return self.mrr_cents.columns[0]

    @property
    def last_month(self) -> pd.Period:
        return self.mrr_cents.columns[-1]

    def only(self, segment: str | None = None, region: str | None = None) -> Company:
        """The customers of a segment and/or region, with their responses and revenue only."""
        if segment is None and region is None:
            return self
        keep = self.customers
        if segment is not None:
            keep = keep[keep["segment"] == segment]
        if region is not None:
            keep = keep[keep["region"] == region]
        ids = set(keep["customer_id"])
        return Company(keep, self.responses[self.responses["customer_id"].isin(ids)],
                       self.mrr_cents[self.mrr_cents.index.isin(ids)])


def load(folder: str | Path, customers: str = "customers.csv", nps: str = "nps_responses.csv",
         revenue: str = "revenue.csv") -> Company:
    """Read the three CSVs of the sample format (the columns of sample_data/*.csv) from `folder`."""
    folder = Path(folder)
    c = pd.read_csv(folder / customers, dtype=str, keep_default_na=False)
    n = pd.read_csv(folder / nps, dtype=str, keep_default_na=False)
    r = pd.read_csv(folder / revenue, dtype=str, keep_default_na=False)

    cust = pd.DataFrame({
        "customer_id": c["customer_id"].str.strip(),
        "signup": pd.to_datetime(c["signup_date"].str.strip(), format="%Y-%m-%d"),
        "churn": pd.to_datetime(c["churn_date"].str.strip().replace("", None), format="%Y-%m-%d"),
        "segment": c["segment"].str.strip() if "segment" in c else "",
        "region": c["region"].str.strip() if "region" in c else "",
    })
    if cust["customer_id"].duplicated().any():
        raise ValueError("customers.csv lists a customer twice")

    scores = n["score"].str.strip()
    n = n[scores != ""]  # an unanswered question is not a response
    score = n["score"].str.strip().astype(int)
    if not score.between(0, 10).all():
        raise ValueError("a score outside 0–10 is invalid")
    resp = pd.DataFrame({
        "customer_id": n["customer_id"].str.strip().replace("", None),
        "date": pd.to_datetime(n["responded_at"].str.strip(), format="%Y-%m-%d"),
        "score": score,
    }).reset_index(drop=True)  # the index is the file order

    micros = r["mrr"].map(_micros).astype("int64")
    if (micros < 0).any():
        raise ValueError("a negative amount is not MRR")
    months = pd.PeriodIndex(r["month"].str.strip(), freq="M")
    long = pd.DataFrame({"customer_id": r["customer_id"].str.strip(), "month": months, "micros": micros})
    wide = long.pivot_table(index="customer_id", columns="month", values="micros", aggfunc="sum", fill_value=0)
    all_months = pd.period_range(months.min(), months.max(), freq="M")
    wide = wide.reindex(columns=all_months, fill_value=0).astype("int64")
    cents = (wide + 5_000) // 10_000  # the customer-month's exact sum, to the cent, half up (amounts are ≥ 0)
    return Company(cust, resp, cents)


def _micros(text: str) -> int:
    """An amount as an exact whole number of millionths (decimal text, no float rounding on the way)."""
    exact = Decimal(text.strip()).scaleb(6)
    if exact != exact.to_integral_value():
        raise ValueError(f"amount {text!r} has more than 6 decimals")
    return int(exact)


# ---- months and periods -------------------------------------------------------------------------------
def month(value) -> pd.Period:
    """'2026-10', a date or a Period → the calendar month."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    return pd.Period(value, freq="M")


def period(end, months: int = 12) -> tuple[pd.Period, pd.Period]:
    """The `months` calendar months ending with month `end`: (first month, last month)."""
    end = month(end)
    return end - (months - 1), end


def first_day(m: pd.Period) -> pd.Timestamp:
    return m.start_time.normalize()


def month_range(start, end) -> list[pd.Period]:
    return list(pd.period_range(month(start), month(end), freq="M"))


# ---- NPS ----------------------------------------------------------------------------------------------
def category(score: int) -> str:
    if score >= 9:
        return PROMOTER
    if score >= 7:
        return PASSIVE
    return DETRACTOR


@dataclass(frozen=True)
class Nps:
    n: int
    promoters: int
    passives: int
    detractors: int
    value: float | None   # 100 × (promoters − detractors) ÷ n
    low: float | None     # adjusted Wald, METRICS.md literally: 100 × (e − 1.96 se)
    high: float | None    # 100 × (e + 1.96 se)


def nps_from_counts(promoters: int, passives: int, detractors: int) -> Nps:
    n = promoters + passives + detractors
    if n == 0:
        return Nps(0, 0, 0, 0, None, None, None)
    n_adj = n + 3
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    e = p - d
    se = math.sqrt((p + d - e ** 2) / n_adj)
    return Nps(n, promoters, passives, detractors, 100 * (promoters - detractors) / n,
               100 * (e - Z95 * se), 100 * (e + Z95 * se))


def nps(company: Company, start, end) -> Nps:
    """NPS over the responses dated in months start … end (every response, not one per customer)."""
    r = company.responses
    m = r["date"].dt.to_period("M")
    inside = r[(m >= month(start)) & (m <= month(end))]
    s = inside["score"]
    return nps_from_counts(int((s >= 9).sum()), int(s.between(7, 8).sum()), int((s <= 6).sum()))


# ---- customers and logo churn ---------------------------------------------------------------------------
def active_at_start(company: Company, m) -> pd.Series:
    """Boolean per customer: started before M's first day and not churned before it."""
    day = first_day(month(m))
    c = company.customers
    return (c["signup"] < day) & (c["churn"].isna() | (c["churn"] >= day))


def logo_churn_month(company: Company, m) -> tuple[int, int]:
    """(customers active at the start of M, those of them that churned during M)."""
    m = month(m)
    active = active_at_start(company, m)
    churned = active & (company.customers["churn"].dt.to_period("M") == m)
    return int(active.sum()), int(churned.sum())


@dataclass(frozen=True)
class Churn:
    active_start: int     # Σ over the months
    churned: int          # Σ over the months
    monthly: float | None
    annual: float | None  # 1 − (1 − m)¹²


def logo_churn(company: Company, start, end) -> Churn:
    """Monthly logo churn pooled over months start … end (Σ churned ÷ Σ active at start), annualised."""
    active = churned = 0
    for m in month_range(start, end):
        a, c = logo_churn_month(company, m)
        active += a
        churned += c
    monthly = churned / active if active else None
    return Churn(active, churned, monthly, None if monthly is None else 1 - (1 - monthly) ** 12)


# ---- revenue ------------------------------------------------------------------------------------------
def _column(company: Company, m: pd.Period) -> pd.Series:
    """MRR in cents of every customer in month m (0 outside the data's months)."""
    if m in company.mrr_cents.columns:
        return company.mrr_cents[m]
    return pd.Series(0, index=company.mrr_cents.index, dtype="int64")


def mrr(company: Company, m) -> float:
    return int(_column(company, month(m)).sum()) / 100


def arr(company: Company, m) -> float | None:
    """12 × MRR of month m; None for a month outside the revenue file's months (unknown, not $0)."""
    if month(m) not in company.mrr_cents.columns:
        return None
    return 12 * int(_column(company, month(m)).sum()) / 100


def paying(company: Company, m) -> int:
    return int((_column(company, month(m)) > 0).sum())


def arpa(company: Company, m) -> float | None:
    """MRR(M) ÷ customers with MRR > 0 in M."""
    count = paying(company, m)
    return int(_column(company, month(m)).sum()) / 100 / count if count else None


@dataclass(frozen=True)
class Bridge:
    start: float          # MRR(M − 1)
    new: float
    reactivation: float
    expansion: float
    contraction: float
    churned: float
    end: float            # MRR(M)

    @property
    def quick_ratio(self) -> float | None:
        losses = self.contraction + self.churned
        return (self.new + self.reactivation + self.expansion) / losses if losses else None


def _bridge_cents(company: Company, m: pd.Period) -> dict[str, int] | None:
    if m - 1 < company.first_month or m > company.last_month:
        return None
    wide = company.mrr_cents
    before, now = wide[m - 1], wide[m]
    earlier = [c for c in wide.columns if c < m - 1]
    paid_earlier = (wide[earlier] > 0).any(axis=1) if earlier else pd.Series(False, index=wide.index)
    starts = (before == 0) & (now > 0)
    both = (before > 0) & (now > 0)
    return {
        "start": int(before.sum()),
        "new": int(now[starts & ~paid_earlier].sum()),
        "reactivation": int(now[starts & paid_earlier].sum()),
        "expansion": int((now - before)[both & (now > before)].sum()),
        "contraction": int((before - now)[both & (now < before)].sum()),
        "churned": int(before[(before > 0) & (now == 0)].sum()),
        "end": int(now.sum()),
    }


def bridge(company: Company, m) -> Bridge | None:
    """The MRR movements from M − 1 to M; None when M − 1 is not in the data."""
    cents = _bridge_cents(company, month(m))
    if cents is None:
        return None
    gained = cents["new"] + cents["reactivation"] + cents["expansion"]
    lost = cents["contraction"] + cents["churned"]
    if cents["start"] + gained - lost != cents["end"]:  # METRICS.md: the bridge holds exactly
        raise AssertionError(f"MRR bridge of {m} does not balance")
    return Bridge(**{k: v / 100 for k, v in cents.items()})


def quick_ratio_over(company: Company, start, end) -> float | None:
    """(new + reactivation + expansion) ÷ (contraction + churned), each summed over the months start … end
    that have movements (the first data month has none)."""
    gained = lost = 0
    for m in month_range(start, end):
        cents = _bridge_cents(company, m)
        if cents is not None:
            gained += cents["new"] + cents["reactivation"] + cents["expansion"]
            lost += cents["contraction"] + cents["churned"]
    return gained / lost if lost else None


# ---- retention ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Retention:
    base_customers: int   # MRR > 0 in M − k
    base_mrr: float       # their MRR in M − k
    retained_mrr: float   # Σ min(MRR(M), MRR(M − k))
    end_mrr: float        # Σ MRR(M) over the base
    grr: float | None
    nrr: float | None


def retention(company: Company, m, k: int = 12) -> Retention | None:
    """Trailing-k GRR and NRR at M; None when M − k is before the data or M after it."""
    m = month(m)
    base_month = m - k
    if base_month < company.first_month or m > company.last_month:
        return None
    base = company.mrr_cents[base_month]
    in_base = base > 0
    b, e = base[in_base], company.mrr_cents[m][in_base]
    base_c, retained_c, end_c = int(b.sum()), int(pd.concat([b, e], axis=1).min(axis=1).sum()), int(e.sum())
    return Retention(int(in_base.sum()), base_c / 100, retained_c / 100, end_c / 100,
                     retained_c / base_c if base_c else None, end_c / base_c if base_c else None)


# ---- value --------------------------------------------------------------------------------------------
def ltv(company: Company, start, end, gross_margin: float = DEFAULT_GROSS_MARGIN) -> float | None:
    """ARPA of the last month × gross margin ÷ the period's pooled monthly logo churn; None when churn is 0."""
    a = arpa(company, end)
    m = logo_churn(company, start, end).monthly
    if a is None or not m:
        return None
    return a * gross_margin / m


# ---- linking NPS to value -------------------------------------------------------------------------------
def category_as_of(company: Company, day) -> pd.Series:
    """Per customer id with a response strictly before `day`: the category of its latest such response (a
    same-day tie goes to the row further down the file)."""
    day = pd.Timestamp(day)
    r = company.responses
    r = r[r["customer_id"].notna() & (r["date"] < day)]
    r = r.assign(order=range(len(r))).sort_values(["date", "order"], kind="stable")
    latest = r.groupby("customer_id")["score"].last()
    return latest.map(category)


def wilson(k: int, n: int) -> tuple[float, float, float] | tuple[None, None, None]:
    """k ÷ n with its Wilson score 95% interval (estimate, low, high)."""
    if n == 0:
        return None, None, None
    p = k / n
    z2 = Z95 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n ** 2))
    return p, centre - half, centre + half


def churn_by_category(company: Company, start, end) -> pd.DataFrame:
    """Customers active at the window's start, by their category then (latest response strictly before the
    window's first day; "No response" when none), and how many of them churned within the window.
    Columns customers, churned, rate, low, high (Wilson 95%), indexed by category."""
    start, end = month(start), month(end)
    day = first_day(start)
    c = company.customers[active_at_start(company, start)]
    as_of = category_as_of(company, day).to_dict()
    cats = c["customer_id"].map(lambda cid: as_of.get(cid, NO_RESPONSE))
    churn_month = c["churn"].dt.to_period("M")
    churned = churn_month.notna() & (churn_month >= start) & (churn_month <= end)
    rows = []
    for cat in (*CATEGORIES, NO_RESPONSE):
        n = int((cats == cat).sum())
        k = int((churned & (cats == cat)).sum())
        rate, low, high = wilson(k, n)
        rows.append({"category": cat, "customers": n, "churned": k, "rate": rate, "low": low, "high": high})
    return pd.DataFrame(rows).set_index("category")


# ---- everything a page headline needs, in one call ---------------------------------------------------
@dataclass(frozen=True)
class Headlines:
    start: pd.Period
    end: pd.Period
    nps: Nps
    churn: Churn
    mrr: float
    arr: float
    arpa: float | None
    bridge: Bridge | None
    quick_ratio: float | None        # over the period's months
    retention: Retention | None
    ltv: float | None
    by_category: pd.DataFrame


def headlines(company: Company, end, months: int = 12, segment: str | None = None, region: str | None = None,
              gross_margin: float = DEFAULT_GROSS_MARGIN) -> Headlines:
    c = company.only(segment, region)
    start, end = period(end, months)
    return Headlines(start, end, nps(c, start, end), logo_churn(c, start, end), mrr(c, end), arr(c, end),
                     arpa(c, end), bridge(c, end), quick_ratio_over(c, start, end), retention(c, end),
                     ltv(c, start, end, gross_margin), churn_by_category(c, start, end))


def as_date(m) -> dt.date:
    """A month as the date of its first day (how the app's View names months)."""
    return first_day(month(m)).date()
