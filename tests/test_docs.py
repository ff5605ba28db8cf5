"""docs/metrics.md is generated from the registry (`python -m metrics.docs`) and must be current; its metric rules
must agree with the team's shared METRICS.md on every rule sentence of the sections it brings in, or say that
this project decides differently and why (metrics/rulebook.py DECIDED_HERE)."""

import os
import re
from pathlib import Path

import pytest

from metrics import docs, rulebook
from metrics.definitions import METRICS

ROOT = Path(__file__).resolve().parent.parent


def shared_metrics_md() -> Path | None:
    """The team's shared METRICS.md: $CX_SHARED_METRICS, else shared/METRICS.md beside a parent of the repo."""
    if os.environ.get("CX_SHARED_METRICS"):
        return Path(os.environ["CX_SHARED_METRICS"])
    return next((p / "shared" / "METRICS.md" for p in ROOT.parents if (p / "shared" / "METRICS.md").exists()), None)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentences(section: str) -> list[str]:
    """A section's rule sentences: each bullet (its continuation lines joined), split after a full stop that
    ends a sentence."""
    bullets = re.split(r"\n\s*- ", "\n" + section.strip())
    return [s for b in bullets if b.strip() for s in re.split(r"(?<=[.])\s+(?=[A-Z\"])", norm(b))]


def shared_sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_docs_file_is_current():
    assert (ROOT / "docs" / "metrics.md").read_text() == docs.render(), "run: python -m metrics.docs"


def test_docs_command_checks_and_writes(tmp_path, capsys):
    out = tmp_path / "metrics.md"
    assert docs.main(["--check", "--output", str(out)]) == 1
    assert docs.main(["--output", str(out)]) == 0
    assert docs.main(["--check", "--output", str(out)]) == 0
    assert out.read_text() == docs.render()


def test_docs_hold_every_entry_whole():
    text = docs.render()
    for m in METRICS.values():
        assert docs.entry_markdown(m) in text, m.name
    # one entry as a reader sees it
    assert ("**NPS** (`nps`, NPS points): Net Promoter Score: % promoters (9–10) − % detractors (0–6)" in text)
    assert "SQL: `SELECT sum(churned) / sum(active_start) FROM fact_month`" in text


def test_rules_agree_with_the_shared_file():
    path = shared_metrics_md()
    if path is None:
        pytest.skip("the team's shared METRICS.md is not beside this checkout")
    shared = shared_sections(path.read_text())
    decided = [norm(k) for k in rulebook.DECIDED_HERE]
    missing = []
    for heading, ours in rulebook.SECTIONS.items():
        assert heading in shared, f"the shared file has no section {heading!r}"
        mine = norm(ours)
        for sentence in sentences(shared[heading]):
            if sentence not in mine and not any(sentence in d for d in decided):
                missing.append((heading, sentence))
    assert not missing, "shared rules neither followed nor listed in DECIDED_HERE: " + repr(missing)
    whole = norm(path.read_text())
    stale = [d for d in decided if d not in whole]
    assert not stale, f"DECIDED_HERE names rules the shared file no longer states: {stale}"


def test_sentence_split_sees_each_rule():
    assert sentences("- Promoter: 9–10. Passive: 7–8.\n  Detractor: 0–6.\n- NPS is never the mean score.") == [
        "Promoter: 9–10.", "Passive: 7–8.", "Detractor: 0–6.", "NPS is never the mean score."]
