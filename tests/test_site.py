"""The exported HTML site: index in reading order, full and reader pages, offline, escaped, stable.

Static checks on the HTML files (fast). ``tests/test_browser.py`` opens the same pages in a real
browser.
"""

from __future__ import annotations

import base64
import html
import io
import re

import nbformat
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from site_helpers import IMG, SCRIPT, hostile_site, stored_site

from analysis.report import site
from analysis.report.build import notebook_paths

NOTEBOOKS = notebook_paths()
FONT_FACE_RE = re.compile(r'@font-face \{ font-family: "' + re.escape(site.EMBEDDED_FAMILY)
                          + r'";[^}]*src: url\("data:font/(?:otf|ttf);base64,([A-Za-z0-9+/=]+)"\)')


def pages(folder):
    """Every page of a site by its path in the site (``profiles/<doc_id>.html`` for a report's page)."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.html"))}


def test_index_lists_every_notebook_in_reading_order_with_summary_and_thumbnail():
    out = stored_site()
    index = (out / "index.html").read_text(encoding="utf-8")
    positions = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        info = site.notebook_info(nb, path)
        assert f'href="{path.stem}.reader.html"' in index and f'href="{path.stem}.html"' in index
        assert site.html.escape(info["summary"]) in index and info["summary"]
        thumb = out / "thumbs" / f"{path.stem}.png"
        assert f'src="thumbs/{path.stem}.png"' in index and thumb.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        positions.append(index.index(f'href="{path.stem}.reader.html"'))
    assert positions == sorted(positions)
    assert "five" not in index.split("<ol")[0].lower(), "the site's own text must not assume the number of reports"


def test_every_notebook_has_a_full_and_a_reader_page():
    out = stored_site()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        n_code = sum(c.cell_type == "code" for c in nb.cells)
        full = (out / f"{path.stem}.html").read_text(encoding="utf-8")
        reader = (out / f"{path.stem}.reader.html").read_text(encoding="utf-8")
        # a cell without outputs (the parameters cell) carries jp-mod-noOutputs and its tag as classes
        cells_full = re.findall(r'class="jp-Cell jp-CodeCell jp-Notebook-cell( jp-mod-noOutputs)?( celltag_\w+)*"', full)
        cells_reader = re.findall(r'class="jp-Cell jp-CodeCell jp-Notebook-cell( jp-mod-noOutputs)? jp-mod-noInput'
                                  r'( celltag_\w+)*"', reader)
        assert len(cells_full) == n_code and len(cells_reader) == n_code
        assert 'class="jp-Cell jp-CodeCell jp-Notebook-cell"' not in reader
        # the import line of the first code cell is shown with code and hidden without
        assert ">setup</span>" in full.replace('<span class="n">setup</span>', ">setup</span>")
        assert '<span class="n">setup</span>' not in reader
        # figures and tables are in both, figures with their caption as alt text
        for page in (full, reader):
            assert "No description has been provided" not in page
            assert all(alt.startswith("Figure") for alt in re.findall(r'<img alt="([^"]*)"', page))
            assert page.count('src="data:image/png;base64,') >= sum(
                "image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def test_pages_load_nothing_from_the_network():
    for name, page in pages(stored_site()).items():
        assert f'content="{site.CSP}"' in page, name
        assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page, name
        assert "<iframe" not in page.lower() and "<object" not in page.lower() and "<embed" not in page.lower(), name
        for src in re.findall(r'\bsrc="([^"]*)"', page):
            assert src.startswith("data:") or (stored_site() / src).is_file(), (name, src[:60])
        for url in re.findall(r"url\(\s*[\"']?([^\"')]*)", page):
            assert url.startswith("data:"), (name, url[:60])
        assert "mathjax" not in page.lower() and "cdn." not in page.lower() and "require.js" not in page.lower()


def test_pages_name_cjk_fallbacks_and_embed_a_subset_covering_their_characters():
    for name, page in pages(stored_site()).items():
        assert f"font-family: {site.FONT_STACK};" in page, name
        assert re.search(f'^"{site.EMBEDDED_FAMILY}", system-ui,.*"Noto Sans CJK SC".*"PingFang SC".*"Microsoft YaHei"',
                         site.FONT_STACK)
        found = FONT_FACE_RE.findall(page)
        assert len(found) == 1, name
        font = TTFont(io.BytesIO(base64.b64decode(found[0])))
        cmap = font.getBestCmap()
        chars = site.cjk_characters(page)
        assert chars and len(chars) == len(set(chars))
        assert "国" in chars or name == "profiles/index.html"     # the list of reports holds only place names
        missing = [c for c in chars if ord(c) not in cmap]
        assert missing == [], (name, missing)
        assert not any(ord("A") <= cp <= ord("z") for cp in cmap), "Latin text keeps the reader's own fonts"
        assert "SIL Open Font License" in str(font["name"].getDebugName(13))


def test_font_subset_is_small_and_deterministic():
    chars = site.cjk_characters("会议强调，要坚持不懈推进创建工作。全国文明城市")
    assert list(chars) == sorted(set(chars)) and "，" in chars and "。" in chars
    first, second = site.font_subset.__wrapped__(chars), site.font_subset.__wrapped__(chars)
    assert first == second and first[:4] == b"OTTO" and len(first) < 60_000


def test_export_is_deterministic(tmp_path):
    from analysis import load_corpus
    from analysis.loading.config import PROJ_ROOT

    site.export_site(NOTEBOOKS, out=tmp_path, figures=PROJ_ROOT / "figures", corpus=load_corpus())
    before = {p.relative_to(stored_site()): p.read_bytes() for p in stored_site().rglob("*") if p.is_file()}
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert sorted(before) == sorted(after)
    assert [k for k in before if before[k] != after[k]] == []


def test_page_sizes_stay_reasonable():
    for p in stored_site().rglob("*"):
        if p.is_file():
            assert p.stat().st_size < 3_000_000, p.name


def test_thumbnail_falls_back_to_the_figure_shown_in_the_notebook(tmp_path):
    site.export_site(NOTEBOOKS[:1], out=tmp_path, figures=tmp_path / "no-figures")
    from PIL import Image

    with Image.open(tmp_path / "thumbs" / f"{NOTEBOOKS[0].stem}.png") as img:
        assert img.width == site.THUMB_WIDTH and img.height > 100


# --- glossary ---------------------------------------------------------------------------------


def test_glossary_page_is_written_only_when_the_file_exists(tmp_path, monkeypatch):
    monkeypatch.setattr(site, "GLOSSARY", tmp_path / "absent.csv")
    site.export_site(NOTEBOOKS[:1], out=tmp_path / "a")
    assert not (tmp_path / "a" / "glossary.html").exists()
    assert "glossary.html" not in (tmp_path / "a" / "index.html").read_text(encoding="utf-8")

    glossary = tmp_path / "glossary.csv"
    glossary.write_text("term,pinyin,gloss\n攻坚,gōngjiān,storm the fortress\n一盘棋,yī pán qí,\n"
                        f"{SCRIPT},,<b>x</b>\n", encoding="utf-8")  # no source column, one gloss missing
    monkeypatch.setattr(site, "GLOSSARY", glossary)
    site.export_site(NOTEBOOKS[:1], out=tmp_path / "b")
    page = (tmp_path / "b" / "glossary.html").read_text(encoding="utf-8")
    assert '<td lang="zh-Hans">攻坚</td><td>gōngjiān</td><td>storm the fortress</td><td></td>' in page
    assert ('<td lang="zh-Hans">一盘棋</td><td>yī pán qí</td>'
            '<td><span class="missing">(gloss missing)</span>') in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page and "<b>x</b>" not in page
    assert "3 Chinese terms" in page
    assert 'href="glossary.html"' in (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    assert 'href="glossary.html"' in (tmp_path / "b" / f"{NOTEBOOKS[0].stem}.reader.html").read_text(encoding="utf-8")
    assert FONT_FACE_RE.search(page)


# --- escaping ---------------------------------------------------------------------------------


def test_sanitizer_shows_active_markup_in_outputs_as_text_and_keeps_tables():
    df = pd.DataFrame({"text": [SCRIPT, IMG], "n": [1, 2]})
    styled = df.style.background_gradient(subset=["n"]).to_html()  # Styler does not escape cell text
    hostile = (f'<b>ok</b>{SCRIPT}{IMG}<a href="javascript:alert(5)">x</a><iframe src="http://example.com"></iframe>'
               '<style>body { background: url(http://example.com/x.png) }</style><div onclick="alert(6)">d</div>')
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/html": df.to_html(), "text/plain": "t"},
                               execution_count=1),
        nbformat.v4.new_output("display_data", data={"text/html": styled, "text/plain": "s"}),
        nbformat.v4.new_output("display_data", data={"text/html": hostile, "text/markdown": f"# t {SCRIPT}",
                                                     "application/javascript": "alert(8)",
                                                     "image/svg+xml": "<svg onload='alert(9)'/>", "text/plain": "p"}),
    ]
    md = nbformat.v4.new_markdown_cell("> a quote with <kbd>Ctrl</kbd>")
    nb.cells = [md, cell]
    site.sanitize_notebook(nb)
    plain, sty, bad = (o["data"] for o in cell.outputs)
    assert plain["text/html"] == df.to_html()  # pandas tables pass unchanged
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sty["text/html"] and "<script" not in sty["text/html"]
    assert "background-color" in sty["text/html"] and '<table id="T_' in sty["text/html"]
    html_out = bad["text/html"]
    assert "<script" not in html_out and "<iframe" not in html_out and "<img" not in html_out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_out and "&lt;iframe" in html_out
    assert "onclick" not in html_out and "javascript:" not in html_out and "url(" not in html_out
    assert "<b>ok</b>" in html_out
    assert "<script" not in bad["text/markdown"]
    assert set(bad) == {"text/html", "text/markdown", "text/plain"}  # JavaScript and SVG dropped
    assert md.source == "> a quote with <kbd>Ctrl</kbd>"  # authors' markdown is left alone


@pytest.mark.slow
def test_a_hostile_report_cannot_inject_markup_into_the_site():
    executed, out = hostile_site()
    stored = executed.read_text(encoding="utf-8")
    # the hostile text did reach the notebook's outputs, so the site had to escape it
    assert stored.count("<script>alert(1)</script>") >= 2 and "onerror" in stored
    exported = pages(out)
    assert {"index.html", f"{executed.stem}.html", f"{executed.stem}.reader.html"} <= set(exported)
    for name, page in exported.items():
        lowered = page.lower()
        assert "<script" not in lowered and "<iframe" not in lowered, name
        assert not re.search(r"<[a-z][^<>]*\son[a-z]+\s*=", lowered), name  # no event-handler attribute
        assert "<b>通知</b>" not in page and '<img src=x' not in lowered, name
    for name in (f"{executed.stem}.html", f"{executed.stem}.reader.html"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in exported[name]
        assert "&lt;b&gt;通知&lt;/b&gt;&lt;img src=x onerror=\"alert(2)\"&gt;" in exported[name]
    # the hostile report's own page and the list of reports show its label, metadata and text as text
    for name in ("profiles/hostile_2024.html", "profiles/index.html"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Hostile" in exported[name], name
    assert "&lt;iframe src=" in exported["profiles/hostile_2024.html"]
    assert "&lt;b&gt;恶意&lt;/b&gt;" in exported["profiles/hostile_2024.html"]


def test_every_report_has_its_page_with_profile_metadata_and_whole_text():
    from analysis import load_corpus

    corpus = load_corpus()
    out = stored_site()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="profiles/index.html"' in index and "Each of the 5 reports has its own page" in index
    listing = (out / "profiles" / "index.html").read_text(encoding="utf-8")
    for doc in corpus.documents.itertuples():
        assert f'href="{site.profile_file(doc.doc_id)}"' in listing
        page = (out / "profiles" / site.profile_file(doc.doc_id)).read_text(encoding="utf-8")
        assert f"<h1>{doc.label}</h1>" in page and doc.sha256 in page
        for paragraph in doc.text.split("\n"):     # the cleaned body, whole, paragraph by paragraph
            assert f"<p>{html.escape(paragraph)}</p>" in page
    # the profile card of notebook 05 is on the page: the meeting date with its basis
    assert "2022-06-17 (stated)" in (out / "profiles" / "pingxiang_city_2022.html").read_text(encoding="utf-8")


def test_report_page_names_are_safe_file_names():
    assert site.profile_file("pingxiang_city_2022") == "pingxiang_city_2022.html"
    for odd in ("../etc/passwd", "萍乡 2022", "index", "a/b"):
        name = site.profile_file(odd)
        assert name.startswith("report-") and name.endswith(".html") and "/" not in name


def test_index_shows_how_to_cite_and_links_the_data_statement_and_dictionary():
    out = stored_site()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "How to cite" in index and "CITATION.cff" in index and "belong to their outlets" in index
    for page, heading in (("datasheet.html", "Datasheet"), ("data-dictionary.html", "Data dictionary")):
        assert f'href="{page}"' in index
        text = (out / page).read_text(encoding="utf-8")
        assert heading in text and "<table" in text or heading == "Datasheet"
    assert "<code>directives</code>" in (out / "data-dictionary.html").read_text(encoding="utf-8")
