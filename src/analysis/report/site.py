"""Export the executed notebooks as an offline HTML site with an index page (and a glossary).

Every notebook becomes two pages: ``<name>.html`` with code and ``<name>.reader.html`` without code
cells; ``index.html`` lists them in reading order with a one-line summary and a thumbnail of the
key figure; ``glossary.html`` is written when ``data/lexicon/glossary.csv`` exists. Given the corpus,
``profiles/`` holds one page per report (its profile, metadata with the evidence for inferred fields,
and its cleaned text) and ``profiles/index.html`` lists them all: per-report detail for a corpus of any
size, outside the notebooks (which show groups above a dozen reports).

Offline: the ``offline`` template drops require.js, MathJax, mermaid and widget scripts, every page
carries a Content-Security-Policy that forbids scripts and any load other than inline styles,
``data:`` URIs and the site's own files; figures are embedded in the pages, thumbnails written
into ``thumbs/``. Chinese
text renders without a CJK font on the reader's side: each page embeds, as a ``data:`` URI, a
subset of the project's CJK font (Noto Sans CJK SC from mplfonts, see ``plotting.cjk_font``) with
exactly the characters of that page; the CSS names common CJK system fonts after it.

Safe: report text reaches a page only through cell outputs. Text outputs are escaped by nbconvert,
pandas escapes table cells, and every HTML or Markdown output is sanitized again here (``<script>``,
event handlers, ``<iframe>`` and other active markup are shown as text), so a report that contains
``<script>`` or markup cannot inject anything into a page, whatever a notebook displays.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from functools import lru_cache
from pathlib import Path

import nbformat

from analysis.loading.config import DATA_DIR, LEXICON_DIR, PROJ_ROOT, figures_dir, site_dir
from analysis.report.plotting import cjk_font

TEMPLATES = Path(__file__).parent / "templates"
#: The site's title (it must not assume how many reports the corpus holds).
SITE_TITLE = "How local governments talk about the civilised-city campaign"
#: Reader-side CJK fonts named in every page's CSS (after the embedded subset, for anything it lacks).
CJK_FALLBACKS = ('"Noto Sans CJK SC"', '"Noto Sans SC"', '"Source Han Sans SC"', '"PingFang SC"',
                 '"Hiragino Sans GB"', '"Microsoft YaHei"', '"WenQuanYi Micro Hei"')
#: CSS family name of the embedded font subset (a name no system font has).
EMBEDDED_FAMILY = "Analysis CJK Subset"
#: The page font: the embedded subset first (it has only the page's CJK characters, so Latin text
#: falls through to the reader's UI fonts, and Chinese looks the same everywhere, like the figures;
#: it must come before ``system-ui``, which chromium on Linux may resolve for Chinese text in a
#: ``lang="zh"`` element to a font without Chinese glyphs), then UI fonts, then CJK system fonts.
FONT_STACK = ", ".join((f'"{EMBEDDED_FAMILY}"', "system-ui", "-apple-system", '"Segoe UI"', *CJK_FALLBACKS,
                        "sans-serif"))
#: Marker in the page templates replaced by the page's ``@font-face`` rule.
FONT_FACE_MARKER = "/* cjk-font-face */"
#: Content-Security-Policy of every page: no scripts, no network, only inline styles, data: and own files.
CSP = "default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; font-src data:"
#: Width in pixels of index thumbnails (twice the displayed width, for sharp high-DPI screens).
THUMB_WIDTH = 520
#: Optional glossary (term, pinyin, gloss, source) shown as glossary.html.
GLOSSARY = LEXICON_DIR / "glossary.csv"
GLOSSARY_COLUMNS = ("term", "pinyin", "gloss", "source")

# Markup allowed in HTML outputs: what pandas tables (``to_html`` and ``Styler``) and simple rich
# text need; everything else is escaped so that it shows as text.
_SAFE_TAGS = sorted({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "small", "span", "strong", "style", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
})
_SAFE_ATTRIBUTES = {
    "*": ["class", "id", "title", "style", "align", "valign", "colspan", "rowspan", "border", "lang"],
    "a": ["href", "title"],
    "style": ["type", "scoped"],
}
#: Style elements in outputs, and what in them could load something (``url()``, ``@import``).
_STYLE_RE = re.compile(r"<style\b[^>]*>.*?</style>", re.S | re.I)
_LOAD_RE = re.compile(r"@import\b|url\s*\(", re.I)
_CJK_MIN = 0x2E80  # CJK radicals; everything from here up (Han, kana, CJK punctuation, full-width forms)


def _sanitizer():
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    class OutputSanitizer(SanitizeHTML):
        """nbconvert's bleach sanitizer, applied to code outputs only (markdown cells are the authors')."""

        def preprocess_cell(self, cell, resources, cell_index):
            if cell.cell_type == "code":
                cell.outputs = self.sanitize_code_outputs(cell.outputs)
            return cell, resources

    return OutputSanitizer(tags=_SAFE_TAGS, attributes=_SAFE_ATTRIBUTES, strip=False, strip_comments=True)


def sanitize_notebook(nb):
    """Sanitize every HTML and Markdown output of ``nb`` in place; drop active output types.

    Kept as they are: text, PNG/JPEG images, JSON. Sanitized: ``text/html`` and ``text/markdown``
    (disallowed tags are escaped, so they show as text; ``url()`` and ``@import`` in style elements
    are removed). Dropped: JavaScript, SVG, widget and any other output type a browser could run
    (the PNG or text form of the same output remains).
    """
    _sanitizer().preprocess(nb, {})
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text/html" in out.get("data", {}):
                out["data"]["text/html"] = _STYLE_RE.sub(lambda m: _LOAD_RE.sub("/* removed */", m.group(0)),
                                                         out["data"]["text/html"])
    return nb


def add_alt_texts(nb):
    """Give every PNG output an alt text: the figure caption that follows it, else ``Figure``.

    The caption is the first markdown cell after the figure that starts with ``*Figure`` (the
    house style, e.g. ``*Figure `01_corpus_size`: body length per report ...*``).
    """
    pending = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and pending:
            first = cell.source.strip().split("\n\n")[0]
            if first.startswith("*Figure"):
                caption = re.sub(r"[*`]", "", first).strip()
                for out in pending:
                    out.setdefault("metadata", {})["site_alt"] = caption
                pending = []
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out.setdefault("metadata", {})["site_alt"] = "Figure"
                pending.append(out)
    return nb


def _exporter(reader: bool):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="offline")
    if reader:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


# --- fonts ----------------------------------------------------------------------------------


def cjk_characters(text: str) -> str:
    """The distinct CJK characters (Han, kana, CJK and full-width punctuation) of ``text``, sorted."""
    return "".join(sorted({c for c in text if ord(c) >= _CJK_MIN and not 0xD800 <= ord(c) <= 0xF8FF}))


@lru_cache(maxsize=32)
def font_subset(characters: str, font: Path | None = None) -> bytes:
    """An OpenType subset of the project's CJK font with exactly ``characters`` (same input, same bytes).

    Plain glyphs for horizontal text: no OpenType layout features (vertical forms, ligatures) and no
    hinting, which keeps a page's font small (about 60 KB for 300 characters) and fast to make.
    """
    from fontTools import subset

    if font is None:
        font = cjk_font()[1]
    options = subset.Options()
    options.name_IDs = ["*"]          # keep copyright and licence (SIL OFL) records
    options.notdef_outline = True
    options.hinting = False
    options.layout_features = []
    ttfont = subset.load_font(str(font), options, dontLoadGlyphNames=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(ttfont)
    ttfont.recalcTimestamp = False     # keep the font's own date: deterministic bytes
    buffer = io.BytesIO()
    subset.save_font(ttfont, buffer, options)
    return buffer.getvalue()


def font_face_css(characters: str, font: Path | None = None) -> str:
    """The ``@font-face`` rule embedding a subset of the CJK font with ``characters``."""
    if not characters:
        return ""
    data = font_subset(characters, font)
    mime, fmt = ("font/otf", "opentype") if data[:4] == b"OTTO" else ("font/ttf", "truetype")
    uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; font-style: normal; font-weight: 400; '
            f'font-display: block; src: url("{uri}") format("{fmt}"); }}')


def _with_font(page: str, characters: str | None = None, font: Path | None = None) -> str:
    """Fill the template's font-face marker with the subset for ``characters`` (default: the page's),
    taken from ``font`` (default: the project's CJK font)."""
    if FONT_FACE_MARKER not in page:
        raise ValueError("page template lacks the CJK font-face marker")
    css = font_face_css(cjk_characters(page) if characters is None else characters, font)
    return page.replace(FONT_FACE_MARKER, css, 1)


def quadratic_base_font(characters: str, path: Path) -> Path:
    """Write to ``path`` a subset of the CJK font with ``characters`` whose outlines are TrueType
    (quadratic, converted from the CFF cubics within 1 font unit; the same shapes on screen), and
    return it. Subsetting a TrueType font is some 20 times faster than subsetting CFF, which makes
    one page per report affordable for thousands of reports: the pages' subsets are taken from it."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(io.BytesIO(font_subset(characters)))
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0          # no glyph names
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcTimestamp = False
    font.save(str(path))
    return path


# --- notebooks ------------------------------------------------------------------------------


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
    return {"stem": path.stem, "title": title, "summary": meta.get("summary", ""),
            "key_figure": meta.get("key_figure", "")}


def _nav(infos: list[dict], current: str, reader: bool, glossary: bool) -> str:
    links = ['<a href="index.html">Index</a>']
    suffix = ".reader.html" if reader else ".html"
    for info in infos:
        label = html.escape(info["stem"])
        links.append(f"<b>{label}</b>" if info["stem"] == current else f'<a href="{label}{suffix}">{label}</a>')
    if glossary:
        links.append('<a href="glossary.html">Glossary</a>')
    if current:
        other = f'{html.escape(current)}{".html" if reader else ".reader.html"}'
        links.append(f'<a href="{other}">{"with code" if reader else "without code"}</a>')
    return " · ".join(links)


def key_figure_png(nb, info: dict, figures: Path) -> bytes | None:
    """PNG bytes of a notebook's key figure: the saved file, else the image shown before its caption.

    The saved file (``<figures>/<key_figure>.png``) is preferred; a site exported from stored
    notebooks without their figures folder falls back to the last PNG output above the first
    markdown cell that names the key figure (its caption).
    """
    name = info["key_figure"]
    if not name:
        return None
    saved = figures / f"{name}.png"
    if saved.is_file():
        return saved.read_bytes()
    last = None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and name in cell.source:
            break
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                last = out["data"]["image/png"]
    return base64.b64decode(last) if last else None


def thumbnail(png: bytes, width: int = THUMB_WIDTH) -> bytes:
    """A PNG thumbnail ``width`` pixels wide (no metadata, so the bytes are stable)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        img = img.convert("RGBA")
        if img.width > width:
            img = img.resize((width, max(1, round(img.height * width / img.width))), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def export_site(notebooks: list[Path], out: Path | None = None, figures: Path | None = None, corpus=None) -> Path:
    """Write the site to ``out`` (default ``site/``) from executed notebooks; returns the index page.

    ``figures`` is where the key figures are looked up (default: the figures folder in force). With
    ``corpus``, one profile page per report is written too (:func:`write_profile_pages`).
    """
    out = out or site_dir()
    figures = figures or figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    nbs = [(p, nbformat.read(p, as_version=4)) for p in notebooks]
    infos = [notebook_info(nb, p) for p, nb in nbs]
    glossary = read_glossary()
    for (path, nb), info in zip(nbs, infos):
        add_alt_texts(sanitize_notebook(nb))
        rendered = {}
        for reader in (False, True):
            rendered[reader], _ = _exporter(reader).from_notebook_node(
                nb, resources={"metadata": {"name": info["title"]}, "site_csp": CSP, "site_font_stack": FONT_STACK,
                               "site_embedded_family": EMBEDDED_FAMILY,
                               "site_nav": _nav(infos, info["stem"], reader, glossary is not None)}
            )
        characters = cjk_characters(rendered[False] + rendered[True])  # one font subset for both pages
        for reader, body in rendered.items():
            (out / f"{path.stem}{'.reader' if reader else ''}.html").write_text(_with_font(body, characters),
                                                                               encoding="utf-8")
        png = key_figure_png(nb, info, figures)
        info["thumbnail"] = None
        if png:
            (out / "thumbs").mkdir(exist_ok=True)
            info["thumbnail"] = f"thumbs/{path.stem}.png"
            (out / info["thumbnail"]).write_bytes(thumbnail(png))
    if glossary is not None:
        (out / "glossary.html").write_text(render_glossary(glossary, infos), encoding="utf-8")
    for name, (title, source) in DATA_PAGES.items():
        if source.is_file():
            (out / name).write_text(render_markdown_page(title, source.read_text(encoding="utf-8"), infos,
                                                         glossary is not None), encoding="utf-8")
    n_profiles = len(write_profile_pages(corpus, out)) - 1 if corpus is not None else 0
    index = out / "index.html"
    index.write_text(render_index(infos, glossary is not None, n_profiles), encoding="utf-8")
    return index


# --- one page per report --------------------------------------------------------------------

PROFILES_DIR = "profiles"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")


def profile_file(doc_id: str) -> str:
    """The file name of a report's page: its id where that is a safe file name, else a hash of it."""
    import hashlib

    if _SAFE_NAME.fullmatch(doc_id) and not doc_id.startswith("index"):
        return f"{doc_id}.html"
    return f"report-{hashlib.sha256(doc_id.encode()).hexdigest()[:16]}.html"


#: Metadata shown on a report's page: (column, heading); ``*_basis``/``*_evidence`` follow where present.
PROFILE_METADATA = [("file", "raw file"), ("meeting_date", "meeting date"), ("date_basis", "date basis"),
                    ("date_evidence", "date evidence"), ("publication_date", "publication date"),
                    ("province", "province"), ("city", "city"), ("county", "county"), ("admin_level", "level"),
                    ("issuing_unit", "issuing unit"), ("meeting_name", "meeting"), ("campaigns", "campaigns"),
                    ("main_speaker", "main speaker"), ("main_speaker_title", "title"), ("chair", "chair"),
                    ("source_outlet", "outlet"), ("source_url", "source"), ("retrieved", "retrieved"),
                    ("n_chars", "Han characters"), ("n_sentences", "sentences"), ("sha256", "sha256 of the raw file")]


def _rows(pairs) -> str:
    return "\n".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in pairs)


def render_profile(doc: dict, profile: dict, inferred: list[dict], title: str) -> str:
    """One report's page (without its font): the profile fields, the metadata, what was read from
    the text (value, basis, evidence) and the cleaned text by paragraph. Everything is escaped."""
    meta = [(head, doc.get(col, "")) for col, head in PROFILE_METADATA if str(doc.get(col, "") or "").strip()]
    read = "\n".join(f"<tr><td>{html.escape(r['field'])}</td><td>{html.escape(str(r['inferred'] or ''))}</td>"
                     f"<td>{html.escape(r['status'])}</td><td>{html.escape(str(r['basis']))}</td>"
                     f"<td>{html.escape(str(r['evidence'] or ''))}</td></tr>" for r in inferred)
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in str(doc.get("text", "")).split("\n") if p.strip())
    body = (f'<nav class="site-nav"><a href="../index.html">Index</a> · <a href="index.html">All reports</a></nav>\n'
            f"<h1>{html.escape(profile['report'])}</h1>\n"
            + (f'<p class="title" lang="zh-Hans">{html.escape(title)}</p>\n' if title else "")
            + "<h2>Profile</h2>\n<table class=\"glossary\">" + _rows((k, v) for k, v in profile.items() if k != "report")
            + "</table>\n<h2>Metadata</h2>\n<table class=\"glossary\">" + _rows(meta) + "</table>\n"
            + ("<h2>Read from the text</h2>\n<table class=\"glossary\"><thead><tr><th>field</th><th>value</th>"
               "<th>status</th><th>basis</th><th>evidence</th></tr></thead><tbody>" + read + "</tbody></table>\n"
               if read else "")
            + f'<h2>Cleaned text</h2>\n<div lang="zh-Hans">{paragraphs}</div>')
    return PAGE_TEMPLATE.replace("{title}", html.escape(f"{profile['report']} · {SITE_TITLE}")).replace(
        "{csp}", CSP).replace("{font_stack}", FONT_STACK).replace("{body}", body)


def render_profile_index(rows: list[dict]) -> str:
    """The list of every report's page (``report, date, province, level, n_chars, file``), in corpus order."""
    cols = ["report", "meeting date", "province", "level", "Han characters"]
    head = "".join(f"<th>{c}</th>" for c in cols)
    body_rows = "\n".join(
        f'<tr><td><a href="{html.escape(r["file"])}">{html.escape(r["report"])}</a></td>'
        + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in cols[1:]) + "</tr>" for r in rows)
    body = ('<nav class="site-nav"><a href="../index.html">Index</a></nav>\n<h1>Every report</h1>\n'
            f"<p>{len(rows):,} reports, one page each: its profile, its metadata with the evidence for what was read "
            "from the text, and its cleaned text. The same data are in the tidy tables (<code>processed/tables/</code>).</p>\n"
            f'<table class="glossary"><thead><tr>{head}</tr></thead><tbody>\n{body_rows}\n</tbody></table>')
    return PAGE_TEMPLATE.replace("{title}", html.escape(f"Every report · {SITE_TITLE}")).replace(
        "{csp}", CSP).replace("{font_stack}", FONT_STACK).replace("{body}", body)


def write_profile_pages(corpus, out: Path) -> list[Path]:
    """``out/profiles/<doc_id>.html`` for every report and ``out/profiles/index.html``; returns the
    files (the index last). Each page embeds the subset of the CJK font with its own characters,
    taken from one TrueType base font of all the pages' characters (:func:`quadratic_base_font`)."""
    import shutil
    import tempfile

    from analysis.report.profiles import profiles

    folder = out / PROFILES_DIR
    if folder.is_dir():
        shutil.rmtree(folder)          # no page of a report that has left the corpus
    folder.mkdir(parents=True)
    table = profiles(corpus)
    docs = corpus.documents.set_index("doc_id", drop=False)
    inferred = {d: g.to_dict("records") for d, g in corpus.inferred.groupby("doc_id", sort=False)}
    pages, index_rows = {}, []
    for doc_id in corpus.doc_ids:
        doc = docs.loc[doc_id].to_dict()
        profile = table.loc[doc_id].to_dict()
        name = profile_file(doc_id)
        pages[name] = render_profile(doc, profile, inferred.get(doc_id, []), str(doc.get("title", "") or ""))
        index_rows.append({"file": name, "report": profile["report"], "meeting date": doc.get("meeting_date", ""),
                           "province": doc.get("province", ""), "level": doc.get("admin_level", ""),
                           "Han characters": f"{int(doc.get('n_chars', 0)):,}"})
    pages["index.html"] = render_profile_index(index_rows)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        base = quadratic_base_font(cjk_characters("".join(pages.values())), Path(tmp) / "base.ttf")
        for name, page in pages.items():
            path = folder / name
            path.write_text(_with_font(page, font=base), encoding="utf-8")
            written.append(path)
    return written


# --- index and glossary ---------------------------------------------------------------------

#: Pages made from the data statement and the data dictionary (``name -> (title, Markdown file)``).
DATA_PAGES = {
    "datasheet.html": ("Data statement", DATA_DIR / "DATASHEET.md"),
    "data-dictionary.html": ("Data dictionary", DATA_DIR / "DATA_DICTIONARY.md"),
}
CITATION_FILE = PROJ_ROOT / "CITATION.cff"


def render_markdown_page(title: str, markdown: str, infos: list[dict], glossary: bool = False) -> str:
    """A site page from a Markdown file (the data statement, the data dictionary)."""
    import mistune

    body = f'<nav class="site-nav">{_nav(infos, "", True, glossary)}</nav>\n' + mistune.html(markdown)
    return _page(f"{title} · {SITE_TITLE}", body)


def citation_html(path: Path | None = None) -> str:
    """How to cite the suite, from ``CITATION.cff`` (empty if there is none), and where the texts' rights lie."""
    import yaml

    path = path or CITATION_FILE
    if not path.is_file():
        return ""
    cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    authors = "; ".join(a.get("name") or " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x)
                        for a in cff.get("authors", []))
    ref = f"{authors}. <i>{html.escape(cff['title'])}</i>. Version {html.escape(str(cff.get('version', '')))}"
    ref += f". {html.escape(str(cff['date-released']))}." if cff.get("date-released") else "."
    return ("<h2>How to cite</h2>\n"
            f"<p>{ref} Licence: {html.escape(str(cff.get('license', '')))} (code and documentation). "
            "The citation metadata is in <code>CITATION.cff</code>.</p>\n"
            "<p>The report texts are not covered by that licence: they belong to their outlets. What is known of "
            'each text\'s origin is in the <a href="datasheet.html">data statement</a>; every table behind the numbers '
            'is described in the <a href="data-dictionary.html">data dictionary</a>.</p>')


def render_index(infos: list[dict], glossary: bool = False, n_profiles: int = 0) -> str:
    """The index page: notebooks in reading order, each with a summary and a thumbnail (and a link
    to the ``n_profiles`` report pages, when written)."""
    items = []
    for info in infos:
        stem = html.escape(info["stem"])
        thumb = ""
        if info.get("thumbnail"):
            alt = f"Figure {info['key_figure']}: key figure of {info['title']}"
            thumb = f'<img src="{html.escape(info["thumbnail"])}" alt="{html.escape(alt)}" width="260">'
        items.append(
            f'<li><a class="thumb" href="{stem}.reader.html">{thumb}</a><div><h2><a href="{stem}.reader.html">'
            f'{html.escape(info["title"])}</a></h2><p>{html.escape(info["summary"])}</p>'
            f'<p class="links"><a href="{stem}.reader.html">read</a> · '
            f'<a href="{stem}.html">with code</a></p></div></li>'
        )
    extra = ('<p>Chinese terms in the figures and tables are listed with pinyin and an English gloss in the '
             '<a href="glossary.html">glossary</a>.</p>') if glossary else ""
    if n_profiles:
        extra += (f'<p>Each of the {n_profiles:,} reports has its own page (profile, metadata and cleaned text): '
                  f'<a href="{PROFILES_DIR}/index.html">every report</a>.</p>')
    body = (f"<h1>{html.escape(SITE_TITLE)}</h1>\n{INTRO}\n{extra}\n<ol class=\"notebooks\">\n"
            + "\n".join(items) + "\n</ol>\n" + citation_html())
    return _page(SITE_TITLE, body)


def read_glossary(path: Path | None = None) -> list[dict] | None:
    """Rows of the glossary file (``None`` if there is none); missing columns read as empty."""
    path = path or GLOSSARY
    if not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [{k: (row.get(k) or "").strip() for k in GLOSSARY_COLUMNS} for row in csv.DictReader(f)]
    return [r for r in rows if r["term"]]


def render_glossary(rows: list[dict], infos: list[dict]) -> str:
    """The glossary page: every term with pinyin, English gloss and where the term comes from."""
    head = "".join(f"<th>{c}</th>" for c in GLOSSARY_COLUMNS)
    body_rows = []
    for r in rows:
        gloss = html.escape(r["gloss"]) if r["gloss"] else '<span class="missing">(gloss missing)</span>'
        body_rows.append(f'<tr><td lang="zh-Hans">{html.escape(r["term"])}</td><td>{html.escape(r["pinyin"])}</td>'
                         f'<td>{gloss}</td><td>{html.escape(r["source"])}</td></tr>')
    body = (f'<nav class="site-nav">{_nav(infos, "", True, True)}</nav>\n<h1>Glossary</h1>\n'
            f"<p>{len(rows)} Chinese terms that appear in the figures and tables, with pinyin and a short English "
            "gloss (from <code>data/lexicon/glossary.csv</code>).</p>\n"
            f"<table class=\"glossary\"><thead><tr>{head}</tr></thead><tbody>\n"
            + "\n".join(body_rows) + "\n</tbody></table>")
    return _page(f"Glossary · {SITE_TITLE}", body)


def _page(title: str, body: str) -> str:
    page = (PAGE_TEMPLATE.replace("{title}", html.escape(title)).replace("{csp}", CSP)
            .replace("{font_stack}", FONT_STACK).replace("{body}", body))
    return _with_font(page)


INTRO = """<p>Comparative analysis of local-government news reports on the 全国文明城市 (National Civilised City),
全国文明典范城市 (National Model Civilised City) and 国家卫生城市 (National Health City) campaigns. Every number and
figure is regenerated from the raw texts by <code>make all</code>. Read the notebooks in order; each has a reader's
version without code and a full version with it.</p>"""

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
/* cjk-font-face */
body { font-family: {font_stack};
  max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
ol.notebooks { list-style: none; padding: 0; }
ol.notebooks li { display: flex; gap: 1.2em; align-items: flex-start; border-bottom: 1px solid #eee; padding: 1em 0; }
.thumb img { width: 260px; height: auto; border: 1px solid #ddd; }
h2 { margin: 0 0 .3em 0; font-size: 1.2em; }
.links { font-size: .9em; }
.site-nav { padding: 8px 0; border-bottom: 1px solid #ddd; margin-bottom: 1em; }
table.glossary { border-collapse: collapse; font-size: .95em; }
table.glossary th, table.glossary td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: left;
  vertical-align: top; }
.missing { color: #999; font-style: italic; }
</style>
</head>
<body>
{body}
</body>
</html>
"""
