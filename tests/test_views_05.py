"""Notebook 05 in the group view (above twelve reports): keyness of groups on pooled counts, mean
similarity between groups without a report × report matrix, formula × group shares, pair overlap by
group, and figures whose size does not grow with the number of reports. Group numbers are checked
against values worked out by hand or by brute force on small cases."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis.measures import keyness as keyness_measure
from analysis.questions import compare
from analysis.report.views import choose_view

LIMIT_PX = 4000


@pytest.fixture(scope="module")
def formulas(corpus):
    return compare.shared_formulas(corpus)


@pytest.fixture(scope="module")
def by_province(corpus):
    return choose_view(corpus, "province")


def _px(fig) -> tuple[int, int]:
    """The size of the saved PNG in pixels (the project style saves with a tight bounding box, so long
    tick labels can make it larger than the figure size)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return Image.open(io.BytesIO(buf.getvalue())).size


# ---------------------------------------------------------------------------------------------
# group similarity: the mean pairwise cosine from group sums


def test_group_similarity_by_hand():
    # x1 = (1, 0), x2 = (0, 1), x3 = (1, 0); A = {x1, x2}, B = {x3}
    # within A: cos(x1, x2) = 0; A × B: (cos(x1, x3) + cos(x2, x3)) / 2 = (1 + 0) / 2 = 0.5;
    # within B: one report, no pair
    mat = sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    mean, pairs = compare.group_similarity_from_matrix(mat, np.array([0, 0, 1]), 2)
    assert mean[0, 0] == pytest.approx(0.0) and mean[0, 1] == mean[1, 0] == pytest.approx(0.5)
    assert np.isnan(mean[1, 1])
    assert pairs.tolist() == [[2, 2], [2, 0]]     # ordered pairs within A: (1,2), (2,1)


def test_group_similarity_matches_brute_force_over_pairs():
    rng = np.random.default_rng(3)
    dense = rng.random((40, 15)) * (rng.random((40, 15)) < 0.4)
    dense[7] = 0                                   # a report with no features: cosine 0 with every other
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense = np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    codes = rng.integers(0, 4, 40)
    mean, _ = compare.group_similarity_from_matrix(sparse.csr_matrix(dense), codes, 4)
    cos = dense @ dense.T
    for a in range(4):
        for b in range(4):
            ia, ib = np.flatnonzero(codes == a), np.flatnonzero(codes == b)
            if a == b:
                vals = [cos[i, j] for i, j in combinations(ia, 2)]
            else:
                vals = [cos[i, j] for i in ia for j in ib]
            assert mean[a, b] == pytest.approx(np.mean(vals))


def test_group_similarity_on_the_bundled_reports_is_the_mean_of_their_cosines(corpus, by_province):
    sim = compare.similarity(corpus, "chars")
    groups = compare.group_similarity(corpus, by_province, "chars")
    labels = corpus.labels
    jx = [labels[d] for d in corpus.doc_ids if by_province.groups[d] == "江西"]
    other = [labels[d] for d in corpus.doc_ids if by_province.groups[d] == "河南"]
    assert len(jx) == 2 and len(other) == 1
    # within 江西: its one pair (the two Pingxiang reports); 江西 × 河南: the mean of two cosines
    assert groups.at["江西", "江西"] == pytest.approx(sim.at[jx[0], jx[1]], abs=1e-4)
    assert groups.at["江西", "河南"] == pytest.approx((sim.at[jx[0], other[0]] + sim.at[jx[1], other[0]]) / 2, abs=1e-4)
    assert np.isnan(groups.at["河南", "河南"])    # one report: no within-group pair


# ---------------------------------------------------------------------------------------------
# keyness of groups on pooled counts


def test_pooled_counts_by_hand():
    # reports: r0 = {a: 2, b: 1}, r1 = {a: 1}, r2 = {b: 3}; groups G0 = {r0, r1}, G1 = {r2}
    mat = sparse.csr_matrix(np.array([[2, 1], [1, 0], [0, 3]]))
    counts, used = keyness_measure.pooled_counts(mat, np.array([0, 0, 1]), 2)
    assert counts.toarray().tolist() == [[3, 1], [0, 3]]
    assert used.toarray().tolist() == [[2, 1], [0, 1]]     # a: both reports of G0; b: one


def test_group_keyness_pools_the_reports_of_a_group(corpus, by_province):
    groups = tuple(by_province.groups.reindex(corpus.doc_ids))
    table = keyness_measure.group_keyness(corpus, groups).set_index(["group", "term"])
    tokens = keyness_measure.content_tokens(corpus)
    jx = [d for d in corpus.doc_ids if by_province.groups[d] == "江西"]
    in_group = tokens[tokens["doc_id"].isin(jx)]
    term = "全国文明典范城市"       # Pingxiang 2022's higher title: only 江西 uses it
    row = table.loc[("江西", term)]
    assert row["count"] == (in_group["token"] == term).sum() and row["count_rest"] == 0
    assert row["n_tokens"] == len(in_group) and row["n_tokens_rest"] == len(tokens) - len(in_group)
    assert row["n_reports"] == 2 and row["n_reports_using"] == in_group.loc[in_group["token"] == term, "doc_id"].nunique()
    # the same G² as one report made of the group's two texts
    g2, _, _ = keyness_measure.log_likelihood(row["count"], row["count_rest"], row["n_tokens"], row["n_tokens_rest"])
    assert row["g2"] == pytest.approx(float(g2))


def test_group_keyness_table_and_note(corpus, by_province):
    table = compare.group_keyness_table(corpus, by_province)
    top_n = compare.params(corpus.lexicon)["keyness"]["top_n"]
    assert set(table["group"]) <= set(by_province.group_names)
    assert table.groupby("group").size().max() <= top_n
    assert (table["n_reports_using"] <= table["n_reports"]).all() and (table["n_reports_using"] >= 1).all()
    note = compare.pooling_note(corpus, by_province)
    assert "long report therefore weighs more" in note and "n_reports_using" in note
    assert "Pingxiang" not in compare.group_keyness_reading(corpus, by_province)   # no bundled prose


# ---------------------------------------------------------------------------------------------
# formulas and pair overlap by group


def test_pooled_groups_keep_the_largest_and_pool_the_rest():
    groups = pd.Series(list("aaaabbbccd") + list("efghijklmn"))
    pooled = compare.pooled_groups(groups, 4)
    assert compare.group_order(pooled) == ["a", "b", "c", "other"]
    assert (pooled == "other").sum() == 11


def test_formula_group_shares_count_the_reports_of_each_group(corpus, by_province, formulas):
    shares = compare.formula_group_shares(corpus, formulas, by_province).set_index(["formula", "group"])
    for formula, members in zip(formulas["formula"].head(5), formulas["doc_ids"].head(5)):
        ids = members.split(";")
        for group in by_province.group_names:
            in_group = [d for d in corpus.doc_ids if by_province.groups[d] == group]
            row = shares.loc[(formula, group)]
            assert row["n_using"] == sum(d in ids for d in in_group) and row["n_reports"] == len(in_group)
    assert shares.loc[("常态长效", "江西"), "share"] == 1.0     # in all five reports: both of 江西's


def test_formula_display_replaces_the_report_list_by_groups(corpus, by_province, formulas):
    per_report = compare.formula_display(formulas, choose_view(corpus))
    assert "reports" in per_report and "doc_ids" not in per_report
    grouped = compare.formula_display(formulas, by_province)
    assert "reports" not in grouped and "doc_ids" not in grouped
    assert grouped.loc[grouped["formula"] == "常态长效", "n_groups"].item() == 4


def test_pair_shares_by_group_by_hand():
    # reports 0, 1 in A, 2, 3, 4 in B; examined pairs: (0, 1) 0.8, (0, 2) 0.6, (2, 3) 0.2, (3, 4) 0.9
    out = compare.pair_shares_by_group(np.array([0, 0, 2, 3]), np.array([1, 2, 3, 4]), np.array([0.8, 0.6, 0.2, 0.9]),
                                       np.array([0, 0, 1, 1, 1]), ["A", "B"], 0.5).set_index(["group_a", "group_b"])
    # A×A: 1 pair, (0,1) over; A×B: 2 × 3 = 6 pairs, (0,2) over; B×B: 3 pairs, (3,4) over, (2,3) under
    assert out.loc[("A", "A")][["n_pairs", "n_over"]].tolist() == [1, 1]
    assert out.loc[("A", "B")][["n_pairs", "n_over"]].tolist() == [6, 1]
    assert out.loc[("A", "B"), "share_over"] == pytest.approx(1 / 6, abs=1e-6)
    assert out.loc[("B", "B")][["n_pairs", "n_over"]].tolist() == [3, 1]
    assert out.loc[("B", "B"), "mean_jaccard_over"] == pytest.approx(0.9)


def test_shared_formula_counts_are_row_products():
    inc = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 1], [1, 1, 1]]))
    assert compare.shared_formula_counts(inc, np.array([0, 0, 1]), np.array([1, 2, 2])).tolist() == [1, 2, 2]


def test_group_readings_are_computed_and_name_the_unit(corpus, by_province, formulas):
    overlap = compare.pair_overlap(corpus, formulas)
    texts = [compare.group_similarity_reading(corpus, by_province),
             compare.group_overlap_reading(corpus, by_province, overlap),
             compare.formula_reading(corpus, formulas, by_province),
             compare.group_synthesis(corpus, by_province)]
    assert all("unit" in t for t in texts)
    assert all("bundled" not in t for t in texts)
    assert "same `province` group" in texts[0]
    terms = compare.group_terms_shown(corpus, by_province, formulas)
    p = compare.params(corpus.lexicon)
    assert len(terms) <= 4 * p["keyness"]["top_n"] + max(p["formulas"]["table_rows"], p["formulas"]["top_n"])


# ---------------------------------------------------------------------------------------------
# figures: the size depends on the number of groups (at most max_panels), never on the reports


def _big_view(corpus, n_reports: int = 2000, n_groups: int = 20):
    rng = np.random.default_rng(0)
    ids = [f"r{i:05d}" for i in range(n_reports)]
    names = [f"省{i:02d}" for i in range(n_groups)]
    groups = pd.Series(rng.choice(names, n_reports), index=ids, name="province")
    view = type(choose_view(corpus, "province"))(group_by="province", groups=groups, max_panels=12)
    return view, ids, groups


def test_group_figures_stay_within_the_limits_at_2000_reports(corpus, formulas):
    from analysis.report import figures
    from analysis.report.plotting import setup_style

    setup_style()
    view, ids, groups = _big_view(corpus)
    pooled = compare.pooled_groups(groups, view.max_panels)
    names = compare.group_order(pooled)
    assert len(names) == 12 and names[-1] == "other"
    codes = pd.Categorical(pooled.to_numpy(), categories=names).codes
    rng = np.random.default_rng(1)
    mat = sparse.random(len(ids), 300, density=0.05, random_state=2, format="csr")
    mat = sparse.diags(1 / np.maximum(np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1)).ravel()), 1e-12)) @ mat
    mean, _ = compare.group_similarity_from_matrix(mat.tocsr(), codes, len(names))
    sim = pd.DataFrame(mean, index=names, columns=names)
    figs = [figures.plot_group_similarity(corpus, view, {"tokens": sim, "chars": sim})]
    i, j = rng.integers(0, len(ids), 5000), rng.integers(0, len(ids), 5000)
    pairs = compare.pair_shares_by_group(np.minimum(i, j), np.maximum(i, j), rng.random(5000), codes, names, 0.5)
    figs.append(figures.plot_group_pair_overlap(corpus, view, pairs))
    # a list of names shared by copied reports can be a "formula" of a hundred characters: its label is cut
    names_list = "区县领导" + "、".join(f"名{k:02d}某" for k in range(40)) + "参加"
    shown = [names_list + str(k) for k in range(25)]     # the worst case: every label cut at its last line
    long = pd.DataFrame([{"formula": f, "group": g, "n_using": 1, "n_reports": 10, "share": 0.1}
                         for f in shown for g in names])
    figs.append(figures.plot_formula_groups(corpus, formulas, view, long=long))
    top_n = compare.params(corpus.lexicon)["keyness"]["top_n"]
    key = compare.group_key_terms(corpus, choose_view(corpus, "province")).head(top_n)
    fake = pd.concat([key.assign(group=g, n_reports=100) for g in names])   # twelve groups of top_n terms
    figs.append(figures.plot_group_keyness(corpus, view, top=fake))
    for fig in figs:
        w, h = _px(fig)
        assert w <= LIMIT_PX and h <= LIMIT_PX, (fig.axes[0].get_title(), w, h)
    assert len(figs[0].axes[0].get_yticklabels()) == 12                  # eleven groups and 'other'
    assert sum(ax.get_visible() for ax in figs[3].axes) <= view.max_panels + 1   # panels + colour bar


def test_group_figures_on_the_bundled_reports_grouped_by_province(corpus, by_province, formulas, tmp_path):
    from analysis.report import figures
    from analysis.report.plotting import save_figure, setup_style

    setup_style()
    for name, fig in [("k", figures.plot_group_keyness(corpus, by_province)),
                      ("s", figures.plot_group_similarity(corpus, by_province)),
                      ("f", figures.plot_formula_groups(corpus, formulas, by_province)),
                      ("o", figures.plot_group_pair_overlap(corpus, by_province))]:
        paths = save_figure(fig, name, out_dir=tmp_path)
        w, h = _px(fig)
        assert w <= LIMIT_PX and h <= LIMIT_PX and paths[0].stat().st_size <= 2_000_000


def test_large_corpus_overlap_groups_identical_sets_and_keeps_the_lsh_candidates():
    from datasketch import MinHash, MinHashLSH

    rng = np.random.default_rng(5)
    alphabet = [f"g{k}" for k in range(400)]
    base = [set(rng.choice(alphabet, 60, replace=False)) for _ in range(120)]
    sets = [set(base[k % 120]) for k in range(240)]          # every set twice: 120 pairs of copies
    sets[5] = set(list(sets[5])[:50]) | {"x1", "x2"}          # a near copy of set 125
    p = compare.params()["formulas"]
    assert len(sets) >= p["lsh_min_docs"]
    out = compare.pairwise_overlap_sets(sets)
    # the old search: MinHash of every set with datasketch's default hashing, LSH over all of them
    lsh, hashes = MinHashLSH(threshold=p["lsh_threshold"], num_perm=p["lsh_num_perm"]), []
    for k, st in enumerate(sets):
        m = MinHash(num_perm=p["lsh_num_perm"], seed=1)
        m.update_batch([x.encode("utf-8") for x in sorted(st)])
        lsh.insert(k, m)
        hashes.append(m)
    expected = {(min(a, b), max(a, b)) for a, m in enumerate(hashes) for b in lsh.query(m) if a != b}
    assert set(zip(out["i"], out["j"])) == expected
    for r in out.itertuples():
        inter, union = len(sets[r.i] & sets[r.j]), len(sets[r.i] | sets[r.j])
        assert (r.n_shared, r.n_union) == (inter, union) and r.jaccard == pytest.approx(inter / union)
    assert out["jaccard"].is_monotonic_decreasing


def test_same_city_flags_match_the_same_city_pairs(corpus):
    ids = corpus.doc_ids
    i, j = np.array([a for a, _ in combinations(range(len(ids)), 2)]), np.array([b for _, b in combinations(range(len(ids)), 2)])
    flags = compare.same_city_flags(corpus.documents, ids, i, j)
    same = compare.same_city_pairs(corpus.documents)
    assert flags.tolist() == [tuple(sorted((ids[a], ids[b]))) in same for a, b in zip(i, j)]
    assert flags.sum() == 1      # Pingxiang city 2022 and its suburb 2020
