"""Glossary: every metric's written definition, as the pages use it."""

import streamlit as st

import ui
from metrics.definitions import LTV_POPULATIONS, METRICS, REVENUE_STOPPED_RULE, SAME_DAY_RULE
from metrics.stats import MIN_CHURN_EVENTS, MIN_CUSTOMERS, MIN_RESPONSES

ui.ensure_router()
st.title("Glossary")
st.caption("Every number in the dashboard follows one of these rules. Hover a tile's ⓘ to see its rule in place.")
# Each definition whole, as text (a table cell would cut long rules off mid-word).
st.markdown("\n".join(f"- **{ui.md_escape(m.label)}** ({m.owner}): {ui.md_escape(m.definition)}"
                       for m in METRICS.values()))
st.markdown(f"""
**Rules that apply everywhere**
- Months are calendar months. The period filter selects whole months; period-over-period changes compare with
  the window of the same length just before.
- NPS categories: promoter 9–10, passive 7–8, detractor 0–6. Every NPS shows its n. An NPS or a share of responses
  from fewer than {MIN_RESPONSES} responses is shown as "—" with the reason, and is not compared.
- A change is called significant when |z| ≥ 1.96: for NPS z = (NPS₁ − NPS₂) ÷ √(Var₁ + Var₂); for rates (churn,
  shares of promoters and detractors) the pooled two-proportion test. A change that is not significant is grey; a
  change that rounds to zero is grey with no arrow; with no previous period in the data there is no change at all.
- Estimates resting on churn (LTV, revenue at risk, the what-if, the value of one NPS point) need at least
  {MIN_CUSTOMERS} customers in each group compared and {MIN_CHURN_EVENTS} churned customers; below that they are "—"
  with the reason. When the 95% interval of the churn gap includes 0 they read "no measurable difference".
- A customer's NPS category at a date is that of its latest response *before* the date; analyses over a period
  use the category as of the period's start, so no later answer can explain the outcome.
- Churn by category over a period of k months is the share of the start's customers who churned within it;
  its monthly equivalent is 1 − (1 − r)^(1/k) and its annualised figure 1 − (1 − monthly)¹².
- {REVENUE_STOPPED_RULE}
- {SAME_DAY_RULE}
- {LTV_POPULATIONS}
- Responses with no segment or region (anonymous, or from a customer id not in the customers file) are grouped as
  "No segment (anonymous)" / "No region (anonymous)".
- Revenue uploads with an annual billing interval are divided by 12; amounts are in the file's currency.
""")
