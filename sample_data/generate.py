"""Generate the sample data set: a plausible B2B SaaS company, November 2023 to October 2026.

Run ``python sample_data/generate.py``; it writes ``customers.csv``, ``nps_responses.csv``,
``revenue.csv``, ``csat_responses.csv`` and ``tickets.csv`` next to this file. The generator is seeded, so every
run writes byte-identical files.

The model
---------
Nothing in the output is written directly: churn, expansion and survey scores are all drawn from one
hidden quantity per customer, so the relationships the dashboard shows come out of the simulation.

* Customers. Signups arrive as a Poisson process from 2019-01, growing ~1.4 %/month until 2023-10 and
  ~1.7 %/month in the window, with calendar seasonality (quarter-end pushes, a summer lull, a
  December budget flush). Segment, region and plan are drawn per signup; plan depends on segment.
  The whole history from 2019 is simulated, and only customers still active on 2023-11-01 (about
  1,800) or won since are written. So the opening base has already been thinned by churn: it leans
  towards recent cohorts, happier accounts and Enterprise, and its MRR includes past expansions.
* Latent satisfaction. Each customer has a satisfaction ``z`` on a logit scale:
  ``z = base + segment shift + company trend + permanent customer offset + drift + onboarding dip``.
  The drift is an AR(1) random walk with mean reversion (monthly). The segment shift is small
  (Enterprise a little happier, SMB a little less). The company trend starts in 2023-11 and adds
  about +4 NPS points by itself; with unhappy accounts continuing to leave, observed NPS would rise about
  +6 points over the window (averaged over seeds; any one seed adds survey noise of a few points); slow and
  escalated tickets (see Service experience) take a few points off, more as ticket volume grows with the base
  (this seed: +24 in the first year, +28 in the last).
  New customers start a little lower while they onboard. The expected survey score is
  ``10 * sigmoid(z)``, which gives the left-skewed score distribution that real NPS surveys show.
* Monthly hazards. At the start of each month every paying customer may churn with a probability set
  by last month's expected score (detractor-level ~3-4 %, passive ~1.5 %, promoter ~0.7 %), scaled
  by segment (SMB churns more, Enterprise less), by a higher risk in the first six months, and by a
  fixed per-customer frailty. Survivors may expand (+10-40 %, likelier when happy) or contract
  (-10-30 %, likelier when unhappy).
* Revenue. A customer has MRR from its signup month (or 2023-11) up to the month before its churn
  month. Starting MRR is log-normal by segment and plan.
* Surveys. Each customer gets a relationship survey (Email, In-app or Web) soon after signup and
  then every 4-8 months; larger accounts have more than one respondent. Support tickets trigger
  extra transactional surveys, more often for unhappy customers. A score is ``10 * sigmoid(z + noise)``
  rounded, using the customer's satisfaction in the month of the response. About 3 % of responses
  come anonymously from the website (no customer_id). Comments are picked from phrase lists that
  fit the score (detractor complaints about support, price, bugs or onboarding).
* CSAT. Every support contact (the same contacts that trigger the post-ticket NPS surveys) also sends a
  1-5 satisfaction survey, answered ~45 % of the time; the answer is ``1 + 4 * sigmoid(z + noise)`` rounded,
  a little harsher than the account's mood (``CSAT_SHIFT``). Drawn from a second random stream, so adding
  CSAT left the other three files byte-identical.
* Tickets. The help desk's export (one row per ticket, Zendesk-like): every surveyed support contact is a
  ticket, plus ~0.08-0.36 more per customer-month by segment, 2.5x at a detractor-level mood and 1.8x in the
  three months before a customer leaves. Priority, channel, first reply and resolution time (log-normal, slower
  when the account is in trouble, faster for urgent tickets), escalation and reopening are drawn with noise from
  the account's trouble at the time (latent satisfaction, churn within six months); ~90 % of solved tickets
  are offered a Good/Bad rating, ~32 % of those answered, Bad likelier after slow, escalated or reopened
  tickets. Tickets still unsolved on 2026-11-01 are open. Drawn from a third random stream, so the tickets follow
  the simulated satisfaction and churn without changing them: slow tickets go with churn as an outcome, not as a
  rule (a ticket never changes the churn hazard).
* Service experience. A ticket solved over the 24-hour target, more so over 72 hours, or escalated lowers the
  logit of the customer's later NPS and CSAT answers (``SERVICE_MOOD_*``), fading over about four months after the
  solve day; the answer keeps its noise, and the account's churn hazard is not changed by it. So the Service
  page's "NPS before vs after a ticket" reflects this cause mixed with the account's own drift and trouble.
* Data-quality quirks. About 20 customers have revenue that stops 1-3 months before their recorded
  churn date, or a 1-2 month gap while active (which shows up as a reactivation). Every row is
  still valid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261031
OUT_DIR = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------------
N_MONTHS = 36
FIRST_MONTH = np.datetime64("2023-11", "M")
MONTHS = FIRST_MONTH + np.arange(N_MONTHS)  # 2023-11 .. 2026-10
WINDOW_START = FIRST_MONTH.astype("datetime64[D]")  # 2023-11-01
WINDOW_END = (FIRST_MONTH + N_MONTHS).astype("datetime64[D]")  # 2026-11-01, exclusive
HISTORY_MONTHS = 58  # 2019-01 .. 2023-10: simulated, but only survivors into the window are written
NOT_CHURNED = N_MONTHS  # churn_month of a customer still active at the end

# ---------------------------------------------------------------------------------------------------
# Customer mix
# ---------------------------------------------------------------------------------------------------
SEGMENTS = np.array(["SMB", "Mid-Market", "Enterprise"])
SMB = 0  # index into SEGMENTS
# Mix of new signups; the surviving base drifts towards larger accounts because they churn less.
SEGMENT_P = [0.62, 0.29, 0.09]
REGIONS = np.array(["North America", "EMEA", "APAC", "LATAM"])
REGION_P = [0.45, 0.30, 0.15, 0.10]
PLANS = np.array(["Starter", "Growth", "Scale"])
PLAN_P_BY_SEGMENT = np.array(
    [
        [0.70, 0.27, 0.03],  # SMB
        [0.15, 0.60, 0.25],  # Mid-Market
        [0.00, 0.20, 0.80],  # Enterprise
    ]
)

NEW_PER_MONTH_START = 65.0  # expected signups in 2023-11 before seasonality
NEW_GROWTH = 1.017  # month-on-month growth of acquisition in the window
HISTORY_GROWTH = 1.014  # growth 2019-2023 (~29 signups/month in 2019-01)
# Calendar-month seasonality (Jan..Dec): quarter-end pushes, a summer lull, a December budget flush.
SEASONALITY = np.array([1.02, 0.94, 1.12, 0.95, 1.00, 1.10, 0.86, 0.84, 1.08, 1.00, 0.95, 1.14])
SEASONALITY = SEASONALITY / SEASONALITY.mean()
DUPLICATE_NAMES = 8

# Starting MRR: log-normal around a segment median, nudged by plan, clipped to a sane band.
MRR_MEDIAN = np.array([300.0, 1550.0, 9000.0])
MRR_SIGMA = np.array([0.32, 0.30, 0.36])
MRR_BAND = np.array([[120.0, 750.0], [650.0, 3600.0], [3200.0, 24000.0]])
PLAN_MRR_MULT = np.array([0.85, 1.0, 1.2])
MRR_FLOOR = 49.0  # the cheapest paid plan; contractions never go below it

# ---------------------------------------------------------------------------------------------------
# Satisfaction (logit scale; expected score = 10 * sigmoid(z))
# ---------------------------------------------------------------------------------------------------
Z_BASE = 1.72
Z_SEGMENT_SHIFT = np.array([-0.08, 0.02, 0.15])  # SMB a little less happy, Enterprise a little more
# Company-wide improvement over the 36 months: about +4 NPS points by itself; with the base maturing
# (unhappy accounts keep leaving) the observed NPS rises about +6 points over the window, less the service effect.
Z_TREND = 0.10
Z_CUSTOMER_SD = 0.75  # permanent between-customer spread
DRIFT_PHI = 0.85  # monthly mean reversion of the drift
DRIFT_SD = 0.60  # stationary spread of the drift
DRIFT_INNOVATION_SD = DRIFT_SD * np.sqrt(1 - DRIFT_PHI**2)
ONBOARDING_DIP = 0.40  # new customers start this much lower, fading over the first months
ONBOARDING_DECAY_MONTHS = 2.0
RESPONSE_NOISE_SD = 0.95  # noise between the latent satisfaction and one person's answer
SUPPORT_SCORE_SHIFT = -0.25  # people answering right after a ticket are a little harsher
CSAT_RESPONSE_P = 0.45  # share of support contacts whose 1-5 satisfaction survey is answered
CSAT_SHIFT = -0.6  # a ticket means something went wrong: satisfaction right after it is lower

# ---------------------------------------------------------------------------------------------------
# Monthly hazards, as functions of last month's expected score
# ---------------------------------------------------------------------------------------------------
HAZARD_SCORE = np.array([0.0, 5.0, 6.5, 7.5, 8.5, 9.3, 10.0])
CHURN_HAZARD = np.array([0.042, 0.036, 0.030, 0.017, 0.011, 0.007, 0.006])
EXPANSION_P = np.array([0.008, 0.009, 0.011, 0.016, 0.024, 0.030, 0.032])
CONTRACTION_P = np.array([0.024, 0.022, 0.018, 0.012, 0.008, 0.005, 0.004])
CHURN_SEGMENT_MULT = np.array([1.25, 0.80, 0.50])
EXPANSION_SEGMENT_MULT = np.array([0.90, 1.10, 1.25])
EARLY_LIFE_MONTHS = 6
EARLY_LIFE_CHURN_MULT = 1.3
FRAILTY_SD = 0.35  # per-customer log-normal multiplier on the churn hazard (mean 1)
QUIRK_EARLY_STOPS = 10  # churned customers whose revenue stops 1-3 months early
QUIRK_GAPS = 10  # customers with a 1-2 month revenue gap while active

# ---------------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------------
FIRST_SURVEY_DAYS = (30, 120)  # onboarding survey after signup
SURVEY_INTERVAL_DAYS = (120, 245)  # then every ~4-8 months
RESPONSE_SPREAD_DAYS = 14  # respondents of one wave answer within two weeks
EXTRA_RESPONDENTS_MEAN = np.array([0.15, 0.6, 1.4])  # Poisson extra respondents per wave by segment
WAVE_RESPONSE_P = 0.72  # probability that a given respondent actually answers
SUPPORT_SURVEYS_PER_MONTH = np.array([0.017, 0.028, 0.042])  # by segment, for a content customer
SUPPORT_UNHAPPY_MULT = 2.5  # extra ticket surveys at a detractor-level expected score
ANONYMOUS_SHARE = 0.03
CHANNELS_RELATIONSHIP = np.array(["Email", "In-app", "Web"])
CHANNEL_P_RELATIONSHIP = np.array([45.0, 30.0, 7.0]) / 82.0  # Web also gets the ~3 % anonymous

# ---------------------------------------------------------------------------------------------------
# Support tickets (a third random stream; see tickets())
# ---------------------------------------------------------------------------------------------------
EXTRA_TICKETS_PER_MONTH = np.array([0.08, 0.18, 0.36])  # by segment, beyond the surveyed contacts, content customer
TICKET_UNHAPPY_MULT = 2.5  # more tickets at a detractor-level expected score (as the surveyed contacts)
TICKET_PRE_CHURN_MULT = 1.8  # and in the three months before a customer leaves
PRIORITIES = np.array(["Low", "Normal", "High", "Urgent"])
TICKET_CHANNELS = np.array(["Email", "Web form", "Chat", "Phone"])
TICKET_CHANNEL_P = [0.42, 0.25, 0.25, 0.08]
FIRST_REPLY_MEDIAN_H = {"Email": 3.0, "Web form": 3.5, "Chat": 0.15, "Phone": 0.05}
RESOLUTION_MEDIAN_H = 11.0
PRIORITY_SPEED = np.array([1.4, 1.0, 0.6, 0.35])  # multiplier on reply and resolution times by priority
TICKET_TAGS = ["how-to", "bug", "billing", "integration", "login", "performance", "data-export", "onboarding",
               "feature-request"]
TAG_WEIGHTS = np.array([0.22, 0.15, 0.13, 0.10, 0.10, 0.08, 0.06, 0.06, 0.10])
TAG_STRESS_WEIGHTS = np.array([0.0, 0.20, 0.12, 0.04, 0.0, 0.15, 0.05, 0.0, 0.0])  # added with stress
TICKET_SUBJECTS = {
    "how-to": ["How do I set up a second workspace?", "Where is the export button?", "Question about roles"],
    "bug": ["Dashboard shows the wrong totals", "Error 500 when saving", "Sync stopped working"],
    "billing": ["Invoice amount looks wrong", "Charged twice this month", "Change of billing contact"],
    "integration": ["Salesforce sync fails", "Webhook not firing", "API rate limit questions"],
    "login": ["Cannot log in after password reset", "SSO login loop", "Locked out of my account"],
    "performance": ["Reports take minutes to load", "App very slow since the update", "Timeouts on large imports"],
    "data-export": ["CSV export is missing columns", "Need a full data export", "Export stuck at 90%"],
    "onboarding": ["Help importing our data", "Training session for new users", "Setting up our first project"],
    "feature-request": ["Feature request: dark mode", "Can we get custom fields?", "Request: bulk edit"],
}
TICKET_CSAT_OFFERED_P = 0.9  # solved tickets sent a Good/Bad survey
TICKET_CSAT_ANSWER_P = 0.32  # of those, answered
SLOW_TICKET_HOURS = 48.0
# A ticket's outcome sours the customer's later survey answers (NPS and CSAT), fading with time: a cause in the
# model, added to the answer's logit before its noise; the account's churn hazard is not changed by it.
SERVICE_TARGET_HOURS = 24.0  # the Service page's target
SERVICE_MOOD_SLOW = -0.25  # solved over the target
SERVICE_MOOD_VERY_SLOW = -0.25  # and again when over three times the target
SERVICE_MOOD_ESCALATED = -0.4
SERVICE_MOOD_FADE_DAYS = 75.0  # e-folding time of the effect after the solve day
SERVICE_MOOD_FLOOR = -1.5

# How often a respondent leaves a comment, by category (detractors have most to say).
BLANK_P = {"promoter": 0.42, "passive": 0.50, "detractor": 0.25}

# ---------------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------------
NAME_HEADS = [
    "North", "South", "East", "West", "Blue", "Red", "Green", "Silver", "Gold", "Iron", "Stone",
    "Bright", "Clear", "Swift", "High", "Deep", "Far", "Oak", "Pine", "Cedar", "Maple", "River",
    "Lake", "Harbor", "Summit", "Sun", "Star", "Moon", "Storm", "Frost", "Ever", "True", "Prime",
    "Nova", "Apex", "Cobalt", "Amber", "Crimson", "Granite", "Willow",
]  # fmt: skip
NAME_TAILS = [
    "wind", "peak", "field", "bridge", "stone", "ridge", "gate", "way", "brook", "haven", "point",
    "line", "wave", "light", "path", "crest", "vale", "port", "works", "forge", "wood", "shore",
    "spring", "view", "mark", "side", "rock", "tree", "mont", "core",
]  # fmt: skip
NAME_INDUSTRIES = [
    "Logistics", "Health", "Labs", "Analytics", "Systems", "Foods", "Energy", "Robotics", "Media",
    "Capital", "Software", "Partners", "Supply", "Retail", "Networks", "Bio", "Dynamics",
    "Solutions", "Consulting", "Freight", "Studios", "Security", "Telecom", "Manufacturing",
    "Insurance", "Realty", "Learning", "Outfitters", "Pharma", "Travel", "Marine", "Aerospace",
    "Clinics", "Brewing", "Finance", "Engineering", "Logistik", "Digital", "Cloud", "Group",
]  # fmt: skip
LEGAL_SUFFIXES = {
    "North America": ["Inc.", "LLC", "Corp.", "Co."],
    "EMEA": ["Ltd", "GmbH", "BV", "AB", "SAS", "plc"],
    "APAC": ["Pty Ltd", "Pte. Ltd.", "K.K.", "Ltd"],
    "LATAM": ["S.A.", "Ltda.", "S.A. de C.V."],
}
LEGAL_SUFFIX_P = 0.22
COMMA_SUFFIX_P = 0.05  # of suffixed North American names, "Acme Labs, Inc." style

# Only a few phrases contain a comma and only the rare QUOTED_COMMENTS a quote character, so both
# CSV quoting paths are exercised without dominating the file.
PROMOTER_COMMENTS = [
    "Love the product. It saves our team hours every week.",
    "Great tool and setup was quick.",
    "The dashboards are exactly what our leadership wanted.",
    "Support is fast and genuinely helpful.",
    "Best vendor we work with.",
    "Reliable, fast and easy to use.",
    "Our account manager is fantastic.",
    "The integrations just work.",
    "Rolled it out to three more teams this quarter.",
    "Excellent value for what we pay.",
    "Recent releases have been really solid.",
    "Intuitive UI. New hires pick it up in a day.",
    "Would recommend to any ops team.",
    "Reporting is fast and accurate.",
]
PASSIVE_COMMENTS = [
    "Good overall but a few features feel unfinished.",
    "Does the job. Reporting could be more flexible.",
    "Good product, but pricing is steep for a team our size.",
    "Mostly happy. The mobile app needs work.",
    "Fine for now. We are still exploring alternatives.",
    "Works well once configured but configuration took a while.",
    "Decent, though support can be slow at times.",
    "Useful but the export options are limited.",
    "It is okay. Would like better permissions management.",
    "Performance has improved but some pages are still slow.",
    "Nice features. Documentation could be clearer.",
    "We use it daily but it is not essential yet.",
]
DETRACTOR_COMMENTS = {
    "support": [
        "Support takes days to respond.",
        "Tickets get closed without a fix.",
        "Hard to reach a human when something breaks.",
        "We were bounced between three agents for one issue.",
        "No one owns our account anymore.",
    ],
    "price": [
        "Too expensive for what we get.",
        "The last price increase was hard to justify.",
        "Paying for seats we do not use.",
        "Competitors offer more for less.",
        "Pricing tiers are confusing, and add-ons add up fast.",
    ],
    "bugs": [
        "Frequent outages this quarter.",
        "Reports show different numbers than the export.",
        "The sync breaks every few days.",
        "Too many bugs after each release.",
        "Pages are slow and sometimes time out.",
    ],
    "onboarding": [
        "Onboarding was confusing and took far too long.",
        "We still have not finished setup after two months.",
        "Training materials are outdated.",
        "Migration from our old tool was painful.",
        "No clear guidance on best practices for our setup.",
    ],
}
QUOTED_COMMENTS = {
    "support": 'Support keeps replying "working as intended" to real bugs.',
    "bugs": 'The new "smart import" lost some of our data.',
}
QUOTED_COMMENT_P = 0.01  # share of support / bug complaints that use the quoted phrase
DETRACTOR_TOPICS = list(DETRACTOR_COMMENTS)


# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------
def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def month_start(month_index: np.ndarray) -> np.ndarray:
    """First day of a month given as an offset from 2023-11 (negative for earlier months)."""
    return (FIRST_MONTH + month_index).astype("datetime64[D]")


def random_day_in_month(rng: np.random.Generator, month_index: np.ndarray) -> np.ndarray:
    start = month_start(month_index)
    days = (month_start(month_index + 1) - start).astype(int)
    return start + np.floor(rng.random(len(start)) * days).astype(int)


def month_index_of(dates: np.ndarray) -> np.ndarray:
    return (dates.astype("datetime64[M]") - FIRST_MONTH).astype(int)


def iso(dates: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD strings; NaT becomes an empty string."""
    return np.where(np.isnat(dates), "", np.datetime_as_string(dates, unit="D"))


def category(scores: np.ndarray) -> np.ndarray:
    return np.where(scores >= 9, "promoter", np.where(scores >= 7, "passive", "detractor"))


# ---------------------------------------------------------------------------------------------------
# Customers
# ---------------------------------------------------------------------------------------------------
def draw_signup_months(rng: np.random.Generator) -> np.ndarray:
    """Signup month offsets from 2023-11 (negative before the window) for every customer ever won."""
    t = np.arange(-HISTORY_MONTHS, N_MONTHS)
    growth = np.where(t < 0, HISTORY_GROWTH, NEW_GROWTH) ** t
    calendar_month = (FIRST_MONTH + t).astype(int) % 12  # 0 = January
    counts = rng.poisson(NEW_PER_MONTH_START * growth * SEASONALITY[calendar_month])
    return np.repeat(t, counts)


def company_names(rng: np.random.Generator, regions: np.ndarray) -> np.ndarray:
    """Mostly unique "Head+tail Industry" names, a few with a legal suffix, a handful repeated."""
    n = len(regions)
    n_combos = len(NAME_HEADS) * len(NAME_TAILS) * len(NAME_INDUSTRIES)
    combo = rng.choice(n_combos, size=n, replace=False)
    head, rest = np.divmod(combo, len(NAME_TAILS) * len(NAME_INDUSTRIES))
    tail, industry = np.divmod(rest, len(NAME_INDUSTRIES))
    suffix_u, comma_u, suffix_pick = rng.random((3, n))
    names = []
    for i in range(n):
        name = f"{NAME_HEADS[head[i]]}{NAME_TAILS[tail[i]]} {NAME_INDUSTRIES[industry[i]]}"
        if suffix_u[i] < LEGAL_SUFFIX_P:
            options = LEGAL_SUFFIXES[regions[i]]
            suffix = options[int(suffix_pick[i] * len(options))]
            sep = ", " if regions[i] == "North America" and comma_u[i] < COMMA_SUFFIX_P else " "
            name = f"{name}{sep}{suffix}"
        names.append(name)
    names = np.array(names, dtype=object)
    # Unrelated companies sometimes share a name.
    copies = rng.choice(n, size=(DUPLICATE_NAMES, 2), replace=False)
    names[copies[:, 1]] = names[copies[:, 0]]
    return names


def draw_starting_mrr(rng: np.random.Generator, segment: np.ndarray, plan: np.ndarray) -> np.ndarray:
    mrr = MRR_MEDIAN[segment] * PLAN_MRR_MULT[plan] * np.exp(rng.normal(0, MRR_SIGMA[segment]))
    mrr = np.clip(mrr, MRR_BAND[segment, 0], MRR_BAND[segment, 1])
    return np.round(mrr)  # list prices are whole dollars; later changes produce cents


# ---------------------------------------------------------------------------------------------------
# Monthly simulation
# ---------------------------------------------------------------------------------------------------
def latent(t: int, offset: np.ndarray, drift: np.ndarray, segment: np.ndarray, signup_month: np.ndarray) -> np.ndarray:
    """Satisfaction z in month t (offset from 2023-11); the company trend starts with the window."""
    trend = Z_TREND * min(max(t, 0), N_MONTHS - 1) / (N_MONTHS - 1)
    tenure = np.maximum(t - signup_month, 0)
    onboarding = -ONBOARDING_DIP * np.exp(-tenure / ONBOARDING_DECAY_MONTHS)
    return Z_BASE + Z_SEGMENT_SHIFT[segment] + trend + offset + drift + onboarding


def simulate(
    rng: np.random.Generator, segment: np.ndarray, signup_month: np.ndarray, start_mrr: np.ndarray
) -> dict[str, np.ndarray]:
    """Run the monthly steps from the first signup (2019-01) to 2026-10.

    Starting in 2019 means the base arrives at 2023-11 already thinned by churn, so the window does
    not open with an artificial wave of unhappy customers leaving. Returns, per customer:
    ``z[:, t + 1]``, the satisfaction in window month t (column 0 is 2023-10), NaN when not a
    customer that month; ``mrr[:, t]``, the MRR in window month t, 0 when not paying; and
    ``churn_month``, the window month of churn (negative: before the window; NOT_CHURNED: never).
    """
    n = len(segment)
    offset = rng.normal(0, Z_CUSTOMER_SD, n)
    drift = rng.normal(0, DRIFT_SD, n)
    frailty = np.exp(rng.normal(-(FRAILTY_SD**2) / 2, FRAILTY_SD, n))
    mrr_now = start_mrr.astype(float)

    z_last = np.full(n, np.nan)  # satisfaction in the previous month, NaN for non-customers
    z = np.full((n, N_MONTHS + 1), np.nan)
    mrr = np.zeros((n, N_MONTHS))
    churn_month = np.full(n, NOT_CHURNED)
    alive = np.ones(n, dtype=bool)

    for t in range(int(signup_month.min()), N_MONTHS):
        # Fixed-size draws every month keep the random stream independent of who is active.
        u_churn, u_expand, u_contract, u_size = rng.random((4, n))
        innovation = rng.normal(0, DRIFT_INNOVATION_SD, n)

        # Everyone who signed up before this month may churn, expand or contract in it, with odds
        # set by last month's satisfaction. New customers always pay for their first month.
        at_risk = alive & (signup_month < t)
        expected_score = np.nan_to_num(10 * sigmoid(z_last))
        early_life = np.where(t - signup_month <= EARLY_LIFE_MONTHS, EARLY_LIFE_CHURN_MULT, 1.0)
        hazard = np.interp(expected_score, HAZARD_SCORE, CHURN_HAZARD)
        hazard = hazard * CHURN_SEGMENT_MULT[segment] * early_life * frailty
        churns = at_risk & (u_churn < hazard)
        churn_month[churns] = t

        stays = at_risk & ~churns
        p_expand = np.interp(expected_score, HAZARD_SCORE, EXPANSION_P) * EXPANSION_SEGMENT_MULT[segment]
        p_contract = np.interp(expected_score, HAZARD_SCORE, CONTRACTION_P)
        expands = stays & (u_expand < p_expand)
        contracts = stays & ~expands & (u_contract < p_contract)
        mrr_now = np.where(expands, np.round(mrr_now * (1.10 + 0.30 * u_size), 2), mrr_now)
        shrunk = np.maximum(np.round(mrr_now * (0.90 - 0.20 * u_size), 2), MRR_FLOOR)
        mrr_now = np.where(contracts, shrunk, mrr_now)

        # Satisfaction moves on for everyone who was a customer this month (churners included:
        # they can still answer a survey before their churn date). Newcomers keep their first draw.
        drift = np.where(at_risk, DRIFT_PHI * drift + innovation, drift)
        in_month = at_risk | (signup_month == t)
        z_last = np.where(in_month, latent(t, offset, drift, segment, signup_month), np.nan)
        alive &= ~churns
        if t >= -1:
            z[:, t + 1] = z_last
        if t >= 0:
            paying = alive & (signup_month <= t)
            mrr[paying, t] = mrr_now[paying]

    return {"z": z, "mrr": mrr, "churn_month": churn_month}


def add_revenue_quirks(rng: np.random.Generator, mrr: np.ndarray, churn_month: np.ndarray) -> None:
    """Blank out a few revenue months in place (billing stopped early, or a paused account)."""
    paying_months = (mrr > 0).sum(axis=1)
    # Churned customers whose invoices stop 1-3 months before the recorded churn date.
    early_stop = np.flatnonzero((churn_month < NOT_CHURNED) & (paying_months >= 5))
    for i in rng.choice(early_stop, size=QUIRK_EARLY_STOPS, replace=False):
        last = np.flatnonzero(mrr[i] > 0)[-1]
        mrr[i, last - rng.integers(1, 4) + 1 : last + 1] = 0.0
    # Customers with a 1-2 month gap in the middle of their paying life (a reactivation follows).
    long_lived = np.flatnonzero(paying_months >= 8)
    for i in rng.choice(long_lived, size=QUIRK_GAPS, replace=False):
        months = np.flatnonzero(mrr[i] > 0)
        gap_start = months[rng.integers(2, len(months) - 4)]
        mrr[i, gap_start : gap_start + rng.integers(1, 3)] = 0.0


# ---------------------------------------------------------------------------------------------------
# Surveys
# ---------------------------------------------------------------------------------------------------
def survey_invitations(
    rng: np.random.Generator, segment: np.ndarray, signup_date: np.ndarray, active_to: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relationship-survey answers: (customer index, response date, channel) per answer."""
    existing = signup_date < WINDOW_START
    active_from = np.maximum(signup_date, WINDOW_START)
    cust, dates = [], []
    for i in range(len(segment)):
        if existing[i]:
            # Their previous survey was before the window; the next one is due some time soon.
            wave = WINDOW_START + int(rng.integers(0, 180))
        else:
            wave = signup_date[i] + int(rng.integers(*FIRST_SURVEY_DAYS))
        while wave < active_to[i]:
            respondents = 1 + rng.poisson(EXTRA_RESPONDENTS_MEAN[segment[i]])
            answered = rng.random(respondents) < WAVE_RESPONSE_P
            delays = rng.integers(0, RESPONSE_SPREAD_DAYS + 1, respondents)
            for day in wave + delays[answered]:
                if active_from[i] <= day < active_to[i]:
                    cust.append(i)
                    dates.append(day)
            wave = wave + int(rng.integers(*SURVEY_INTERVAL_DAYS))
    cust = np.array(cust, dtype=int)
    dates = np.array(dates, dtype="datetime64[D]")
    channels = rng.choice(CHANNELS_RELATIONSHIP, size=len(cust), p=CHANNEL_P_RELATIONSHIP)
    return cust, dates, channels


def support_surveys(
    rng: np.random.Generator,
    segment: np.ndarray,
    z: np.ndarray,
    active_from: np.ndarray,
    active_to: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Post-ticket surveys: a Poisson count per customer-month, more when the customer is unhappy."""
    expected_score = 10 * sigmoid(np.nan_to_num(z[:, 1:]))  # non-customer months are zeroed below
    unhappiness = np.clip((8.5 - expected_score) / 2.0, 0, 1)  # 0 at promoter level, 1 at <= 6.5
    rate = SUPPORT_SURVEYS_PER_MONTH[segment][:, None] * (1 + (SUPPORT_UNHAPPY_MULT - 1) * unhappiness)
    rate = np.where(np.isnan(z[:, 1:]), 0.0, rate)
    counts = rng.poisson(rate)
    cust, month = np.nonzero(counts)
    reps = counts[cust, month]
    cust, month = np.repeat(cust, reps), np.repeat(month, reps)
    # A day inside the month and inside the customer's active span.
    lo = np.maximum(month_start(month), active_from[cust])
    hi = np.minimum(month_start(month + 1), active_to[cust])
    dates = lo + np.floor(rng.random(len(cust)) * (hi - lo).astype(int)).astype(int)
    # A customer churning on the 1st of a month has no day left in it.
    valid = dates < active_to[cust]
    return cust[valid], dates[valid]


def anonymous_responses(
    rng: np.random.Generator, n_named: int, active_from: np.ndarray, active_to: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Web responses that could not be matched to an account; scored like a random active customer."""
    n = rng.poisson(n_named * ANONYMOUS_SHARE / (1 - ANONYMOUS_SHARE))
    span = int((WINDOW_END - WINDOW_START).astype(int))
    dates = WINDOW_START + np.sort(rng.integers(0, span, n))
    cust = np.empty(n, dtype=int)
    for k, day in enumerate(dates):
        candidates = np.flatnonzero((active_from <= day) & (day < active_to))
        cust[k] = candidates[rng.integers(len(candidates))]
    return cust, dates


def draw_scores(
    rng: np.random.Generator, z: np.ndarray, cust: np.ndarray, dates: np.ndarray, shift: np.ndarray
) -> np.ndarray:
    """One person's 0-10 answer, from the account's satisfaction in the month of the response."""
    month = month_index_of(dates)
    z_now = z[cust, month + 1]
    noisy = z_now + shift + rng.normal(0, RESPONSE_NOISE_SD, len(cust))
    return np.clip(np.round(10 * sigmoid(noisy)), 0, 10).astype(int)


def draw_comments(
    rng: np.random.Generator,
    scores: np.ndarray,
    channels: np.ndarray,
    tenure_months: np.ndarray,
    segment: np.ndarray,
) -> list[str]:
    cats = category(scores)
    u_blank, u_topic, u_phrase, u_quote = rng.random((4, len(scores)))
    comments = []
    for k, cat in enumerate(cats):
        if u_blank[k] < BLANK_P[cat]:
            comments.append("")
            continue
        if cat == "promoter":
            phrases = PROMOTER_COMMENTS
        elif cat == "passive":
            phrases = PASSIVE_COMMENTS
        else:
            # The complaint fits the situation: ticket surveys complain about support, new accounts
            # about onboarding, small accounts about price.
            weights = np.ones(len(DETRACTOR_TOPICS))
            weights[DETRACTOR_TOPICS.index("support")] += 3.0 * (channels[k] == "Support")
            weights[DETRACTOR_TOPICS.index("onboarding")] += 2.5 * (0 <= tenure_months[k] <= 3)
            weights[DETRACTOR_TOPICS.index("onboarding")] *= 0.4 if tenure_months[k] > 12 else 1.0
            weights[DETRACTOR_TOPICS.index("price")] += 0.8 * (segment[k] == SMB)
            topic_cdf = np.cumsum(weights) / weights.sum()
            topic = DETRACTOR_TOPICS[int(np.searchsorted(topic_cdf, u_topic[k], side="right"))]
            if topic in QUOTED_COMMENTS and u_quote[k] < QUOTED_COMMENT_P:
                comments.append(QUOTED_COMMENTS[topic])
                continue
            phrases = DETRACTOR_COMMENTS[topic]
        comments.append(phrases[int(u_phrase[k] * len(phrases))])
    return comments


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------
def csat_answers(rng: np.random.Generator, z: np.ndarray, cust: np.ndarray, dates: np.ndarray,
                 customer_id: np.ndarray, mood: np.ndarray) -> pd.DataFrame:
    """Post-contact satisfaction surveys (1-5), from the account's satisfaction in the month of the contact and the
    lingering effect of its earlier tickets (`mood`, per contact: service_mood)."""
    answered = rng.random(len(cust)) < CSAT_RESPONSE_P
    cust, dates, mood = cust[answered], dates[answered], mood[answered]
    z_now = z[cust, month_index_of(dates) + 1]
    noisy = z_now + CSAT_SHIFT + mood + rng.normal(0, RESPONSE_NOISE_SD, len(cust))
    score = 1 + np.clip(np.round(4 * sigmoid(noisy)), 0, 4).astype(int)
    order = np.lexsort((np.arange(len(cust)), dates))
    return pd.DataFrame({
        "survey_id": [f"S-{i:06d}" for i in range(1, len(cust) + 1)],
        "customer_id": customer_id[cust][order],
        "answered_at": iso(dates[order]),
        "satisfaction": score[order],
        "channel": "Support",
    })


def tickets(rng: np.random.Generator, segment: np.ndarray, signup_month: np.ndarray, z: np.ndarray,
            churn_month: np.ndarray, active_from: np.ndarray, active_to: np.ndarray, sup_cust: np.ndarray,
            sup_dates: np.ndarray, customer_id: np.ndarray) -> pd.DataFrame:
    """The help desk's ticket export: every surveyed support contact is a ticket, plus tickets that sent no NPS
    survey, more of them when the account is unhappy or about to leave. How each ticket goes (priority, reply
    and resolution time, escalation, reopening, its Good/Bad rating, its tag) follows the account's trouble at
    the time: its latent satisfaction and whether it churns within six months. Churn does not depend on the
    tickets (it was simulated first), so slow tickets go with churn because both follow the same trouble, as an
    outcome of the simulation rather than a rule; the later survey answers do (service_mood)."""
    expected_score = 10 * sigmoid(np.nan_to_num(z[:, 1:]))
    unhappiness = np.clip((8.5 - expected_score) / 2.0, 0, 1)
    months = np.arange(N_MONTHS)[None, :]
    pre_churn = (churn_month[:, None] - months >= 0) & (churn_month[:, None] - months <= 3)
    rate = EXTRA_TICKETS_PER_MONTH[segment][:, None] * (1 + (TICKET_UNHAPPY_MULT - 1) * unhappiness)
    rate = rate * np.where(pre_churn, TICKET_PRE_CHURN_MULT, 1.0)
    rate = np.where(np.isnan(z[:, 1:]), 0.0, rate)
    counts = rng.poisson(rate)
    extra_cust, month = np.nonzero(counts)
    reps = counts[extra_cust, month]
    extra_cust, month = np.repeat(extra_cust, reps), np.repeat(month, reps)
    lo = np.maximum(month_start(month), active_from[extra_cust])
    hi = np.minimum(month_start(month + 1), active_to[extra_cust])
    extra_dates = lo + np.floor(rng.random(len(extra_cust)) * (hi - lo).astype(int)).astype(int)
    valid = extra_dates < active_to[extra_cust]
    cust = np.concatenate([sup_cust, extra_cust[valid]])
    days = np.concatenate([sup_dates, extra_dates[valid]])
    n = len(cust)

    m = month_index_of(days)
    z_now = z[cust, m + 1]
    soon = (churn_month[cust] - m >= 0) & (churn_month[cust] - m <= 6)
    stress = np.clip((8.5 - 10 * sigmoid(z_now)) / 2.0, 0, 1) + 0.6 * soon
    # Created during working hours mostly (UTC minutes from midnight).
    minute = np.clip(rng.normal(13 * 60, 3.5 * 60, n), 0, 24 * 60 - 1).astype(int)
    created = days.astype("datetime64[m]") + minute
    priority = np.digitize(rng.normal(0, 1, n) + 0.9 * stress + 0.25 * segment[cust], [-0.6, 1.2, 2.2])
    channel = rng.choice(TICKET_CHANNELS, size=n, p=TICKET_CHANNEL_P)
    reply_median = np.array([FIRST_REPLY_MEDIAN_H[c] for c in channel])
    reply_h = reply_median * PRIORITY_SPEED[priority] * np.exp(0.5 * stress + rng.normal(0, 0.9, n))
    solve_h = RESOLUTION_MEDIAN_H * PRIORITY_SPEED[priority] * np.exp(1.6 * stress + rng.normal(0, 0.9, n))
    escalated = rng.random(n) < 0.02 + 0.08 * stress + 0.05 * (priority >= 2)
    solve_h = np.where(escalated, solve_h * 2.5, solve_h)
    reopens = (rng.random(n) < 0.05 + 0.10 * stress) * (1 + (rng.random(n) < 0.2))
    solve_h = np.clip(solve_h * (1 + 0.8 * reopens), reply_h + 0.1, 24 * 90)  # none stays open past 90 days
    first_reply = created + np.round(reply_h * 60).astype(int)
    solved = created + np.round(solve_h * 60).astype(int)
    end = WINDOW_END.astype("datetime64[m]")
    is_solved = solved < end
    replied = first_reply < end
    closed = solved + 4 * 24 * 60 < end  # solved tickets close four days later
    open_status = rng.choice(np.array(["open", "pending", "hold"]), size=n, p=[0.6, 0.3, 0.1])
    status = np.where(~is_solved, open_status, np.where(closed, "closed", "solved"))

    offered = is_solved & (rng.random(n) < TICKET_CSAT_OFFERED_P)
    answered = offered & (rng.random(n) < TICKET_CSAT_ANSWER_P)
    mood = (z_now + CSAT_SHIFT + 0.9 - 0.9 * (solve_h > SLOW_TICKET_HOURS) - 0.8 * escalated - 0.5 * (reopens > 0)
            + rng.normal(0, RESPONSE_NOISE_SD, n))
    rating = np.where(answered, np.where(mood > 0, "Good", "Bad"), np.where(offered, "Offered", "Unoffered"))

    weights = TAG_WEIGHTS[None, :] + stress[:, None] * TAG_STRESS_WEIGHTS[None, :]
    weights[:, TICKET_TAGS.index("onboarding")] += 0.4 * (m - signup_month[cust] <= 2)
    weights = weights / weights.sum(axis=1, keepdims=True)
    tag = (rng.random(n)[:, None] > weights.cumsum(axis=1)).sum(axis=1).clip(0, len(TICKET_TAGS) - 1)
    pick = rng.integers(0, 3, n)
    subject = [TICKET_SUBJECTS[TICKET_TAGS[t]][k] for t, k in zip(tag, pick, strict=True)]

    def stamp(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
        text = np.datetime_as_string(values, unit="m").astype(object)
        text = np.char.replace(text.astype(str), "T", " ").astype(object) + ":00"
        return np.where(keep, text, "")

    order = np.lexsort((np.arange(n), created))
    return pd.DataFrame({
        "ticket_id": np.arange(100001, 100001 + n),
        "organization_id": customer_id[cust][order],
        "created_at": stamp(created, np.ones(n, dtype=bool))[order],
        "first_reply_at": stamp(first_reply, replied)[order],
        "solved_at": stamp(solved, is_solved)[order],
        "status": status[order],
        "priority": PRIORITIES[priority][order],
        "channel": channel[order],
        "satisfaction_rating": rating[order],
        "reopens": reopens[order],
        "escalated": np.where(escalated, "true", "false")[order],
        "tags": np.array(TICKET_TAGS, dtype=object)[tag][order],
        "subject": np.array(subject, dtype=object)[order],
    })


def service_mood(ticket_rows: pd.DataFrame, customer_id: np.ndarray, cust: np.ndarray, dates: np.ndarray
                 ) -> np.ndarray:
    """Per answer (customer index, day): the logit shift from the customer's tickets solved before that day
    (SERVICE_MOOD_*), each fading with the days since its solve day, floored at SERVICE_MOOD_FLOOR."""
    index = {c: i for i, c in enumerate(customer_id)}
    solved = ticket_rows[ticket_rows.solved_at != ""]
    created = pd.to_datetime(solved.created_at).to_numpy()
    done = pd.to_datetime(solved.solved_at).to_numpy()
    hours = (done - created) / np.timedelta64(1, "h")
    weight = (SERVICE_MOOD_SLOW * (hours > SERVICE_TARGET_HOURS)
              + SERVICE_MOOD_VERY_SLOW * (hours > 3 * SERVICE_TARGET_HOURS)
              + SERVICE_MOOD_ESCALATED * (solved.escalated.to_numpy() == "true"))
    keep = weight < 0
    t_cust = np.array([index[c] for c in solved.organization_id.to_numpy()[keep]], dtype=int)
    t_day, t_weight = done[keep].astype("datetime64[D]"), weight[keep]
    by_customer: dict[int, np.ndarray] = {}
    for i in np.unique(t_cust):
        by_customer[int(i)] = np.flatnonzero(t_cust == i)
    shift = np.zeros(len(cust))
    for k, (i, day) in enumerate(zip(cust, dates, strict=True)):
        rows = by_customer.get(int(i))
        if rows is None:
            continue
        age = (day - t_day[rows]).astype(int)
        past = age > 0
        shift[k] = max(SERVICE_MOOD_FLOOR, float((t_weight[rows][past] * np.exp(-age[past] / SERVICE_MOOD_FADE_DAYS))
                                                 .sum()))
    return shift


def build(rng: np.random.Generator) -> tuple[pd.DataFrame, ...]:
    # --- customers, simulated from 2019 ----------------------------------------------------------
    signup_month = draw_signup_months(rng)
    n = len(signup_month)
    segment = rng.choice(3, size=n, p=SEGMENT_P)
    region = rng.choice(REGIONS, size=n, p=REGION_P)
    plan_cdf = PLAN_P_BY_SEGMENT[segment].cumsum(axis=1)
    plan = np.minimum((rng.random(n)[:, None] > plan_cdf).sum(axis=1), len(PLANS) - 1)
    signup_date = random_day_in_month(rng, signup_month)
    start_mrr = draw_starting_mrr(rng, segment, plan)
    sim = simulate(rng, segment, signup_month, start_mrr)

    # Keep customers still active on 2023-11-01 or won since, numbered in signup order.
    keep = np.flatnonzero(sim["churn_month"] >= 0)
    keep = keep[np.lexsort((keep, signup_date[keep]))]
    signup_month, signup_date = signup_month[keep], signup_date[keep]
    segment, region, plan = segment[keep], region[keep], plan[keep]
    z, mrr, churn_month = sim["z"][keep], sim["mrr"][keep], sim["churn_month"][keep]
    n = len(keep)
    customer_id = np.array([f"C-{i:05d}" for i in range(1, n + 1)], dtype=object)
    company = company_names(rng, region)

    churned = churn_month < NOT_CHURNED
    churn_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    churn_date[churned] = random_day_in_month(rng, churn_month[churned])
    add_revenue_quirks(rng, mrr, churn_month)

    # --- survey responses --------------------------------------------------------------------------
    # A customer can answer on days in [max(signup, 2023-11-01), churn date or 2026-11-01).
    active_from = np.maximum(signup_date, WINDOW_START)
    active_to = np.where(churned, churn_date, WINDOW_END)
    rel_cust, rel_dates, rel_channels = survey_invitations(rng, segment, signup_date, active_to)
    sup_cust, sup_dates = support_surveys(rng, segment, z, active_from, active_to)
    n_named = len(rel_cust) + len(sup_cust)
    anon_cust, anon_dates = anonymous_responses(rng, n_named, active_from, active_to)

    cust = np.concatenate([rel_cust, sup_cust, anon_cust])
    dates = np.concatenate([rel_dates, sup_dates, anon_dates])
    channels = np.concatenate([rel_channels, np.full(len(sup_cust), "Support"), np.full(len(anon_cust), "Web")]).astype(
        object
    )
    anonymous = np.arange(len(cust)) >= n_named
    # The tickets come from their own stream (drawn here, before the scores that their outcome affects).
    ticket_rows = tickets(np.random.default_rng(SEED + 2), segment, signup_month, z, churn_month, active_from,
                          active_to, sup_cust, sup_dates, customer_id)
    mood = np.where(anonymous, 0.0, service_mood(ticket_rows, customer_id, cust, dates))
    shift = np.where(channels == "Support", SUPPORT_SCORE_SHIFT, 0.0) + mood
    scores = draw_scores(rng, z, cust, dates, shift)
    tenure = month_index_of(dates) - signup_month[cust]
    comments = np.array(draw_comments(rng, scores, channels, tenure, segment[cust]), dtype=object)

    # Response ids follow response date.
    order = np.lexsort((np.arange(len(cust)), dates))
    responses = pd.DataFrame(
        {
            "response_id": [f"R-{i:06d}" for i in range(1, len(cust) + 1)],
            "customer_id": np.where(anonymous, "", customer_id[cust])[order],
            "responded_at": iso(dates[order]),
            "score": scores[order],
            "comment": comments[order],
            "channel": channels[order],
        }
    )

    # --- outputs -----------------------------------------------------------------------------------
    cust_idx, month_idx = np.nonzero(mrr)  # row-major: grouped by customer, months ascending
    revenue = pd.DataFrame(
        {
            "customer_id": customer_id[cust_idx],
            "month": MONTHS[month_idx].astype(str),
            "mrr": mrr[cust_idx, month_idx],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": customer_id,
            "company": company,
            "signup_date": iso(signup_date),
            "churn_date": iso(churn_date),
            "segment": SEGMENTS[segment],
            "region": region,
            "plan": PLANS[plan],
        }
    )
    # A second stream, so the three files above stay byte-identical to before CSAT was added.
    csat = csat_answers(np.random.default_rng(SEED + 1), z, sup_cust, sup_dates, customer_id,
                        service_mood(ticket_rows, customer_id, sup_cust, sup_dates))
    return customers, responses, revenue, csat, ticket_rows


def main() -> None:
    rng = np.random.default_rng(SEED)
    customers, responses, revenue, csat, ticket_rows = build(rng)
    outputs = {"customers.csv": customers, "nps_responses.csv": responses, "revenue.csv": revenue,
               "csat_responses.csv": csat, "tickets.csv": ticket_rows}
    for name, frame in outputs.items():
        frame.to_csv(OUT_DIR / name, index=False, lineterminator="\n", float_format="%.2f")
        print(f"wrote {name}: {len(frame):,} rows")


if __name__ == "__main__":
    main()
