"""Notebook 03 above 12 reports: group views of the directive themes (the report is the unit), with
numbers worked by hand on small tables, and figures whose size does not grow with the corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.measures.levels import count_level_pairs, level_pairs
from analysis.questions import themes
from analysis.report.views import View, choose_view


def _shares(values: dict[str, dict[str, tuple[int, int]]]) -> pd.DataFrame:
    """A long shares table from ``{doc: {theme: (k, n)}}``."""
    rows = [{"doc_id": d, "theme": t, "n_directives_with_theme": k, "n_directives": n, "share": k / n if n else np.nan}
            for d, cells in values.items() for t, (k, n) in cells.items()]
    return pd.DataFrame(rows)


def test_group_means_take_the_report_as_the_unit():
    # a: 1/2 = 0.5, b: 1/10 = 0.1 -> group A's mean over reports is 0.3 (pooled directives would give 2/12)
    shares = _shares({"a": {"sanitation": (1, 2)}, "b": {"sanitation": (1, 10)}, "c": {"sanitation": (3, 4)},
                      "d": {"sanitation": (0, 0)}})
    groups = pd.Series({"a": "A", "b": "A", "c": "B", "d": "B"})
    m = themes.group_theme_means(shares, groups).set_index("group")
    assert m.at["A", "mean"] == pytest.approx(0.3) and m.at["A", "n_reports"] == 2
    # d has no directives: no share, left out of B's mean
    assert m.at["B", "mean"] == pytest.approx(0.75) and m.at["B", "n_reports"] == 1 and np.isnan(m.at["B", "ci_low"])
    assert 0.1 <= m.at["A", "ci_low"] < 0.3 < m.at["A", "ci_high"] <= 0.5


def test_group_differences_are_holm_corrected_over_themes_and_pairs():
    rng = np.random.default_rng(3)
    docs = [f"r{i}" for i in range(30)]
    groups = pd.Series(["A"] * 10 + ["B"] * 10 + ["C"] * 10, index=docs)
    cells = {d: {"sanitation": (int(rng.integers(0, 3)) + (6 if groups[d] == "B" else 0), 10),
                 "accountability": (int(rng.integers(0, 5)), 10)} for d in docs}
    out = themes.group_theme_differences(_shares(cells), groups, ["sanitation", "accountability"])
    assert len(out) == 2 * 3                               # two themes × three pairs, one family
    assert (out["p_holm"] >= out["p_value"]).all()
    first = out.iloc[0]                                    # sorted by the adjusted p-value
    assert first["theme"] == "Environmental sanitation and health" and "B" in (first["group_a"], first["group_b"])
    assert first["p_holm"] < 0.05 and (first["ci_low"] > 0 or first["ci_high"] < 0)


def test_group_share_reading_is_about_groups():
    shares = _shares({"a": {"sanitation": (1, 2), "accountability": (0, 2)},
                      "b": {"sanitation": (1, 4), "accountability": (1, 4)},
                      "c": {"sanitation": (0, 5), "accountability": (5, 5)}})
    groups = pd.Series({"a": "North", "b": "North", "c": "South"})
    means = themes.group_theme_means(shares, groups)
    text = themes.group_share_reading(shares, means, themes.group_theme_differences(shares, groups, ["sanitation"]),
                                      "province")
    assert "3 reports with directives" in text and "2 groups by `province`" in text
    assert "Unit: the report" in text and "no difference is tested" in text   # South has one report
    assert "Changsha" not in text and "Xinyang" not in text


def test_criteria_by_group_counts_reports_that_touch_a_category(classified_bundled, corpus):
    groups = choose_view(corpus, "province").groups
    table = themes.criteria_by_group(classified_bundled, groups).set_index("code")
    counts = themes.criteria_counts(classified_bundled).reindex(corpus.doc_ids).fillna(0)
    # 江西 holds the two Pingxiang reports: k/n is how many of the two touch the category
    cat = themes.criteria_table().set_index("code").loc["Ⅰ-1", "id"]
    k = int((counts.loc[["pingxiang_city_2022", "pingxiang_suburb_2020"], cat] > 0).sum())
    assert table.at["Ⅰ-1", "江西"] == f"{k / 2:.0%} ({k}/2)"


def test_task_shares_count_a_theme_once_per_task_by_hand():
    classified = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "task_id": ["t1", "t1", "t2", "u1"],
                               "directive_id": ["a:1:0", "a:2:0", "a:3:0", "b:1:0"],
                               "themes": [("sanitation",), ("sanitation", "accountability"), (), ("accountability",)]})
    out = themes.task_shares(classified, ["a", "b", "c"]).set_index(["doc_id", "theme"])
    assert out.at[("a", "sanitation"), "n_tasks_with_theme"] == 1 and out.at[("a", "sanitation"), "n_tasks"] == 2
    assert out.at[("a", "accountability"), "n_tasks_with_theme"] == 1
    assert out.at[("b", "accountability"), "share"] == 1.0
    assert out.at[("c", "sanitation"), "n_tasks"] == 0 and np.isnan(out.at[("c", "sanitation"), "share"])


def test_level_pairs_are_counted_without_listing_them():
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(7)], "city": ["X"] * 5 + ["Y"] * 2,
                         "admin_level": ["prefecture-level city", "prefecture-level city", "county", "county", "county",
                                         "county", "county"]})
    # X: 2 prefecture × 3 county = 6 pairs; Y: one level only
    assert count_level_pairs(docs) == 6 == len(level_pairs(docs))
    assert len(level_pairs(docs, limit=4)) == 4


def test_group_view_on_the_bundled_corpus_by_admin_level(corpus, classified_bundled):
    view = choose_view(corpus, "admin_level")
    shares = themes.shares_table(classified_bundled, list(corpus.doc_ids))
    wide = themes.group_theme_wide(themes.group_theme_means(shares, view.groups))
    assert wide.loc["prefecture-level city", "reports"] == 3 and len(wide) == 3
    opening = themes.group_opening_reading(classified_bundled, view.groups, "admin_level", "awareness_resolve",
                                           "accountability", 0.6)
    assert "by `admin_level`" in opening and "(n = 3 reports)" in opening
    other = themes.speaker_levels_by_report(corpus)
    assert 0 <= other.min() and other.max() <= 1
    # the Pingxiang suburb relays the district secretary: most of its directive sentences are another level's
    assert other["pingxiang_suburb_2020"] > 0.5


def test_group_heatmap_size_does_not_grow_with_reports():
    from analysis.report.figures import plot_group_theme_heatmap, pooled_groups
    from analysis.report.plotting import setup_style

    setup_style()
    rng = np.random.default_rng(0)
    ids = [f"r{i}" for i in range(2000)]
    view = View(group_by="province", groups=pd.Series(rng.choice([f"省{i}" for i in range(20)], len(ids)), index=ids),
                max_panels=12)
    theme_list = themes.theme_ids()
    shares = pd.DataFrame({"doc_id": np.repeat(ids, len(theme_list)), "theme": np.tile(theme_list, len(ids)),
                           "share": rng.uniform(0, 0.4, len(ids) * len(theme_list))})
    groups = pooled_groups(view)
    assert groups.nunique() == 12 and "other" in set(groups)
    fig = plot_group_theme_heatmap(themes.group_theme_means(shares, groups), title="test")
    w, h = fig.get_size_inches() * 150          # savefig dpi
    assert w <= 4000 and h <= 4000


@pytest.fixture(scope="module")
def classified_bundled(corpus):
    return themes.classify(themes.directive_items(themes.directives(corpus), corpus))


def test_group_directive_summary_means_over_reports(corpus, classified_bundled):
    summary = themes.directive_summary(classified_bundled, corpus)
    groups = choose_view(corpus, "province").groups
    out = themes.group_directive_summary(summary, corpus.doc_ids, groups)
    jx = summary.loc[[corpus.labels["pingxiang_city_2022"], corpus.labels["pingxiang_suburb_2020"]], "directives"]
    assert out.at["江西", "reports"] == 2 and out.at["江西", "directives"].startswith(f"{jx.mean():.1f} [")
    assert out.at["河南", "directives"] == f"{summary.loc[corpus.labels['xinyang_2015'], 'directives']:.1f}"   # one report


def test_validation_is_of_the_hand_coded_sample_on_any_corpus(classified_bundled):
    annotations = themes.load_annotations()
    assert themes.validation_units(classified_bundled, annotations) is classified_bundled   # the bundled corpus
    other = classified_bundled[classified_bundled["doc_id"] != "panjin_2023"]              # the sample not all here
    units = themes.validation_units(other, annotations)
    assert list(units["directive_id"]) == list(annotations["directive_id"])
    same = dict(zip(classified_bundled["directive_id"], classified_bundled["themes"]))
    assert all(same[d] == t for d, t in zip(units["directive_id"], units["themes"]))


def test_group_means_keep_the_order_of_the_groups():
    shares = _shares({"a": {"sanitation": (1, 2)}, "b": {"sanitation": (1, 4)}})
    ranked = pd.Series({"b": "1 province", "a": "2 county"})        # a ranking, not the order of the reports
    assert list(themes.group_theme_means(shares, ranked)["group"]) == ["1 province", "2 county"]
