"""The view's state in the URL: which parameters exist, what each may hold, and how to write a share link.

Every value that arrives in a URL is checked against an allow-list (filter values, months and data versions
that exist) or a type with bounds; anything else is reported back as a problem and replaced by the default.
No URL value ever reaches SQL text, a file path or the page as markup. Pure Python: no Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

ALL = "All"
CHOICES = {  # parameter -> allowed values, for parameters whose values do not depend on the data
    "wi_to": ("Passive", "Promoter"),
    "cohort": ("logo", "revenue"),
    "by": ("segment", "region", "channel"),
    "present": ("1",),
}
INTEGERS = {  # parameter -> (min, max, step)
    "gm": (1, 100, 1),
    "wi_share": (0, 100, 5),
    "wi_invest": (0, 10**10, 1),
}
ORDER = ["v", "period", "segment", "region", "gm", "by", "cohort", "wi_share", "wi_to", "wi_invest", "present"]


@dataclass(frozen=True)
class Allowed:
    """What the data makes valid: data versions, month labels of the period slider, filter values."""

    versions: tuple[int, ...]
    months: tuple[str, ...]
    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


@dataclass
class Parsed:
    values: dict[str, str | list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _clip(text: str, limit: int = 40) -> str:
    """A hostile value, shortened and stripped of control characters, for the notice."""
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text if len(text) <= limit else text[:limit] + "…"


def parse(query: Mapping[str, str | list[str]], allowed: Allowed) -> Parsed:
    """Check every parameter; keep the valid ones, describe the rest."""
    out = Parsed()
    for key, raw in query.items():
        values = raw if isinstance(raw, list) else [raw]
        one = values[-1] if values else ""
        if key == "v":
            if one.isdigit() and int(one) in allowed.versions:
                out.values[key] = one
            else:
                out.problems.append(f"data version '{_clip(one)}' is not available (never created, or its data "
                                    "was deleted); showing the latest")
        elif key == "period":
            if len(values) == 2 and all(v in allowed.months for v in values) and \
                    allowed.months.index(values[0]) <= allowed.months.index(values[1]):
                out.values[key] = list(values)
            else:
                out.problems.append(f"period '{_clip(' to '.join(values))}' is not a range of months in the data; "
                                    "showing the last 12 months")
        elif key in ("segment", "region"):
            options = allowed.segments if key == "segment" else allowed.regions
            if one == ALL or one in options:
                out.values[key] = one
            else:
                out.problems.append(f"{key} '{_clip(one)}' is not in the data; showing all")
        elif key in CHOICES:
            if one in CHOICES[key]:
                out.values[key] = one
            else:
                out.problems.append(f"'{_clip(one)}' is not a valid value for {key}; using the default")
        elif key in INTEGERS:
            low, high, step = INTEGERS[key]
            if one.isdigit() and low <= int(one) <= high and (int(one) - low) % step == 0:
                out.values[key] = one
            else:
                out.problems.append(f"{key} '{_clip(one)}' must be a whole number from {low} to {high}; "
                                    "using the default")
        else:
            out.problems.append(f"unknown link parameter '{_clip(key)}' was ignored")
    return out


def params(state: Mapping[str, object]) -> dict[str, str | list[str]]:
    """The state as URL parameters (text), in a stable order, empty values left out."""
    out: dict[str, str | list[str]] = {}
    for key in ORDER:
        value = state.get(key)
        if value is None or value == "":
            continue
        out[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    return out


def encode(state: Mapping[str, object]) -> str:
    """Query string for a share link."""
    return urlencode(params(state), doseq=True)


def period_in_words(start_label: str, end_label: str, start_month: int, end_month: int, months: int) -> str:
    """'Q3 2026' for a calendar quarter, '2026' for a calendar year, else 'Nov 2025 – Oct 2026'."""
    if months == 3 and start_month in (1, 4, 7, 10) and start_label[-4:] == end_label[-4:]:
        return f"Q{(start_month - 1) // 3 + 1} {end_label[-4:]}"
    if months == 12 and start_month == 1 and end_month == 12:
        return end_label[-4:]
    if start_label == end_label:
        return start_label
    return f"{start_label} – {end_label}"
