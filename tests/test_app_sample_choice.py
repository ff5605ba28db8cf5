"""The first own upload onto the sample company asks once: start the own workspace, or keep exploring."""

import pytest
from conftest import REFERENCE, run_app, store_button

pytestmark = pytest.mark.usefixtures("app_workspace")
START = "empty"  # the app's first run loads the sample (#1), as on a new server


def test_keep_exploring_stores_nothing_and_own_workspace_leaves_the_sample_out():
    at = run_app("pages/data.py")
    at.file_uploader[0].upload("nps_small.csv", (REFERENCE / "nps.csv").read_bytes(), "text/csv")
    at.run()
    choice = at.selectbox(key="sample_choice")
    assert choice.value is None and store_button(at).disabled  # nothing can be stored before the answer
    choice.set_value("keep")
    at.run()
    assert not [b for b in at.button if (b.key or "").startswith("store_")]
    assert any("Nothing is stored" in i.value for i in at.info)
    assert len(at.dataframe[-1].value) == 5  # still only the sample's five files

    at.selectbox(key="sample_choice").set_value("own")
    at.run()
    store_button(at).click()
    at.run()
    assert not at.exception
    stored = " ".join(s.value for s in at.success)
    assert "now shows data version #2" in stored and stored.endswith("the first version of its kind.")
    sidebar = run_app().selectbox(key="v").options
    assert [o.startswith("#1 ") for o in sidebar if "sample company" in o] == [True]
    assert "sample company" not in sidebar[0] and sidebar[0].startswith("#2 ")


def test_a_failed_write_is_shown_and_stores_nothing(monkeypatch):
    import duckdb

    from metrics.store import Workspace

    at = run_app("pages/data.py")
    history = len(at.dataframe[-1].value)
    at.file_uploader[0].upload("revenue_small.csv", (REFERENCE / "revenue.csv").read_bytes(), "text/csv")
    at.run()

    def disk_full(*_args, **_kwargs):
        raise duckdb.IOException("Could not write file: No space left on device")

    monkeypatch.setattr(Workspace, "_build_snapshot", disk_full)
    store_button(at).click()
    at.run()
    assert not at.exception
    assert any(e.value.startswith("Nothing was stored: the workspace file could not be written") for e in at.error)
    assert len(at.dataframe[-1].value) == history
