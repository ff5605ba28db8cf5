"""The text engine of "What customers say": language, sentiment and themes of customer comments.

Everything runs offline: the sentiment lexicons and the theme map are data files in this package
(data/), English sentiment also reads VADER's word list from the installed vaderSentiment package, and
language detection uses the n-gram models inside the lingua-language-detector wheel.
"""

from __future__ import annotations

import math

import pandas as pd

NOT_SCORED = "not scored"


def analyse(texts, theme_map=None, fallback: str | None = "majority") -> pd.DataFrame:
    """One row per comment: lang (None when not scored), sentiment (positive/neutral/negative or
    "not scored"), score in [-1, 1] (NaN when not scored) and themes (a list, in the map's order)."""
    from metrics.text import language

    texts = list(texts)
    return analyse_in(texts, language.detect(texts, fallback=fallback), theme_map)


def analyse_chunks(read, theme_map=None, fallback: str | None = "majority"):
    """analyse() of a batch too large to hold: `read()` yields (key, texts) chunks, the same chunks in the same
    order each time it is called; yields (key, frame) per chunk, the frame as analyse() gives it for the whole
    batch. The texts are read twice: every language first (a comment too short to tell takes the batch's
    majority language), then sentiment and themes. Only one chunk of texts is held at a time."""
    from metrics.text import language

    found = language.Detection()
    try:
        for _key, texts in read():
            found.add(texts)
        langs, done = found.languages(fallback), 0
    finally:  # the second reading needs no language model: ~290 MB given back before it (and by a failed reading)
        language.unload()
    del found
    for key, texts in read():
        yield key, analyse_in(texts, langs[done:done + len(texts)], theme_map)
        done += len(texts)
    if done != len(langs):
        raise RuntimeError(f"the batch changed between its two readings ({len(langs):,} then {done:,} texts)")


def analyse_in(texts, langs, theme_map=None) -> pd.DataFrame:
    """analyse() of texts whose languages are known already."""
    from metrics.text import sentiment, themes

    rows = []
    seen: dict[tuple[str, str], tuple] = {}  # both read a text alone: a repeated comment is read once
    for text, lang in zip(texts, langs, strict=True):
        if lang is None:
            rows.append((None, NOT_SCORED, math.nan, []))
            continue
        if (text, lang) not in seen:
            seen[text, lang] = (*sentiment.score(text, lang), themes.assign(text, lang, theme_map))
        label, value, found = seen[text, lang]
        rows.append((lang, label, value, list(found)))  # a list of its own per row, as before
    return pd.DataFrame(rows, columns=["lang", "sentiment", "score", "themes"])
