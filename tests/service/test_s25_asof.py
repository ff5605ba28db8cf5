"""Open tickets, their ages and the backlog at the export's latest time, not at a window's end the data never reach
(s25). A help-desk export taken mid-month, viewed with the period ending that month: before, every instant-based
figure was measured at the day after the month's last day, 16½ days after the export, as if nothing had been solved
since and every open ticket had kept ageing; now at min(the window's end, the tickets' "as of" instant = the latest
created, first-reply or solve time in the version), and the page says which instant."""

import datetime as dt
import io

import pandas as pd
import pytest
from conftest import prepare_bytes, run_app, seeded_workspace
from pypdf import PdfReader

from metrics import service
from metrics.store import Workspace
from metrics.view import View

# 10 tickets of 5 customers; the export's latest time is T9's first reply, 15 Oct 2026 10:00 (its creation 09:00,
# T8's 08:00). Open at 15 Oct 10:00 (age then | age at 1 Nov 00:00, the window's end that was used before):
#   T2 C1 High    since 20 Sep 08:00: 25 d 2 h (25.08 d) | 41 d 16 h (41.67 d)
#   T4 C2 Urgent  since  3 Oct 09:00: 12 d 1 h (12.04 d) | 28 d 15 h (28.625 d)
#   T6 C3 Normal  since 14 Oct 09:00: 25 h                | 17 d 15 h
#   T7 C4 Normal  since 14 Oct 22:00: 12 h                | 17 d 2 h
#   T8 C4 High    since 15 Oct 08:00:  2 h (0.08 d)       | 16 d 16 h (16.67 d)
#   T9 C1 Low     since 15 Oct 09:00:  1 h                | 16 d 15 h
# T3 (C2, Urgent) was open at the end of Sep and solved 10 Oct; T1, T5, T10 solved within a day.
TICKETS = b"""ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,channel
T1,C1,2026-09-05 09:00:00,2026-09-05 10:00:00,2026-09-06 09:00:00,solved,Normal,Email
T2,C1,2026-09-20 08:00:00,2026-09-20 09:00:00,,open,High,Email
T3,C2,2026-09-28 12:00:00,2026-09-28 13:00:00,2026-10-10 12:00:00,solved,Urgent,Chat
T4,C2,2026-10-03 09:00:00,2026-10-03 11:00:00,,pending,Urgent,Email
T5,C3,2026-10-12 10:00:00,2026-10-12 11:00:00,2026-10-13 10:00:00,solved,Low,Web form
T6,C3,2026-10-14 09:00:00,,,open,Normal,Email
T7,C4,2026-10-14 22:00:00,,,open,Normal,Chat
T8,C4,2026-10-15 08:00:00,2026-10-15 08:30:00,,open,High,Email
T9,C1,2026-10-15 09:00:00,2026-10-15 10:00:00,,open,Low,Chat
T10,C2,2026-09-01 09:00:00,2026-09-01 09:30:00,2026-09-02 09:00:00,closed,Normal,Email
"""
# MRR every month Aug–Nov 2026: C1 1,000, C2 500, C3 250, C4 2,000, C5 1,250 (no tickets): ARR $60,000
MRR = {"C1": 1000, "C2": 500, "C3": 250, "C4": 2000, "C5": 1250}
REVENUE = ("customer_id,month,mrr\n" + "".join(f"{c},{m},{v}\n" for m in ("2026-08", "2026-09", "2026-10", "2026-11")
                                                for c, v in MRR.items())).encode()
AS_OF = dt.datetime(2026, 10, 15, 10)
SAID = "15 Oct 2026 10:00 (the export's latest time)"


@pytest.fixture(scope="module")
def db():
    ws = Workspace(":memory:")
    ws.commit([prepare_bytes(TICKETS, "tickets").to_upload(), prepare_bytes(REVENUE, "revenue").to_upload()])
    snap = ws.snapshot()
    yield ws.cursor(), snap.snapshot, snap.versions["tickets"]
    ws.close()


def view(snapshot: int, start: tuple[int, int], end: tuple[int, int]) -> View:
    return View(snapshot, dt.date(*start, 1), dt.date(*end, 1))


def test_the_instant_is_the_exports_latest_time_or_the_windows_end(db):
    cur, snap, tv = db
    assert service.as_of(cur, tv) == AS_OF  # T9's first reply: later than any created or solve time
    oct_end = service.measured_at(cur, view(snap, (2026, 9), (2026, 10)), tv)
    assert (oct_end.at, oct_end.early, oct_end.month) == (AS_OF, True, dt.date(2026, 10, 1))
    assert oct_end.words("the end of Oct 2026") == SAID
    # a window ending before the export: its own end, as before
    sep_end = service.measured_at(cur, view(snap, (2026, 8), (2026, 9)), tv)
    assert (sep_end.at, sep_end.early) == (dt.datetime(2026, 10, 1), False)
    assert sep_end.words("the end of Sep 2026") == "the end of Sep 2026"


def test_open_over_24_hours_and_the_arr_they_touch(db):
    cur, snap, tv = db
    slow = service.arr_open_over_target(cur, view(snap, (2026, 9), (2026, 10)), tv, 24)
    # before, at 1 Nov 00:00: T2 T4 T6 T7 T8 T9, 6 tickets of C1–C4, ARR 12 × 3,750 = $45,000, 75.0% of ARR: C4, the
    # largest account, counted for T7 (12 h old at the export) and T8 (2 h)
    # now, at 15 Oct 10:00: T2, T4, T6 (25 h), 3 tickets of C1–C3, ARR 12 × 1,750 = $21,000 of $60,000: 35.0%
    assert (slow["tickets"], slow["customers"], slow["arr"]) == (3, 3, 21000.0)
    assert slow["share_of_arr"] == pytest.approx(0.35)
    assert (slow["at"], slow["words"]) == (AS_OF, SAID)
    # the period ending Sep is measured at its end, 1 Oct 00:00, as before: T2 (10 d 16 h) and T3 (2 d 12 h, solved
    # 10 Oct), C1 and C2: 12 × 1,500 = $18,000, 30.0%
    sep = service.arr_open_over_target(cur, view(snap, (2026, 8), (2026, 9)), tv, 24)
    assert (sep["tickets"], sep["customers"], sep["arr"], sep["words"]) == (2, 2, 18000.0, "the end of Sep 2026")


def test_oldest_open_high_priority_age_at_the_export(db):
    cur, snap, tv = db
    w = service.open_high_priority(cur, view(snap, (2026, 9), (2026, 10)), tv)
    # by ARR: C4 (T8, 2 h), C1 (T2, 25 d 2 h), C2 (T4 urgent, 12 d 1 h); before 16.67, 41.67 and 28.625 days
    assert w[["customer_id", "tickets", "urgent", "arr"]].values.tolist() == [
        ["C4", 1, 0, 24000.0], ["C1", 1, 0, 12000.0], ["C2", 1, 1, 6000.0]]
    assert w.oldest_days.tolist() == pytest.approx([2 / 24, 25 + 2 / 24, 12 + 1 / 24])
    assert (w.attrs["at"], w.attrs["early"]) == (AS_OF, True)


def test_backlog_of_the_export_month_is_at_its_latest_time_and_later_months_have_none(db):
    cur, snap, tv = db
    m = service.monthly(cur, view(snap, (2026, 9), (2026, 10)), tv)
    # Sep, at 1 Oct 00:00: T2 and T3 (solved 10 Oct); Oct, at 15 Oct 10:00: T2 T4 T6 T7 T8 T9
    assert m.backlog.tolist() == [2, 6]
    assert m.backlog_at.tolist() == [pd.Timestamp("2026-10-01"), pd.Timestamp(AS_OF)]
    s = service.summary(cur, view(snap, (2026, 9), (2026, 10)), tv)
    assert (s["backlog"], s["backlog_at"]) == (6, "2026-10-15 10:00")
    assert (f"backlog: at {SAID}, not at the end of Oct 2026 (what was solved after that is not known)."
            in s["notes"])
    # Nov: after the export; before, 6 "at the end of Nov 2026"
    m = service.monthly(cur, view(snap, (2026, 10), (2026, 11)), tv)
    assert m.backlog.iloc[0] == 6 and pd.isna(m.backlog.iloc[1]) and pd.isna(m.backlog_at.iloc[1])
    s = service.summary(cur, view(snap, (2026, 10), (2026, 11)), tv)
    assert s["backlog"] is None
    assert (f"backlog: not measurable at the end of Nov 2026: the tickets end at {SAID}; what was solved after "
            "that is not known.") in s["notes"]


def pdf_text(at) -> str:
    import report

    pack = at.session_state["_pack"]
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(report.board_pack(pack))).pages)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("tickets", TICKETS), ("revenue", REVENUE)):
        yield {(page, period[-1]): run_app(page, period=list(period))
               for page in ("pages/service.py", "pages/ceo.py")
               for period in (("Sep 2026", "Oct 2026"), ("Oct 2026", "Nov 2026"))}


def test_service_page_says_the_instant(pages):
    at = pages["pages/service.py", "Oct 2026"]
    assert {m.label: m.value for m in at.metric}["Backlog"] == "6"
    captions = [c.value for c in at.caption]
    # before: "open at the end of Oct 2026"
    assert f"open at {SAID}" in captions
    # before: "ARR touched by tickets open longer than 24 h at the end of Oct 2026: **$45.0K** (75.0% of ARR),
    # 4 customers, 6 tickets."
    touched = (f"ARR touched by tickets open longer than 24 h at {SAID}: **$21.0K** (35.0% of ARR), 3 customers, "
               "3 tickets.")
    assert touched in captions
    assert f"Oct 2026: created and solved counted to {SAID}, the backlog at that time." in captions
    heading = f"Accounts waiting: open high-priority tickets at {SAID}"
    assert heading in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if "Open high/urgent tickets" in d.value.columns)
    # before: 16.7, 41.7, 28.6
    assert table[["Customer", "Open high/urgent tickets", "Urgent", "Oldest open (days)"]].values.tolist() == [
        ["C4", "1", "0", "0.1"], ["C1", "1", "0", "25.1"], ["C2", "1", "1", "12.0"]]
    # the board pack prints the same words (the ARR sentence and the backlog's instant were not in it at all)
    text = pdf_text(at)
    for said in (f"Backlog 6 open at {SAID}", heading, touched.replace("**", ""),
                 f"Oct 2026: created and solved counted to {SAID}, the backlog at that time."):
        assert said in text, (said, text)
    assert "at the end of Oct 2026" not in text


def test_service_page_has_no_backlog_after_the_export(pages):
    at = pages["pages/service.py", "Nov 2026"]
    # before: "6", "open at the end of Nov 2026"
    assert {m.label: m.value for m in at.metric}["Backlog"] == "—"
    captions = [c.value for c in at.caption]
    why = f"not measurable: the tickets end at {SAID}; what was solved after that is not known"
    chart = (f"Oct 2026: created and solved counted to {SAID}, the backlog at that time. Nov 2026: not known, not "
             "drawn (the tickets end before that month).")
    assert why in captions and chart in captions
    text = pdf_text(at)
    assert f"Backlog — {why}" in text and chart in text
    assert "at the end of Nov 2026" not in text


def test_ceo_service_line_says_the_instant(pages):
    line = next(m.value for m in pages["pages/ceo.py", "Oct 2026"].markdown if m.value.startswith("**Service:**"))
    # before: "… at the end of Oct 2026: $45.0K (75.0% of ARR) …"
    assert f"ARR touched by tickets open over 24 h at {SAID}: $21.0K (35.0% of ARR) · see **Service**." in line


# ---- counts of the months the export does not reach (s25, after the instant) -------------------------------------
def test_counts_of_a_month_after_the_export_are_not_known(db):
    cur, snapshot, tv = db
    months = service.monthly(cur, view(snapshot, (2026, 10), (2026, 11)), tv).set_index("month")
    # before: Nov 2026 created 0, solved 0 ("a quiet month"); Oct counted to 15 Oct 10:00 (T4–T9 created, T3 and
    # T5 solved)
    oct_, nov = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    assert (months.loc[oct_, "created"], months.loc[oct_, "solved"], bool(months.loc[oct_, "partial"])) == (6, 2, True)
    assert pd.isna(months.loc[nov, "created"]) and pd.isna(months.loc[nov, "solved"])
    assert months.loc[oct_, "contact_rate"] is None and months.loc[nov, "contact_rate"] is None


def test_the_windows_counts_say_they_run_to_the_export_and_the_contact_rate_takes_whole_months(db):
    cur, snapshot, tv = db
    s = service.summary(cur, view(snapshot, (2026, 9), (2026, 10)), tv)
    # created Sep: T1, T2, T3, T10; Oct to 15 Oct 10:00: T4–T9
    assert (s["tickets_created"], s["counted_to"]) == (10, "2026-10-15 10:00")
    # Sep is whole, but this workspace holds no customer list: no active customer-months to divide by
    assert s["contact_rate"] is None
    assert s["contact_rate_reason"] == "no active customers (no customer list in the period)"
    assert (f"tickets_created, tickets_solved: counted to {SAID}; the export ends before the period does, so the "
            "period's counts are not comparable with a whole period's.") in s["notes"]
    s = service.summary(cur, view(snapshot, (2026, 10), (2026, 11)), tv)
    assert s["tickets_created"] == 6 and s["contact_rate"] is None
    assert s["contact_rate_reason"] == "no month of the period is in the export whole"
    assert f"contact_rate: no month of the period is in the export whole (it ends at {SAID})." in s["notes"]


def test_the_tickets_created_tile_has_no_change_against_a_whole_period(pages):
    at = pages["pages/service.py", "Nov 2026"]
    tile = next(m for m in at.metric if m.label == "Tickets created")
    # before: "6" with a change against Aug–Sep's whole months
    assert tile.value == "6" and not tile.delta
    assert (f"to {SAID} · contact rate not measurable: no month of the period is in the export whole"
            in [c.value for c in at.caption])


# c2 and c4 active in Sep 2026 (c1 churned in March); the tickets' latest time is K4's solve, 5 Oct 11:00
LISTED = b"customer_id,start_date,churn_date\nc1,2024-01-01,2026-03-15\nc2,2024-01-01,\nc4,2024-01-01,2026-10-20\n"
EARLY = b"""ticket_id,customer_id,created_at,solved_at,status
K1,c2,2026-09-03 09:00,2026-09-03 12:00,solved
K2,c1,2026-09-10 09:00,2026-09-10 10:00,solved
K5,c2,2026-09-20 09:00,2026-09-20 10:00,solved
K3,c4,2026-10-02 09:00,2026-10-02 15:00,solved
K4,zz,2026-10-05 09:00,2026-10-05 11:00,solved
"""


def test_the_contact_rate_takes_the_months_the_export_holds_whole(tmp_path_factory):
    with seeded_workspace(tmp_path_factory, ("customers", LISTED), ("tickets", EARLY)):
        at = run_app("pages/service.py", period=["Sep 2026", "Oct 2026"])
    tile = next(m for m in at.metric if m.label == "Tickets created")
    assert tile.value == "5" and not tile.delta
    # Sep only (the export ends on 5 Oct): K1 and K5 of c2, active, over c2's and c4's customer-months = 2 ÷ 2 × 100;
    # K2 (c1 churned in March) left out. Before: Sep and the five days of Oct the export holds, over both months'
    # customer-months: (2 + K3) ÷ 4 × 100 = 75.0, a rate diluted by the 26 days the export does not reach
    said = ("to 5 Oct 2026 11:00 (the export's latest time) · 100.0 per 100 active customers a month (their tickets; "
            "1 ticket from ids the customer list does not count active that month left out)")
    assert said in [c.value for c in at.caption]
