"""Themes of customer comments from a curated, editable keyword map per language.

The map (data/themes.json by default) is the backbone: a theme's name is a key of the map, so it stays
the same across data versions however the comments change, and a workspace can store an edited copy
(`ThemeMap.from_json` / `to_json`). Keywords are matched like the sentiment lexicons: folded words, a
trailing "*" for any ending, several words in sequence. Negation is ignored on purpose: "no complaints
about the price" still talks about price.
"""

from __future__ import annotations

import json
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


@cache
def default_map() -> ThemeMap:
    return ThemeMap.from_json(DEFAULT_PATH.read_text(encoding="utf-8"))


def assign(text: str, lang: str | None, theme_map: ThemeMap | None = None) -> list[str]:
    """Themes of one comment with the default (or a given, e.g. workspace-edited) keyword map."""
    return (theme_map or default_map()).assign(text, lang)
