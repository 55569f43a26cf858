"""A CJK font on a fresh machine, missing glyphs as errors, deterministic figure bytes."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import matplotlib
import matplotlib.pyplot as plt
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
