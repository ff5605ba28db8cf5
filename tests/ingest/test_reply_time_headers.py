"""First-reply durations under headers the mapping did not know were left out unsaid, and the report then blamed
"the upload's warnings" for having no first response time: 'first_reply_time_minutes' (the unit after the name),
HubSpot's 'Time to first agent reply (HH:mm:ss)', a German 'Antwortzeit (Std.)'. Each is read in the unit it says."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes


@pytest.mark.parametrize(("header", "cell", "hours"), [
    ("first_reply_time_minutes", "30", 0.5),
    ("first_reply_time_seconds", "5400", 1.5),
    ("Time to first agent reply (HH:mm:ss)", "01:30:00", 1.5),
    ("Antwortzeit (Std.)", "2", 2.0),
])
def test_first_reply_durations_are_read_in_the_unit_their_header_says(header, cell, hours):
    data = f"ticket_id,customer_id,created_at,status,{header}\nt1,C1,2024-03-05 10:00,open,{cell}\n".encode()
    p = prepare_bytes(data, "tickets")
    assert p.rows.first_reply_hours.tolist() == [hours]
