"""Shared text normalisation for language detection, sentiment and themes.

Everything is matched on lower-cased, accent-folded tokens: customers type "tres" for "très" and
"nao" for "não" often enough that an accent-exact lexicon would miss them, and the lexicons are per
language, so folding cannot confuse e.g. Spanish "más" (more) with Portuguese "mas" (but).
"""

from __future__ import annotations

import re
import unicodedata

# Words and the punctuation that ends a negation or intensifier scope. Digits stay tokens so that
# "2x" or "10 minutes" do not glue onto neighbouring words.
_TOKEN = re.compile(r"[a-z0-9]+|[.!?;:,]")
# English contractions: "can't" / "doesn't" become "can not" / "does not" so one negator list covers them.
_EN_NOT = re.compile(r"n['’]t\b")
_APOSTROPHE = re.compile(r"['’`´]")
# ...and the same contractions typed without the apostrophe ("dont", "doesnt", "cant"), common in reviews and
# comments typed on phones; "wont" and "cant" are only ever the contraction in customer text
_EN_NOT_BARE = re.compile(r"\b(do|does|did|is|was|are|were|would|could|should|has|have|had|must|need)nt\b")
_EN_CANT_WONT = re.compile(r"\b(cant|wont)\b")

CLAUSE_END = frozenset(".!?;:")
PUNCT = frozenset(".!?;:,")


def fold(text: str) -> str:
    """Lower-case and strip accents ("Qualität" -> "qualitat", "não" -> "nao"); ß becomes ss."""
    text = text.lower().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str, lang: str | None = None) -> list[str]:
    """Folded word and punctuation tokens. French elisions ("n'arrive", "l'API") split at the apostrophe."""
    text = text.lower()
    if lang == "en":
        text = text.replace("won't", "will not").replace("can't", "can not")
        text = _EN_NOT.sub(" not", text)
        text = _EN_NOT_BARE.sub(r"\1 not", text)
        text = _EN_CANT_WONT.sub(lambda m: "can not" if m.group(1) == "cant" else "will not", text)
    text = _APOSTROPHE.sub(" ", text)
    return _TOKEN.findall(fold(text))
