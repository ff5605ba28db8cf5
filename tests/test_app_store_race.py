"""Store pressed before the file was checked with a changed answer stores nothing (the button's arguments are those
of the run that drew it: it would store the reading made with the earlier answer).

A pays 1,200 for a year on 15 Jan 2026, B 100 a month in Feb and Mar. Read "from its invoice month on" (the
proposal), A pays 100 a month through Dec 2026: Feb–Mar 2026 ARR 2,400 ($2.4K). Read "up to and including its
invoice month", A's year ends in January: ARR 12 × 100 = $1.2K (B alone)."""

import pytest
from conftest import run_app, store_button

SEED = ("customers",)  # a company's own workspace: no sample question before Store
pytestmark = pytest.mark.usefixtures("app_workspace")

STORED = r"Stored invoice\_lines.csv as version"  # the file name Markdown-escaped
LINES = (b"customer_id,invoice_date,amount,interval\nA,2026-01-15,1200,year\nB,2026-02-10,100,month\n"
         b"B,2026-03-10,100,month\n")


def arr_shown() -> str:
    at = run_app("pages/cfo.py", period=["Feb 2026", "Mar 2026"])
    return next(m.value for m in at.metric if m.label.startswith("ARR"))


def test_an_answer_changed_in_the_same_run_as_store_stores_nothing_then_the_new_reading():
    at = run_app("pages/data.py")
    at.selectbox(key="upload_kind").set_value("Revenue")
    at.file_uploader[0].upload("invoice_lines.csv", LINES, "text/csv")
    at.run()
    question = next(s for s in at.selectbox if (s.key or "").endswith("billed_for:interval"))
    assert question.value == "advance"
    versions = len(at.dataframe[-1].value)

    question.set_value("arrears")
    store_button(at).click()  # in the same run: the button still carries the reading "in advance"
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning if w.value.startswith("Nothing was stored: your choices changed")]
    assert not [s for s in at.success if s.value.startswith(STORED)]
    assert len(at.dataframe[-1].value) == versions  # the history: no new version

    store_button(at).click()  # drawn with "arrears" now
    at.run()
    assert [s for s in at.success if s.value.startswith(STORED)]
    assert arr_shown() == "$1.2K"


def test_store_without_a_change_stores_the_reading_shown():
    at = run_app("pages/data.py")
    at.selectbox(key="upload_kind").set_value("Revenue")
    at.file_uploader[0].upload("invoice_lines.csv", LINES, "text/csv")
    at.run()
    store_button(at).click()
    at.run()
    assert not [w for w in at.warning if w.value.startswith("Nothing was stored")]
    assert [s for s in at.success if s.value.startswith(STORED)]
    assert arr_shown() == "$2.4K"
