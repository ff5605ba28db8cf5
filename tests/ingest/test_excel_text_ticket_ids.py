"""A ticket id written as an Excel text formula (="T1", a CSV made to open in Excel with leading zeros kept) is the id
inside, as a customer id so written is: kept as typed it was another ticket than 'T1' of the next export."""

from __future__ import annotations

from conftest import prepare_bytes


def test_a_ticket_id_in_an_excel_text_formula_is_the_id_inside_said():
    data = (b'ticket_id,customer_id,created_at,solved_at,status\n'
            b'"=""00123""",C1,2024-03-05 10:00,2024-03-05 12:00,solved\n'
            b'T2,C2,2024-03-06 10:00,2024-03-06 11:00,solved\n')
    p = prepare_bytes(data, kind="tickets")
    assert sorted(p.rows.ticket_id) == ["00123", "T2"]
    assert any("1 ticket id in 'ticket_id' is written as Excel text formulas" in w for w in p.warnings)


def test_the_same_ticket_wrapped_and_bare_is_one_ticket():
    """Two rows of one ticket (its update log), the first written ="T1": one ticket, its latest state."""
    data = (b'ticket_id,customer_id,created_at,solved_at,status,updated_at\n'
            b'"=""T1""",C1,2024-03-05 10:00,,open,2024-03-05 10:00\n'
            b'T1,C1,2024-03-05 10:00,2024-03-05 12:00,solved,2024-03-05 12:00\n')
    t = prepare_bytes(data, kind="tickets").rows
    assert list(t.ticket_id) == ["T1"] and list(t.status) == ["solved"] and list(t.resolution_hours) == [2.0]
