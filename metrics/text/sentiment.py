"""Sentiment of one customer comment from its text alone (never from the score it came with).

A rule-based scorer over the per-language lexicons in data/sentiment/ (our own word lists, written for
customer feedback on software: "slow", "crash", "charged twice", "saved hours", "helpful"…), in the
spirit of VADER (Hutto & Gilbert 2014) but per language:

- each matched entry adds its valence; multi-word entries ("takes forever", "vale cada centavo") win over
  their single words;
- a negator up to three words before a sentiment word flips and dampens it (× -0.74, VADER's factor):
  "not intuitive", "ne marche pas", "no es barato"; in German the negator usually follows the verb
  ("hilft nicht"), so there a negator right after a praise word, or one that negated nothing after it,
  applies to the praise before it;
- negated praise is a complaint of at least NEGATED_PRAISE ("passt nicht", "does not fit");
- an entry that holds its own negation ("never arrived", "jamais reçu") is not flipped again by the
  negator before it ("je n'ai jamais reçu");
- an intensifier right before a word scales it ("very slow", "trop cher", "sehr gut");
- in a sentence with a contrast word ("but", "mais", "aber", "pero", "mas") what precedes counts half and
  what follows one and a half: "Nice design but so slow nobody uses it" is negative;
- requests and questions ("could you add…", "would be nice…", "?") damp their sentence: they are
  mostly neutral asks that happen to contain "nice" or "better";
- the sum s becomes a score s / sqrt(s² + 4) in (-1, 1); a neutral band per language decides the label,
  tuned on the tuning sample of public star-rated reviews (evaluate.public_sample) among the bands that
  keep tests/fixtures/comments within 0.03 of its agreement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from metrics.text import lexicon
from metrics.text.normalize import CLAUSE_END, PUNCT, tokens

LABELS = ("negative", "neutral", "positive")
SCORED = ("en", "fr", "de", "es", "pt")
NEGATION = -0.74
NEGATION_SCOPE = 4
NEGATED_PRAISE = 1.0
INTENSIFIER_SCOPE = 2
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5
ALPHA = 4.0
DEFAULT_BAND = 0.3


@dataclass
class _Item:
    kind: str  # words, negators, intensifiers, contrast, requests, punct, other
    value: float | None
    used: bool = False
    char: str = ""  # the punctuation mark, for punct items
    # an entry that holds its own negation ("never arrived", "ne fonctionne pas", "nicht kaufen"): the
    # negator the writer put before it ("je n'ai jamais reçu") is part of the same complaint, not a flip
    self_negated: bool = False


def _items(text: str, lex: lexicon.Lexicon) -> list[_Item]:
    toks = tokens(text, lex.lang)
    items: list[_Item] = []
    i = 0
    while i < len(toks):
        if toks[i] in PUNCT:
            # a question mark is also a request marker; kept as punct so scopes still stop there
            items.append(_Item("punct", None, char=toks[i]))
            i += 1
            continue
        hit = lex.match(toks, i)
        if hit is None:
            items.append(_Item("other", None))
            i += 1
        else:
            entry, n = hit
            self_negated = entry.kind == "words" and n > 1 and any(lex.is_negator(w) for w in entry.pattern)
            items.append(_Item(entry.kind, entry.value, self_negated=self_negated))
            i += n
    return items


def _negate(value: float) -> float:
    """A negated sentiment word. Negated praise is a complaint of at least NEGATED_PRAISE however mild the
    praise: "passt nicht", "does not work" and "ne marche pas" are complaints, not a faint -0.2."""
    if value > 0:
        return min(value * NEGATION, -NEGATED_PRAISE)
    return value * NEGATION


def _praises(items: list[_Item], j: int) -> bool:
    return j >= 0 and items[j].kind == "words" and float(items[j].value or 0.0) > 0


def _blocked(item: _Item) -> bool:
    return item.kind in ("punct", "contrast")


def raw_score(text: str, lang: str) -> float:
    """The unbounded valence sum of a comment (what the label and score are made from)."""
    lex = lexicon.load(lang)
    items = _items(text, lex)
    post_negation = lex.settings.get("post_negation", 0.0) > 0
    contributions: list[tuple[int, float]] = []
    for i, item in enumerate(items):
        if item.kind != "words":
            continue
        value = float(item.value or 0.0)
        negated = False
        factor = 1.0
        for step, j in enumerate(range(i - 1, max(-1, i - 1 - NEGATION_SCOPE), -1)):
            before = items[j]
            if _blocked(before):
                break
            if before.kind == "negators" and item.self_negated:
                before.used = True
                continue
            if before.kind == "negators" and post_negation and _praises(items, j - 1):
                # German "funktioniert nicht, ist defekt": the negator right after a praise word negates
                # that word (below), not the complaint that follows it
                continue
            # a negator flips the first sentiment word after it only: "pas cher et très fiable"
            if before.kind == "negators" and not negated and not before.used:
                negated = True
                before.used = True
            elif before.kind == "intensifiers" and step < INTENSIFIER_SCOPE and factor == 1.0:
                factor = float(before.value or 1.0)
        if negated:
            value = _negate(value)
        contributions.append((i, value * factor))
    for i, item in enumerate(items):
        if item.kind != "negators" or item.used:
            continue
        # German-style post-verbal negation: "die Schulung hat nicht geholfen" is caught above, but
        # "das hilft nicht" has the sentiment word first. Only praise is negated backwards: in
        # "funktioniert leider nicht" the complaint word "leider" stays a complaint.
        if post_negation:
            for j in range(i - 1, max(-1, i - 1 - NEGATION_SCOPE), -1):
                if _blocked(items[j]):
                    break
                index = next((k for k, (at, v) in enumerate(contributions) if at == j and v > 0), None)
                if index is not None:
                    at, value = contributions[index]
                    contributions[index] = (at, _negate(value))
                    item.used = True
                    break
        if not item.used and item.value is not None:
            # "nobody", "personne", "niemand": a complaint of its own when it negates nothing
            contributions.append((i, float(item.value)))
    total = _weigh_sentences(items, contributions, lex.settings.get("question_damp", 0.5))
    exclaim = sum(1 for item in items if item.char == "!")
    return total * (1.0 + 0.1 * min(exclaim, 3))


def _weigh_sentences(items: list[_Item], contributions: list[tuple[int, float]], question_damp: float) -> float:
    """Sum the contributions sentence by sentence. Within a sentence, what follows the last contrast word
    outweighs what precedes it; a request or a question damps its own sentence only ("Easy to use. I'd
    like more boards on the free plan." stays positive)."""
    weights = [1.0] * len(items)
    start = 0
    # commas do not end a sentence here ("Not cheap, but it pays for itself")
    ends = [k for k, it in enumerate(items) if it.char in CLAUSE_END and it.kind == "punct"]
    for end in [*ends, len(items)]:
        span = range(start, min(end + 1, len(items)))
        damp = 1.0
        for k in span:
            if items[k].kind == "requests":
                damp = min(damp, float(items[k].value or 1.0))
            elif items[k].char == "?":
                damp = min(damp, question_damp)
        contrast = [k for k in span if items[k].kind == "contrast"]
        pivot = contrast[-1] if contrast else None
        for k in span:
            weight = 1.0 if pivot is None else BEFORE_CONTRAST if k < pivot else AFTER_CONTRAST
            weights[k] = weight * damp
        start = end + 1
    return sum(value * weights[at] for at, value in contributions)


def bounded(total: float) -> float:
    return total / math.sqrt(total * total + ALPHA)


def band(lang: str) -> tuple[float, float]:
    """(negative threshold, positive threshold) on the bounded score; between them is neutral."""
    settings = lexicon.load(lang).settings
    return -settings.get("neutral_neg", DEFAULT_BAND), settings.get("neutral_pos", DEFAULT_BAND)


def label_of(value: float, lang: str) -> str:
    low, high = band(lang)
    if value >= high:
        return "positive"
    if value <= low:
        return "negative"
    return "neutral"


def score(text: str, lang: str) -> tuple[str, float]:
    """(label, score in [-1, 1]) for a comment in a scored language (en, fr, de, es, pt)."""
    if lang not in SCORED:
        raise ValueError(f"language {lang!r} is not scored; say 'not scored' instead of guessing")
    value = bounded(raw_score(text or "", lang))
    return label_of(value, lang), round(value, 4)
