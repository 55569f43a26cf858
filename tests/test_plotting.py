"""A CJK font on a fresh machine, missing glyphs as errors, deterministic figure bytes."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis.report import plotting


def test_bundled_cjk_font_is_found():
    family, path = plotting.cjk_font()
    assert path.is_file() and "CJK" in family


def test_chinese_labels_render_without_warnings(tmp_path):
    plotting.setup_style()
    fig, ax = plt.subplots()
    ax.set_title("萍乡 Pingxiang 盘锦 Panjin 长沙县 信阳 攻坚 (gōngjiān)")
    plotting.save_figure(fig, "ok", out_dir=tmp_path)
    plt.close(fig)


def test_missing_glyph_is_an_error(tmp_path):
    plotting.setup_style()
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("萍乡")
        with pytest.raises(UserWarning, match="missing from font"):
            fig.savefig(tmp_path / "boxes.png")
        plt.close(fig)


SCRIPT = """
import sys
from pathlib import Path
import matplotlib.pyplot as plt
from analysis.report import plotting
plotting.setup_style()
fig, ax = plt.subplots()
ax.bar(["萍乡 Pingxiang", "盘锦 Panjin"], [3, 5])
ax.set_title("创建全国文明城市")
plotting.save_figure(fig, "same", out_dir=Path(sys.argv[1]))
"""


def test_same_inputs_same_bytes_across_processes(tmp_path):
    digests = []
    for run in ("a", "b"):
        subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / run)], check=True)
        digests.append({ext: hashlib.sha256((tmp_path / run / f"same.{ext}").read_bytes()).hexdigest() for ext in ("png", "svg")})
    assert digests[0] == digests[1]


def test_figure_source_is_a_sidecar_and_leaves_the_csv_alone(tmp_path):
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.report.plotting import save_figure, with_data

    data = pd.DataFrame({"doc_id": ["a"], "n": [1]}).set_index("doc_id")
    fig = with_data(plt.figure(), data, source="directives where strength == 3")
    plain = save_figure(with_data(plt.figure(), data), "plain", out_dir=tmp_path / "p")
    sourced = save_figure(fig, "fig", out_dir=tmp_path / "s")
    assert [p.name for p in plain] == ["plain.png", "plain.svg", "plain.csv"]
    assert sourced[-1].name == "fig.source.txt"
    assert "directives where strength == 3" in sourced[-1].read_text(encoding="utf-8")
    assert (tmp_path / "s" / "fig.csv").read_bytes() == (tmp_path / "p" / "plain.csv").read_bytes()


# --------------------------------------------------------------------------------------------
# presentation: word clouds, keyness, similarity, shared formulas (issue 13)


def test_wordcloud_colours_have_enough_contrast_on_white_and_are_fixed_per_word():
    assert all(plotting.contrast_on_white(c) >= 4.5 for c in plotting.WORDCLOUD_COLORS)
    assert plotting.contrast_on_white("#FDE725") < 4.5  # viridis' yellow, the old default's palest ink
    assert plotting.wordcloud_color("创文巩卫") == plotting.wordcloud_color("创文巩卫")
    assert plotting.wordcloud_color("务必") in plotting.WORDCLOUD_COLORS


def test_wordcloud_draws_only_single_tokens(monkeypatch):
    """A term that is not one token (two neighbours 存在 + 工作人员 joined) is never drawn."""
    import wordcloud

    seen = []
    real = wordcloud.WordCloud.generate_from_frequencies

    def spy(self, frequencies, *args, **kwargs):
        seen.append(dict(frequencies))
        return real(self, frequencies, *args, **kwargs)

    monkeypatch.setattr(wordcloud.WordCloud, "generate_from_frequencies", spy)
    plotting.setup_style()
    fig = plotting.wordcloud_grid({"a": {"存在": 3.0, "工作人员": 2.0, "存在工作人员": 9.0}}, {"a": "A"},
                                  single_tokens={"存在", "工作人员"})
    plt.close(fig)
    assert set(seen[0]) == {"存在", "工作人员"}


def test_similarity_panels_share_one_colour_scale_and_have_no_dendrogram(corpus):
    from analysis.report import figures

    plotting.setup_style()
    fig = figures.plot_similarity(corpus)
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 2 and images[0].get_clim() == images[1].get_clim()
    assert not any(ax.collections and "Clustering" in ax.get_title() for ax in fig.axes)
    plt.close(fig)


def test_keyness_shades_by_g2_and_hatches_low_expected(corpus):
    from analysis.report import figures

    plotting.setup_style()
    fig = figures.plot_keyness(corpus)
    data = plotting.figure_data(fig).reset_index()
    first = fig.axes[0]
    bars = first.patches
    sub = data[data["doc_id"] == corpus.doc_ids[0]]
    assert len(bars) == len(sub)
    # the bar with the largest G² is the darkest; hatched exactly where the expected count is below 5
    lum = [sum(b.get_facecolor()[:3]) for b in bars]
    assert int(np.argmin(lum)) == int(np.argmax(sub["g2"].to_numpy()))
    assert [bool(b.get_hatch()) for b in bars] == list(sub["low_expected"])
    assert any("G²" in ax.get_xlabel() for ax in fig.axes)  # the colour bar
    plt.close(fig)


def test_formula_matrix_glosses_every_formula_and_has_a_size_legend(corpus):
    from analysis.questions import compare
    from analysis.report import figures
    from analysis.report.glossary import gloss

    plotting.setup_style()
    fig = figures.plot_formula_matrix(corpus, compare.shared_formulas(corpus))
    ax = fig.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    terms = list(plotting.figure_data(fig).index)
    for term, text in zip(terms, labels):
        assert text.startswith(term)
        if gloss(term):
            assert " ".join(gloss(term).split()) in " ".join(text.split()), (term, text)
    legend = ax.get_legend()
    assert legend is not None and "occurrences" in legend.get_title().get_text()
    assert [t.get_text() for t in legend.get_texts()][-1].endswith("or more")
    plt.close(fig)
