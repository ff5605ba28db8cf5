"""Agreement tables for the comment text engine (metrics/text): sentiment, language, themes.

    .venv/bin/python bench/bench_sentiment.py                      # tables on tests/fixtures/comments
    .venv/bin/python bench/bench_sentiment.py --errors fr          # disagreements on the tuning half
    .venv/bin/python bench/bench_sentiment.py --hutto DIR          # + public labelled English snippets
    .venv/bin/python bench/bench_sentiment.py --export FILE.csv --text-column text [--nps-column NPS_Score]

Sentiment figures as in the issue: positive vs negative (over comments labelled positive or negative, a
neutral answer counted wrong) and three classes (over all), with n, per language, on all rows, the tuning
half (even rows) and the held-out half (odd rows).

--hutto DIR: the human-rated snippets of Hutto & Gilbert (ICWSM 2014, MIT licence), i.e. the folder
hutto_ICWSM_2014 from additional_resources/hutto_ICWSM_2014.tar.gz of the vaderSentiment repository.
Each snippet has the mean of 10–20 raters on -4 … +4; ≥ 1 is counted positive, ≤ -1 negative, between
neutral. Read from where it lies; nothing of it is copied into the project.

--export: an unlabelled export (e.g. nps_miro.csv): language split and sentiment shares; with
--nps-column, agreement with the NPS category as a rough proxy (promoter ~ positive, detractor ~
negative), which is not a sentiment label: a promoter may well write a complaint.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.text import evaluate, language, sentiment  # noqa: E402

HUTTO_SETS = ("amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets", "tweets")


def fmt(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.3f}")


def language_table() -> pd.DataFrame:
    rows = []
    texts: list[str] = []
    truth: list[str] = []
    for lang in sentiment.SCORED:
        frame = evaluate.labelled(lang)
        found = language.detect(frame["text"])
        rows.append({"batch": f"{lang} file", "n": len(frame), "accuracy": sum(f == lang for f in found) / len(frame)})
        texts += list(frame["text"])
        truth += [lang] * len(frame)
    for fallback in ("majority", None):
        found = language.detect(texts, fallback=fallback)
        rows.append(
            {
                "batch": f"all five mixed, fallback={fallback}",
                "n": len(texts),
                "accuracy": sum(f == t for f, t in zip(found, truth, strict=True)) / len(texts),
            }
        )
    return pd.DataFrame(rows)


def vader_label(text: str) -> str:
    """The ready-made baseline: VADER's compound score with its authors' ±0.05 thresholds."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    global _VADER
    if _VADER is None:
        _VADER = SentimentIntensityAnalyzer()
    compound = _VADER.polarity_scores(text)["compound"]
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


_VADER = None


def baseline_table() -> pd.DataFrame:
    """VADER (English-only) on the same labelled comments, every language, for comparison."""
    rows = []
    for lang in sentiment.SCORED:
        for split in ("all", "held-out"):
            frame = evaluate.labelled(lang, split)
            predicted = [vader_label(text) for text in frame["text"]]
            rows.append({"lang": lang, "split": split, **evaluate.sentiment_agreement(list(frame["label"]), predicted)})
    return pd.DataFrame(rows)


def hutto_table(folder: Path) -> pd.DataFrame:
    rows = []
    for name in HUTTO_SETS:
        path = folder / f"{name}_GroundTruth.txt"
        if not path.exists():
            continue
        records = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                records.append((float(parts[1]), parts[2]))
        labels = ["positive" if v >= 1 else "negative" if v <= -1 else "neutral" for v, _ in records]
        ours = evaluate.sentiment_agreement(labels, [sentiment.score(text, "en")[0] for _, text in records])
        vader = evaluate.sentiment_agreement(labels, [vader_label(text) for _, text in records])
        rows.append(
            {
                "set": name,
                "n_polar": ours["n_polar"],
                "n": ours["n"],
                "pos_neg": ours["pos_neg"],
                "three_class": ours["three_class"],
                "vader_pos_neg": vader["pos_neg"],
                "vader_three_class": vader["three_class"],
            }
        )
    return pd.DataFrame(rows)


def export_report(path: Path, text_column: str, nps_column: str | None) -> None:
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    texts = list(frame[text_column])
    started = time.perf_counter()
    langs = language.detect(texts)
    labels = [sentiment.score(t, lang)[0] if lang else "not scored" for t, lang in zip(texts, langs, strict=True)]
    seconds = time.perf_counter() - started
    print(f"{path.name}: {len(texts)} comments, {seconds:.1f} s for language + sentiment")
    split = pd.Series([lang or "not scored" for lang in langs]).value_counts()
    print("language split:", ", ".join(f"{k} {v}" for k, v in split.items()))
    result = pd.DataFrame({"lang": [lang or "not scored" for lang in langs], "label": labels})
    scored = result[result["label"] != "not scored"]
    shares = scored.groupby("lang")["label"].value_counts(normalize=True).unstack(fill_value=0.0)
    shares["n"] = scored.groupby("lang").size()
    print("sentiment shares over scored comments:")
    print(fmt(shares.reset_index()))
    if nps_column:
        score = pd.to_numeric(frame[nps_column], errors="coerce")
        category = pd.Series(["positive" if s >= 9 else "negative" if s <= 6 else "neutral" for s in score.fillna(8)])
        keep = (result["label"] != "not scored") & score.notna()
        agreement = evaluate.sentiment_agreement(list(category[keep]), list(result["label"][keep]))
        vader = evaluate.sentiment_agreement(
            list(category[keep]), [vader_label(t) for t, k in zip(texts, list(keep), strict=True) if k]
        )
        agreement.update({"vader_pos_neg": vader["pos_neg"], "vader_three_class": vader["three_class"]})
        print("proxy agreement with NPS category (promoter=positive, detractor=negative, passive=neutral):")
        print(fmt(pd.DataFrame([agreement])))
        print(pd.crosstab(category[keep].rename("nps category"), result["label"][keep].rename("text sentiment")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", help="print the sentiment disagreements of one language (tuning half)")
    parser.add_argument("--hutto", type=Path, help="folder hutto_ICWSM_2014 (public human-rated English snippets)")
    parser.add_argument("--export", type=Path, help="an unlabelled export to report language and sentiment shares")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--nps-column")
    args = parser.parse_args()
    if args.errors:
        frame = evaluate.labelled(args.errors, "tune")
        for text, wanted in zip(frame["text"], frame["label"], strict=True):
            label, value = sentiment.score(text, args.errors)
            if label != wanted:
                print(f"{wanted:>8} got {label:>8} {value:+.3f}  {text}")
        return
    if args.export:
        export_report(args.export, args.text_column, args.nps_column)
        return
    print("Sentiment agreement with hand-labelled comments (tests/fixtures/comments)")
    print(fmt(evaluate.sentiment_table()))
    print("\nBaseline: VADER (vaderSentiment 3.3.2, English-only) on the same comments")
    print(fmt(baseline_table()))
    print("\nLanguage detection accuracy on the same comments")
    print(fmt(language_table()))
    print("\nTheme assignment (micro over comment-theme pairs)")
    print(fmt(evaluate.theme_table()))
    if args.hutto:
        print("\nPublic human-rated English snippets (Hutto & Gilbert 2014)")
        print(fmt(hutto_table(args.hutto)))


if __name__ == "__main__":
    main()
