"""JupyterLab shows Chinese on a machine without a CJK system font (``python -m analysis lab-setup``).

A fresh Linux server usually has no CJK font, so JupyterLab's interface (the file browser, HTML
tables, text outputs, the editor) would draw boxes for Chinese. ``lab_setup`` writes a small
JupyterLab configuration folder inside the project (``data/processed/jupyterlab/``, not committed)
that serves the project's own CJK font (Noto Sans CJK SC from mplfonts, see
``plotting.cjk_font``) with no system install:

- ``custom/NotoSansCJKsc-Regular.otf``: a copy of the font file;
- ``custom/custom.css``: an ``@font-face`` rule for it, limited by ``unicode-range`` to CJK
  characters (Latin text keeps JupyterLab's fonts, and the browser fetches the font only when Chinese
  appears), and JupyterLab's font variables with that family first;
- ``jupyter_server_config.json``: ``LabApp.custom_css`` on. JupyterLab 4.6 then links
  ``<base_url>custom/custom.css`` in its page (``jupyterlab/static/index.html``) and serves
  ``/custom/*`` from ``<JUPYTER_CONFIG_DIR>/custom`` (``LabApp.initialize_handlers``, jupyter_server's
  ``static_custom_path``). There is no ``loadCSSOverride`` setting in 4.6; this is the mechanism.

``make lab`` (``python -m analysis lab``) runs JupyterLab with ``JUPYTER_CONFIG_DIR`` set to that
folder and the user's own configuration folder on ``JUPYTER_CONFIG_PATH`` (see ``lab_setup``). The
font is served by the Jupyter server, from the same origin as the page (a ``file:`` URL would be
blocked by the browser). The JupyterLab browser test runs its server the same way and checks, with
the fonts chromium actually used to draw the text, that a table of Chinese text is drawn in this font.
A ``custom.css`` of the user's own (in ``~/.jupyter/custom``) is not loaded by ``make lab``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_config_dir

from analysis.loading.config import PROJ_ROOT
from analysis.report.plotting import cjk_font

#: Where ``lab_setup`` writes by default (under data/processed/, which is not committed).
LAB_DIR = PROJ_ROOT / "data" / "processed" / "jupyterlab"
#: CSS family name of the served font (a name no system font has, so the rule cannot be shadowed).
LAB_FAMILY = "Analysis CJK"
#: Characters the served font is used for: CJK punctuation, kana, CJK ideographs (with extension A
#: and the compatibility block), full-width forms. Everything else falls through to JupyterLab's fonts.
UNICODE_RANGE = "U+2E80-2FDF, U+3000-303F, U+3040-30FF, U+3100-312F, U+31A0-31BF, U+3200-33FF, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF"
#: JupyterLab 4.6's default font stacks (theme-light and theme-dark); the served family goes before them.
UI_STACK = ('system-ui, -apple-system, blinkmacsystemfont, "Segoe UI", helvetica, arial, sans-serif, '
            '"Apple Color Emoji", "Segoe UI Emoji", "Segoe UI Symbol"')
CODE_STACK = 'menlo, consolas, "DejaVu Sans Mono", monospace'


def custom_css(font_file: str) -> str:
    """The ``custom.css`` text: the ``@font-face`` for ``font_file`` (a URL relative to the CSS) and
    JupyterLab's font variables with the served family first.

    The family comes first because chromium on Linux may resolve ``system-ui`` for Chinese text to a
    font without Chinese glyphs (see ``site.FONT_STACK``); ``unicode-range`` keeps it to CJK text.
    The selector ``html:root`` outranks the theme's ``:root`` rules, which are loaded after this file.
    """
    family = f'"{LAB_FAMILY}"'
    return (
        "/* Written by `python -m analysis lab-setup` (src/analysis/report/lab.py): the project's CJK font\n"
        "   for JupyterLab's interface, so Chinese shows without a CJK system font. Do not edit. */\n"
        f"@font-face {{ font-family: {family}; font-style: normal; font-weight: 400; font-display: swap;\n"
        f'  src: url("{font_file}"); unicode-range: {UNICODE_RANGE}; }}\n'
        "html:root {\n"
        f"  --jp-ui-font-family: {family}, {UI_STACK};\n"
        f"  --jp-content-font-family: {family}, {UI_STACK};\n"
        f"  --jp-code-font-family-default: {family}, {CODE_STACK};\n"
        f"  --jp-code-font-family: {family}, {CODE_STACK};\n"
        "}\n"
    )


def user_config_dir() -> Path:
    """The user's own Jupyter configuration folder (``~/.jupyter`` or ``$JUPYTER_CONFIG_DIR``), never ours."""
    found = Path(jupyter_config_dir())
    return Path.home() / ".jupyter" if found.resolve() == LAB_DIR.resolve() else found


def lab_setup(target: Path | None = None, user: Path | None = None) -> dict[str, str]:
    """Write the JupyterLab configuration folder (font, ``custom.css``, server config) into ``target``
    (default ``LAB_DIR``); return the environment variables that make JupyterLab use it, with ``user``
    (default ``user_config_dir()``) as the user's own configuration folder.

    JupyterLab serves ``custom/`` only from ``JUPYTER_CONFIG_DIR`` (``ServerApp.static_custom_path``
    is not configurable in jupyter_server 2), so that variable points at ``target``; the user's own
    folder goes on ``JUPYTER_CONFIG_PATH`` (its config files still load and win over ours, which only
    switch ``LabApp.custom_css`` on), and the user's JupyterLab settings and workspaces stay where they
    were. Cheap when run again: the font is copied only when it changed.
    """
    target = Path(target) if target is not None else LAB_DIR
    user = Path(user) if user is not None else user_config_dir()
    custom = target / "custom"
    custom.mkdir(parents=True, exist_ok=True)
    _, font = cjk_font()
    copy = custom / font.name
    if not copy.is_file() or copy.stat().st_size != font.stat().st_size:
        shutil.copyfile(font, copy)
    (custom / "custom.css").write_text(custom_css(font.name), encoding="utf-8")
    config = {"LabApp": {"custom_css": True, "user_settings_dir": str(user / "lab" / "user-settings"),
                         "workspaces_dir": str(user / "lab" / "workspaces")}}
    (target / "jupyter_server_config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    path = [str(user), *filter(None, os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    return {"JUPYTER_CONFIG_DIR": str(target), "JUPYTER_CONFIG_PATH": os.pathsep.join(path)}


def run_lab(args: list[str]) -> None:
    """``lab_setup`` then JupyterLab (``jupyter lab ARGS``) in its place, with that environment."""
    env = {**os.environ, **lab_setup()}
    os.execvpe(sys.executable, [sys.executable, "-m", "jupyterlab", *args], env)
