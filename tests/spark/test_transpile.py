"""One SQL text for both engines: parameters become typed literals in the SQLGlot tree, and what SQLGlot would pass
to Spark unchanged (or wrongly) is refused with its name. No Spark needed."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest

from metrics.engines import EngineError, literal, to_spark


def test_parameters_become_typed_literals():
    sql = "SELECT * FROM t WHERE m BETWEEN $first AND $last AND ($cfrom IS NULL OR m >= $cfrom) AND n = $k"
    assert to_spark(sql, {"first": dt.date(2024, 1, 1), "last": dt.date(2024, 12, 1), "cfrom": None, "k": 12}) == (
        "SELECT * FROM t WHERE m BETWEEN CAST('2024-01-01' AS DATE) AND CAST('2024-12-01' AS DATE) "
        "AND (NULL IS NULL OR m >= NULL) AND n = 12")


def test_text_parameters_are_quoted_not_spliced():
    # A quote in a value stays inside one Spark string literal (Spark escapes with a backslash).
    assert to_spark("SELECT * FROM t WHERE s = $s", {"s": "O'Neil') OR (1=1"}) == (
        "SELECT * FROM t WHERE s = 'O\\'Neil\\') OR (1=1'")


def test_literals_keep_their_type():
    assert literal(dt.date(2026, 2, 1)) == "CAST('2026-02-01' AS DATE)"
    assert literal(dt.datetime(2026, 2, 1, 13, 5)) == "CAST('2026-02-01 13:05:00' AS TIMESTAMP)"
    assert literal(decimal.Decimal("12.50")) == "CAST('12.50' AS DECIMAL(38, 2))"
    assert literal(True) == "TRUE" and literal(None) == "NULL" and literal(7) == "7"
    with pytest.raises(TypeError):
        literal(object())


def test_duckdb_forms_spark_runs():
    assert to_spark("SELECT date_trunc('month', d)::DATE AS m, count_if(a) AS n FROM t GROUP BY ALL") == (
        "SELECT CAST(DATE_TRUNC('MONTH', d) AS DATE) AS m, COUNT_IF(a) AS n FROM t GROUP BY ALL")
    # DuckDB sorts NULLs last in a window's ORDER BY; SQLGlot keeps that order explicit for Spark.
    assert "NULLS LAST" in to_spark("SELECT lag(x) OVER (PARTITION BY c ORDER BY m) FROM t")


def test_a_missing_parameter_is_an_error():
    with pytest.raises(EngineError, match="without a value: last"):
        to_spark("SELECT * FROM t WHERE m <= $last", {})


@pytest.mark.parametrize("sql, named", [
    ("SELECT * FROM a ASOF LEFT JOIN b ON a.x = b.x AND a.m > b.m", "ASOF"),
    ("SELECT (month + to_months(12))::DATE FROM t", "to_months"),
    ("SELECT unnest(generate_series(a, b, INTERVAL 1 MONTH))::DATE FROM t", "unnest"),
])
def test_constructs_sqlglot_passes_silently_are_refused(sql, named):
    with pytest.raises(EngineError, match=named):
        to_spark(sql)


@pytest.mark.parametrize("name", ["export", "build"])
def test_commands_document_every_option_in_the_readme(name, capsys):
    """As tests/cli/test_cli_docs.py asks of every command: help from the docstring with an example, each option
    named in the README (here its "Facts on Spark" section), and --help without the data stack."""
    import argparse
    import importlib
    import re
    import subprocess
    import sys
    from pathlib import Path

    command = importlib.import_module(f"metrics.{name}")
    assert command.main(["--help"]) == 0
    assert "Example" in command.__doc__ and command.__doc__.split("\n")[0] in capsys.readouterr().out
    readme = Path(__file__).resolve().parents[2] / "README.md"
    section = re.search(r"^## Facts on Spark\n(.*?)^## ", readme.read_text(), re.S | re.M).group(1)
    options = [o for a in command.build_parser()._actions if a.help != argparse.SUPPRESS
               for o in a.option_strings if o.startswith("--") and o != "--help"]
    assert [o for o in options if o not in section] == []
    code = (f"import sys; from metrics import {name}; {name}.main(['--help']); "
            "print(sorted(m for m in ('duckdb', 'pandas', 'pyspark', 'sqlglot') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=readme.parent).stdout
    assert out.strip().endswith("[]")
