"""Registry-wide rules (MetricFlow's validations, one small check each): every entry of metrics/definitions.py is
unique, computed by a function a page calls, formatted by a known formatter, owned by a role page, named in a
test, and no metric threshold is written as a literal outside metrics/rules.py."""

import importlib
import re
from pathlib import Path

import pytest

from metrics.definitions import FORMATTERS, METRICS, OWNERS

ROOT = Path(__file__).resolve().parent.parent
PAGE_CODE = [ROOT / "ui.py", *sorted((ROOT / "pages").glob("*.py"))]


def test_names_and_labels_are_unique():
    labels = [m.label for m in METRICS.values()]
    assert len(set(labels)) == len(labels), [x for x in labels if labels.count(x) > 1]
    assert all(name == m.name for name, m in METRICS.items())


@pytest.mark.parametrize("name", sorted(METRICS))
def test_function_exists_and_a_page_calls_it(name):
    m = METRICS[name]
    module, _, function = m.compute.rpartition(".")
    assert module.startswith("metrics."), m.compute
    assert callable(getattr(importlib.import_module(module), function, None)), m.compute
    assert any(re.search(rf"\b{re.escape(m.call)}\b", p.read_text()) for p in PAGE_CODE), \
        f"no page calls {m.call}"


@pytest.mark.parametrize("name", sorted(METRICS))
def test_format_owner_and_rules_are_known(name):
    m = METRICS[name]
    assert m.fmt in FORMATTERS and m.owner in OWNERS
    assert m.fact and m.interval and m.min_n and m.definition.endswith((".", ")"))


def test_every_metric_is_named_in_a_test():
    texts = [p.read_text() for p in (ROOT / "tests").rglob("*.py") if p.name != "test_registry.py"]
    untested = [n for n in METRICS if not any(re.search(rf"[\"']{n}[\"']", t) for t in texts)]
    assert not untested, f"no test names {untested}"


# The NPS bands and the 95% z as they would be written in code or SQL: `>= 9`, `>= 7`, `<= 6`, `BETWEEN 7 AND 8`,
# `1.96` (prose such as "9–10" is not a threshold and is allowed).
THRESHOLD = re.compile(r">=\s*[79]\b|<=\s*6\b|\bBETWEEN\s+7\s+AND\s+8\b|(?<![\d.])1\.96(?!\d)")
# metrics/store.py is another engineer's file during this change: these are its known literals, to be replaced
# by metrics.rules (CATEGORY_SQL, band_sql); a new one there still fails. Remove them here once store.py is done.
PENDING: dict[str, set[str]] = {}  # every threshold literal now lives in metrics/rules.py


def test_no_threshold_literal_outside_rules():
    files = [*sorted((ROOT / "metrics").glob("*.py")), *sorted((ROOT / "pages").glob("*.py")),
             ROOT / "ui.py", ROOT / "charts.py"]
    found = [(str(p.relative_to(ROOT)), line.strip()) for p in files if p.name != "rules.py"
             for line in p.read_text().splitlines() if THRESHOLD.search(line)]
    unexpected = [(f, line) for f, line in found if line not in PENDING.get(f, set())]
    assert not unexpected


def test_threshold_pattern_catches_what_it_should():
    assert THRESHOLD.search("sum(x) FILTER (score >= 9)") and THRESHOLD.search("abs(z) >= 1.96")
    assert THRESHOLD.search("score BETWEEN 7 AND 8") and THRESHOLD.search("score <=6")
    assert not THRESHOLD.search("promoter 9–10, n ≥ 30") and not THRESHOLD.search("x >= 90 or 11.965")
