"""Names tab: clusters of spellings and the reviewer's corrections (merge, split, not the same)."""

from __future__ import annotations

import pytest

pytest.importorskip("aligner.names.cluster")

from aligner.errors import AlignerError  # noqa: E402
from workbench.controllers import NamesController, find_mentions  # noqa: E402

pytestmark = pytest.mark.gui


@pytest.fixture
def names(project):
    c = NamesController(project, "tester")
    c.set_mentions(find_mentions(project))
    return c


def _cluster_of(c, form):
    i = c.index_of_form(form)
    assert i >= 0, form
    return i, {v.form for v in c.clusters[i].variants}


def test_spellings_in_three_languages_are_grouped(names):
    _i, forms = _cluster_of(names, "Riad Hijab")
    assert {"Riad Hijab", "رياض حجاب"} <= forms
    _i, forms = _cluster_of(names, "Aleppo")
    assert "حلب" in forms


def test_mentions_of_a_spelling_point_into_the_text(names, project):
    i, _ = _cluster_of(names, "رياض حجاب")
    v = next(v for v in names.clusters[i].variants if v.form == "رياض حجاب")
    ms = names.mentions_of(v)
    assert len(ms) == v.count >= 1
    doc = next(d for d in project.documents() if d.path == ms[0].doc)
    assert project.document(doc.id).text[ms[0].start:ms[0].end] == "رياض حجاب"


def test_split_not_same_merge_canonical_and_undo(names, project):
    i, forms = _cluster_of(names, "Riad Hijab")
    names.split(i, ["Hijab"])
    assert "Hijab" not in _cluster_of(names, "Riad Hijab")[1]
    assert _cluster_of(names, "Hijab")[1] == {"Hijab"}
    names.undo()  # undo the split
    assert "Hijab" in _cluster_of(names, "Riad Hijab")[1]
    names.redo()
    assert "Hijab" not in _cluster_of(names, "Riad Hijab")[1]
    names.undo()

    i, _ = _cluster_of(names, "Jean-Marc Ayrault")
    names.not_same("Ayrault", "Jean-Marc Ayrault")
    assert "Ayrault" not in _cluster_of(names, "Jean-Marc Ayrault")[1]

    i, _ = _cluster_of(names, "Riad Hijab")
    names.set_canonical(i, "رياض حجاب")
    i, _ = _cluster_of(names, "Riad Hijab")
    assert names.clusters[i].canonical == "رياض حجاب"
    assert names.clusters[i].reviewed

    names.merge(names.index_of_form("Geneva"), names.index_of_form("Paris"))
    assert {"Geneva", "Paris"} <= _cluster_of(names, "Geneva")[1]


def _pair_keys(pairs):
    from workbench.controllers.names import pair_key

    return [pair_key(a, b) for a, b in pairs]


def test_split_moves_exactly_the_selection_and_merge_reverses_it(names, project):
    """Issue 16, defect 3: split and merge are inverses; no duplicate pair; "Reviewed" is set."""
    _i, forms = _cluster_of(names, "Riad Hijab")
    assert len(forms) >= 3  # e.g. Riad Hijab, Hijab, رياض حجاب, حجاب
    names.split(names.index_of_form("Riad Hijab"), ["Riad Hijab"])
    assert _cluster_of(names, "Riad Hijab")[1] == {"Riad Hijab"}
    assert _cluster_of(names, "Hijab")[1] == forms - {"Riad Hijab"}  # the rest stays together
    assert names.clusters[names.index_of_form("Riad Hijab")].reviewed
    assert names.clusters[names.index_of_form("Hijab")].reviewed

    # a later merge supersedes the split (no "conflict" error), and gives back the same cluster
    names.merge(names.index_of_form("Riad Hijab"), names.index_of_form("Hijab"))
    assert _cluster_of(names, "Riad Hijab")[1] == forms
    # split again and merge again: still one cluster, and no pair is stored twice
    names.split(names.index_of_form("Riad Hijab"), ["Riad Hijab"])
    names.merge(names.index_of_form("Riad Hijab"), names.index_of_form("Hijab"))
    assert _cluster_of(names, "Riad Hijab")[1] == forms
    c = names.constraints
    keys = _pair_keys(c.must_link) + _pair_keys(c.cannot_link)
    assert len(keys) == len(set(keys)), "a pair is stored twice (or both same and different)"
    stored = project.name_constraints()
    assert len(stored["must_link"]) == len(c.must_link) and len(stored["cannot_link"]) == len(c.cannot_link)


def test_a_later_merge_supersedes_not_the_same(names):
    names.not_same("Riad Hijab", "رياض حجاب")
    assert "رياض حجاب" not in _cluster_of(names, "Riad Hijab")[1]
    names.merge(names.index_of_form("Riad Hijab"), names.index_of_form("رياض حجاب"))
    assert "رياض حجاب" in _cluster_of(names, "Riad Hijab")[1]
    names.not_same("Riad Hijab", "رياض حجاب")  # and the other way round
    assert "رياض حجاب" not in _cluster_of(names, "Riad Hijab")[1]


def test_split_needs_some_but_not_all_spellings(names):
    i, forms = _cluster_of(names, "Riad Hijab")
    with pytest.raises(AlignerError):
        names.split(i, sorted(forms))


def test_corrections_survive_reopening_the_project(names, project_path):
    from aligner.store import Project

    names.not_same("Ayrault", "Jean-Marc Ayrault")
    i = names.index_of_form("Aleppo")
    names.set_canonical(i, "حلب")
    with Project.open(project_path) as p:
        again = NamesController(p, "someone else")
        again.set_mentions(find_mentions(p))
        assert again.constraints == names.constraints
        assert "Ayrault" not in _cluster_of(again, "Jean-Marc Ayrault")[1]
        assert again.clusters[again.index_of_form("Aleppo")].canonical == "حلب"


def test_names_tab_end_to_end(qtbot, make_window, project_path):
    from workbench.widgets.names_view import NamesView

    w = make_window()
    w.open_project(str(project_path))
    view = w.names_view
    assert isinstance(view, NamesView)
    w.tabs.setCurrentWidget(view)  # shown: names are found on a worker thread
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=60_000)
    view.search.setText("حجاب")
    assert view.proxy.rowCount() == 1
    view.select_cluster(view.proxy.mapToSource(view.proxy.index(0, 0)).row())
    assert {v.form for v in view.selected_clusters()[0].variants} >= {"Riad Hijab", "رياض حجاب"}
    # contexts of the first spelling, shown in the article
    assert view.contexts.count() >= 1
    assert view.preview.highlighted_text() == view.selected_variants()[0].form
    # split "Hijab" off with the button
    view.select_variants({"Hijab"})
    assert view.btn_split.isEnabled()
    view.btn_split.click()
    assert "Hijab" not in {v.form for v in view.controller.clusters[view.controller.index_of_form("Riad Hijab")]
                           .variants}
    assert view.btn_undo.isEnabled()
    view.btn_undo.click()
    assert "Hijab" in {v.form for v in view.controller.clusters[view.controller.index_of_form("Riad Hijab")]
                       .variants}
    # merge two clusters selected together
    view.search.clear()
    view.select_cluster(view.controller.index_of_form("Geneva"))
    view.select_cluster(view.controller.index_of_form("Paris"), add=True)
    assert view.btn_merge.isEnabled()
    view.btn_merge.click()
    assert {"Geneva", "Paris"} <= {v.form for v in view.selected_clusters()[0].variants}


def test_names_models_pass_modeltester(qtmodeltester, names):
    from workbench.models import NameClusterModel, VariantModel

    m = NameClusterModel()
    m.set_rows(names.clusters)
    qtmodeltester.check(m, force_py=True)
    v = VariantModel()
    v.set_rows(names.clusters[0].variants)
    qtmodeltester.check(v, force_py=True)


def test_names_tab_opens_with_one_spelling_in_context(qtbot, make_window, project_path):
    """Issue 16, defect 2: one cluster and one spelling selected, its mentions shown, and only
    the actions that can apply are enabled."""
    w = make_window()
    w.open_project(str(project_path))
    view = w.names_view
    w.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=60_000)
    qtbot.waitUntil(lambda: len(view.selected_clusters()) == 1, timeout=5_000)
    assert len(view.variants.selectionModel().selectedRows()) == 1
    assert view.contexts.count() >= 1 and view.preview.highlighted_text()
    assert not view.btn_not_same.isEnabled() and not view.btn_merge.isEnabled()
    # the same spelling in two languages is one spelling: "Not the same person" needs two
    forms = [v.form for v in view.variant_model.rows()]
    twice = next((f for f in forms if forms.count(f) > 1), None)
    if twice is not None:
        view.select_variants({twice})
        assert len(view.variants.selectionModel().selectedRows()) == 2
        assert not view.btn_not_same.isEnabled()
