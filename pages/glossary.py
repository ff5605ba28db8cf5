"""Glossary: every metric's written definition, as the pages use it."""

import pandas as pd
import streamlit as st

import ui
from metrics.definitions import METRICS

ui.ensure_router()
st.title("Glossary")
st.caption("Every number in the dashboard follows one of these rules. Hover a tile's ⓘ to see its rule in place.")
frame = pd.DataFrame([{"Metric": m.label, "Definition": m.definition, "Owner": m.owner} for m in METRICS.values()])
st.dataframe(frame, hide_index=True, width="stretch",
             column_config={"Definition": st.column_config.TextColumn(width="large")})
st.markdown("""
**Rules that apply everywhere**
- Months are calendar months. The period filter selects whole months; period-over-period changes compare with
  the window of the same length just before.
- NPS categories: promoter 9–10, passive 7–8, detractor 0–6. Every NPS shows its n; n < 30 is too small to compare.
  A change is called significant when |z| ≥ 1.96, z = (NPS₁ − NPS₂) ÷ √(Var₁ + Var₂).
- A customer's NPS category at a date is that of its latest response *before* the date; analyses over a period
  use the category as of the period's start, so no later answer can explain the outcome.
- Churn by category over a period of k months is the share of the start's customers who churned within it;
  its monthly equivalent is 1 − (1 − r)^(1/k) and its annualised figure 1 − (1 − monthly)¹².
- A customer whose revenue stops while the customers file lists it as active is a data-quality finding (CIO page),
  never counted as churn.
- Revenue uploads with an annual billing interval are divided by 12; amounts are in the file's currency.
""")
