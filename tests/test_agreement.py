"""Agreement statistics on small tables worked by hand."""

from __future__ import annotations

import math

import pytest

from analysis.measures import agreement as ag


def _vectors(both: int, a_only: int, b_only: int, neither: int) -> tuple[list[int], list[int]]:
    a = [1] * both + [1] * a_only + [0] * b_only + [0] * neither
    b = [1] * both + [0] * a_only + [1] * b_only + [0] * neither
    return a, b


def test_kappa_and_alpha_on_a_2x2_table_worked_by_hand():
    # 2x2 table of 50 units: both yes 20, A only 5, B only 10, both no 15.
    #   p_o = (20 + 15) / 50 = 0.70
    #   Cohen: A says yes 25/50 = 0.5, B 30/50 = 0.6; p_e = 0.5*0.6 + 0.5*0.4 = 0.50
    #          kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40
    #   Krippendorff (nominal, coincidence matrix of 2*50 = 100 values): o_11 = 40, o_00 = 30,
    #          o_01 = o_10 = 15; n_1 = 55, n_0 = 45; D_o = 30/100 = 0.30;
    #          D_e = 2 * 45 * 55 / (100 * 99) = 0.50; alpha = 1 - 0.30/0.50 = 0.40
    a, b = _vectors(20, 5, 10, 15)
    assert ag.percent_agreement(a, b) == pytest.approx(0.70)
    assert ag.cohen_kappa(a, b) == pytest.approx(0.40)
    assert ag.krippendorff_alpha(a, b) == pytest.approx(0.40)


def test_kappa_and_alpha_differ_on_a_small_table():
    # 4 units: both yes 1, A only 1, both no 2.
    #   p_o = 3/4; A yes 1/2, B yes 1/4: p_e = 1/2*1/4 + 1/2*3/4 = 1/2; kappa = (3/4 - 1/2)/(1/2) = 0.5
    #   coincidences: o_11 = 2, o_00 = 4, o_01 = o_10 = 1 (n = 8); n_1 = 3, n_0 = 5
    #   D_o = 2/8 = 0.25; D_e = 2*5*3/(8*7) = 30/56; alpha = 1 - 0.25 * 56/30 = 1 - 7/15 = 8/15
    a, b = _vectors(1, 1, 0, 2)
    assert ag.cohen_kappa(a, b) == pytest.approx(0.5)
    assert ag.krippendorff_alpha(a, b) == pytest.approx(8 / 15)


def test_perfect_and_undefined_agreement():
    assert ag.cohen_kappa([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    assert ag.krippendorff_alpha([1, 0, 1], [1, 0, 1]) == pytest.approx(1.0)
    # neither coder ever uses the label: no chance agreement to correct for
    assert math.isnan(ag.cohen_kappa([0, 0, 0], [0, 0, 0]))
    assert math.isnan(ag.krippendorff_alpha([0, 0, 0], [0, 0, 0]))


def test_pair_agreement_per_label_and_pooled():
    # 4 units, labels x and y. x: both yes 1, A only 1, both no 2 (the table above: kappa 0.5, alpha 8/15).
    # y: identical in both (u1, u3): kappa = alpha = 1.
    # pooled 8 decisions: both yes 3, A only 1, both no 4. p_o = 7/8; A yes 4/8, B yes 3/8;
    #   p_e = 1/2*3/8 + 1/2*5/8 = 1/2; kappa = (7/8 - 1/2)/(1/2) = 0.75
    first = {"u1": ("x", "y"), "u2": ("x",), "u3": ("y",), "u4": ()}
    second = {"u1": ("x", "y"), "u2": (), "u3": ("y",), "u4": (), "u9": ("x",)}
    t = ag.pair_agreement(first, second, ["x", "y"]).set_index("label")
    assert t.loc["x", "n"] == 4 and t.loc["x", "pos_a"] == 2 and t.loc["x", "pos_b"] == 1
    assert t.loc["x", "kappa"] == pytest.approx(0.5) and t.loc["x", "alpha"] == pytest.approx(8 / 15)
    assert t.loc["y", "kappa"] == pytest.approx(1.0)
    assert t.loc["overall", "n"] == 8 and t.loc["overall", "n_units"] == 4
    assert t.loc["overall", "kappa"] == pytest.approx(0.75)
    assert t.loc["overall", "mean_kappa"] == pytest.approx(0.75)  # (0.5 + 1) / 2
    d = ag.disagreements(first, second, ["x", "y"])
    assert d.to_dict("records") == [{"unit": "u2", "label": "x", "first": 1, "second": 0}]
    table = ag.agreement_table({"A": first, "B": second}, [("A", "B")], ["x", "y"])
    assert list(table.columns[:3]) == ["a", "b", "label"] and len(table) == 3


# --------------------------------------------------------------------------------------------
# the two codings of the validation sample


def test_second_coding_and_adjudication_cover_every_disagreement():
    from analysis.questions import themes

    refs = themes.load_references()
    first, second, adj = refs["coder 1"], refs["coder 2"], refs["adjudicated"]
    assert list(first["directive_id"]) == list(second["directive_id"]) == list(adj["directive_id"])
    diff = themes.coding_disagreements(first, second)
    noted = set(adj.loc[adj["adjudication_note"].str.strip() != "", "directive_id"])
    assert set(diff["directive_id"]) == noted  # a note for each disagreement, and only there
    a, b = dict(zip(first["directive_id"], first["themes"])), dict(zip(second["directive_id"], second["themes"]))
    for r in adj.itertuples():
        # where the coders agree the adjudicated code is theirs; otherwise one of the two
        assert set(a[r.directive_id]) & set(b[r.directive_id]) <= set(r.themes) <= set(a[r.directive_id]) | set(b[r.directive_id])
        assert r.themes_coder1 == ";".join(a[r.directive_id]) and r.themes_coder2 == ";".join(b[r.directive_id])
    for r in diff.itertuples():  # the note names every theme decided
        assert r.theme in adj.set_index("directive_id").loc[r.directive_id, "adjudication_note"]


def test_coder_agreement_table_on_the_sample(corpus):
    from analysis.questions import themes

    classified = themes.classify(themes.directives(corpus))
    refs = themes.load_references()
    table = themes.coder_agreement(classified, refs)
    assert set(zip(table["a"], table["b"])) == {("coder 1", "coder 2"), ("coder 1", "classifier"), ("coder 2", "classifier")}
    overall = table[table["theme"] == "overall"]
    assert (overall["n"] == 80 * len(themes.theme_ids())).all() and (overall["n_units"] == 80).all()
    assert overall["kappa"].between(-1, 1).all() and overall["alpha"].between(-1, 1).all()
    ev = themes.evaluate_references(classified, refs, split=None)
    assert set(ev["reference"]) == {"coder 1", "coder 2", "adjudicated"}
    micro = ev[ev["theme"] == "micro"].set_index("reference")
    # support = hand-coded positives of each reference over all 80
    assert micro.loc["coder 2", "support"] == sum(len(t) for t in refs["coder 2"]["themes"])
