"""Formula-safe CSV for every download (rejected rows, comments, risk lists)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from metrics.stats import missing

if TYPE_CHECKING:
    import pandas as pd

FORMULA_START = "=+-@\t\r"


def safe_cell(value) -> str:
    """A cell for a CSV download: text starting with a spreadsheet formula character gets a leading quote;
    numbers are written as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool) and not missing(value):
        return str(value)  # a number (−0.76 included) is data, never a formula
    text = "" if missing(value) else str(value)
    return "'" + text if text[:1] and text[0] in FORMULA_START else text


def safe_csv(frame: pd.DataFrame) -> bytes:
    """A formula-safe CSV of a frame (every cell, header included, neutralised as the team rule says)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")
