"""Reading the per-language sentiment lexicons (metrics/text/data/sentiment/<lang>.txt).

A lexicon is a small sectioned text file so that it can be reviewed and edited by hand:

    [settings]            name value          (neutral band, negation behaviour)
    [words]               entry value         valence, about -3 … +3
    [negators]            entry [value]       flips the next sentiment word; a value is the entry's own
                                              valence when it negates nothing ("nobody" -> a complaint)
    [intensifiers]        entry factor        > 1 strengthens, < 1 softens the next sentiment word
    [contrast]            entry               "but": what follows outweighs what precedes
    [requests]            entry factor        a request or question damps the whole comment
    [concessive]          entry               "although": the clause it opens is conceded, so it weighs less
    [irrealis]            entry               "expected", "wanted to", "would have": praise after it in its
                                              clause is what the writer hoped for, not what they got
    [numbers]             entry number        number words ("one 1", "une 1"), for "<n>" and star mentions
    [stars]               entry               "star*", "etoile*": "<n> stars" is the writer's own rating
    [turn]                entry value         a word with its own valence that also turns the review like
                                              "but" ("unfortunately", "leider"): what came before weighs less
    [excess]              entry side          "too", "demasiado" (side 1: the word after), "demais" (side -1:
                                              the word before): too much of anything is a complaint
    [deduction]           entry side          "Abzug", "off" (side 1, after "one star"), "minus", "je retire"
                                              (side -1, before it; 0 either side): stars taken away, not the rating
    [clause]              entry               "and", "et", "und": a negator does not reach past it
    [minimizer]           entry value         "only complaint", "seul bémol": the complaint in its sentence is
                                              a small one in a review otherwise fine (the entry's own valence)

An entry is one or more words; a word ending in "*" matches any word it begins ("frustrat*" matches
"frustrating", "frustrated"); "a|b" matches either; "<n>" matches a number ("broke after <n> days") and "~"
up to three other words, so a family of phrases is one entry: "stopped|quit|ceased ~ work*". Entries are
folded like the text (lower case, no accents), so they can be written with or without accents. Longer
entries win over shorter ones at the same position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from metrics.text.normalize import fold

DATA = Path(__file__).resolve().parent / "data" / "sentiment"
SECTIONS = (
    "settings", "words", "negators", "intensifiers", "contrast", "requests", "concessive", "irrealis", "numbers",
    "stars", "turn", "excess", "clause", "minimizer",
    "deduction",
)
NUMBER = "<n>"  # in a pattern: a number, in digits or a word of [numbers] ("broke after <n> days")
GAP = "~"  # in a pattern: up to GAP_WORDS other words ("stopped ~ working" also matches "stopped completely working")
GAP_WORDS = 3


@dataclass(frozen=True)
class Entry:
    kind: str  # one of SECTIONS except settings
    value: float | None
    pattern: tuple[str, ...]


@dataclass
class Lexicon:
    lang: str
    settings: dict[str, float] = field(default_factory=dict)
    # first word of an entry (exact, or the stem without "*") -> entries starting with it
    exact: dict[str, list[Entry]] = field(default_factory=dict)
    stems: dict[str, list[Entry]] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        if entry.kind == "numbers":
            self.numbers[entry.pattern[0]] = float(entry.value or 0.0)
            return
        for first in entry.pattern[0].split("|"):
            table = self.stems if first.endswith("*") else self.exact
            table.setdefault(first.rstrip("*"), []).append(entry)

    def number(self, token: str) -> float | None:
        if token.isdigit():
            return float(token)
        return self.numbers.get(token)

    def candidates(self, token: str) -> list[Entry]:
        found = list(self.exact.get(token, ()))
        for n in range(1, len(token) + 1):
            found.extend(self.stems.get(token[:n], ()))
        if self.number(token) is not None:
            found.extend(self.exact.get(NUMBER, ()))
        return found

    def match(self, toks: list[str], i: int) -> tuple[Entry, int] | None:
        """The longest entry matching toks[i:], with its length in tokens."""
        best: tuple[Entry, int] | None = None
        for entry in self.candidates(toks[i]):
            n = self._span(entry.pattern, toks, i)
            # at equal length a turn ("leider") or an excess ("too") wins over the same plain entry
            tie = best is not None and n == best[1] and entry.kind in ("turn", "excess")
            if n is not None and (best is None or n > best[1] or tie):
                best = (entry, n)
        return best

    def _span(self, pattern: tuple[str, ...], toks: list[str], i: int) -> int | None:
        """How many tokens from toks[i] the pattern covers (the longest way), or None."""
        if not pattern:
            return 0
        head, rest = pattern[0], pattern[1:]
        if head == GAP:
            spans = []
            for skip in range(GAP_WORDS + 1):
                if skip and (i + skip > len(toks) or not toks[i + skip - 1].isalnum()):
                    break
                n = self._span(rest, toks, i + skip)
                if n is not None:
                    spans.append(skip + n)
            return max(spans, default=None)
        if i >= len(toks):
            return None
        token = toks[i]
        if head == NUMBER:
            hit = self.number(token) is not None
        else:
            hit = any(_word_matches(p, token) for p in head.split("|"))
        if not hit:
            return None
        n = self._span(rest, toks, i + 1)
        return None if n is None else n + 1

    def is_negator(self, word: str) -> bool:
        return any(e.kind == "negators" and len(e.pattern) == 1 for e in self.candidates(word))

    def entries(self) -> list[Entry]:
        seen = [e for group in (*self.exact.values(), *self.stems.values()) for e in group]
        return seen


def _word_matches(pattern: str, token: str) -> bool:
    if pattern.endswith("*"):
        return token.startswith(pattern[:-1])
    return token == pattern


def parse(text: str, lang: str) -> Lexicon:
    lex = Lexicon(lang)
    section = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            if section not in SECTIONS:
                raise ValueError(f"{lang} lexicon line {number}: unknown section [{section}]")
            continue
        if section is None:
            raise ValueError(f"{lang} lexicon line {number}: entry before any [section]")
        words = fold(line).split()
        value: float | None = None
        try:
            value = float(words[-1])
            words = words[:-1]
        except ValueError:
            pass
        if not words:
            raise ValueError(f"{lang} lexicon line {number}: no words")
        if section == "settings":
            if value is None or len(words) != 1:
                raise ValueError(f"{lang} lexicon line {number}: a setting is 'name value'")
            lex.settings[words[0]] = value
            continue
        if section in ("words", "intensifiers", "requests", "numbers", "turn", "excess", "minimizer",
                                                   "deduction") and value is None:
            raise ValueError(f"{lang} lexicon line {number}: [{section}] entries need a value")
        lex.add(Entry(section, value, tuple(words)))
    return lex


def add_vader_base(lex: Lexicon, factor: float) -> int:
    """Add the single words of VADER's lexicon (vaderSentiment package, MIT licence; mean ratings of ten
    people on -4 … +4) that our own entries do not already cover, scaled by `factor` to our range. Our
    list is written for software feedback and is small; VADER's 7,500 words carry general reviews
    ("boring", "gorgeous", "waste"). Returns the number of words added."""
    from importlib.resources import files

    text = files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8", errors="replace")
    added = 0
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        word = fold(parts[0])
        # one-letter entries ("l", "x") are emoticon parts in VADER's list, not words in a review
        if not word.isalpha() or len(word) < 2 or lex.match([word], 0) is not None:
            continue
        lex.add(Entry("words", round(float(parts[1]) * factor, 3), (word,)))
        added += 1
    return added


def languages() -> list[str]:
    return sorted(p.stem for p in DATA.glob("*.txt"))


@cache
def load(lang: str) -> Lexicon:
    path = DATA / f"{lang}.txt"
    if not path.exists():
        raise KeyError(f"no sentiment lexicon for language {lang!r}")
    lex = parse(path.read_text(encoding="utf-8"), lang)
    if lex.settings.get("vader_base", 0.0) > 0:
        add_vader_base(lex, lex.settings["vader_base"])
    return lex
