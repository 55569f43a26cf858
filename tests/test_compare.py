"""Cross-report comparison: keyness, similarity, shared formulas, pair overlap, profiles.

Checks are on the real reports (formulas quoted from their text) and on small hand-made inputs
whose answers can be worked out by hand; traps: a phrase repeated inside one report only, a
fragment cut mid-word, generic phrases and campaign names that must rank low.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from analysis import load_corpus
from analysis.measures import general
from analysis.measures import keyness as keyness_measure
from analysis.questions import compare
from analysis.report import profiles as profiles_module


@pytest.fixture(scope="module")
def formulas(corpus):
    return compare.shared_formulas(corpus)


def _docs(formulas, span):
    row = formulas[formulas["formula"] == span]
    assert len(row) == 1, f"{span} not found as a formula"
    return set(row["doc_ids"].iloc[0].split(";"))


# ---------------------------------------------------------------------------------------------
# keyness


def test_log_likelihood_matches_hand_computation():
    # 10 in a report of 100 tokens, 0 in a rest of 100: expected 5 and 5; G² = 2·10·ln(10/5)
    g2, e1, e2 = keyness_measure.log_likelihood([10], [0], [100], [100])
    assert g2[0] == pytest.approx(2 * 10 * math.log(2))
    assert (e1[0], e2[0]) == (5, 5)
    # equal rates: no evidence
    assert keyness_measure.log_likelihood([3], [6], [100], [200])[0][0] == pytest.approx(0)


def test_log_ratio_is_hardie_with_half_correction():
    assert keyness_measure.log_ratio([4], [0], [1000], [1000])[0] == pytest.approx(math.log2(4.5 / 0.5))
    assert keyness_measure.log_ratio([8], [4], [1000], [1000], correction=0)[0] == pytest.approx(1.0)


def test_keyness_on_real_counts(corpus):
    table = compare.keyness(corpus)
    row = table[(table["doc_id"] == "changsha_county_2022") & (table["term"] == "创文巩卫")].iloc[0]
    toks = compare.content_tokens(corpus)
    assert row["count"] == (toks["doc_id"].eq("changsha_county_2022") & toks["token"].eq("创文巩卫")).sum() == 19
    assert row["count_rest"] == 0
    assert row["n_tokens"] + row["n_tokens_rest"] == len(toks)
    # 19 of 647 content tokens in changsha_county_2022, 0 of 2,916 in the rest (3,563 in all): expected
    # 19 × 647 / 3563 = 3.45018; G² = 2 · 19 · ln(19 / 3.45018) = 38 · 1.706012 = 64.8285 (the rest adds
    # 0 · ln 0 = 0); log ratio (0.5 correction) log2((19.5 / 647) / (0.5 / 2916)) = log2(175.77) = 7.4576
    assert (row["n_tokens"], row["n_tokens_rest"]) == (647, 2916)
    assert row["expected"] == pytest.approx(3.45018, abs=1e-5)
    assert row["g2"] == pytest.approx(64.8285, abs=1e-4)
    assert row["log_ratio"] == pytest.approx(7.4576, abs=1e-4)
    assert row["low_expected"] == (row["expected"] < 5)
    # only over-used terms, each report's rows sorted by G²
    assert (table["per_1k"] > table["per_1k_rest"]).all()
    for _, g in table.groupby("doc_id"):
        assert g["g2"].is_monotonic_decreasing


def test_function_words_are_not_keywords_but_bureaucratic_ones_can_be(corpus):
    terms = set(compare.keyness(corpus)["term"])
    assert not terms & {"的", "和", "要", "在"}
    assert "创建" in terms  # a bureaucratic stopword, kept: Xinyang over-uses it


def test_top_key_terms_respect_min_count_and_top_n(corpus):
    p = compare.params()["keyness"]
    top = compare.top_key_terms(compare.keyness(corpus))
    assert (top["count"] >= p["min_count"]).all()
    assert top.groupby("doc_id").size().max() <= p["top_n"]
    assert set(top["doc_id"]) == set(corpus.doc_ids)


def test_keyness_works_for_any_number_of_reports():
    tokens = pd.DataFrame({"doc_id": ["a"] * 6 + ["b"] * 3 + ["c"] * 3 + ["d"] * 3 + ["e"] * 3 + ["f"] * 3,
                           "token": ["攻坚"] * 5 + ["城市"] + ["城市"] * 15})
    ids = list("abcdef")
    mat, vocab = keyness_measure.term_matrix(tokens, ids)
    assert mat.shape == (6, 2) and isinstance(mat, sparse.csr_matrix)
    table = keyness_measure.keyness_from_counts(mat, vocab, ids)
    assert table.iloc[0][["doc_id", "term", "count", "count_rest"]].tolist() == ["a", "攻坚", 5, 0]
    # 城市 is over-used by b..f relative to a
    assert set(table.loc[table["term"] == "城市", "doc_id"]) == set("bcdef")


# ---------------------------------------------------------------------------------------------
# similarity


def test_similarity_is_symmetric_with_unit_diagonal(corpus):
    for view in ("tokens", "chars"):
        sim = compare.similarity(corpus, view)
        assert list(sim.index) == [corpus.labels[d] for d in corpus.doc_ids]
        assert np.allclose(np.diag(sim), 1, atol=1e-3) and np.allclose(sim, sim.T)
        assert ((sim.to_numpy() >= 0) & (sim.to_numpy() <= 1.0001)).all()
    with pytest.raises(ValueError):
        compare.similarity(corpus, "words")


def test_char_ngrams_stay_inside_han_runs():
    assert compare.char_ngrams("一盘棋”思想", 2, 3) == ["一盘", "盘棋", "一盘棋", "思想"]


def test_generic_words_drive_part_of_token_similarity(corpus):
    """The token view of Pingxiang city and Xinyang drops once 创建/工作 and the other bureaucratic
    words are removed (the notebook's reading depends on this)."""
    a, b = corpus.labels["pingxiang_city_2022"], corpus.labels["xinyang_2015"]
    full = compare.similarity(corpus, "tokens").at[a, b]
    lean = compare.similarity(corpus, "tokens", drop_bureaucratic=True).at[a, b]
    assert lean < full - 0.1


def test_nearest_neighbours_match_dense_cosine():
    rng = np.random.default_rng(3)
    mat = sparse.random(60, 40, density=0.2, random_state=4, format="csr")
    mat = sparse.csr_matrix(mat.multiply(1 / np.sqrt(mat.multiply(mat).sum(axis=1))))
    dense = (mat @ mat.T).toarray()
    np.fill_diagonal(dense, -np.inf)
    for k, chunk in ((5, 7), (59, 100)):
        idx, val = compare.nearest_neighbours(mat, k=k, chunk=chunk)
        for i in rng.integers(0, 60, 10):
            assert np.allclose(val[i], np.sort(dense[i])[::-1][:k])
            assert i not in idx[i]


def test_neighbour_table_lists_each_report_against_every_other(corpus):
    nt = compare.neighbour_table(corpus)
    n = len(corpus.doc_ids)
    assert len(nt) == n * min(compare.params()["similarity"]["neighbours"], n - 1)
    assert (nt["report"] != nt["neighbour"]).all()


def test_clustering_is_deterministic(corpus):
    sim = compare.similarity(corpus, "chars")
    assert np.array_equal(compare.cluster(sim), compare.cluster(sim))


# ---------------------------------------------------------------------------------------------
# shared formulas


def test_clauses_keep_enumeration_comma_and_cut_at_quotes():
    text = "真正形成横向到边、纵向到底的联创共建机制。牢固树立创建工作“一盘棋”的思想，"
    assert compare.clauses(text) == ["真正形成横向到边、纵向到底的联创共建机制", "牢固树立创建工作", "一盘棋", "的思想"]


def test_formulas_named_in_the_brief_are_found_from_the_text(formulas, corpus):
    # checked in the cleaned texts: which reports really contain each phrase
    for phrase in ("横向到边、纵向到底", "一盘棋", "真抓实干", "不留死角"):
        holders = {d for d in corpus.doc_ids if phrase in corpus.text(d)}
        assert len(holders) >= 2
        hits = formulas[formulas["formula"].str.contains(phrase)]
        assert len(hits), phrase
        assert set(hits.iloc[0]["doc_ids"].split(";")) == holders
    assert _docs(formulas, "一盘棋") == {"pingxiang_city_2022", "pingxiang_suburb_2020", "xinyang_2015"}
    assert _docs(formulas, "真抓实干") == {"pingxiang_suburb_2020", "xinyang_2015"}
    assert _docs(formulas, "不留死角") == {"changsha_county_2022", "panjin_2023"}
    # 横向到边、纵向到底 is found as its maximal shared span, the trailing 的 trimmed
    assert _docs(formulas, "形成横向到边、纵向到底") == {"pingxiang_city_2022", "changsha_county_2022"}
    assert "形成横向到边、纵向到底的" not in set(formulas["formula"])


def test_every_formula_occurs_in_the_reports_it_names(formulas, corpus):
    # as whole words (compare.word_count): 高标准 is not in 最高标准
    for row in formulas.itertuples():
        holders = {d for d in corpus.doc_ids if compare.word_count(corpus.text(d), row.formula, corpus.lexicon)}
        assert holders == set(row.doc_ids.split(";")) and row.n_reports == len(holders) >= 2


def test_fragments_cut_mid_word_are_not_formulas(formulas):
    # 委书记 is what 市委书记 and 党工委书记 have in common character-wise, but not a word
    assert "委书记" not in set(formulas["formula"])
    # and official titles are not formulas (speakers.is_official_title)
    assert "市委书记" not in set(formulas["formula"]) and "市委副书记、市长" not in set(formulas["formula"])


def test_generic_phrases_and_campaign_names_rank_last(formulas):
    low = formulas["generic"] | formulas["campaign_name"]
    assert not low.iloc[: (~low).sum()].any(), "low-ranked rows must come after all others"
    assert formulas.set_index("formula").at["各项工作", "generic"]
    assert formulas.set_index("formula").at["文明城市", "campaign_name"]
    assert formulas.set_index("formula").at["创建全国文明城市", "campaign_name"]
    assert not formulas.set_index("formula").at["全国文明城市测评体系", "campaign_name"]


def test_rank_follows_score_and_rarity_uses_jieba_dictionary(formulas):
    top = formulas[~(formulas["generic"] | formulas["campaign_name"])]
    assert top["score"].is_monotonic_decreasing
    assert np.allclose(top["score"], (top["n_reports"] - 1) * top["rarity"], atol=1e-3)
    freq, total = general.general_frequencies()
    assert freq["一盘棋"] > 0 and total > 1e7
    assert compare.rarity("一盘棋") == pytest.approx(-math.log10(freq["一盘棋"] / total))
    assert compare.rarity("横向到边、纵向到底") > compare.rarity("创建工作")


def test_repetition_within_one_report_is_not_sharing():
    texts = ["我们要做到独树一帜的清风计划。再说一遍独树一帜的清风计划。", "今天开会，研究创建工作。", "明天开会，研究创建工作。"]
    spans = compare.find_shared_spans(texts)
    # 天开会 is shared character-wise but is not whole words; 开会 alone is too short
    assert spans[["span", "docs"]].values.tolist() == [["研究创建工作", (1, 2)]]


def test_maximal_spans_keep_shorter_ones_only_with_more_reports():
    texts = ["要牢固树立“一盘棋”思想，全员上阵。", "全市牢固树立“一盘棋”思想。", "树立全市“一盘棋”的观念。"]
    spans = compare.find_shared_spans(texts).set_index("span")
    assert spans.at["一盘棋", "docs"] == (0, 1, 2)
    assert spans.at["牢固树立", "docs"] == (0, 1)


# ---------------------------------------------------------------------------------------------
# pair overlap


def test_same_city_pairs_come_from_metadata(corpus):
    assert compare.same_city_pairs(corpus.documents) == {("pingxiang_city_2022", "pingxiang_suburb_2020")}
    docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "city": ["X", "X", "X", "X"],
                         "admin_level": ["prefecture-level city", "prefecture-level city", "county", "unranked"]})
    # one definition with notebook 03: levels ranked in codebook.yaml; an unranked level pairs with nothing
    assert compare.same_city_pairs(docs) == {("a", "c"), ("b", "c")}


def test_pair_overlap_lists_every_pair(corpus, formulas):
    ov = compare.pair_overlap(corpus, formulas)
    n = len(corpus.doc_ids)
    assert len(ov) == n * (n - 1) // 2 and ov["same_city"].sum() == 1
    assert ov["jaccard"].is_monotonic_decreasing and ov["rank"].tolist() == list(range(1, len(ov) + 1))
    a, b = corpus.doc_ids[0], corpus.doc_ids[1]
    sa, sb = (compare.shingles(corpus.text(d), 4) for d in (a, b))
    row = ov[(ov["report_a"] == corpus.labels[a]) & (ov["report_b"] == corpus.labels[b])].iloc[0]
    assert row["jaccard"] == pytest.approx(len(sa & sb) / len(sa | sb), abs=1e-4)


def test_lsh_finds_near_duplicates_without_all_pairs():
    rng = np.random.default_rng(0)
    base = [set(rng.integers(0, 10**6, 300).astype(str)) for _ in range(40)]
    sets = base + [set(list(base[5])[:290]) | {"x1", "x2"}]
    pairs = compare.lsh_candidate_pairs(sets, threshold=0.5, num_perm=128)
    assert (5, 40) in pairs and len(pairs) < len(list(combinations(range(41), 2))) // 10


def test_a_sixth_report_flows_through(corpus_copy):
    """A copy of one report under a new id and city: it becomes its twin's nearest neighbour and
    shares its phrases, with no code change."""
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str)
    src = meta[meta["doc_id"] == "panjin_2023"].iloc[0].copy()
    text = (corpus_copy / "raw" / src["file"]).read_text(encoding="utf-8")
    (corpus_copy / "raw" / "005_synthetic.txt").write_text(text + "\n會議要求，要把創建工作抓實抓細。", encoding="utf-8")
    src["doc_id"], src["file"], src["label"], src["city"] = "twin_2024", "005_synthetic.txt", "双子 Twin", "双子"
    pd.concat([meta, src.to_frame().T]).to_csv(corpus_copy / "metadata.csv", index=False)
    six = load_corpus(corpus_copy)
    assert len(six.doc_ids) == 6
    ov = compare.pair_overlap(six)
    assert len(ov) == 15 and ov.iloc[0][["report_a", "report_b"]].tolist() == ["盘锦 Panjin", "双子 Twin"]
    assert ov.iloc[0]["jaccard"] > 0.9
    nt = compare.neighbour_table(six)
    assert nt[(nt["report"] == "双子 Twin") & (nt["rank"] == 1)]["neighbour"].item() == "盘锦 Panjin"
    key = compare.keyness(six)
    assert set(key["doc_id"]) <= set(six.doc_ids)


# ---------------------------------------------------------------------------------------------
# profiles


def test_profiles_reuse_the_other_modules(corpus):
    from analysis.questions import rhetoric, timeline

    table = profiles_module.profiles(corpus)
    assert list(table.index) == corpus.doc_ids and list(table.columns) == profiles_module.PROFILE_FIELDS
    stage = timeline.stages_in_words(corpus)   # one stage per campaign the report names
    rhet = rhetoric.profile(corpus)
    key = compare.top_key_terms(compare.keyness(corpus))
    for d in corpus.doc_ids:
        assert table.at[d, "stage"] == stage[d]
        assert f"{rhet.at[d, 'directive_markers_per_1k']:g}" in table.at[d, "rhetoric"]
        first = key[key["doc_id"] == d].iloc[0]
        expected = f"{first['term']} ({first['count']} vs {first['count_rest']} in the rest)"
        assert expected in table.at[d, "distinctive terms"]
    assert "2022-10-22" in table.at["pingxiang_city_2022", "dated promises"]
    card = profiles_module.profile_card(table, "panjin_2023")
    assert card.index.name == "盘锦 Panjin" and "meeting date" in card.index


def test_a_renamed_register_category_in_a_profile_is_an_error_naming_register_yaml(corpus, tmp_path):
    import shutil

    from analysis import Corpus
    from analysis.loading.config import LEXICON_DIR
    from analysis.loading.errors import AnalysisError
    from analysis.loading.lexicon import Lexicon
    from analysis.questions import rhetoric

    lex_dir = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lex_dir)
    reg = lex_dir / "register.yaml"
    reg.write_text(reg.read_text(encoding="utf-8").replace("\n  military_campaign_metaphor:\n", "\n  war_metaphor:\n"),
                   encoding="utf-8")
    renamed = Corpus(root=corpus.root, documents=corpus.documents, sentences=corpus.sentences, tokens=corpus.tokens,
                     audits={}, lexicon=Lexicon(lex_dir))
    rhet = rhetoric.profile(renamed)
    assert "war_metaphor_per_1k" in rhet.columns
    with pytest.raises(AnalysisError, match=r"register\.yaml: profile lists military_campaign_metaphor_per_1k"):
        profiles_module.profile_rhetoric(renamed, rhet)
    assert [c for c, _ in profiles_module.profile_rhetoric(corpus, rhetoric.profile(corpus))][:3] == [
        "directive_markers_per_1k", "share_directive_sentences", "military_campaign_metaphor_per_1k"]


def test_approximate_neighbours_return_exact_cosines_and_find_clear_neighbours():
    """Above exact_neighbours_max, SVD candidates are re-scored exactly: every cosine returned is the
    true one, and a planted near-duplicate is found."""
    rng = np.random.default_rng(1)
    mat = sparse.random(300, 200, density=0.05, random_state=2, format="csr")
    mat = sparse.vstack([mat, mat[7] + sparse.random(1, 200, density=0.01, random_state=3)]).tocsr()
    norms = np.sqrt(np.asarray(mat.multiply(mat).sum(axis=1))).ravel()
    mat = sparse.csr_matrix(sparse.diags(1 / norms) @ mat)
    idx, val = compare.nearest_neighbours(mat, k=3, chunk=64, exact_max=10)
    dense = (mat @ mat.T).toarray()
    for i in rng.integers(0, 301, 20):
        assert np.allclose(val[i], dense[i, idx[i]]) and i not in idx[i]
    assert idx[300, 0] == 7 and idx[7, 0] == 300


def test_benchmark_runs_on_a_small_synthetic_corpus(corpus):
    import importlib.util

    from analysis.loading.config import PROJ_ROOT

    spec = importlib.util.spec_from_file_location("bench_compare", PROJ_ROOT / "benchmarks" / "bench_compare.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    pool = bench.sentence_pool(corpus)
    assert len(pool[0]) == len(corpus.sentences) and pool[2] == corpus.documents["n_sentences"].tolist()
    ids, texts, toks = bench.synthetic(12, 0, *pool)
    assert len(ids) == 12 and bench.synthetic(12, 0, *pool)[1] == texts  # fixed seed
    out = bench.run(12, 0, pool)
    assert out["reports"] == 12 and out["all_pairs"] == 66 and out["neighbour_search"] == "exact"
    assert out["similarity_tokens_recall_at_5"] == 1.0 and out["shared_formulas_found"] > 0


def test_highlighted_formulas_come_from_compare_yaml(formulas):
    shown = compare.highlighted_formulas(formulas)
    wanted = compare.params()["formulas"]["highlight"]
    assert wanted and all(shown["formula"].str.contains(w).any() for w in wanted)
    assert "doc_ids" not in shown.columns
