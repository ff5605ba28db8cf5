"""Small SQL text helpers shared by the ingest steps (values are always bound; identifiers quoted once)."""

from __future__ import annotations

from metrics.store import quote_ident


def _blank(col_sql: str) -> str:
    return f"coalesce(trim({col_sql}), '') = ''"


def _text(mapping: dict[str, str], name: str) -> str:
    """Optional text column as trimmed VARCHAR (blank -> NULL), or NULL when unmapped."""
    if name not in mapping:
        return "NULL::VARCHAR"
    return f"nullif(trim({quote_ident(mapping[name])}), '')"


def _flag_sql(col_sql: str) -> str:
    return f"lower(trim(coalesce({col_sql}, '')))"
