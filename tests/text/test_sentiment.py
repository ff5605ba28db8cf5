"""Sentiment of customer comments: agreement with the hand-labelled fixtures and the rules behind it."""

from __future__ import annotations

import pytest

from metrics.text import evaluate, lexicon, sentiment

# Measured on tests/fixtures/comments (153 comments a language: 102 positive or negative, 51 neutral;
# held-out = the 76 odd rows, 51 of them positive or negative), as counts of comments the engine gets
# right, so that losing a single comment in any split fails; raise them when the engine improves.
MEASURED = {
    # lang: {split: (right of the positive/negative ones, right of all)}
    "en": {"all": (99, 145), "held-out": (48, 71)},
    "fr": {"all": (97, 142), "held-out": (46, 67)},
    "de": {"all": (97, 145), "held-out": (46, 70)},
    "es": {"all": (99, 147), "held-out": (48, 73)},
    "pt": {"all": (98, 147), "held-out": (47, 71)},
}


@pytest.fixture(scope="module")
def table():
    return evaluate.sentiment_table(splits=("all", "held-out")).set_index(["lang", "split"])


@pytest.mark.parametrize("lang", sentiment.SCORED)
@pytest.mark.parametrize("split", ["all", "held-out"])
def test_agreement_with_labelled_comments_holds_its_measured_level(table, lang, split):
    row = table.loc[(lang, split)]
    pos_neg, three_class = MEASURED[lang][split]
    assert row["n"] == (153 if split == "all" else 76)
    assert row["n_polar"] == (102 if split == "all" else 51)
    assert round(row["pos_neg"] * row["n_polar"]) >= pos_neg
    assert round(row["three_class"] * row["n"]) >= three_class
    # the issue's target, per language and on the held-out half too
    assert row["pos_neg"] >= 0.75 and row["three_class"] >= 0.60


def test_fixtures_are_balanced_and_use_only_known_labels_and_themes():
    for lang in sentiment.SCORED:
        frame = evaluate.labelled(lang)
        assert len(frame) >= 150
        counts = frame["label"].value_counts().to_dict()
        assert set(counts) == {"positive", "neutral", "negative"}
        assert min(counts.values()) >= 50
        themes = {t for cell in frame["themes"] for t in cell.split(";") if t}
        assert themes <= set(evaluate.themes.THEMES)


def test_agreement_counts_a_neutral_answer_as_wrong_on_positive_vs_negative():
    result = evaluate.sentiment_agreement(
        ["positive", "negative", "neutral", "positive"], ["positive", "neutral", "neutral", "negative"]
    )
    assert result == {"n_polar": 3, "pos_neg": 1 / 3, "n": 4, "three_class": 0.5}


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        ("The new interface is intuitive.", "en", "positive"),
        ("The new interface is not intuitive.", "en", "negative"),
        ("The support wasn't helpful.", "en", "negative"),
        ("Nice design but it is so slow that nobody uses it.", "en", "negative"),
        ("Expensive, but it pays for itself.", "en", "positive"),
        ("Would be nice to have a dark mode.", "en", "neutral"),
        # a request damps its own sentence only
        ("Es fácil de usar. Me gustaría que el plan gratuito tuviera más tableros.", "es", "positive"),
        ("Ce n'est pas fiable.", "fr", "negative"),
        ("Pas cher et très fiable.", "fr", "positive"),
        ("Die Schulung hilft nicht.", "de", "negative"),  # negator after the verb
        ("Die Oberfläche ist nicht schlecht, aber viel zu langsam.", "de", "negative"),
        ("No es nada intuitivo.", "es", "negative"),
        ("Nunca nos falla.", "es", "positive"),
        ("Não é barato, mas vale cada centavo.", "pt", "positive"),
        ("O suporte não resolveu nada.", "pt", "negative"),
    ],
)
def test_rules_negation_contrast_requests(text, lang, label):
    assert sentiment.score(text, lang)[0] == label


def test_intensifier_strengthens_and_diminisher_softens():
    plain = sentiment.score("It is slow.", "en")[1]
    very = sentiment.score("It is very slow.", "en")[1]
    slightly = sentiment.score("It is slightly slow.", "en")[1]
    assert very < plain < slightly < 0


def test_accents_are_optional():
    assert sentiment.score("Très lent et très cher", "fr") == sentiment.score("tres lent et tres cher", "fr")
    assert sentiment.score("Não funciona", "pt") == sentiment.score("nao funciona", "pt")


def test_score_is_bounded_and_label_follows_the_neutral_band():
    for text in ["Awful awful awful terrible horrible useless broken crash!!!", "great " * 50, "", "OK"]:
        label, value = sentiment.score(text, "en")
        assert -1 < value < 1
        low, high = sentiment.band("en")
        assert label == ("positive" if value >= high else "negative" if value <= low else "neutral")
    assert sentiment.score("", "en") == ("neutral", 0.0)


def test_unscored_language_is_refused_not_guessed():
    with pytest.raises(ValueError, match="not scored"):
        sentiment.score("とても使いやすい", "ja")


def test_lexicon_format_errors_name_the_line():
    with pytest.raises(ValueError, match="line 2: unknown section"):
        lexicon.parse("# x\n[moods]\nhappy 1\n", "xx")
    with pytest.raises(ValueError, match="need a value"):
        lexicon.parse("[words]\nhappy\n", "xx")
    lex = lexicon.parse("[words]\nfrustrat* -2\ntakes forever -2.4\n[negators]\nnot\n", "xx")
    entry, n = lex.match(["frustrating"], 0)
    assert (entry.value, n) == (-2.0, 1)
    entry, n = lex.match(["it", "takes", "forever"], 1)
    assert (entry.value, n) == (-2.4, 2)


def test_english_lexicon_adds_vader_words_under_our_own():
    lex = lexicon.load("en")
    # a general-review word only VADER has
    assert lex.match(["boring"], 0)[0].value == pytest.approx(-1.3 * 0.75)
    # our entry wins over VADER's ("support" is a topic in software feedback, VADER rates it +1.7)
    assert lex.match(["support"], 0)[0].value == 0


def test_analyse_gives_one_row_per_comment_and_marks_other_languages_not_scored():
    from metrics.text import NOT_SCORED, analyse

    frame = analyse(
        [
            "Support answered fast and fixed the bug.",
            "Way too expensive for what you get.",
            "La synchro avec Jira casse tous les deux jours.",
            "動作が遅いです",
            None,
        ]
    )
    assert list(frame.columns) == ["lang", "sentiment", "score", "themes"]
    assert list(frame["lang"][:3]) == ["en", "en", "fr"]
    assert list(frame["sentiment"]) == ["positive", "negative", "negative", NOT_SCORED, NOT_SCORED]
    assert frame["score"][:3].between(-1, 1).all() and frame["score"][3:].isna().all()
    assert frame["themes"][0] == ["support", "reliability", "performance"]
    assert frame["themes"][2] == ["reliability", "integrations"]
    assert frame["themes"][3] == []
