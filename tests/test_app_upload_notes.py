"""What an upload left out is kept with it: the rows skipped and the check's warnings are stored as uploads.notes and
shown in the Upload history (Data and CIO pages) and the CIO page's sources. Said only at upload time, they were lost:
the history read "Rows 3" for a file of five rows, as if it were the whole file."""

from __future__ import annotations

import pandas as pd
from conftest import prepare_bytes, run_app

from metrics.store import Workspace

CUSTOMERS = (b"customer_id,start_date,churn_date,segment\n"
             b"c1,2025-01-05,,SMB\nc2,2025-02-10,2025-08-03,SMB\nc3,2025-03-01,,Enterprise\n"
             b"c4,notadate,,SMB\nc5,2025-04-01,2025-03-01,SMB\n")
NPS = (b"response_id,customer_id,response_date,score\n"
       b"1,c1,2025-06-05,9\n2,c2,2025-06-06,\n3,c3,2025-06-07,3\n4,,2025-06-08,10\n")
SEED = [("customers", CUSTOMERS, {"skip_invalid": True}), ("nps", NPS)]

SKIPPED = "2 rejected rows of 5 rows skipped (not stored)"
NPS_NOTES = ["1 response without a score (question not answered) was skipped.",
             "1 response has no customer id and is stored as anonymous."]


def test_the_notes_are_stored_with_the_upload(tmp_path):
    ws = Workspace(tmp_path / "w.duckdb")
    ws.commit([prepare_bytes(CUSTOMERS, "customers", skip_invalid=True).to_upload(),
               prepare_bytes(NPS, "nps").to_upload(),
               prepare_bytes(b"customer_id,start_date\nc1,2025-01-05\n", "customers").to_upload()])
    ws.commit([prepare_bytes(b"response_id,customer_id,response_date,score\n1,c1,2025-07-01,8\n", "nps").to_upload()])
    h = ws.history().set_index("version")
    assert h.loc[1, "row_count"] == 3 and h.loc[1, "notes"] == SKIPPED
    assert h.loc[2, "notes"].splitlines() == NPS_NOTES
    assert h.loc[3, "notes"].startswith("None of the 1 customers in this file has churned (no churn date)")
    assert pd.isna(h.loc[4, "notes"])  # nothing left out, nothing said
    ws.close()


def _table(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_data_and_cio_pages_show_what_each_upload_left_out(app_workspace):
    for page in ("pages/data.py", "pages/cio.py"):
        history = _table(run_app(page), "SHA-256").set_index("Kind")
        assert history.loc["Customers / churn", "Rows"] == "3"
        assert history.loc["Customers / churn", "Notes"] == SKIPPED
        assert history.loc["NPS responses", "Notes"] == " · ".join(NPS_NOTES)
    sources = _table(run_app("pages/cio.py"), "Rows stored").set_index("Source")
    assert sources.loc["Customers / churn", "Notes"] == SKIPPED
    assert sources.loc["Revenue", "Notes"] == "—"  # not uploaded
