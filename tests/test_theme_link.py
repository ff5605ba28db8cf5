"""The theme-map version in a link (`tm`): one strict whole number within its bounds, else the latest with a
notice that says so; a share link writes it like any other parameter."""

from __future__ import annotations

import pytest

import viewstate

ALLOWED = viewstate.Allowed(versions=(1,), months=("Jan 2026",))


@pytest.mark.parametrize("raw", ["0", "7", "99999"])
def test_a_whole_number_within_bounds_is_kept(raw):
    assert viewstate.parse({"tm": raw}, ALLOWED).values == {"tm": raw}


@pytest.mark.parametrize("raw", ["-1", "100000", "1.0", "²", " 3", "", "latest"])
def test_anything_else_shows_the_latest_and_says_so(raw):
    parsed = viewstate.parse({"tm": raw}, ALLOWED)
    assert parsed.values == {}
    assert parsed.problems == [f"tm '{raw}' must be one whole number from 0 to 99,999; showing the latest"]


def test_two_different_versions_show_the_latest_and_the_same_one_twice_is_read_once():
    parsed = viewstate.parse({"tm": ["1", "2"]}, ALLOWED)
    assert parsed.values == {} and parsed.problems == ["tm was given 2 different values (1, 2); showing the latest"]
    assert viewstate.parse({"tm": ["2", "2"]}, ALLOWED).values == {"tm": "2"}


def test_the_default_is_the_latest_and_a_share_link_pins_a_version():
    param = viewstate.REGISTRY["tm"]
    assert (param.kind, param.default, param.low, param.high) == ("pin", None, 0, 99_999)
    assert "tm" not in viewstate.encode({"v": 3, "tm": None})
    assert viewstate.encode({"v": 3, "tm": 2}) == "v=3&tm=2"
