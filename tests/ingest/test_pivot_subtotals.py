"""Pivot tables uploaded as revenue: a group's subtotal written on the group's own row (Excel's compact layout: 'North'
above its customers) is a row like any customer's, so only the grand total gives it away. Hand figures: North's
customers pay 100 + 200, South's 400; the grand total is 700, and read as customers the rows made January's MRR
1,400 (North 300 and South 400 counted as two more customers)."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidValuesError

LONG = b"""Row Labels,Month,Sum of MRR
North,2026-01,300
Acme,2026-01,100
Beta,2026-01,200
South,2026-01,400
Gamma,2026-01,400
Grand Total,,700
"""
LONG_MAPPING = {"customer_id": "Row Labels", "month": "Month", "amount": "Sum of MRR"}


def test_compact_pivot_with_group_rows_is_refused_naming_the_total():
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(LONG, "revenue", mapping=LONG_MAPPING, skip_invalid=True)
    assert err.value.column == "Row Labels" and [c.row for c in err.value.cells] == [7]
    assert "add up to 2 times it (1,400.00 against 700.00)" in err.value.reason
    assert "Excel pivot table in compact layout" in err.value.reason


def test_wide_pivot_is_compared_month_by_month():
    """One column per month, a grand total row and column: January 700 against 1,400 in the rows."""
    wide = (b"Row Labels,Jan 2026,Feb 2026,Grand Total\nNorth,300,350,650\nAcme,100,150,250\nBeta,200,200,400\n"
            b"South,400,400,800\nGamma,400,400,800\nGrand Total,700,750,1450\n")
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(wide, "revenue", mapping={"customer_id": "Row Labels"}, answers={"unpivot": "yes"},
                      skip_invalid=True)
    assert "the other rows of 2026-01-01: amounts add up to 2 times it (1,400.00 against 700.00)" in str(err.value)
    assert [c.row for c in err.value.cells] == [7]


def test_two_levels_of_groups_count_three_times():
    """Region > segment > customer: each amount is in its customer's, its segment's and its region's row."""
    data = (b"Row Labels,Month,Sum of MRR\nNorth,2026-01,300\nSMB,2026-01,300\nAcme,2026-01,100\nBeta,2026-01,200\n"
            b"South,2026-01,400\nEnterprise,2026-01,400\nGamma,2026-01,400\nGrand Total,,700\n")
    with pytest.raises(InvalidValuesError, match=r"add up to 3 times it \(2,100.00 against 700.00\)"):
        prepare_bytes(data, "revenue", mapping=LONG_MAPPING, skip_invalid=True)


def test_a_plain_list_with_its_total_keeps_the_customers_figures():
    """Without group rows the customers add up to the total once: only the total row is skipped, MRR 700."""
    data = b"Row Labels,Month,Sum of MRR\nAcme,2026-01,100\nBeta,2026-01,200\nGamma,2026-01,400\nGrand Total,,700\n"
    p = prepare_bytes(data, "revenue", mapping=LONG_MAPPING, skip_invalid=True)
    assert sorted(p.rows.customer_id) == ["Acme", "Beta", "Gamma"] and float(p.rows.mrr.sum()) == 700


def test_a_months_total_is_compared_with_that_month_only():
    """A February total (300) in a two-month file: the rows of all months add up to 600, twice it, but February's
    own rows to 300, once: no refusal, the total row is skipped."""
    data = (b"customer_id,month,mrr\nC1,2026-01,100\nC2,2026-01,200\nC1,2026-02,100\nC2,2026-02,200\n"
            b"Total,2026-02,300\n")
    p = prepare_bytes(data, "revenue", skip_invalid=True)
    assert float(p.rows.mrr.sum()) == 600 and "Total" not in set(p.rows.customer_id)


def test_an_average_row_is_no_total():
    """Two customers and their average: the rows add up to twice the 'Average' row, which sums nothing."""
    data = b"customer_id,month,mrr\nC1,2026-01,100\nC2,2026-01,100\nAverage,2026-01,100\n"
    p = prepare_bytes(data, "revenue", skip_invalid=True)
    assert float(p.rows.mrr.sum()) == 200


@pytest.mark.parametrize("subtotal", ["North Ergebnis", "North Result", "North Totaal", "Totale North"])
def test_subtotal_labels_of_other_languages_pivots_are_summary_rows(subtotal):
    """German Excel writes 'Nord Ergebnis', LibreOffice 'North Result', Dutch Excel 'Noord Totaal', Italian
    'Totale Nord' under (or above) the group's customers: the group's subtotal, never a customer (MRR 600, not
    900)."""
    data = (f"Region,Customer,Month,MRR\nNorth,Acme,2026-01,100\nNorth,Beta,2026-01,200\n"
            f"North,{subtotal},2026-01,300\nSouth,Gamma,2026-01,300\n").encode()
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, "revenue", mapping={"customer_id": "Customer"})
    assert [c.row for c in err.value.report.problems[0].cells] == [4]
    p = prepare_bytes(data, "revenue", mapping={"customer_id": "Customer"}, skip_invalid=True)
    assert float(p.rows.mrr.sum()) == 600


def test_a_pivot_without_its_grand_total_asks_whether_its_rows_are_customers_only():
    """No total row to compare with: 'Row Labels' (Excel's header for a pivot's rows; 'Zeilenbeschriftungen' in
    German) is asked about, must confirm. Customers only: stored as they are (300); groups: refused."""
    from metrics.errors import InvalidOptionError, NeedsAnswerError

    for header in ("Row Labels", "Zeilenbeschriftungen"):
        data = f"{header},Month,Sum of MRR\nAcme,2026-01,100\nBeta,2026-01,200\n".encode()
        mapping = {**LONG_MAPPING, "customer_id": header}
        with pytest.raises(NeedsAnswerError) as err:
            prepare_bytes(data, "revenue", mapping=mapping)
        q = next(q for q in err.value.questions if q.key == f"pivot_rows:{header}")
        assert q.must_confirm and q.proposal is None and q.choices == ("customers", "groups")
        p = prepare_bytes(data, "revenue", mapping=mapping, answers={q.key: "customers"})
        assert float(p.rows.mrr.sum()) == 300
        with pytest.raises(InvalidOptionError, match="holds groups with their subtotals"):
            prepare_bytes(data, "revenue", mapping=mapping, answers={q.key: "groups"})
    # with its grand total, the sum settles it: nothing asked
    plain = b"Row Labels,Month,Sum of MRR\nAcme,2026-01,100\nBeta,2026-01,200\nGrand Total,,300\n"
    assert float(prepare_bytes(plain, "revenue", mapping=LONG_MAPPING, skip_invalid=True).rows.mrr.sum()) == 300
