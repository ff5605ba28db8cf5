"""Time-zone abbreviations after a time ('2024-07-05 10:00:00 BST') are read at the fixed offset each names, or refused
naming the rows: DuckDB's cast looked them up as old Java zone names, and 'BST' was read as Dhaka (+06), 'AST' as
Anchorage, 'ART' as Cairo, 'PST' in July with daylight time (-07), each without a word. Hours worked out by hand."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.errors import InvalidOptionError, InvalidValuesError


def tickets(*times: str) -> bytes:
    """A ticket file, one ticket per created time, each solved an hour later in the same zone word."""
    rows = []
    for i, created in enumerate(times, 1):
        solved = created.replace(" 10:00:00", " 11:00:00")
        rows.append(f"t{i},C{i},{created},{solved},solved")
    return ("ticket_id,customer_id,created_at,solved_at,status\n" + "\n".join(rows) + "\n").encode()


def created(*times: str) -> list[str]:
    p = prepare_bytes(tickets(*times), kind="tickets")
    return [f"{t:%Y-%m-%d %H:%M}" for t in p.rows.sort_values("ticket_id").created_at]


@pytest.mark.parametrize(("word", "utc"), [
    ("BST", "2024-07-05 09:00"),   # British Summer Time +01 (read as Dhaka +06: 04:00)
    ("PST", "2024-07-05 18:00"),   # -08 in July too (read with daylight time: 17:00)
    ("PDT", "2024-07-05 17:00"),
    ("ART", "2024-07-05 13:00"),   # Argentina -03 (read as Cairo: 07:00)
    ("CET", "2024-07-05 09:00"),   # +01 as written, not summer time in July (08:00)
    ("EET", "2024-07-05 08:00"),
    ("WET", "2024-07-05 10:00"),
    ("EST", "2024-07-05 15:00"),
    ("MSK", "2024-07-05 07:00"),
    ("ACST", "2024-07-05 00:30"),
    ("nzdt", "2024-07-04 21:00"),  # written in lower case: the same abbreviation
])
def test_an_abbreviation_is_read_at_its_own_fixed_offset(word, utc):
    assert created(f"2024-07-05 10:00:00 {word}") == [utc]


def test_times_without_a_zone_word_and_am_pm_are_read_as_before():
    assert created("2024-07-05 10:00:00", "2024-07-05 10:00:00+02:00") == ["2024-07-05 10:00", "2024-07-05 08:00"]


@pytest.mark.parametrize("word", ["IST", "CST", "AST", "ECT", "NST"])
def test_an_abbreviation_of_more_than_one_zone_is_refused_naming_the_rows(word):
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(tickets("2024-01-15 10:00:00 PST", f"2024-01-15 10:00:00 {word}"), kind="tickets")
    e = err.value
    assert e.column == "created_at" and e.count == 1 and [c.row for c in e.cells] == [3]
    assert f"'{word}', which names more than one zone" in e.reason


def test_an_unknown_abbreviation_is_refused_not_looked_up():
    """'MET' and 'EST5EDT'-like words are zones to DuckDB; a word not in the app's list is never read by its lookup."""
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(tickets("2024-01-15 10:00:00 MET", "2024-01-15 10:00:00 XYZT"), kind="tickets")
    e = err.value
    assert e.column == "created_at" and e.count == 2 and [c.row for c in e.cells] == [2, 3]
    assert "does not know as a time-zone abbreviation ('MET', 'XYZT')" in e.reason


def test_a_survey_date_with_an_ambiguous_abbreviation_is_refused_by_name():
    data = b"date,score\n2026-03-02 09:10:11 EST,9\n2026-03-03 23:30:00 IST,10\n"
    with pytest.raises(InvalidValuesError) as err:
        prepare_bytes(data, kind="nps")
    assert err.value.column == "date" and [c.row for c in err.value.cells] == [3]
    assert "'IST', which names more than one zone" in err.value.reason


# ---- a zone in the header as an offset or an abbreviation (only an IANA name was read: times stored as UTC) --------
def header_file(zone: str, created: str = "2024-03-05 01:00:00") -> bytes:
    return (f"Ticket ID,Organization,Created at ({zone}),Solved at ({zone}),Status\n"
            f"1,A,{created},2024-03-05 03:00:00,Solved\n").encode()


@pytest.mark.parametrize(("zone", "utc"), [
    ("UTC+02:00", "2024-03-04 23:00"),
    ("UTC-5", "2024-03-05 06:00"),
    ("GMT+1", "2024-03-05 00:00"),
    ("PST", "2024-03-05 09:00"),
    ("UTC", "2024-03-05 01:00"),
])
def test_a_header_offset_or_abbreviation_is_the_times_zone(zone, utc):
    p = prepare_bytes(header_file(zone), kind="tickets")
    row = p.rows.iloc[0]
    assert f"{row.created_at:%Y-%m-%d %H:%M}" == utc and row.resolution_hours == 2.0
    assert any("header names" in w and "are read at that offset" in w for w in p.warnings) == (zone != "UTC")


def test_a_time_with_its_own_zone_keeps_it_under_a_header_offset():
    p = prepare_bytes(header_file("UTC+02:00", "2024-03-05 01:00:00 EST"), kind="tickets")
    assert f"{p.rows.iloc[0].created_at:%Y-%m-%d %H:%M}" == "2024-03-05 06:00"


@pytest.mark.parametrize(("zone", "words"), [("IST", "names more than one zone"),
                                             ("XYZ", "is not a time-zone abbreviation the app knows")])
def test_a_header_abbreviation_of_several_zones_or_none_known_is_refused_naming_the_header(zone, words):
    with pytest.raises(InvalidOptionError) as err:
        prepare_bytes(header_file(zone), kind="tickets")
    assert f"The header 'Created at ({zone})' gives its times in '{zone}', which {words}" in str(err.value)
