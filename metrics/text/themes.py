"""Themes of customer comments from a curated, editable keyword map per language.

The map (data/themes.json by default) is the backbone: a theme's name is a key of the map, so it stays
the same across data versions however the comments change, and a workspace can store an edited copy
(`ThemeMap.from_json` / `to_json`). Keywords are matched like the sentiment lexicons: folded words, a
trailing "*" for any ending, several words in sequence. Negation is ignored on purpose: "no complaints
about the price" still talks about price.

Edits (rename, merge, add a theme, add or remove keywords) are pure functions returning a new map; each checks
its input and raises a ThemeEditError subclass whose message says what to change. Theme names are user text:
they are stored and compared as given (trimmed), never interpreted. metrics.theme_store keeps the versions.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from metrics.text.normalize import fold, tokens

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "themes.json"
THEMES = (
    "price",
    "support",
    "onboarding",
    "reliability",
    "performance",
    "features",
    "usability",
    "billing",
    "documentation",
    "integrations",
)


LANGUAGE_NAMES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "pt": "Portuguese"}
MAX_NAME = 40      # a theme name is a label on a chart and a table row
MAX_KEYWORD = 60
_PART = re.compile(r"[a-z0-9]+\*?")  # a keyword's word after folding: what tokens() can produce, "*" at its end


def _word_matches(pattern: str, token: str) -> bool:
    return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern


@dataclass
class ThemeMap:
    """Theme keywords per language, in the order themes are reported."""

    themes: list[str]
    languages: dict[str, dict[str, list[str]]]
    note: str = ""
    _compiled: dict[str, tuple[dict, dict]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for lang, by_theme in self.languages.items():
            unknown = set(by_theme) - set(self.themes)
            if unknown:
                raise ValueError(f"themes.json: {lang} has keywords for unlisted themes {sorted(unknown)}")
            for theme, words in by_theme.items():
                if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                    raise ValueError(f"themes.json: {lang}/{theme} must be a list of non-empty strings")

    @classmethod
    def from_dict(cls, data: dict) -> ThemeMap:
        if not isinstance(data, dict) or "languages" not in data:
            raise ValueError("a theme map is an object with 'themes' and 'languages'")
        languages = data["languages"]
        themes = list(data.get("themes") or sorted({t for by in languages.values() for t in by}))
        return cls(themes=themes, languages=languages, note=data.get("note", ""))

    @classmethod
    def from_json(cls, text: str) -> ThemeMap:
        return cls.from_dict(json.loads(text))

    def to_dict(self) -> dict:
        return {"version": 1, "note": self.note, "themes": list(self.themes), "languages": self.languages}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def _index(self, lang: str) -> tuple[dict, dict]:
        """Patterns by their first word: exact words, and stems (first word ending in "*")."""
        if lang not in self._compiled:
            exact: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            stems: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            for theme, words in self.languages.get(lang, {}).items():
                for word in words:
                    pattern = tuple(fold(word).replace("-", " ").replace("'", " ").split())
                    if not pattern:
                        continue
                    first = pattern[0]
                    table = stems if first.endswith("*") else exact
                    table.setdefault(first.rstrip("*"), []).append((theme, pattern))
            self._compiled[lang] = (exact, stems)
        return self._compiled[lang]

    def assign(self, text: str, lang: str | None) -> list[str]:
        """Themes the text mentions, in the map's theme order; [] for a language the map does not cover."""
        if not text or lang not in self.languages:
            return []
        exact, stems = self._index(lang)
        toks = [t for t in tokens(text, lang) if t.isalnum()]
        hits: set[str] = set()
        for i, token in enumerate(toks):
            candidates = list(exact.get(token, ()))
            for n in range(1, len(token) + 1):
                candidates.extend(stems.get(token[:n], ()))
            for theme, pattern in candidates:
                if theme in hits:
                    continue
                window = toks[i : i + len(pattern)]
                if len(window) == len(pattern) and all(
                    _word_matches(p, t) for p, t in zip(pattern, window, strict=True)
                ):
                    hits.add(theme)
        return [theme for theme in self.themes if theme in hits]


# ---- edits ------------------------------------------------------------------------------------------------
class ThemeEditError(ValueError):
    """An edit of the theme map that cannot be made as asked; the message says why and what to do."""


class EmptyName(ThemeEditError):
    pass


class DuplicateName(ThemeEditError):
    pass


class UnknownTheme(ThemeEditError):
    pass


class MergeIntoItself(ThemeEditError):
    pass


class BadKeyword(ThemeEditError):
    """A keyword that is empty, too long or could never match a word (see _PART)."""


class DuplicateKeyword(ThemeEditError):
    pass


class UnknownKeyword(ThemeEditError):
    pass


class UnknownLanguage(ThemeEditError):
    pass


class NoKeywords(ThemeEditError):
    """A theme would have no keyword in any language, so no comment could ever raise it."""


def _quoted(text: str) -> str:
    """A user's name or keyword inside a message: control characters dropped, shortened."""
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return "“" + (text if len(text) <= MAX_KEYWORD else text[:MAX_KEYWORD] + "…") + "”"


def clean_name(name: object) -> str:
    """The theme name as stored (trimmed), or EmptyName with the reason."""
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise EmptyName("A theme needs a name: the name is empty.")
    if not all(ch.isprintable() for ch in text):
        raise EmptyName(f"The theme name {_quoted(text)} contains control or invisible characters; type it again.")
    if len(text) > MAX_NAME:
        raise EmptyName(f"The theme name {_quoted(text)} is {len(text)} characters long; at most {MAX_NAME}.")
    return text


def clean_keyword(word: object) -> str:
    """The keyword as stored (trimmed, inner spaces single), or BadKeyword when it is empty or could never match:
    comments are matched word by word on lower-case letters and digits without accents, so a keyword's words must
    be letters and digits, with "*" only at a word's end."""
    text = " ".join(word.split()) if isinstance(word, str) else ""
    if not text:
        raise BadKeyword("A keyword is empty.")
    if len(text) > MAX_KEYWORD:
        raise BadKeyword(f"The keyword {_quoted(text)} is longer than {MAX_KEYWORD} characters.")
    parts = fold(text).replace("-", " ").replace("'", " ").split()
    if not parts or not all(_PART.fullmatch(p) for p in parts):
        raise BadKeyword(f"The keyword {_quoted(text)} could never match a comment: use letters and digits, "
                         "several words separated by spaces, and * only at the end of a word.")
    return text


def _theme(theme_map: ThemeMap, name: str) -> str:
    if not isinstance(name, str) or not name:
        raise UnknownTheme("Choose a theme.")
    if name not in theme_map.themes:
        raise UnknownTheme(f"There is no theme {_quoted(name)} in this theme map.")
    return name


def _free(theme_map: ThemeMap, name: str, allow: str | None = None) -> None:
    """DuplicateName when another theme already has this name (ignoring case: "Price" and "price" would read as
    one theme on a chart)."""
    for other in theme_map.themes:
        if other != allow and other.casefold() == name.casefold():
            raise DuplicateName(f"There is already a theme named {_quoted(other)}; choose another name or merge "
                                "the two themes.")


def _language(theme_map: ThemeMap, lang: str) -> str:
    if not isinstance(lang, str) or lang not in theme_map.languages:
        raise UnknownLanguage(f"The theme map has no language {_quoted(lang)}; it covers "
                              f"{', '.join(sorted(theme_map.languages))}.")
    return lang


def _copy(theme_map: ThemeMap) -> dict:
    return copy.deepcopy(theme_map.to_dict())


def rename(theme_map: ThemeMap, old: str, new: str) -> ThemeMap:
    """The map with theme `old` called `new` (same keywords, same place in the order)."""
    old, new = _theme(theme_map, old), clean_name(new)
    if new == old:
        raise DuplicateName(f"The theme is already named {_quoted(old)}.")
    _free(theme_map, new, allow=old)
    data = _copy(theme_map)
    data["themes"] = [new if t == old else t for t in data["themes"]]
    data["languages"] = {lang: {(new if t == old else t): words for t, words in by.items()}
                         for lang, by in data["languages"].items()}
    return ThemeMap.from_dict(data)


def merge(theme_map: ThemeMap, source: str, target: str) -> ThemeMap:
    """The map with theme `source` folded into `target`: target keeps its name and place and gains source's
    keywords in every language (each once); source is gone."""
    source, target = _theme(theme_map, source), _theme(theme_map, target)
    if source == target:
        raise MergeIntoItself(f"A theme cannot be merged into itself ({_quoted(source)}); choose two themes.")
    data = _copy(theme_map)
    data["themes"] = [t for t in data["themes"] if t != source]
    for by in data["languages"].values():
        moved = by.pop(source, [])
        if moved:
            kept = by.setdefault(target, [])
            kept.extend(w for w in moved if w not in kept)
    return ThemeMap.from_dict(data)


def add_theme(theme_map: ThemeMap, name: str, keywords: dict[str, list[str]]) -> ThemeMap:
    """The map with a new theme, last in the order, with these keywords per language (at least one keyword)."""
    name = clean_name(name)
    _free(theme_map, name)
    words = {_language(theme_map, lang): _distinct([clean_keyword(w) for w in ws]) for lang, ws in keywords.items()}
    if not any(words.values()):
        raise NoKeywords(f"The new theme {_quoted(name)} needs at least one keyword in one language.")
    data = _copy(theme_map)
    data["themes"].append(name)
    for lang, ws in words.items():
        if ws:
            data["languages"][lang][name] = ws
    return ThemeMap.from_dict(data)


def add_keywords(theme_map: ThemeMap, theme: str, lang: str, words: list[str]) -> ThemeMap:
    """The map with more keywords for a theme in one language; a keyword it has already is refused."""
    theme, lang = _theme(theme_map, theme), _language(theme_map, lang)
    new = _distinct([clean_keyword(w) for w in words])
    if not new:
        raise BadKeyword("Give at least one keyword to add.")
    have = theme_map.languages[lang].get(theme, [])
    for w in new:
        if w in have:
            raise DuplicateKeyword(f"{_quoted(w)} is already a {LANGUAGE_NAMES.get(lang, lang)} keyword of "
                                   f"{_quoted(theme)}.")
    data = _copy(theme_map)
    data["languages"][lang][theme] = [*have, *new]
    return ThemeMap.from_dict(data)


def remove_keyword(theme_map: ThemeMap, theme: str, lang: str, word: str) -> ThemeMap:
    """The map without one keyword of a theme in one language. The theme's last keyword (over all languages)
    cannot go: a theme nothing can raise would look like a theme nobody mentions."""
    theme, lang = _theme(theme_map, theme), _language(theme_map, lang)
    have = theme_map.languages[lang].get(theme, [])
    if not isinstance(word, str) or not word:
        raise UnknownKeyword("Choose a keyword to remove.")
    if word not in have:
        raise UnknownKeyword(f"{_quoted(word)} is not a {LANGUAGE_NAMES.get(lang, lang)} keyword of {_quoted(theme)}.")
    if sum(len(by.get(theme, [])) for by in theme_map.languages.values()) == 1:
        raise NoKeywords(f"{_quoted(word)} is the last keyword of {_quoted(theme)}; merge the theme into another "
                         "instead of leaving it without keywords.")
    data = _copy(theme_map)
    data["languages"][lang][theme] = [w for w in have if w != word]
    if not data["languages"][lang][theme]:
        del data["languages"][lang][theme]
    return ThemeMap.from_dict(data)


def _distinct(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))


@cache
def default_map() -> ThemeMap:
    return ThemeMap.from_json(DEFAULT_PATH.read_text(encoding="utf-8"))


def assign(text: str, lang: str | None, theme_map: ThemeMap | None = None) -> list[str]:
    """Themes of one comment with the default (or a given, e.g. workspace-edited) keyword map."""
    return (theme_map or default_map()).assign(text, lang)
