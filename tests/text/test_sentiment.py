"""Sentiment of customer comments: agreement with the hand-labelled fixtures and the rules behind it."""

from __future__ import annotations

import pytest

from metrics.text import evaluate, lexicon, sentiment

# Measured on tests/fixtures/comments (153 comments a language: 102 positive or negative, 51 neutral;
# held-out = the 76 odd rows, 51 of them positive or negative), as counts of comments the engine gets
# right, so that losing a single comment in any split fails; raise them when the engine improves. The
# narrow neutral bands and the review rules that public reviews need cost up to 4 of 153 on three classes
# here (within 0.03 of the level before round 2: en 144, fr 140, de 141, es 144, pt 143; held-out en 71,
# fr 69, de 70, es 73, pt 70).
MEASURED = {
    # lang: {split: (right of the positive/negative ones, right of all)}
    "en": {"all": (101, 143), "held-out": (50, 70)},
    "fr": {"all": (98, 138), "held-out": (48, 68)},
    "de": {"all": (100, 138), "held-out": (49, 70)},
    "es": {"all": (99, 140), "held-out": (49, 71)},
    "pt": {"all": (100, 140), "held-out": (49, 70)},
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


# Measured on public star-rated reviews (metrics/text/evaluate.py PUBLIC_SETS: MARC for en/fr/de/es, B2W for
# pt), the held-out sample of 100 reviews a star (400 positive or negative, 500 in all), as counts right.
# Round 1 was en (298, 308), fr (291, 305), de (290, 303), es (288, 313), pt (309, 320). The issue's target
# (0.75 and 0.60) is met in every language, narrowly in French and Spanish (302 of 400 each, where 300 is
# the target); the glossary states these figures (CI has no /work/.mirror, so there this skips).
PUBLIC_MEASURED = {"en": (311, 322), "fr": (302, 318), "de": (311, 324), "es": (302, 315), "pt": (319, 328)}


@pytest.mark.parametrize("lang", sentiment.SCORED)
def test_agreement_with_public_star_rated_reviews_holds_its_measured_level(lang):
    if not evaluate.public_available(lang):
        pytest.skip(f"{evaluate.PUBLIC_SETS[lang].repo} is not under {evaluate.mirror()} (fetch it to measure)")
    sample = evaluate.public_sample(lang, "held-out")
    assert sample["stars"].value_counts().to_dict() == {s: 100 for s in range(1, 6)}
    row = evaluate.public_table(langs=[lang]).iloc[0]
    assert (row["n_polar"], row["n"]) == (400, 500)
    pos_neg, three_class = PUBLIC_MEASURED[lang]
    assert round(row["pos_neg"] * 400) >= pos_neg
    assert round(row["three_class"] * 500) >= three_class
    assert row["pos_neg"] >= 0.75 and row["three_class"] >= 0.60


def test_public_samples_are_fixed_disjoint_and_balanced():
    lang = next((lang for lang in sentiment.SCORED if evaluate.public_available(lang)), None)
    if lang is None:
        pytest.skip(f"no public review set under {evaluate.mirror()}")
    held, tune = evaluate.public_sample(lang, "held-out"), evaluate.public_sample(lang, "tune")
    assert held.equals(evaluate.public_sample(lang, "held-out"))  # the seed is fixed
    assert not set(held["text"]) & set(tune["text"])
    assert list(held["label"].value_counts().sort_index()) == [200, 100, 200]  # negative, neutral, positive


@pytest.mark.parametrize(("stars", "label"), [(1, "negative"), (2, "negative"), (3, "neutral"), (4, "positive"),
                                              (5, "positive")])
def test_star_rating_maps_to_the_issues_three_classes(stars, label):
    assert evaluate.star_label(stars) == label


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        # negated praise is a complaint however mild the praise ("passt" alone is only 0.3)
        ("Der Stecker passt nicht.", "de", "negative"),
        ("It does not fit.", "en", "negative"),
        # German: the negator right after a praise word negates it, not the complaint after it
        ("Funktioniert nicht, ist schon defekt angekommen.", "de", "negative"),
        # ... and a complaint word before the negator stays a complaint
        ("Funktioniert leider nicht.", "de", "negative"),
        # an entry that holds its own negation is not flipped by the writer's negator before it
        ("Je n'ai jamais reçu le colis.", "fr", "negative"),
        ("Nunca me ha llegado el pedido.", "es", "negative"),
        ("Ainda não recebi o produto.", "pt", "negative"),
        ("I never received my order.", "en", "negative"),
        # review vocabulary: failures and returns
        ("Stopped working after two weeks, sent it back.", "en", "negative"),
        ("Se rompió al segundo día, lo devolví.", "es", "negative"),
        ("Qualité médiocre, à éviter.", "fr", "negative"),
        ("Nach drei Wochen kaputt, Geld verschwendet.", "de", "negative"),
        ("Veio com defeito, não recomendo.", "pt", "negative"),
        # and the praise reviews use
        ("Works great, exactly what I needed.", "en", "positive"),
        ("Produit conforme à la description, je recommande.", "fr", "positive"),
        ("Gute Qualität, gerne wieder.", "de", "positive"),
        ("Buena calidad precio, lo recomiendo.", "es", "positive"),
        ("Chegou antes do prazo, ótimo custo benefício.", "pt", "positive"),
        # "schön" folds to "schon" (already): "schon" must not read as praise
        ("Das ist schon enttäuschend.", "de", "negative"),
        # contrast still decides: praise before "but", the failure after it
        ("Super matière mais la fermeture a cassé au bout de deux jours.", "fr", "negative"),
    ],
)
def test_review_rules_and_vocabulary(text, lang, label):
    assert sentiment.score(text, lang)[0] == label


@pytest.mark.parametrize(
    ("text", "lang", "label"),
    [
        # failure families: a verb of stopping + working, whatever the words between
        ("It stopped completely working.", "en", "negative"),
        ("Ha dejado de funcionar.", "es", "negative"),
        ("A cessé de fonctionner.", "fr", "negative"),
        ("Hat aufgehört zu funktionieren.", "de", "negative"),
        ("Parou de funcionar.", "pt", "negative"),
        ("Lasted 3 weeks.", "en", "negative"),
        # what never came, with words between; German puts the particle last
        ("Die Bestellung kam nie an.", "de", "negative"),
        ("Nunca me ha llegado.", "es", "negative"),
        # time before a failure turns the review like "but"; "leider" opening a sentence turns the one before
        ("Great look, after 2 weeks it cracked.", "en", "negative"),
        ("Schönes Design. Leider nach 3 Tagen defekt.", "de", "negative"),
        # the writer's own rating in words, a denied one, a deduction
        ("One star.", "en", "negative"),
        ("Une étoile.", "fr", "negative"),
        ("Ein Stern.", "de", "negative"),
        ("Una estrella.", "es", "negative"),
        ("Uma estrela.", "pt", "negative"),
        ("Cinco estrellas.", "es", "positive"),
        ("No le doy 5 estrellas.", "es", "neutral"),
        ("Darum 1 Stern Abzug.", "de", "positive"),
        ("I took off one star.", "en", "positive"),
        ("Une étoile en moins.", "fr", "positive"),
        # excess is a complaint even of a neutral or a good thing; "not too" is faint praise
        ("Too small.", "en", "negative"),
        ("Too soft.", "en", "negative"),
        ("Not too expensive.", "en", "positive"),
        ("Trop petit.", "fr", "negative"),
        ("Demasiado pequeño.", "es", "negative"),
        ("Pequeno demais.", "pt", "negative"),
        ("Viel zu klein.", "de", "negative"),
        # ... but colloquial "trop bien", "bom demais" stay praise
        ("Bom demais!", "pt", "positive"),
        # hoped-for praise is not praise
        ("I wanted to love these.", "en", "negative"),
        ("At first it seemed great.", "en", "negative"),
        ("Je m'attendais à une bonne qualité.", "fr", "negative"),
        ("The star is only for the fast delivery.", "en", "negative"),
        # a conceded clause weighs less than the rest of its sentence
        ("Although it looks nice, it broke.", "en", "negative"),
        ("Bien que joli, il est tombé en panne.", "fr", "negative"),
        # "only complaint" makes the complaint small, also after a colon
        ("My only complaint is the slow delivery, everything else is great.", "en", "positive"),
        ("Seul bémol : la livraison lente.", "fr", "positive"),
        # a negator stays in its clause: "nothing" does not flip "broke"
        ("Used it for nothing and it broke.", "en", "negative"),
        # negation typed without the apostrophe
        ("It doesnt work.", "en", "negative"),
        ("I dont like it.", "en", "negative"),
        # balanced one-liners stay neutral (complaints weigh more only in review-length texts)
        ("Not bad, not great.", "en", "neutral"),
        ("Nicht schlecht, nicht großartig.", "de", "neutral"),
    ],
)
def test_round_two_review_rules(text, lang, label):
    assert sentiment.score(text, lang)[0] == label


def test_trop_before_praise_is_colloquial_very_not_a_complaint():
    assert sentiment.score("Trop bien !", "fr")[1] > 0
    assert sentiment.score("Trop lent !", "fr")[1] < sentiment.score("Lent !", "fr")[1] < 0


def test_complaints_weigh_more_only_in_review_length_texts(monkeypatch):
    good, slow = (lexicon.load("en").match([w], 0)[0].value for w in ("good", "slow"))
    assert sentiment.raw_score("Good, slow.", "en") == pytest.approx(good + slow)
    long = "Good design, the colours look fine on my desk, and the screen is slow."
    assert sentiment.raw_score(long, "en") == pytest.approx(good + 1.3 * slow + _rest(long, monkeypatch))


def _rest(text: str, monkeypatch) -> float:
    """The text's sum without "good" and "slow", complaints unweighted (there are none besides "slow")."""
    with monkeypatch.context() as patch:
        patch.setattr(sentiment, "NEG_WEIGHT", 1.0)
        plain = sentiment.raw_score(text, "en")
    good, slow = (lexicon.load("en").match([w], 0)[0].value for w in ("good", "slow"))
    return plain - good - slow


def test_lexicon_patterns_alternatives_numbers_and_gaps():
    lex = lexicon.parse(
        "[numbers]\ntwo 2\n[words]\nstop*|quit ~ work* -2.4\nafter <n> day* -1\n[stars]\nstar*\n", "xx"
    )
    assert lex.match("it stopped working".split(), 1)[1] == 2
    assert lex.match("quit on me working".split(), 0)[1] == 4  # two words between
    assert lex.match("stopped a b c d working".split(), 0) is None  # more than three words between
    assert lex.match("stopped . working".split(), 0) is None  # a gap does not cross punctuation
    assert lex.match("after 3 days".split(), 0)[1] == 3
    assert lex.match("after two days".split(), 0)[1] == 3
    assert lex.match("after many days".split(), 0) is None
    assert lex.number("two") == 2 and lex.number("12") == 12 and lex.number("many") is None
