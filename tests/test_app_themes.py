"""The theme editor on the Data page, on the sample: a rename reaches the CMO page, a link with the old theme-map
version (tm) still shows the old name, bad input is refused with its reason, and going back is a new version.

The renamed theme's figures are compared with the same theme's figures under its old name on the page itself: a
rename changes the name and nothing else."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import run_app

pytestmark = pytest.mark.usefixtures("app_workspace")
NEW = "Cost & <b>value</b>"  # markup in a name is text: it must come back as typed, never as HTML


def drivers(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "ARR at stake (negative comments)" in d.value.columns)


def history(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Made on version" in d.value.columns)


def edit(at, kind: str):
    """Turn the editor on and choose the kind of edit."""
    at.toggle(key="tm_edit").set_value(True).run()
    at.radio(key="tm_edit_kind").set_value(kind).run()
    assert not at.exception
    return at


def plain(markdown: str) -> str:
    """The text a reader sees: ui.md_escape's backslashes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def errors(at) -> list[str]:
    return [plain(e.value) for e in at.error]


def test_rename_reaches_the_cmo_page_and_an_old_link_keeps_the_old_name():
    before = run_app("pages/cmo.py")
    old = drivers(before).set_index("Theme")
    assert "price" in old.index and NEW not in old.index
    assert any("Themes from theme map version 0 (shipped with the app), the latest." in c.value
               for c in before.caption)

    at = run_app("pages/data.py")
    keywords = next(d.value for d in at.dataframe if "English" in d.value.columns)
    assert list(keywords["Theme"])[:2] == ["price", "support"] and len(keywords) == 10
    assert not [t for t in at.text_input if (t.key or "").startswith("tm_")] and not at.tabs  # off until asked for
    edit(at, "Rename")
    at.selectbox(key="tm_rename_from").set_value("price")
    at.text_input(key="tm_rename_to").input(NEW)
    at.button(key="tm_rename").click().run()
    assert not at.exception and not errors(at)
    assert [s.value for s in at.success] == [  # escaped: shown literally
        r"Stored theme map version 1: renamed “price” to “Cost \& \<b\>value\</b\>”."]
    keywords = next(d.value for d in at.dataframe if "English" in d.value.columns)
    assert list(keywords["Theme"])[:2] == [NEW, "support"]
    assert history(at)[["Version", "By", "Made on version"]].values.tolist() == [[1, "local user", "0"],
                                                                              [0, "shipped default", "—"]]
    assert at.session_state["tm"] == 1

    at.switch_page("pages/cmo.py").run()  # the same session: the map it just made
    assert not at.exception
    new = drivers(at).set_index("Theme")
    assert NEW in new.index and "price" not in new.index
    assert new.loc[NEW].to_dict() == old.loc["price"].to_dict()  # same comments, same figures
    assert new.drop(index=NEW).to_dict() == old.drop(index="price").to_dict()
    assert at.query_params["tm"] == "1"  # the address pins the version shown
    assert any("Themes from theme map version 1 (" in c.value and "by local user), the latest." in c.value
               for c in at.caption)

    link = run_app("pages/cmo.py", tm="0")  # a link made before the rename
    shown = drivers(link).set_index("Theme")
    assert "price" in shown.index and NEW not in shown.index
    assert shown.to_dict() == old.to_dict()
    assert any("Themes from theme map version 0 (shipped with the app); the latest is version 1." in c.value
               for c in link.caption)
    assert [b.label for b in link.button if b.key == "tm_latest"] == ["Show the latest themes"]
    link.button(key="tm_latest").click().run()
    assert NEW in drivers(link).set_index("Theme").index

    latest = run_app("pages/cmo.py")  # a new session without tm: the latest
    assert NEW in drivers(latest)["Theme"].tolist()

    import ui
    ui.risk_model(ui.workspace().snapshot().snapshot, wait=True)  # trained (else the page says it is training)
    cio = run_app("pages/cio.py")  # the churn model's reasons keep the names it was trained with: it says so
    assert any("use the shipped theme map (version 0)" in c.value for c in cio.caption)
    assert not any("use the shipped theme map" in c.value for c in run_app("pages/cio.py", tm="0").caption)


def test_bad_edits_are_refused_with_their_reason():
    at = run_app("pages/data.py")
    versions = list(history(at)["Version"])
    edit(at, "Rename")
    at.selectbox(key="tm_rename_from").set_value("support")
    at.text_input(key="tm_rename_to").input("   ")
    at.button(key="tm_rename").click().run()
    assert errors(at) == ["A theme needs a name: the name is empty."]
    at.radio(key="tm_edit_kind").set_value("Merge").run()
    at.selectbox(key="tm_merge_from").set_value("support")
    at.selectbox(key="tm_merge_into").set_value("support")
    at.button(key="tm_merge").click().run()
    assert errors(at) == ["A theme cannot be merged into itself (“support”); choose two themes."]
    at.radio(key="tm_edit_kind").set_value("Add a theme").run()
    at.text_input(key="tm_new_name").input("planning")
    at.text_input(key="tm_new_en").input(" , ")
    at.button(key="tm_add").click().run()
    assert errors(at) == ["The new theme “planning” needs at least one keyword in one language."]
    at.text_input(key="tm_new_name").input("Support")
    at.text_input(key="tm_new_en").input("helpdesk")
    at.button(key="tm_add").click().run()
    assert errors(at) == ["There is already a theme named “support”; choose another name or merge the two themes."]
    assert not at.success and list(history(at)["Version"]) == versions  # nothing stored


def test_add_a_theme_then_go_back():
    at = run_app("pages/data.py")
    start = max(history(at)["Version"])
    edit(at, "Add a theme")
    at.text_input(key="tm_new_name").input("planning")
    at.text_input(key="tm_new_en").input("gantt, timeline*")
    at.text_input(key="tm_new_de").input("Zeitplan*")
    at.button(key="tm_add").click().run()
    assert [plain(s.value) for s in at.success] == [f"Stored theme map version {start + 1}: added theme “planning” "
                                                    "(en: gantt, timeline*; de: Zeitplan*)."]
    keywords = next(d.value for d in at.dataframe if "English" in d.value.columns).set_index("Theme")
    assert keywords.loc["planning", ["English", "German", "French"]].tolist() == ["gantt, timeline*", "Zeitplan*", ""]
    at.radio(key="tm_edit_kind").set_value("Go back").run()
    at.selectbox(key="tm_restore").set_value(start)
    at.button(key="tm_restore_button").click().run()
    assert [plain(s.value) for s in at.success] == [f"Stored theme map version {start + 2}: back to version {start}."]
    keywords = next(d.value for d in at.dataframe if "English" in d.value.columns)
    assert "planning" not in keywords["Theme"].tolist()


def test_a_link_to_a_theme_map_version_that_does_not_exist_shows_the_latest():
    at = run_app("pages/cmo.py", tm="999")
    assert any("Theme map version 999 does not exist; showing the latest" in w.value for w in at.warning)
    bad = run_app("pages/cmo.py", tm="-1")
    assert any("tm '-1' must be one whole number from 0 to 99,999; showing the latest" in w.value
               for w in bad.warning)
