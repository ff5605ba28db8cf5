"""Language detection of customer comments (en/fr/de/es/pt, else None = not scored)."""

from __future__ import annotations

import pytest

from metrics.text import evaluate, language


@pytest.fixture(scope="module")
def fixture_texts():
    return {lang: list(evaluate.labelled(lang)["text"]) for lang in language.SCORED}


# Measured on the 153 labelled comments a language, each language's file as one batch. The one miss:
# French "RAS" (rien à signaler), which Lingua calls Portuguese with confidence.
MEASURED_RIGHT = {"en": 153, "fr": 152, "de": 153, "es": 153, "pt": 153}


@pytest.mark.parametrize("lang", language.SCORED)
def test_each_language_file_is_detected(fixture_texts, lang):
    found = language.detect(fixture_texts[lang])
    assert len(found) == 153
    assert sum(f == lang for f in found) >= MEASURED_RIGHT[lang]


def test_mixed_batch_without_fallback(fixture_texts):
    texts = [t for lang in language.SCORED for t in fixture_texts[lang]]
    truth = [lang for lang in language.SCORED for _ in fixture_texts[lang]]
    found = language.detect(texts, fallback=None)
    # measured 748 of 765: the misses are one-word comments ("Funciona.", "N/A", "Bof", "Regular")
    assert sum(f == t for f, t in zip(found, truth, strict=True)) >= 748


@pytest.mark.parametrize(
    "text",
    [
        "sticky note に書いていると、同じ入力が繰り返されます。",  # Japanese with a Latin-script phrase
        "使いやすいです",
        "Ребята привет, сделайте больше инструментов",
        "Il prodotto è molto lento e il supporto non risponde mai.",  # Italian: a decoy, not scored
        "Het programma is traag en de ondersteuning reageert nooit.",  # Dutch: a decoy, not scored
    ],
)
def test_other_languages_are_not_scored(text):
    assert language.detect([text]) == [None]


def test_empty_and_missing_comments_are_not_scored():
    assert language.detect(["", "   ", None, float("nan")]) == [None, None, None, None]


def test_ambiguous_short_comment_takes_the_batch_language():
    portuguese = [
        "O suporte respondeu rápido e resolveu o problema.",
        "A integração com o Slack não funciona desde ontem.",
        "Muito caro para o que oferece, vamos cancelar.",
        "Gostaria de uma exportação em PDF, por favor.",
    ]
    alone = language.detect(["Funciona."], fallback=None)[0]
    assert alone == "es"  # one word shared by Spanish and Portuguese: Lingua leans Spanish
    assert language.detect([*portuguese, "Funciona."])[-1] == "pt"


def test_a_clear_comment_keeps_its_language_in_another_language_batch():
    english = [
        "Support answered within the hour.",
        "The dashboard is slow every afternoon.",
        "Please add an export to PDF.",
        "Great value for a small team.",
    ]
    found = language.detect([*english, "El soporte tarda días en contestar.", "OK"])
    assert found == ["en"] * 4 + ["es", "en"]


def test_detect_one_matches_detect_without_fallback():
    assert language.detect_one("Die App stürzt ständig ab.") == "de"
    assert language.detect_one(None) is None
    with pytest.raises(ValueError):
        language.detect(["x"], fallback="first")


def test_scoring_in_chunks_changes_no_language(monkeypatch):
    """detect scores texts CHUNK at a time; the batch's majority still reads every chunk (an ambiguous comment
    in the last chunk takes the language the first chunks made the majority)."""
    batch = (["The support team answered quickly and solved the billing problem."] * 9 + ["Funciona.", "Ok", "N/A"]
             + ["Le support a répondu rapidement."] + ["ありがとう", "", None] + ["Ok"])
    whole = language.detect(batch)
    monkeypatch.setattr(language, "CHUNK", 4)
    assert language.detect(batch) == whole
    assert language.detect(["Ok"], fallback=None) == [None]  # Lingua alone: Dutch-ish, not confident
    assert whole[10] == whole[-1] == "en"  # the English majority, found across chunks
    assert whole[9] == "es" and whole[12] == "fr" and whole[13:16] == [None, None, None]
