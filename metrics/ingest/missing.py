"""Missing-value tokens: NA, N/A, None, null, NaN, -, #N/A (and empty) are "no value" in every column.

Spreadsheets and statistics tools write these for an empty cell. Read literally they reject a survey over a
"bad score" NA, or store "NA" as 9,810 comments. Right after reading, the cells holding a token the analyst
accepts are rewritten to NULL in `raw`, so every later step (scores, dates, ids, comments) sees them as empty.
Which tokens count is Question "missing_tokens" (multi, not must-confirm): the proposal is the default tokens
found in the file; other tokens found (unknown, ?, -- …) are offered but never proposed, since "unknown" can be a
real category. Matching ignores case and surrounding spaces. Empty cells are always missing.

"NA" and "None" are also names: North America beside EMEA and APAC, a plan called None. Found in a category
column (segment, region, plan, channel, priority) the question must be confirmed, and its proposal leaves that
token out: kept as written, a wrong guess is a visible "NA" region; read as empty, it would silently merge
North America into "Unknown".
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

from metrics.ingest.questions import Question
from metrics.store import quote_ident

if TYPE_CHECKING:
    from metrics.ingest.checks import _Checker

DEFAULT_TOKENS = ("NA", "N/A", "None", "null", "NaN", "-", "#N/A", "Not Provided")
OTHER_TOKENS = ("--", "?", "n.a.", "nil", "(blank)", "missing", "unknown", "#VALUE!", "#REF!", "#DIV/0!", ".")
_BY_LOWER = {t.lower(): t for t in (*DEFAULT_TOKENS, *OTHER_TOKENS)}
CATEGORY_FIELDS = ("segment", "region", "plan", "channel", "priority")
NAMES = {"NA": "North America, Namibia", "None": "a plan or tier called None"}  # tokens that are also names


def _no_token_sql(col: str) -> str:
    """SQL: the cell (stripped at load) starts with a digit or a letter no token starts with, so it holds no token.
    Plain comparisons, no string built: a column of ids, numbers or dates skips lower() for nearly every cell."""
    firsts = {c for t in _BY_LOWER for c in (t[0].lower(), t[0].upper())}
    runs: list[list[str]] = []
    for alphabet in (string.digits, string.ascii_uppercase, string.ascii_lowercase):
        for a in alphabet:
            if a in firsts:
                continue
            if runs and runs[-1][-1] == chr(ord(a) - 1) and runs[-1][-1] in alphabet:
                runs[-1].append(a)
            else:
                runs.append([a])
    # each run of characters is one range: cell >= its first AND cell < the character after its last
    return "(" + " OR ".join(f"({col} >= '{r[0]}' AND {col} < '{chr(ord(r[-1]) + 1)}')" for r in runs) + ")"


def token_cells(con, column: str) -> list[tuple[str, int]]:
    """(token as written in _BY_LOWER's keys, cells) for each known token found in `column` of `raw`."""
    col = quote_ident(column)
    marks = ", ".join("?" for _ in _BY_LOWER)
    return con.execute(f"SELECT lower({col}), count(*) FROM raw "
                       f"WHERE NOT {_no_token_sql(col)} AND lower({col}) IN ({marks}) GROUP BY 1 ORDER BY 1",
                       list(_BY_LOWER)).fetchall()


def _names_in_categories(con, found: dict[str, dict[str, int]], categories: list[str]) -> dict[str, str]:
    """token -> why it may be a name, for each of NAMES found in a category column (with the column's most
    frequent other values as the evidence)."""
    out = {}
    for token, why in NAMES.items():
        for column in (c for c in categories if c in found.get(token, {})):
            col = quote_ident(column)
            others = [v for (v,) in con.execute(
                f"SELECT {col} FROM raw WHERE {col} IS NOT NULL AND lower({col}) <> ? "
                f"GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3", [token.lower()]).fetchall()]
            beside = f" beside {', '.join(others)}" if others else ""
            out[token] = (f"{token!r} is a value of the category column {column!r}{beside}: it may be a name "
                          f"({why}), not an empty cell; leave it unticked to keep it as written")
            break
    return out


def read_missing_tokens(chk: _Checker, columns: list[str], warnings: list[str],
                        categories: list[str] = ()) -> None:
    """Ask which tokens mean "no value", rewrite those cells to NULL in `raw`, and say how many per token.
    `categories`: the columns mapped to a category field, where NA and None may be names."""
    found: dict[str, dict[str, int]] = {}  # token -> column -> cells
    for column in columns:
        for low, n in token_cells(chk.con, column):
            found.setdefault(_BY_LOWER[low], {})[column] = n
    if not found:
        return
    given = chk.questions.answers.get("missing_tokens") or []
    given = given.split(",") if isinstance(given, str) else given
    # Tokens the analyst named before (a saved preset) stay valid answers in a file that lacks them.
    choices = (*DEFAULT_TOKENS, *(t for t in OTHER_TOKENS if t in found or t in given))

    def where(token: str) -> str:
        cols = found.get(token, {})
        per = ", ".join(f"'{c}' {n:,}" for c, n in sorted(cols.items(), key=lambda x: -x[1])[:4])
        return f"{token}: {sum(cols.values()):,} cells ({per}{' …' if len(cols) > 4 else ''})"

    names = _names_in_categories(chk.con, found, list(categories))
    answer = chk.questions.ask(Question(
        "missing_tokens", "Which values mean “no value” (read as empty cells, like blanks)?", choices, {},
        [t for t in DEFAULT_TOKENS if t in found and t not in names],
        "".join(f"{why}. " for why in names.values()) + "; ".join(where(t) for t in choices if t in found) + ".",
        multi=True, must_confirm=bool(names)))
    chosen = [t for t in (answer or []) if t in found]
    if not chosen:
        return
    lowered = [t.lower() for t in chosen]
    marks = ", ".join("?" for _ in lowered)
    for column in {c for t in chosen for c in found[t]}:
        col = quote_ident(column)
        chk.con.execute(f"UPDATE raw SET {col} = NULL WHERE lower({col}) IN ({marks})", lowered)
    warnings.append("Read as empty (missing-value tokens): " + "; ".join(where(t) for t in chosen) + ".")
