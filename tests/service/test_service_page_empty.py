"""A data version without support tickets: the Service page says so and where to upload them; the CEO page has no
service line and no warning about tickets (they are optional)."""

from conftest import run_app, store_button

SEED = ("customers", "nps", "revenue")  # the hand-worked reference data, no tickets


def test_service_page_without_tickets(app_workspace):
    at = run_app("pages/service.py")
    assert [i.value for i in at.info] == ["No support tickets uploaded yet — upload on the Data page."]
    assert not at.metric and not at.dataframe
    ceo = run_app()
    assert not any(m.value.startswith("**Service:**") for m in ceo.markdown)
    assert not any("support tickets" in w.value for w in ceo.warning)
    assert "Support tickets" in [s.options for s in run_app("pages/data.py").selectbox if s.key == "upload_kind"][0]


TICKETS = b"""ticket_id,organization_id,created_at,first_reply_at,solved_at,status,priority,channel,satisfaction_rating
T1,A,2025-03-02 09:00:00,2025-03-02 10:00:00,2025-03-02 19:00:00,closed,Normal,Email,Good
T2,D,2025-03-10 08:00:00,2025-03-10 12:00:00,2025-03-12 08:00:00,closed,High,Chat,Bad
T3,D,2025-04-01 12:00:00,2025-04-01 12:30:00,2025-04-02 00:00:00,solved,Low,Web form,Offered
T4,A,2025-04-20 10:00:00,,,open,Urgent,Email,Unoffered
"""


def test_tickets_upload_on_the_data_page_and_fill_the_service_page(app_workspace):
    at = run_app("pages/data.py")  # "Detect from the columns": the file reads as support tickets
    at.file_uploader[0].upload("tickets.csv", TICKETS, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("reads as **Support tickets**" in s.value for s in at.success)
    store_button(at).click()
    at.run()
    assert not at.exception and any("Support tickets version 4:**" in s.value for s in at.success)
    at.switch_page("pages/service.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    got = {m.label: m.value for m in at.metric}
    # Window Dec 2024 – Apr 2025: 4 created, T4 open at the end; resolution 10, 48, 12 h → median 12.0 h; ratings
    # Good (T1), Bad (T2): n = 2, too few for a CSAT; 2 ratings ÷ 3 offered, too few tickets for a response rate
    # (s24: it read "66.7%", a rate on 3 tickets beside the other rates' "—" on as few).
    assert (got["Tickets created"], got["Backlog"], got["Resolution time (median)"]) == ("4", "1", "12.0 h")
    assert got["Ticket CSAT"] == "—" and got["CSAT response rate"] == "—"
    assert any(c.value.startswith("n = 3: too few tickets (needs 30) · 2 ratings ÷ 3 tickets offered")
               for c in at.caption), [c.value for c in at.caption]
    waiting = next(d.value for d in at.dataframe if d.value.columns[0] == "Customer")
    assert list(waiting.Customer) == ["A"] and list(waiting.Urgent) == ["1"]
