"""Views that fit any corpus: one group per report while small, groups of reports above that, with
statistics over reports (hand-worked values) and figures whose size does not grow with the corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.measures.stats import group_differences, group_means, holm
from analysis.report.views import PER_REPORT, choose_view


def test_the_bundled_corpus_is_shown_report_by_report(corpus):
    view = choose_view(corpus)
    assert view.per_report and view.group_names == list(corpus.labels.values())


def test_a_metadata_column_groups_the_reports(corpus):
    view = choose_view(corpus, "admin_level")
    assert view.group_by == "admin_level"
    assert view.groups["pingxiang_suburb_2020"] == "township-level management committee"
    assert view.groups["pingxiang_city_2022"] == view.groups["panjin_2023"] == "prefecture-level city"
    assert choose_view(corpus, "year").groups["xinyang_2015"] == "2015"


def test_an_unknown_grouping_names_the_columns(corpus):
    from analysis.loading.errors import AnalysisError

    with pytest.raises(AnalysisError, match="cannot group the reports by 'prefecture'"):
        choose_view(corpus, "prefecture")


def test_the_environment_sets_the_grouping(corpus, monkeypatch):
    monkeypatch.setenv("ANALYSIS_GROUP_BY", "province")
    assert choose_view(corpus).group_by == "province"
    monkeypatch.setenv("ANALYSIS_GROUP_BY", PER_REPORT)
    assert choose_view(corpus).per_report


def test_group_means_resample_reports():
    values = pd.Series([1.0, 2.0, 3.0, 10.0], index=list("abcd"))
    groups = pd.Series(["A", "A", "A", "B"], index=list("abcd"))
    out = group_means(values, groups, n_boot=500, seed=1).set_index("group")
    # A: mean (1+2+3)/3 = 2; every replicate mean lies between 1 and 3; B: one report, no interval
    assert out.at["A", "mean"] == 2.0 and out.at["A", "n_reports"] == 3
    assert 1.0 <= out.at["A", "ci_low"] < 2.0 < out.at["A", "ci_high"] <= 3.0
    assert out.at["B", "mean"] == 10.0 and np.isnan(out.at["B", "ci_low"])


def test_holm_adjustment_by_hand():
    # sorted 0.01, 0.03, 0.04: 3×0.01 = 0.03; 2×0.03 = 0.06; 1×0.04 = 0.04 → max(0.06, 0.04) = 0.06
    assert np.allclose(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])


def test_group_differences_are_corrected_for_multiple_comparisons():
    values = pd.Series([1.0, 1.1, 0.9, 5.0, 5.2, 4.8, 1.0, 1.2], index=list("abcdefgh"))
    groups = pd.Series(list("AAABBBCC"), index=list("abcdefgh"))
    out = group_differences(values, groups)
    assert len(out) == 3 and (out["p_holm"] >= out["p_value"]).all()
    ab = out[(out.group_a == "A") & (out.group_b == "B")].iloc[0]
    assert ab["difference"] == pytest.approx(1.0 - 5.0)
    assert ab["ci_low"] < -4.0 < ab["ci_high"] < 0      # the interval is over reports and excludes 0


def test_group_figure_size_does_not_grow_with_reports(corpus):
    from analysis.report.figures import plot_group_distribution
    from analysis.report.plotting import setup_style

    setup_style()
    rng = np.random.default_rng(0)
    ids = [f"r{i}" for i in range(2000)]
    values = pd.Series(rng.gamma(2, 5, len(ids)), index=ids)
    view = choose_view(corpus, "province")
    big = type(view)(group_by="province", groups=pd.Series(rng.choice(list("甲乙丙丁戊己庚辛壬癸子丑寅卯"), len(ids)), index=ids),
                     max_panels=12)
    fig = plot_group_distribution(values, big, "rate", "per 1,000 characters")
    w, h = fig.get_size_inches() * fig.dpi
    assert w <= 4000 and h <= 4000
    assert len(fig.axes[0].get_yticklabels()) == 12       # eleven groups and 'other'


def test_a_corpus_no_column_divides_is_one_group_not_two_thousand_rows(corpus):
    from analysis.report.views import WHOLE_CORPUS

    docs = corpus.documents
    big = type(corpus.documents)({"doc_id": [f"r{i}" for i in range(20)]})
    # twenty reports with one value in every grouping column: no column has two groups
    fake = type("C", (), {})()
    fake.documents = big.assign(province="江西省", meeting_date="", campaigns="", admin_level="city")
    fake.doc_ids = list(big["doc_id"])
    fake.labels = dict(zip(big["doc_id"], big["doc_id"]))
    fake.lexicon = corpus.lexicon
    view = choose_view(fake)
    assert view.group_by == WHOLE_CORPUS and view.group_names == ["all reports"]
    assert len(docs) == 5 and choose_view(corpus).per_report


def test_capped_tables_show_their_first_rows_and_say_so(corpus, monkeypatch):
    import IPython.display

    from analysis.report.views import capped

    shown_notes = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown_notes.append(obj.data))

    table = pd.DataFrame({"doc_id": [f"r{i}" for i in range(100)], "n": range(100)})
    per_report = choose_view(corpus)
    assert len(capped(table, per_report)) == 100          # the bundled five: the whole table
    grouped = choose_view(corpus, "province")
    shown = capped(table, grouped, "reports", "documents.csv")
    assert len(shown) == grouped.rows_max == 30 and shown["n"].tolist() == list(range(30))
    assert shown_notes == ["*Showing the first 30 of 100 reports; every row is in the tidy table "
                           "`processed/tables/documents.csv`.*"]


def test_notebook_01_readings_are_computed_off_the_bundled_corpus(tmp_path):
    """On another corpus notebook 01 names no bundled report: its notes count what this corpus holds."""
    from conftest import dev_copy

    from analysis import load_corpus
    from analysis.questions import overview

    root = dev_copy(tmp_path / "dev", lambda name: name < "d14")
    dev = load_corpus(root)
    view = choose_view(dev)
    assert view.group_by != "report" and len(dev.documents) == 13
    texts = [overview.provenance_note(dev), overview.date_note(dev), overview.reading(dev, view.groups)]
    for text in texts:
        assert not any(w in text for w in ("Pingxiang", "Panjin", "Xinyang", "Changsha"))
    assert texts[0].startswith("13 reports from ")
    basis = dev.documents["date_basis"].replace("", "unknown").value_counts()
    assert f"{basis.index[0]} {basis.iloc[0]:,}" in texts[1]
    assert f"Groups (`{view.group_by}`): {view.groups.nunique()}" in texts[2]
    by_group = overview.corpus_by_group(dev, view.groups)
    assert int(by_group["reports"].sum()) == 13 and by_group.filter(like="date_").to_numpy().sum() == 13
