"""Notebook 04 above 12 reports: the time axis, stages, promises and orientation by group, each
report one observation; numbers checked by hand on the bundled five grouped by province and on
small synthetic cases; figure sizes that do not grow with the number of reports."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis.questions import timeline as tl
from analysis.report.views import choose_view


@pytest.fixture(scope="module")
def by_province(corpus):
    return choose_view(corpus, "province")


def _big_view(corpus, n: int, n_groups: int = 14, seed: int = 0):
    """A view of ``n`` synthetic reports in ``n_groups`` groups (more than max_panels)."""
    rng = np.random.default_rng(seed)
    ids = [f"r{i:05d}" for i in range(n)]
    names = list("甲乙丙丁戊己庚辛壬癸子丑寅卯")[:n_groups]
    view = choose_view(corpus, "province")
    return type(view)(group_by="province", groups=pd.Series(rng.choice(names, n), index=ids), max_panels=12), ids


def test_year_axis_counts_reports_per_group_and_year(corpus, by_province):
    ax = tl.year_axis(tl.meetings(corpus), tl.dated_promises(corpus), by_province)
    got = {(r.group, r.what, r.period): r.n_reports for r in ax.itertuples()}
    # 江西: Pingxiang city met in 2022, its suburb in 2020; the city's promise (the Party congress) is due 2022
    assert got[("江西", "meeting", "2020")] == got[("江西", "meeting", "2022")] == 1
    assert got[("江西", "promise due", "2022")] == 1
    # 湖南 (Changsha County): civilised-city title 2023, health-city re-review 2024; 辽宁 (Panjin): 2023 and 2025
    assert got[("湖南", "promise due", "2023")] == got[("湖南", "promise due", "2024")] == 1
    assert got[("辽宁", "promise due", "2023")] == got[("辽宁", "promise due", "2025")] == 1
    assert got[("河南", "meeting", "2015")] == got[("河南", "promise due", "2018")] == 1
    assert ax["n_reports"].sum() == 5 + 6      # five meetings; six (report, year) pairs of dated promises


def test_year_axis_bins_long_spans():
    mt = pd.DataFrame({"doc_id": ["a", "b", "c"], "meeting_date": ["1950", "1990-05", "2049-01-01"]})
    promises = pd.DataFrame({"doc_id": ["a", "c"], "by_when": ["1951-12-31", "open"]})
    view = type("V", (), {"groups": pd.Series({"a": "G", "b": "G", "c": "H"}), "group_names": ["G", "H"]})()
    ax = tl.year_axis(mt, promises, view, max_columns=40)
    # 1950–2049 is 100 years: spans of ceil(100 / 40) = 3 years, 1950–1952 holding 1950 and 1951
    assert set(ax["period"]) == {"1950–1952", "1989–1991", "2049–2051"}   # 1950 + 3·(99 div 3) = 2049
    assert ax.loc[(ax["group"] == "G") & (ax["period"] == "1950–1952"), "n_reports"].tolist() == [1, 1]


def test_promise_horizons_by_hand(corpus):
    h = tl.promise_horizons(tl.dated_promises(corpus), tl.meetings(corpus))["horizon_years"]
    # Changsha County 2022 → 2024; Panjin 2023 → 2025; Pingxiang 2022 → 2022; Xinyang 2015 → 2018 (April)
    assert h.to_dict() == {"changsha_county_2022": 2.0, "panjin_2023": 2.0, "pingxiang_city_2022": 0.0,
                           "xinyang_2015": 3.0}


def test_stages_by_group_share_of_the_groups_reports(corpus, by_province):
    long = tl.stages_by_group(tl.campaign_stages(corpus), by_province).set_index(["group", "stage"])
    # 江西 has two reports: Pingxiang city (push, mobilisation), the suburb (creation) → each 1 of 2
    assert long.loc[("江西", "push"), ["n_reports", "group_reports", "share"]].tolist() == [1, 2, 0.5]
    assert long.loc[("江西", "creation"), "share"] == 0.5
    assert long.loc[("湖南", "review_defence"), "share"] == 1.0
    wide = tl.stages_by_group_table(long.reset_index(), by_province)
    assert wide.at["江西", "reports"] == 2 and wide.at["江西", "push"] == "1 (50%)" and wide.at["辽宁", "creation"] == "0"


def test_mixed_stages_in_words(corpus, by_province):
    text = tl.mixed_stages(tl.campaign_stages(corpus), corpus, by_province, limit=2)
    assert text.startswith("3 of 5 reports are at different stages")
    assert "江西 1/2; 湖南 1/1; 辽宁 0/1; 河南 1/1" in text
    assert "The first 2 of them" in text and text.count("\n- ") == 2


def test_expression_rates_and_their_group_means(corpus, by_province):
    ex = tl.expressions(corpus)
    rates = tl.expression_rates(ex, corpus)
    body = ex[(ex["doc_id"] == "panjin_2023") & (ex["part"] == "body")]
    chars = int(corpus.documents.set_index("doc_id").at["panjin_2023", "n_chars"])
    assert rates.at["panjin_2023", "per_1k"] == pytest.approx(len(body) / chars * 1000)
    table = tl.expression_rates_by_group(rates, by_province)
    jx = rates.loc[["pingxiang_city_2022", "pingxiang_suburb_2020"]]
    assert table.at["江西", "n_reports"] == 2 and table.at["江西", "expressions"] == jx["n_expressions"].sum()
    assert table.at["江西", "mean_per_1k"] == round(jx["per_1k"].mean(), 2)
    assert list(table.index) == ["江西", "湖南", "辽宁", "河南"]     # groups in corpus order


def test_orientation_by_group_is_a_mean_over_reports(corpus, by_province):
    orient = tl.orientation(corpus)
    bg = tl.orientation_by_group(orient, by_province).set_index(["orientation", "group"])
    past = orient[orient["orientation"] == "past"].set_index("doc_id")["share"]
    jx = (past["pingxiang_city_2022"] + past["pingxiang_suburb_2020"]) / 2     # not the pooled sentence share
    assert bg.at[("past", "江西"), "mean"] == pytest.approx(jx) and bg.at[("past", "江西"), "n_reports"] == 2
    assert np.isnan(bg.at[("past", "河南"), "ci_low"])                           # one report: no interval


def test_orientation_differences_holm_over_the_family():
    ids = list("abcdef")
    rows = []
    for o, values in {"past": [0.1, 0.12, 0.11, 0.5, 0.52, 0.49], "present": [0.1, 0.12, 0.08, 0.11, 0.13, 0.09],
                      "future": [0.8, 0.7, 0.9, 0.8, 0.75, 0.85]}.items():
        rows += [{"doc_id": d, "orientation": o, "share": v} for d, v in zip(ids, values)]
    view = type("V", (), {"groups": pd.Series(list("AAABBB"), index=ids), "group_by": "g"})()
    d = tl.orientation_differences(pd.DataFrame(rows), view).set_index("orientation")
    assert len(d) == 3 and (d["p_holm"] >= d["p_value"]).all()
    assert d.at["past", "difference"] == pytest.approx(0.11 - 0.5033333, abs=1e-6)
    # Holm over three tests: the smallest p is multiplied by 3
    assert d["p_holm"].min() == pytest.approx(min(1.0, 3 * d["p_value"].min()))
    text = tl.orientation_summary_by_group(
        tl.orientation_by_group(pd.DataFrame(rows), view), pd.DataFrame(d.reset_index()), view)
    assert "Of 3 pairwise differences" in text and "past A − B" in text


def test_promises_by_group_by_hand(corpus, by_province):
    t = tl.promises_by_group(tl.dated_promises(corpus), corpus, by_province)
    # Changsha County: two dated promises (2023, 2024), both in the narrated lead
    assert t.loc["湖南", ["n_reports", "with_promise", "promises", "dated", "open", "by_named_official"]].tolist() == \
        [1, 1, 2, 2, 0, 0]
    assert t.at["江西", "mean_per_report"] == 1.0 and t["promises"].sum() == len(tl.dated_promises(corpus))


def _fits(fig) -> tuple[float, float, int]:
    w, h = fig.get_size_inches() * fig.dpi
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return w, h, len(buf.getvalue())


def test_group_figures_do_not_grow_with_reports(corpus):
    from analysis.report.figures import plot_group_orientation, plot_group_years
    from analysis.report.plotting import setup_style

    setup_style()
    sizes = []
    for n in (200, 2000):
        view, ids = _big_view(corpus, n)
        rng = np.random.default_rng(1)
        orient = pd.DataFrame([{"doc_id": d, "orientation": o, "share": rng.uniform()} for d in ids
                               for o in tl.ORIENTATIONS])
        fig = plot_group_orientation(orient, view)
        assert len(fig.axes[0].get_yticklabels()) == 12            # eleven groups and "other"
        mt = pd.DataFrame({"doc_id": ids, "meeting_date": [f"{y}-01-01" for y in rng.integers(2000, 2024, n)]})
        promises = pd.DataFrame({"doc_id": ids, "by_when": [f"{y}-12-31" for y in rng.integers(2010, 2036, n)]})
        fig2 = plot_group_years(tl.year_axis(mt, promises, view), view)
        assert len(fig2.axes[0].get_yticklabels()) == 12
        sizes.append([_fits(fig)[:2], _fits(fig2)[:2]])
        for f in (fig, fig2):
            w, h, nbytes = _fits(f)
            assert w <= 4000 and h <= 4000 and nbytes <= 2_000_000
    assert sizes[0] == sizes[1]


def test_group_figures_on_the_bundled_reports_by_province(corpus, by_province):
    from analysis.report.figures import plot_group_orientation, plot_group_years

    fig = plot_group_orientation(tl.orientation(corpus), by_province)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["河南 (n=1)", "辽宁 (n=1)", "湖南 (n=1)", "江西 (n=2)"]
    fig = plot_group_years(tl.year_axis(tl.meetings(corpus), tl.dated_promises(corpus), by_province), by_province)
    # every year from the first meeting (2015) to the last promise (2025) is a column
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == [str(y) for y in range(2015, 2026)]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["江西 (n=2)", "湖南 (n=1)", "辽宁 (n=1)", "河南 (n=1)"]


def test_a_report_without_a_meeting_date_does_not_break_orientation_or_promises(monkeypatch):
    """A string column holds a missing meeting date as NaN, not None (a corpus where some reports
    have no date: 474 of the 1,000 synthetic ones): orientation and promises treat it as no date."""
    from analysis import load_corpus

    fresh = load_corpus(progress=False)          # its own memo: the patched table stays in this test
    ex = tl.expressions(fresh)
    ex["base_date"] = ex["base_date"].astype(object).where(ex["doc_id"] != "panjin_2023", np.nan)
    monkeypatch.setattr(tl, "expressions", lambda corpus, include_rejected=False: ex.copy())
    so = tl.sentence_orientation(fresh)
    assert len(so) == len(fresh.sentences)
    assert list(tl.dated_promises(fresh).columns) == tl.PROMISE_COLUMNS
