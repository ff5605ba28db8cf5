"""A quote opened and never closed makes every later line one cell, until Python's csv module stops at its field
limit: the refusal named that line ('near line 7,017', a normal row) instead of the line the quote opened on."""

from __future__ import annotations

import pytest
from conftest import prepare_bytes

from metrics.errors import UnreadableFileError


def test_an_unclosed_quote_is_named_at_the_line_it_opened_on():
    lines = ["customer_id,month,mrr", 'C0,2026-01,"100'] + [f"C{i},2026-01,{i}" for i in range(1, 20_000)]
    with pytest.raises(UnreadableFileError) as err:
        prepare_bytes(("\n".join(lines) + "\n").encode(), "revenue")
    assert "the quote (\") opened on line 2 is never closed" in str(err.value)
