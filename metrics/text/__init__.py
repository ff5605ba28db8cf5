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
    from metrics.text import language, sentiment, themes

    texts = list(texts)
    langs = language.detect(texts, fallback=fallback)
    rows = []
    for text, lang in zip(texts, langs, strict=True):
        if lang is None:
            rows.append((None, NOT_SCORED, math.nan, []))
            continue
        label, value = sentiment.score(text, lang)
        rows.append((lang, label, value, themes.assign(text, lang, theme_map)))
    return pd.DataFrame(rows, columns=["lang", "sentiment", "score", "themes"])
