"""Themes of customer comments from the curated keyword map."""

from __future__ import annotations

import json

import pytest

from metrics.text import evaluate, themes


@pytest.fixture(scope="module")
def table():
    return evaluate.theme_table(splits=("all", "held-out")).set_index(["lang", "split"])


# Measured on tests/fixtures/comments, micro over (comment, theme) pairs, rounded down at the third
# decimal; the held-out half is the odd rows (keywords were chosen looking at the even rows only).
FLOORS = {
    # lang: {split: (precision, recall)}
    "en": {"all": (0.938, 0.971), "held-out": (0.932, 0.945)},
    "fr": {"all": (0.868, 0.978), "held-out": (0.804, 0.958)},
    "de": {"all": (0.926, 0.978), "held-out": (0.921, 0.958)},
    "es": {"all": (0.908, 0.978), "held-out": (0.886, 0.958)},
    "pt": {"all": (0.907, 0.971), "held-out": (0.884, 0.945)},
}


@pytest.mark.parametrize("lang", evaluate.sentiment.SCORED)
@pytest.mark.parametrize("split", ["all", "held-out"])
def test_theme_assignment_holds_its_measured_level(table, lang, split):
    row = table.loc[(lang, split)]
    precision, recall = FLOORS[lang][split]
    assert row["precision"] >= precision
    assert row["recall"] >= recall


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Way too expensive and the invoice was wrong.", "en", ["price", "billing"]),
        ("The app crashes when I export a report.", "en", ["reliability", "features"]),
        ("Support never answered my ticket.", "en", ["support"]),
        ("Le support ne répond jamais et la facture arrive en retard.", "fr", ["support", "billing"]),
        ("Die Synchronisation mit Salesforce ist langsam.", "de", ["performance", "integrations"]),
        ("La documentación de la API está desactualizada.", "es", ["documentation", "integrations"]),
        ("A implantação foi rápida e o treinamento ajudou.", "pt", ["onboarding", "performance"]),
        ("We love it.", "en", []),
    ],
)
def test_assign_names_themes_in_map_order(text, lang, expected):
    assert themes.assign(text, lang) == expected


def test_unknown_or_missing_language_has_no_themes():
    assert themes.assign("Way too expensive", None) == []
    assert themes.assign("高すぎる", "ja") == []
    assert themes.assign("", "en") == []


def test_default_map_covers_every_theme_in_every_scored_language():
    theme_map = themes.default_map()
    assert theme_map.themes == list(themes.THEMES)
    for lang in evaluate.sentiment.SCORED:
        assert set(theme_map.languages[lang]) == set(themes.THEMES)
        assert all(theme_map.languages[lang][t] for t in themes.THEMES)


def test_map_round_trips_through_json_and_an_edit_changes_assignment():
    original = themes.default_map()
    text = original.to_json()
    copy = themes.ThemeMap.from_json(text)
    assert copy.to_dict() == original.to_dict()
    assert json.loads(text)["themes"] == list(themes.THEMES)
    comment = "The Gantt view is great."
    assert copy.assign(comment, "en") == ["features"]
    edited = copy.to_dict()
    edited["themes"].append("planning")
    edited["languages"]["en"]["planning"] = ["gantt", "timeline*"]
    edited_map = themes.ThemeMap.from_dict(edited)
    assert edited_map.assign(comment, "en") == ["features", "planning"]
    assert themes.assign("Timelines are great", "en", edited_map) == ["planning"]
    # the default map is untouched by the edit
    assert themes.assign(comment, "en") == ["features"]


def test_invalid_maps_are_refused():
    with pytest.raises(ValueError, match="unlisted themes"):
        themes.ThemeMap.from_dict({"themes": ["price"], "languages": {"en": {"pricing": ["price"]}}})
    with pytest.raises(ValueError, match="list of non-empty strings"):
        themes.ThemeMap.from_dict({"themes": ["price"], "languages": {"en": {"price": "price"}}})
    with pytest.raises(ValueError, match="'themes' and 'languages'"):
        themes.ThemeMap.from_dict(["price"])


# ---- edits: rename, merge, add on hand-labelled comments -------------------------------------------------------
def _relabel(cell: str, names: dict[str, str]) -> set[str]:
    """The hand labels of a fixture row under an edited map: each label renamed (a merge renames the merged
    theme to the theme it went into)."""
    return {names.get(t, t) for t in cell.split(";") if t}


# Billing merged into price, on the hand labels relabelled the same way (all rows), rounded down at the third
# decimal. Precision can fall a little below the unmerged map's: a comment labelled and found with both themes
# counted two right pairs before the merge and one after.
MERGED_FLOORS = {"en": (0.938, 0.971), "fr": (0.867, 0.978), "de": (0.926, 0.978), "es": (0.913, 0.978),
                 "pt": (0.913, 0.971)}


@pytest.mark.parametrize("lang", evaluate.sentiment.SCORED)
def test_rename_and_merge_on_hand_labelled_comments(lang):
    shipped = themes.default_map()
    renamed = themes.rename(shipped, "price", "Cost & value")
    merged = themes.merge(renamed, "billing", "Cost & value")
    frame = evaluate.labelled(lang, "all")
    names = {"price": "Cost & value"}
    before = [set(shipped.assign(text, lang)) for text in frame["text"]]
    after = [set(renamed.assign(text, lang)) for text in frame["text"]]
    # A rename changes the name only: the same comments, the same agreement with the hand labels.
    assert after == [{names.get(t, t) for t in found} for found in before]
    assert evaluate.theme_agreement([_relabel(c, names) for c in frame["themes"]], after) == \
        evaluate.theme_agreement([_relabel(c, {}) for c in frame["themes"]], before)
    names["billing"] = "Cost & value"
    found = [set(merged.assign(text, lang)) for text in frame["text"]]
    assert found == [{names.get(t, t) for t in f} for f in before]  # the union of the two themes' comments
    scores = evaluate.theme_agreement([_relabel(c, names) for c in frame["themes"]], found)
    assert scores["precision"] >= MERGED_FLOORS[lang][0] and scores["recall"] >= MERGED_FLOORS[lang][1]


@pytest.mark.parametrize(
    ("edit", "text", "expected"),
    [
        # Hand-labelled: "expensive" is a price keyword, "invoice" a billing keyword.
        (lambda m: themes.rename(m, "price", "Cost"), "Way too expensive and the invoice was wrong.",
         ["Cost", "billing"]),
        (lambda m: themes.merge(m, "billing", "price"), "Way too expensive and the invoice was wrong.", ["price"]),
        (lambda m: themes.merge(m, "price", "billing"), "Way too expensive and the invoice was wrong.", ["billing"]),
        # The new theme comes last in the order; "timelines" matches "timeline*".
        (lambda m: themes.add_theme(m, "planning", {"en": ["gantt", "timeline*"]}),
         "The Gantt timelines are slow.", ["performance", "features", "planning"]),
        (lambda m: themes.add_keywords(m, "support", "fr", ["hotline"]), "La hotline est fermée.", ["support"]),
        # "fee" gone, "fees" kept: "fee" alone no longer raises price.
        (lambda m: themes.remove_keyword(m, "price", "en", "fee"), "The setup fee was a surprise.",
         ["onboarding"]),
    ],
)
def test_assignment_after_an_edit(edit, text, expected):
    lang = "fr" if text.startswith("La ") else "en"
    assert edit(themes.default_map()).assign(text, lang) == expected


def test_edits_leave_the_map_they_start_from_unchanged():
    shipped = themes.default_map()
    before = json.dumps(shipped.to_dict(), sort_keys=True)
    themes.merge(themes.rename(shipped, "price", "Cost"), "billing", "Cost")
    themes.remove_keyword(shipped, "price", "en", "fee")
    assert json.dumps(shipped.to_dict(), sort_keys=True) == before
    assert shipped.assign("The setup fee was a surprise.", "en") == ["price", "onboarding"]
