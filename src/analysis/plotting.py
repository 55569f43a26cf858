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

from .config import figures_dir  # noqa: E402

#: Bundled font file inside the mplfonts package, tried first.
BUNDLED_FONT = ("mplfonts", "fonts/NotoSansCJKsc-Regular.otf")
#: System font families that render simplified Chinese, tried in order if the bundle is missing.
SYSTEM_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")
GLYPH_WARNING = r"Glyph .* missing from (current )?font"
#: Colours for reports, assigned in corpus order (colour-blind-safe Okabe–Ito, then tab10).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]


class FontNotFoundError(RuntimeError):
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
        "No CJK font found: install the project's requirements (they include mplfonts, which ships "
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


def save_figure(fig, name: str, data=None, out_dir: Path | None = None) -> list[Path]:
    """Save ``fig`` as ``<name>.png`` and ``<name>.svg`` (and ``data`` as ``<name>.csv``) with stable bytes.

    The PNG carries no software version and the SVG no date, so the same inputs give the same
    files; ``svg.hashsalt`` fixes the SVG's internal ids.
    """
    out = out_dir or figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], format="png", metadata={"Software": None})
    fig.savefig(paths[1], format="svg", metadata={"Date": None, "Creator": None})
    if data is not None:
        paths.append(out / f"{name}.csv")
        data.to_csv(paths[-1], index=True, lineterminator="\n")
    return paths
