"""Amounts are shown in the revenue file's currency: a German invoice list in EUR reads €, never $ (its ARR was
shown as "$1.0M"). The currency is what the file names (a currency column, or the amounts' signs); "$" when it
names none. Values worked out by hand from the rows below."""

import pytest
from conftest import run_app

from metrics.definitions import CURRENCY_SIGN, currency_sign, fmt_currency, fmt_money

# Two customers, Jan–Mar 2026, amounts with a decimal comma and a Currency column: EUR. March MRR 1.200,00 + 49,50
# = 1,249.50 → ARR 12 × 1,249.50 = 14,994 → "€15.0K".
EUR = ("Kunde;Rechnungsdatum;Betrag;Currency\n" + "".join(
    f"{c};15.{m:02d}.2026;{a};EUR\n" for m in (1, 2, 3) for c, a in (("k1", "1.200,00"), ("k2", "49,50")))).encode()
SEED = (("revenue", EUR, {"mapping": {"customer_id": "Kunde", "month": "Rechnungsdatum", "amount": "Betrag"}}),)
pytestmark = pytest.mark.usefixtures("app_workspace")


def test_signs_and_formats():
    assert [currency_sign(c) for c in (None, "USD", "EUR", "GBP", "€", "CHF", "SEK", "other")] == [
        "$", "$", "€", "£", "€", "CHF ", "SEK ", ""]
    assert fmt_currency(14994.0, "€") == "€15.0K" and fmt_currency(-950.0, "CHF ") == "−CHF 950"
    token = CURRENCY_SIGN.set("€")
    try:
        assert fmt_currency(1_234_567.0) == "€1.2M" and fmt_money(1234.5) == "€1,234.50"
    finally:
        CURRENCY_SIGN.reset(token)
    assert fmt_currency(950.0) == "$950"


def test_cfo_shows_the_files_currency():
    at = run_app("pages/cfo.py")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["ARR"] == "€15.0K" and tiles["MRR"] == "€1.2K"
    assert not any(v.startswith("$") for v in tiles.values())
    assert at.session_state["_pack"].sections  # the board pack read the same figures
    from metrics.definitions import CURRENCY_SIGN as sign  # the test's own thread keeps the default

    assert sign.get() == "$"
