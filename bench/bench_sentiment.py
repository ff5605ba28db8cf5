"""Agreement of metrics.text.sentiment with hand-labelled comments, per language.

    .venv/bin/python bench/bench_sentiment.py [--errors LANG] [--split all|tune|held-out]

The labelled sets are tests/fixtures/comments/<lang>.csv (written for this project). Rows with an even
index (0, 2, 4, …) are the tuning half (lexicon words and neutral bands were adjusted looking at these),
odd rows are held out. Two figures, as in the issue:
- positive vs negative: on comments labelled positive or negative; a neutral answer counts as wrong;
- three classes: on all comments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.text import sentiment  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "comments"


def labelled(lang: str) -> pd.DataFrame:
    frame = pd.read_csv(FIXTURES / f"{lang}.csv", keep_default_na=False)
    frame["split"] = ["tune" if i % 2 == 0 else "held-out" for i in range(len(frame))]
    return frame


def agreement(frame: pd.DataFrame, lang: str) -> dict[str, float]:
    predicted = [sentiment.score(text, lang)[0] for text in frame["text"]]
    right = pd.Series(predicted, index=frame.index) == frame["label"]
    polar = frame["label"] != "neutral"
    return {
        "n_polar": int(polar.sum()),
        "pos_neg": float(right[polar].mean()),
        "n": len(frame),
        "three_class": float(right.mean()),
    }


def table(split: str = "all") -> pd.DataFrame:
    rows = []
    for lang in sentiment.SCORED:
        frame = labelled(lang)
        parts = {"all": frame, "tune": frame[frame.split == "tune"], "held-out": frame[frame.split == "held-out"]}
        for name, part in parts.items():
            if split != "all" and name not in (split,):
                continue
            rows.append({"lang": lang, "split": name, **agreement(part, lang)})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", help="print the disagreements for one language (tuning half only)")
    parser.add_argument("--split", default="all", choices=["all", "tune", "held-out"])
    args = parser.parse_args()
    if args.errors:
        frame = labelled(args.errors)
        for _, row in frame[frame.split == "tune"].iterrows():
            label, value = sentiment.score(row.text, args.errors)
            if label != row.label:
                print(f"{row.label:>8} got {label:>8} {value:+.3f}  {row.text}")
        return
    result = table(args.split)
    print(result.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


if __name__ == "__main__":
    main()
