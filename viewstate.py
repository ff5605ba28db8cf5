"""The view's state in the URL: which parameters exist, what each may hold, and how to write a share link.

Every parameter is declared once, in REGISTRY (name, type, bounds, step, default, allowed values); the widgets
in ui.py take their bounds, steps, options and defaults from it and the link validation below checks against
it, so the two cannot disagree. Values that depend on the data (data versions, months, filter values) are
passed in as `Allowed`.

One strict parser for every value: whole numbers are ASCII digits only (no sign, no exponent, no superscript
digits such as '²', which `str.isdigit` accepts), within the bounds and on the step; choices are matched
exactly (one spelling per value, the one the widget writes); a period is two months of the data in order.
Anything else is reported back as a problem that says exactly what is shown instead, and is dropped.
No URL value ever reaches SQL text, a file path or the page as markup. Pure Python: no Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

ALL = "All"
DEFAULT_MONTHS = 12  # the default period: the data's last 12 months (or all of it when shorter)


@dataclass(frozen=True)
class Param:
    """One URL parameter. kind: 'version', 'period', 'filter' (values from the data), 'choice', 'int' or 'pin' (a
    whole number naming a stored version of something, default None = the latest; whether it exists is checked
    where it is read)."""

    name: str
    kind: str
    default: object = None
    low: int | None = None
    high: int | None = None
    step: int = 1
    choices: tuple[str, ...] = ()


REGISTRY: dict[str, Param] = {p.name: p for p in [
    Param("v", "version"),
    Param("period", "period"),
    Param("segment", "filter", ALL),
    Param("region", "filter", ALL),
    Param("gm", "int", 80, 1, 100, 1),
    Param("by", "choice", "Segment", choices=("Segment", "Region", "Channel")),
    Param("cohort", "choice", "Customers", choices=("Customers", "Revenue")),
    Param("wi_share", "int", 20, 0, 100, 5),
    Param("wi_to", "choice", "Passive", choices=("Passive", "Promoter")),
    Param("wi_invest", "int", 250_000, 0, 10**10),  # any whole amount; the box steps by 25,000 (ui)
    Param("present", "choice", None, choices=("1",)),
    Param("tm", "pin", None, 0, 99_999),  # theme-map version (metrics.theme_store); absent: the latest
]}
ORDER = list(REGISTRY)
_DIGITS = re.compile(r"[0-9]{1,15}")  # ASCII only: re's [0-9] never matches '²' or other Unicode digits


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
    """A hostile value, shortened, for the notice. A character that does not print (NUL, a line break, a bidi
    override, a zero-width space) is named, '[U+0000]', not dropped: 'a\\x00b' read as 'ab' would say that a
    value the data may well hold is not in it."""
    text = "".join(ch if ch.isprintable() else f"[U+{ord(ch):04X}]" for ch in str(text))
    return text if len(text) <= limit else text[:limit] + "…"


def whole_number(text: str) -> int | None:
    """A non-negative whole number written in ASCII digits, else None ('²', '1e309', '-1', ' 5', '5.0' → None)."""
    return int(text) if isinstance(text, str) and _DIGITS.fullmatch(text) else None


def default_period(months: tuple[str, ...]) -> list[str]:
    """The default period: the last DEFAULT_MONTHS months of the data, or all of it when shorter."""
    return [months[max(0, len(months) - DEFAULT_MONTHS)], months[-1]] if months else []


def _period_words(period: list[str]) -> str:
    return period[0] if period[0] == period[1] else f"{period[0]} – {period[1]}"


def check_int(param: Param, text: str) -> tuple[int | None, str | None]:
    """(value, None) when `text` is a valid value of the integer parameter, else (None, problem)."""
    number = whole_number(text)
    rule = f"a whole number from {param.low:,} to {param.high:,}" + (
        f" in steps of {param.step:,}" if param.step > 1 else "")
    if number is None or not param.low <= number <= param.high or (number - param.low) % param.step:
        return None, f"{param.name} '{_clip(text)}' must be {rule}; using the default {param.default:,}"
    return number, None


def _fallback(param) -> str:
    """What a page shows instead of a parameter it cannot use."""
    if param.kind in ("version", "pin"):
        return "showing the latest"
    if param.kind == "filter":
        return f"showing all {param.name}s"
    return "using the default" + ("" if param.default is None else
                                  f" {param.default:,}" if isinstance(param.default, int) else f", {param.default}")


def parse(query: Mapping[str, str | list[str]], allowed: Allowed) -> Parsed:
    """Check every parameter; keep the valid ones, describe the rest (and what is shown instead)."""
    out = Parsed()
    for key, raw in query.items():
        values = raw if isinstance(raw, list) else [raw]
        one = values[-1] if values else ""
        param = REGISTRY.get(key)
        if param is not None and param.kind != "period" and len(values) > 1:
            # 'v=1&v=1' (a link pasted twice over): one value given again is that value, read as once; different
            # values cannot all be shown, so none is
            if len(set(values)) > 1:
                out.problems.append(f"{key} was given {len(values)} different values "
                                    f"({_clip(', '.join(values))}); {_fallback(param)}")
                continue
            values, one = values[:1], values[0]
        if param is None:
            out.problems.append(f"unknown link parameter '{_clip(key)}' was ignored")
        elif param.kind == "version":
            number = whole_number(one)
            if number is not None and number in allowed.versions and len(values) == 1:
                out.values[key] = str(number)
            else:
                out.problems.append(f"data version '{_clip(one)}' is not available (never created, or its data "
                                    "was deleted); showing the latest")
        elif param.kind == "period":
            months = allowed.months
            default = default_period(months)
            if len(values) == 2 and all(v in months for v in values) and \
                    months.index(values[0]) <= months.index(values[1]):
                out.values[key] = list(values)
            else:
                why = ("runs backwards" if len(values) == 2 and all(v in months for v in values)
                       else "is not a range of months in the data")
                shown = f"; showing {_period_words(default)}" if default else ""
                out.problems.append(f"period '{_clip(' to '.join(values))}' {why}{shown}")
        elif param.kind == "filter":
            options = allowed.segments if key == "segment" else allowed.regions
            if len(values) == 1 and (one == ALL or one in options):
                out.values[key] = one
            else:
                out.problems.append(f"{key} '{_clip(one)}' is not in the data; showing all {key}s")
        elif param.kind == "choice":
            if len(values) == 1 and one in param.choices:
                out.values[key] = one
            else:
                default = "" if param.default is None else f"; using the default, {param.default}"
                out.problems.append(f"'{_clip(one)}' is not a valid value for {key} (one of "
                                    f"{', '.join(param.choices)}){default}")
        elif param.kind == "pin":
            number = whole_number(one)
            if number is not None and param.low <= number <= param.high and len(values) == 1:
                out.values[key] = str(number)
            else:
                out.problems.append(f"{key} '{_clip(one)}' must be one whole number from {param.low:,} to "
                                    f"{param.high:,}; showing the latest")
        else:  # int
            number, problem = check_int(param, one)  # values holds one value here (duplicates are read above)
            if problem is None:
                out.values[key] = str(number)
            else:
                out.problems.append(problem)
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
