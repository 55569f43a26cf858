"""One figure style, a CJK font that exists on a fresh machine, and deterministic figure files.

The font comes from the ``mplfonts`` package that the README's install provides (Noto Sans CJK
SC, SIL Open Font License), so figures look the same everywhere; a system CJK font is used only
if that package is missing. A missing glyph is an error, never a box.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt  # noqa: E402,F401
from matplotlib import font_manager  # noqa: E402

from analysis.loading.config import figures_dir
from analysis.loading.errors import AnalysisError  # noqa: E402

#: Bundled font file inside the mplfonts package, tried first.
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
#: System font families that render simplified Chinese, tried in order if the bundle is missing.
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")
GLYPH_WARNING = r"Glyph .* missing from (current )?font"
#: Colours for reports, assigned in corpus order (colour-blind-safe Okabe–Ito, then tab10).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]


class FontNotFoundError(AnalysisError, RuntimeError):
    """No font that can draw Chinese characters is available."""


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, Path]:
    """``(family name, file)`` of a font with Chinese glyphs; registered with matplotlib."""
    try:
        path = Path(str(resources.files(BUNDLED_FONT[0]).joinpath(BUNDLED_FONT[1])))
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name(), path
    except ModuleNotFoundError:
        pass
    for family in SYSTEM_FAMILIES:
        try:
            found = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        return family, Path(found)
    raise FontNotFoundError(
        None, "No CJK font found: install the project's requirements (they include mplfonts, which ships "
        "Noto Sans CJK SC) or a system font such as Debian's fonts-noto-cjk."
    )


def setup_style() -> str:
    """Apply the project style and make missing glyphs errors. Returns the CJK family in use."""
    family, _ = cjk_font()
    matplotlib.rcParams.update(
        {
            "font.family": [family],
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "figure.figsize": (8, 4.5),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 12,
            "axes.titleweight": "normal",
            "figure.titleweight": "normal",
            "axes.titlelocation": "left",
            "axes.labelsize": 10,
            "svg.fonttype": "path",
            "svg.hashsalt": "analysis",
            "path.simplify": True,
        }
    )
    warnings.filterwarnings("error", message=GLYPH_WARNING)
    return family


def colors_for(doc_ids: list[str]) -> dict[str, str]:
    """A stable colour per report, in corpus order (cycles past eight reports)."""
    return {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(doc_ids)}


def with_data(fig, data, source: str | None = None):
    """Attach the table a figure draws to it (what :func:`save_figure` writes as its CSV) and, as
    ``source``, the tidy table and filter its rows come from (``"reports: n_chars; sentences: Han
    characters per sentence"``, table names of ``data/DATA_DICTIONARY.yaml``); returns ``fig``."""
    fig.analysis_data = data
    if source is not None:
        fig.analysis_source = source
    return fig


def figure_data(fig):
    """The table attached to a figure by :func:`with_data`, or None."""
    return getattr(fig, "analysis_data", None)


def figure_source(fig) -> str | None:
    """The source note attached by :func:`with_data`, or None."""
    return getattr(fig, "analysis_source", None)


def save_figure(fig, name: str, data=None, out_dir: Path | None = None, source: str | None = None) -> list[Path]:
    """Save ``fig`` as ``<name>.png`` and ``<name>.svg``, and the table it draws as ``<name>.csv``
    (``data``, or the table attached with :func:`with_data`), with stable bytes. The one way every
    notebook saves a figure.

    ``source`` (or the one attached with :func:`with_data`) names the tidy table(s) and filter the
    figure's numbers come from; it is written beside the CSV as ``<name>.source.txt`` (a sidecar, so
    the CSV's bytes do not change).

    The PNG carries no software version and the SVG no date, so the same inputs give the same
    files; ``svg.hashsalt`` fixes the SVG's internal ids.
    """
    data = figure_data(fig) if data is None else data
    source = figure_source(fig) if source is None else source
    out = out_dir or figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], format="png", metadata={"Software": None})
    fig.savefig(paths[1], format="svg", metadata={"Date": None, "Creator": None})
    if data is not None:
        paths.append(out / f"{name}.csv")
        data.to_csv(paths[-1], index=True, lineterminator="\n")
    if source:
        paths.append(out / f"{name}.source.txt")
        paths[-1].write_text(f"{name}.csv comes from the tidy tables (data/DATA_DICTIONARY.md): {source.strip()}\n",
                             encoding="utf-8")
    return paths


def interval_panels(table, labels: dict[str, str], panels: dict[str, str], ncols: int = 4,
                    xlabel: str = "per 1,000 characters", title: str | None = None):
    """Small multiples of rates with intervals: one panel per measure, one row per report.

    ``table`` is long: ``measure, doc_id, rate_per_1k, ci_low, ci_high, count`` (e.g.
    :func:`analysis.rhetoric.rate_intervals`). ``panels`` maps measure -> panel title (in order);
    ``labels`` maps doc_id -> report label (in corpus order, top to bottom). Each dot is annotated
    with its count. Returns the figure.
    """
    import math

    import numpy as np

    doc_ids = list(labels)
    colors = colors_for(doc_ids)
    nrows = math.ceil(len(panels) / ncols)
    height = 0.35 * len(doc_ids) + 1.2
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.1 * ncols, height * nrows), sharey=True, squeeze=False)
    y = np.arange(len(doc_ids))[::-1]
    for ax, (measure, panel_title) in zip(axes.flat, panels.items()):
        t = table[table["measure"] == measure].set_index("doc_id").reindex(doc_ids)
        for yi, d in zip(y, doc_ids):
            r = t.loc[d]
            ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=colors[d], lw=2, alpha=0.6, solid_capstyle="butt")
            ax.plot(r["rate_per_1k"], yi, "o", color=colors[d], ms=5)
            ax.annotate(f"{int(r['count'])}", (r["rate_per_1k"], yi), xytext=(0, 5), textcoords="offset points",
                        ha="center", fontsize=7, color="#444444")
        ax.set_title(panel_title, fontsize=10)
        ax.set_xlim(left=0, right=max(1.0, float(t["ci_high"].max())) * 1.15)
        ax.set_ylim(-0.6, len(doc_ids) - 0.4)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", visible=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(y, [labels[d] for d in doc_ids])
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    return fig


#: Word-cloud ink: dark colours, each with a contrast ratio of at least 4.5:1 on white (WCAG AA).
WORDCLOUD_COLORS = ("#08306B", "#7F2704", "#00441B", "#3F007D", "#67000D", "#252525")
#: Pixels kept free around every word of a cloud, so two neighbours never read as one word.
WORDCLOUD_MARGIN = 10


def _relative_luminance(color: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_on_white(color: str) -> float:
    """WCAG contrast ratio of ``color`` against a white background (1 to 21)."""
    return 1.05 / (_relative_luminance(color) + 0.05)


def wordcloud_color(word: str, **_) -> str:
    """The colour of ``word`` in a cloud: one of :data:`WORDCLOUD_COLORS`, fixed by the word itself
    (CRC-32 of its UTF-8 bytes), so the same word has the same colour in every cloud and run."""
    import zlib

    return WORDCLOUD_COLORS[zlib.crc32(word.encode("utf-8")) % len(WORDCLOUD_COLORS)]


def wordcloud_grid(weights: dict[str, dict[str, float]], labels: dict[str, str], ncols: int = 3,
                   seed: int = 0, title: str | None = None, max_words: int = 40,
                   single_tokens: set[str] | None = None):
    """One word cloud per report from ``doc_id -> {term: weight}``, in the project's CJK font.

    A new :class:`wordcloud.WordCloud` is made for every report with ``random_state=seed``, so each
    cloud depends only on its own weights (adding a report does not move the others). Reports with
    no positive weight get an empty panel that says so. Words are drawn in dark colours with enough
    contrast on white (:func:`wordcloud_color`), with a margin of :data:`WORDCLOUD_MARGIN` pixels so
    that two adjacent words are not read as one; ``collocations=False`` and, if ``single_tokens``
    is given, only terms in it are drawn (a cloud never joins two tokens into a phrase).
    """
    import math

    from wordcloud import WordCloud

    _, font = cjk_font()
    doc_ids = list(labels)
    nrows = math.ceil(len(doc_ids) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.0 * nrows), squeeze=False)
    for ax, d in zip(axes.flat, doc_ids):
        w = {t: float(v) for t, v in sorted(weights.get(d, {}).items())
             if v > 0 and (single_tokens is None or t in single_tokens)}
        ax.set_axis_off()
        ax.set_title(labels[d], fontsize=11)
        if not w:
            ax.text(0.5, 0.5, "no distinctive terms", ha="center", va="center", transform=ax.transAxes)
            continue
        cloud = WordCloud(font_path=str(font), width=600, height=400, background_color="white",
                          random_state=seed, max_words=max_words, prefer_horizontal=1.0,
                          margin=WORDCLOUD_MARGIN, color_func=wordcloud_color,
                          collocations=False).generate_from_frequencies(w)
        ax.imshow(cloud.to_array(), interpolation="nearest")
    for ax in axes.flat[len(doc_ids):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    return fig


def stacked_shares(shares, labels: dict[str, str], parts: dict[str, str], colors: list[str], totals=None,
                   title: str | None = None, xlabel: str = "share of sentences"):
    """Horizontal 100% bars: one bar per report (``shares`` indexed by doc_id, one column per part),
    parts named by ``parts`` (column -> legend label), each bar labelled with its denominator."""
    import numpy as np

    doc_ids = list(labels)
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(doc_ids) + 1.5))
    y = np.arange(len(doc_ids))[::-1]
    left = np.zeros(len(doc_ids))
    for (col, name), color in zip(parts.items(), colors):
        vals = shares.reindex(doc_ids)[col].to_numpy(dtype=float)
        ax.barh(y, vals, left=left, color=color, label=name, height=0.6)
        left += vals
    ax.set_yticks(y, [labels[d] for d in doc_ids])
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if totals is not None:
        for yi, d in zip(y, doc_ids):
            ax.annotate(f"n = {int(totals[d])}", (1, yi), xytext=(4, 0), textcoords="offset points", va="center",
                        fontsize=8, annotation_clip=False)
    ax.legend(ncols=len(parts), loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=8)
    if title:
        ax.set_title(title, pad=24)
    fig.tight_layout()
    return fig
