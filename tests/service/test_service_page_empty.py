"""A data version without support tickets: the Service page says so and where to upload them; the CEO page has no
service line and no warning about tickets (they are optional)."""

from conftest import run_app

SEED = ("customers", "nps", "revenue")  # the hand-worked reference data, no tickets


def test_service_page_without_tickets(app_workspace):
    at = run_app("pages/service.py")
    assert [i.value for i in at.info] == ["No support tickets uploaded yet — upload on the Data page."]
    assert not at.metric and not at.dataframe
    ceo = run_app()
    assert not any(m.value.startswith("**Service:**") for m in ceo.markdown)
    assert not any("support tickets" in w.value for w in ceo.warning)
    assert "Support tickets" in [s.options for s in run_app("pages/data.py").selectbox if s.key == "upload_kind"][0]
