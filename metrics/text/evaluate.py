"""Agreement of the text engine with hand-labelled comments (used by the tests and bench/bench_sentiment.py).

The labelled sets are tests/fixtures/comments/<lang>.csv: text, label (positive/neutral/negative) and
themes (";"-separated), written for this project. Rows with an even index are the tuning half (lexicon
entries, theme keywords and the neutral band were adjusted looking only at these); odd rows are held out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from metrics.text import sentiment, themes

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "comments"
SPLITS = ("all", "tune", "held-out")


def labelled(lang: str, split: str = "all", folder: Path = FIXTURES) -> pd.DataFrame:
    frame = pd.read_csv(folder / f"{lang}.csv", keep_default_na=False, dtype=str)
    frame["split"] = ["tune" if i % 2 == 0 else "held-out" for i in range(len(frame))]
    if split not in SPLITS:
        raise ValueError(f"split is one of {SPLITS}")
    return frame if split == "all" else frame[frame["split"] == split]


def sentiment_agreement(labels: list[str], predicted: list[str]) -> dict[str, float]:
    """Positive-vs-negative agreement (over comments labelled positive or negative; a neutral answer is
    wrong) and three-class agreement (over all comments), each with its n."""
    right = [a == b for a, b in zip(labels, predicted, strict=True)]
    polar = [r for r, label in zip(right, labels, strict=True) if label != "neutral"]
    return {
        "n_polar": len(polar),
        "pos_neg": sum(polar) / len(polar) if polar else float("nan"),
        "n": len(right),
        "three_class": sum(right) / len(right) if right else float("nan"),
    }


def sentiment_table(langs=sentiment.SCORED, splits=SPLITS) -> pd.DataFrame:
    rows = []
    for lang in langs:
        for split in splits:
            frame = labelled(lang, split)
            predicted = [sentiment.score(text, lang)[0] for text in frame["text"]]
            rows.append({"lang": lang, "split": split, **sentiment_agreement(list(frame["label"]), predicted)})
    return pd.DataFrame(rows)


def theme_agreement(wanted: list[set[str]], found: list[set[str]]) -> dict[str, float]:
    """Micro precision, recall and F1 over (comment, theme) pairs, and the share of comments whose theme
    set is exactly right."""
    tp = sum(len(w & f) for w, f in zip(wanted, found, strict=True))
    fp = sum(len(f - w) for w, f in zip(wanted, found, strict=True))
    fn = sum(len(w - f) for w, f in zip(wanted, found, strict=True))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return {
        "n": len(wanted),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if tp else 0.0,
        "exact": sum(w == f for w, f in zip(wanted, found, strict=True)) / len(wanted),
    }


def theme_table(langs=sentiment.SCORED, splits=SPLITS, theme_map: themes.ThemeMap | None = None) -> pd.DataFrame:
    rows = []
    for lang in langs:
        for split in splits:
            frame = labelled(lang, split)
            wanted = [{t for t in cell.split(";") if t} for cell in frame["themes"]]
            found = [set(themes.assign(text, lang, theme_map)) for text in frame["text"]]
            rows.append({"lang": lang, "split": split, **theme_agreement(wanted, found)})
    return pd.DataFrame(rows)
