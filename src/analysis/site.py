"""Export the executed notebooks as an offline HTML site with an index page.

Every notebook becomes two pages: ``<name>.html`` with code and ``<name>.reader.html`` without code
cells. Pages load nothing from the network (the ``offline`` template drops require.js, MathJax,
mermaid and widget scripts and sets a Content-Security-Policy that forbids scripts). Report text
reaches a page only through pandas tables and text outputs, which are escaped, so a report that
contains ``<script>`` or markup cannot inject anything into a page.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import nbformat

from .config import figures_dir, site_dir

TEMPLATES = Path(__file__).parent / "templates"


def _exporter(reader: bool):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="offline")
    if reader:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


def notebook_info(nb, path: Path) -> dict:
    """Title (first heading), one-line summary and key figure from a notebook's metadata."""
    meta = nb.metadata.get("analysis", {})
    title = path.stem
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    title = line[2:].strip()
                    break
            break
    return {"stem": path.stem, "title": title, "summary": meta.get("summary", ""), "key_figure": meta.get("key_figure", "")}


def _nav(infos: list[dict], current: str, reader: bool) -> str:
    links = ['<a href="index.html">Index</a>']
    for info in infos:
        suffix = ".reader.html" if reader else ".html"
        label = html.escape(info["stem"])
        links.append(f"<b>{label}</b>" if info["stem"] == current else f'<a href="{html.escape(info["stem"])}{suffix}">{label}</a>')
    other = f'{html.escape(current)}{".html" if reader else ".reader.html"}'
    links.append(f'<a href="{other}">{"with code" if reader else "without code"}</a>')
    return " · ".join(links)


def export_site(notebooks: list[Path], out: Path | None = None) -> Path:
    """Write the site to ``out`` (default ``site/``); returns the index page."""
    out = out or site_dir()
    out.mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(exist_ok=True)
    nbs = [(p, nbformat.read(p, as_version=4)) for p in notebooks]
    infos = [notebook_info(nb, p) for p, nb in nbs]
    for (path, nb), info in zip(nbs, infos):
        for reader in (False, True):
            body, _ = _exporter(reader).from_notebook_node(
                nb, resources={"metadata": {"name": info["title"]}, "site_nav": _nav(infos, info["stem"], reader)}
            )
            (out / f"{path.stem}{'.reader' if reader else ''}.html").write_text(body, encoding="utf-8")
        if info["key_figure"]:
            src = figures_dir() / f"{info['key_figure']}.png"
            if src.is_file():
                shutil.copyfile(src, out / "figures" / src.name)
    index = out / "index.html"
    index.write_text(render_index(infos, out), encoding="utf-8")
    return index


def render_index(infos: list[dict], out: Path) -> str:
    """The index page: notebooks in reading order, each with a summary and a thumbnail."""
    items = []
    for info in infos:
        stem = html.escape(info["stem"])
        thumb = ""
        if info["key_figure"] and (out / "figures" / f"{info['key_figure']}.png").is_file():
            thumb = f'<img src="figures/{html.escape(info["key_figure"])}.png" alt="{html.escape(info["title"])}">'
        items.append(
            f'<li><a class="thumb" href="{stem}.reader.html">{thumb}</a><div><h2><a href="{stem}.reader.html">'
            f'{html.escape(info["title"])}</a></h2><p>{html.escape(info["summary"])}</p>'
            f'<p class="links"><a href="{stem}.reader.html">read</a> · <a href="{stem}.html">with code</a></p></div></li>'
        )
    return INDEX_TEMPLATE.replace("{items}", "\n".join(items))


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'">
<title>How five local governments talk about the civilised-city campaign</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
ol { list-style: none; padding: 0; }
li { display: flex; gap: 1.2em; align-items: flex-start; border-bottom: 1px solid #eee; padding: 1em 0; }
.thumb img { width: 260px; border: 1px solid #ddd; }
h2 { margin: 0 0 .3em 0; font-size: 1.2em; }
.links { font-size: .9em; }
</style>
</head>
<body>
<h1>How five local governments talk about the civilised-city campaign</h1>
<p>Comparative analysis of local reports on the 全国文明城市 (National Civilised City), 全国文明典范城市
(National Model Civilised City) and 国家卫生城市 (National Health City) campaigns. Every number and figure is
regenerated from the raw texts by <code>make all</code>. Read the notebooks in order.</p>
<ol>
{items}
</ol>
</body>
</html>
"""
