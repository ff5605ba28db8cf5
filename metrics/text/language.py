"""Offline language detection for customer comments: en, fr, de, es, pt, or None ("not scored").

- Text mostly in another script (Japanese, Chinese, Korean, Cyrillic, Arabic…) is None straight away.
- Otherwise Lingua (lingua-language-detector, Apache-2.0, its n-gram models ship inside the wheel: nothing is
  downloaded) chooses among en, fr, de, es, pt and two decoys, Italian and Dutch, which are there so that
  their comments come out as None instead of being forced into Spanish or German. Measured here on 1,091
  short comments restricted to our five languages: 0.999 (see /work/shared/DEPENDENCIES.md).
- Short comments are often ambiguous ("Funciona." is Spanish and Portuguese; "N/A", "Ok"). When Lingua's
  confidence is below CONFIDENT, the comment takes the most common confident language of its batch if
  Lingua gives that language some chance (≥ PLAUSIBLE): an export is nearly always mostly one language,
  while a Spanish comment in an English export still gives English next to no chance and stays Spanish.
  `fallback=None` turns this off.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections import Counter
from functools import cache

import numpy as np
from lingua import Language, LanguageDetectorBuilder

SCORED = ("en", "fr", "de", "es", "pt")
CONFIDENT = 0.6
PLAUSIBLE = 0.1
_CODES = {
    Language.ENGLISH: "en",
    Language.FRENCH: "fr",
    Language.GERMAN: "de",
    Language.SPANISH: "es",
    Language.PORTUGUESE: "pt",
    Language.ITALIAN: "it",
    Language.DUTCH: "nl",
}
# Scripts whose letters mean "not one of our languages".
_LATIN = ("LATIN",)


@cache
def _detector():
    # Lazy model loading: the first call costs ~1 s per language model actually consulted.
    return LanguageDetectorBuilder.from_languages(*_CODES).build()


def unload() -> None:
    """Give back Lingua's models once a batch is read (~290 MB for these seven languages, measured): the next batch
    (an NPS upload's analysis, a ticket file) loads them again at ~1 s a model, instead of a server keeping them
    beside its pages for its whole life. Safe beside a detection in another thread: Lingua loads what it misses."""
    if _detector.cache_info().currsize:
        _detector().unload_language_models()


def _foreign_script(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    foreign = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith(_LATIN))
    return foreign / len(letters) > 0.3


def confidences(texts: list[str]) -> list[dict[str, float]]:
    """Lingua's confidence per language code (the decoys it/nl included) for each text."""
    results = _detector().compute_language_confidence_values_in_parallel(texts)
    return [{_CODES[c.language]: c.value for c in result} for result in results]


# Texts are scored this many at a time and only a compact matrix of their confidences is kept: Lingua's result
# objects and a dict per text for a whole export took ~500 bytes a comment (1M comments: ~0.5 GB), and the
# batches are faster too (142,000 comments: 13.2 -> 10.0 s).
CHUNK = 5_000
_LANGS = list(dict.fromkeys(_CODES.values()))
_COLUMN = {code: j for j, code in enumerate(_LANGS)}


class Detection:
    """The languages of a stream of texts fed in chunks (add), resolved once every text is seen (languages):
    the batch majority needs all of them. Holds Lingua's confidences as a matrix, never the texts."""

    def __init__(self) -> None:
        # Per text, compact (a million comments): a list of Python floats and ints took ~60 MB more.
        self.found: list[str | None] = []   # Lingua's best language per text (None: not usable)
        self.best = array("d")              # its confidence (0 for an unusable text)
        self._values: list[np.ndarray] = []  # per chunk: confidences of its usable texts × _LANGS
        self._usable = array("q")           # the position of each usable text, in the order of the matrix rows

    def add(self, texts) -> None:
        for start in range(0, len(texts), CHUNK):
            self._add(list(texts[start:start + CHUNK]))

    def _add(self, texts: list) -> None:
        offset = len(self.found)
        plain = {t: bool(t.strip()) and not _foreign_script(t) for t in set(texts) if isinstance(t, str)}
        usable = [i for i, t in enumerate(texts) if isinstance(t, str) and plain[t]]
        found: list[str | None] = [None] * len(texts)
        best = [0.0] * len(texts)
        values = np.zeros((len(usable), len(_LANGS)))
        # Each distinct text is scored once (Lingua scores a text on its own): exports repeat short comments.
        distinct = list(dict.fromkeys(texts[i] for i in usable))
        scored = dict(zip(distinct, confidences(distinct), strict=True))
        for row, i in enumerate(usable):
            conf = scored[texts[i]]
            found[i] = max(conf, key=conf.get)  # Lingua's order breaks a tie
            best[i] = conf[found[i]]
            for code, value in conf.items():
                values[row, _COLUMN[code]] = value
        self.found += found
        self.best.extend(best)
        self._values.append(values)
        self._usable.extend(offset + i for i in usable)

    def languages(self, fallback: str | None = "majority") -> list[str | None]:
        if fallback not in ("majority", None):
            raise ValueError("fallback is 'majority' or None")
        found = list(self.found)
        confident = Counter(found[i] for i in self._usable if self.best[i] >= CONFIDENT)
        majority = next((lang for lang, _ in confident.most_common() if lang in SCORED), None)
        if fallback == "majority" and majority is not None and self._usable:
            plausible = np.concatenate(self._values)[:, _COLUMN[majority]] >= PLAUSIBLE
            for row, i in enumerate(self._usable):
                if self.best[i] < CONFIDENT and plausible[row]:
                    found[i] = majority
        return [lang if lang in SCORED else None for lang in found]


def detect(texts, fallback: str | None = "majority") -> list[str | None]:
    """Language of each text: "en", "fr", "de", "es", "pt" or None (not scored)."""
    if fallback not in ("majority", None):  # before any text is scored (Detection.languages checks it again)
        raise ValueError("fallback is 'majority' or None")
    found = Detection()
    found.add(list(texts))
    return found.languages(fallback)


def detect_one(text: str | None) -> str | None:
    """The language of a single text, without a batch to fall back on."""
    return detect([text], fallback=None)[0]
