"""Notebook 02's group views (issue 15): group numbers worked by hand on the bundled reports grouped
by a metadata column, and group figures whose size does not grow with the number of reports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.questions import rhetoric as rh
from analysis.report.views import View, choose_view

CITY, SUBURB = "pingxiang_city_2022", "pingxiang_suburb_2020"   # the two reports of 江西 Jiangxi


@pytest.fixture(scope="module")
def by_province(corpus):
    return choose_view(corpus, "province")


def test_group_means_are_means_over_reports(corpus, by_province):
    rates = rh.report_rates(corpus)
    means = rh.group_rate_means(corpus, by_province.groups, rates).set_index(["measure", "group"])
    # 江西: the mean of the two Pingxiang reports' rates; each rate is count / n_chars * 1000
    p = rh.profile_values(corpus)
    city = p.at[CITY, "directive_markers"] / p.at[CITY, "n_chars"] * 1000
    suburb = p.at[SUBURB, "directive_markers"] / p.at[SUBURB, "n_chars"] * 1000
    row = means.loc[("directive_markers", "江西")]
    assert row["n_reports"] == 2 and row["mean"] == pytest.approx((city + suburb) / 2)
    assert min(city, suburb) <= row["ci_low"] <= row["mean"] <= row["ci_high"] <= max(city, suburb)
    # a group of one report has its rate as mean and no interval
    one = means.loc[("directive_markers", "辽宁")]
    assert one["n_reports"] == 1 and np.isnan(one["ci_low"])
    assert one["mean"] == pytest.approx(rates.at["panjin_2023", "directive_markers"])


def test_the_profile_table_has_a_column_per_group(corpus, by_province):
    table = rh.group_profile_table(corpus, by_province.groups)
    assert list(table.columns) == ["江西", "湖南", "辽宁", "河南"]
    assert table.loc["reports (n)"].tolist() == ["2", "1", "1", "1"]
    assert len(table) == 1 + len(rh.measure_labels(corpus))


def test_group_differences_are_over_reports_with_holm_over_the_family(corpus):
    ids = corpus.doc_ids
    rates = pd.DataFrame({m: [1.0, 1.2, 5.0, 5.4, 5.2] for m in rh.KEY_MEASURES}, index=ids)
    groups = pd.Series(["A", "A", "B", "B", "B"], index=ids)
    d = rh.group_rate_differences(corpus, groups, rates=rates)
    # one pair per measure; A - B = 1.1 - 5.2 = -4.1; four identical tests, Holm multiplies the smallest by 4
    assert len(d) == len(rh.KEY_MEASURES)
    assert d["difference"].tolist() == pytest.approx([-4.1] * 4)
    assert (d["ci_high"] < 0).all()
    assert d["p_holm"].iloc[0] == pytest.approx(min(1.0, 4 * d["p_value"].iloc[0]))
    assert "4 comparisons" in rh.differences_note(d, "province")


def test_no_differences_without_two_groups_of_two(corpus, by_province):
    d = rh.group_rate_differences(corpus, by_province.groups)
    assert d.empty          # only 江西 has two reports
    assert "no differences between groups are tested" in rh.differences_note(d, "province")


def test_directive_strength_by_group_averages_report_shares(corpus, by_province):
    table = rh.directive_strength_by_group(corpus, by_province.groups)
    shares = rh.directive_strength_shares(corpus)
    counts = shares[[f"strength_{g}" for g in range(4)]]
    share_3 = counts["strength_3"] / counts.sum(axis=1)
    assert table.at["江西", "n_reports"] == 2
    assert table.at["江西", "n_sentences"] == shares.loc[[CITY, SUBURB], "n_sentences"].sum()
    assert table.at["江西", "share_strength_3"] == pytest.approx((share_3[CITY] + share_3[SUBURB]) / 2)
    assert table[[f"share_strength_{g}" for g in range(4)]].sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_markers_by_group_sum_to_the_corpus(corpus, by_province):
    table = rh.markers_by_group(corpus, by_province.groups)
    markers = rh.directive_markers(corpus)
    assert table[("all", "count")].sum() == len(markers)
    group_counts = sum(table[(g, "count")] for g in by_province.group_names)
    assert (group_counts == table[("all", "count")]).all()
    yao = table.loc[(2, "modal", "要")]
    assert yao[("all", "reports (of 5)")] == 5 and yao[("江西", "reports (of 2)")] == 2


def test_top_by_group_counts_reports_using_a_value(corpus):
    hits = pd.DataFrame({"doc_id": [CITY, CITY, SUBURB, SUBURB, "panjin_2023"],
                         "phrase": ["久久为功", "久久为功", "久久为功", "真抓实干", "久久为功"]})
    groups = pd.Series({CITY: "J", SUBURB: "J", "panjin_2023": "L", "xinyang_2015": "H",
                        "changsha_county_2022": "H"})
    out = rh.top_by_group(corpus, groups, hits, "phrase")
    j = out[out["group"] == "J"].set_index("phrase")
    assert j.at["久久为功", "count"] == 3 and j.at["久久为功", "reports"] == 2 and j.at["久久为功", "n_reports"] == 2
    assert j.at["真抓实干", "count"] == 1 and list(j.index) == ["久久为功", "真抓实干"]
    assert out[out["group"] == "L"]["count"].tolist() == [1]


def test_outline_and_roles_by_group(corpus, by_province):
    og = rh.outline_by_group(corpus, by_province.groups)
    summary = rh.outline_summary(corpus)
    assert og.at["江西", "mean_items"] == pytest.approx(round(summary.loc[[CITY, SUBURB], "n_items"].mean(), 1))
    assert og["n_reports"].sum() == 5
    roles = rh.role_profile_by_group(corpus, by_province.groups)
    per_report = rh.role_profile(corpus)
    assert roles["n_sentences"].sum() == per_report["n_sentences"].sum()


def test_register_terms_and_clouds_by_group(corpus, by_province):
    reg = rh.register_terms_by_group(corpus, by_province.groups)
    assert (reg[by_province.group_names].sum(axis=1) == reg["n"]).all()
    weights = rh.group_wordcloud_weights(corpus, by_province.groups)
    assert set(weights["group"]) <= set(by_province.group_names)
    assert (weights["g2"] > 0).all() and (weights["reports"] >= 1).all()
    assert (weights["per_1k"] > weights["per_1k_rest"]).all()


def test_sensitivity_and_findings_by_group(corpus, by_province):
    table = rh.sensitivity_by_group(corpus, by_province.groups)
    assert len(table) == len(rh.SENSITIVITY_DEFINITIONS)
    corr = table["report_rank_correlation"].dropna()
    assert len(corr) == 4 and corr.between(-1, 1).all()
    text = rh.group_findings(corpus, by_province.groups, "province")
    assert "each of the 5 reports is one observation" in text and "`province`" in text
    assert "pingxiang" not in text.lower()


def _big_view(n: int = 2000, n_groups: int = 15):
    rng = np.random.default_rng(0)
    ids = [f"r{i:05d}" for i in range(n)]
    groups = pd.Series([f"group {k}" for k in rng.integers(0, n_groups, n)], index=ids)
    return View(group_by="province", groups=groups, max_panels=12), ids, rng


def test_group_profile_figure_size_does_not_grow_with_reports(tmp_path):
    from analysis.report.figures import plot_rhetoric_groups
    from analysis.report.plotting import save_figure, setup_style

    setup_style()
    panels = {f"m{k}": f"measure {k}" for k in range(8)}
    sizes = []
    for n in (300, 2000):
        view, ids, rng = _big_view(n)
        rates = pd.DataFrame({m: rng.gamma(2, 5, n) for m in panels}, index=ids)
        fig = plot_rhetoric_groups(rates, view, panels)
        sizes.append(tuple(fig.get_size_inches() * fig.dpi))
        assert len(fig.axes[0].get_yticklabels()) == 12     # eleven groups and 'other'
        paths = save_figure(fig, f"g{n}", out_dir=tmp_path)
        assert all(p.stat().st_size <= 2_000_000 for p in paths)
    assert sizes[0] == sizes[1] and max(sizes[0]) <= 4000


def test_group_figures_on_the_bundled_reports(corpus, by_province, tmp_path):
    from PIL import Image

    from analysis.report.figures import plot_directive_strength_groups, wordcloud_groups
    from analysis.report.plotting import save_figure, setup_style

    setup_style()
    fig = plot_directive_strength_groups(corpus, by_province)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["江西", "湖南", "辽宁", "河南"]
    weights = rh.group_wordcloud_weights(corpus, by_province.groups)
    fig = wordcloud_groups(corpus, weights, by_province)
    titles = [next((a.get_title(loc) for loc in ("left", "center", "right") if a.get_title(loc)), "")
              for a in fig.axes if a.get_visible()]
    assert titles == ["江西 (2 reports)", "湖南 (1 report)", "辽宁 (1 report)", "河南 (1 report)"]
    png = save_figure(fig, "clouds", out_dir=tmp_path)[0]
    assert max(Image.open(png).size) <= 4000 and png.stat().st_size <= 2_000_000
