"""The exported site in a real headless browser (Debian's chromium driven by Playwright).

The test exports the stored notebooks itself (no previous ``make all`` needed) and opens every page
from the file system: no page may log an error, raise, open a dialog or ask for anything but local
files and inline data; every image must load; Chinese text must be drawn with a CJK font (the
embedded subset where the machine has none). Screenshots of the index and the first notebook are
kept in ``test-artifacts/``. If chromium is missing, ``.ci/install-browser.sh`` installs it first.
"""

from __future__ import annotations

import re

import pytest
from site_helpers import ARTIFACTS, SCRIPT, PageWatch, hostile_site, stored_site

from analysis.report import site
from analysis.report.build import notebook_paths

pytestmark = pytest.mark.slow

REMOTE = re.compile(r"^(https?|wss?|ftp)://")
CJK_FAMILIES = {f.strip('"') for f in site.CJK_FALLBACKS}
#: Mark the first element whose own text has Chinese characters, for the font probe.
MARK_CJK = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (/[\\u4e00-\\u9fff]/.test(walker.currentNode.textContent)) {
      walker.currentNode.parentElement.setAttribute('data-cjk-probe', '1');
      return walker.currentNode.textContent.trim().slice(0, 20);
    }
  }
  return null;
}"""
IMAGES = "() => Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 40), i.complete, i.naturalWidth])"


def open_page(browser, path):
    """Open a local page; returns (context, page, watch). The caller closes the context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    context.route(REMOTE, lambda route: route.abort())  # recorded by the watch, never sent
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(path.as_uri(), wait_until="load", timeout=30_000)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return context, page, watch


def fonts_for_cjk_text(context, page) -> list[dict]:
    """The fonts chromium actually used to draw the first Chinese text on the page."""
    if page.evaluate(MARK_CJK) is None:
        return []
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_every_page_renders_offline_without_errors(browser):
    out = stored_site()
    html_pages = sorted(out.rglob("*.html"))
    expected = {"index.html", "profiles/index.html", "profiles/xinyang_2015.html"}
    expected |= {f"{p.stem}{s}.html" for p in notebook_paths() for s in ("", ".reader")}
    assert expected <= {p.relative_to(out).as_posix() for p in html_pages}
    problems = {}
    for path in html_pages:
        context, page, watch = open_page(browser, path)
        try:
            images = page.evaluate(IMAGES)
            fonts = fonts_for_cjk_text(context, page)
            page_problems = watch.console + watch.errors + watch.dialogs + watch.failed
            page_problems += [f"remote request: {u}" for u in watch.remote_requests()]
            page_problems += [f"image not loaded: {src}" for src, complete, width in images
                              if not (complete and width > 0)]
            if not fonts or not any(f["isCustomFont"] or f["familyName"] in CJK_FAMILIES for f in fonts):
                page_problems.append(f"Chinese text not drawn with a CJK font: {fonts}")
            if page_problems:
                problems[path.relative_to(out).as_posix()] = page_problems
            if path == out / "index.html":
                assert len(images) == len(notebook_paths())  # one thumbnail per notebook
        finally:
            context.close()
    assert problems == {}


def test_screenshots_of_the_index_and_a_notebook_are_kept(browser):
    ARTIFACTS.mkdir(exist_ok=True)
    out = stored_site()
    first = notebook_paths()[0].stem
    for name, shot in (("index.html", "site-index.png"), (f"{first}.reader.html", f"site-{first}.reader.png")):
        context, page, watch = open_page(browser, out / name)
        try:
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
            assert watch.errors == [] and watch.console == []
        finally:
            context.close()
        data = (ARTIFACTS / shot).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, shot


def test_embedded_cjk_font_loads_under_the_page_security_policy(browser):
    context, page, watch = open_page(browser, stored_site() / "index.html")
    try:
        load = f"""() => document.fonts.load('16px "{site.EMBEDDED_FAMILY}"', '国').then(f => f.length)"""
        faces = page.evaluate(load)
        assert faces == 1
        assert page.evaluate(f"""() => document.fonts.check('16px "{site.EMBEDDED_FAMILY}"', '国家卫生城市')""")
        assert watch.console == [] and watch.errors == []
    finally:
        context.close()


def test_hostile_report_shows_as_text_and_runs_nothing(browser):
    _, out = hostile_site()
    for path in sorted(out.rglob("*.html")):
        name = path.relative_to(out).as_posix()
        if name.startswith("profiles/") and name not in ("profiles/index.html", "profiles/hostile_2024.html"):
            continue   # the other reports' pages hold no hostile text
        context, page, watch = open_page(browser, path)
        try:
            page.wait_for_timeout(300)  # give an injected handler (onerror, onload) the chance to fire
            assert watch.dialogs == [] and watch.errors == [] and watch.console == [], path.name
            assert watch.remote_requests() == [], path.name
            assert page.locator("script, iframe, img[onerror], [onclick]").count() == 0, path.name
            if name not in ("index.html", "glossary.html", "datasheet.html", "data-dictionary.html"):  # pages without report text
                assert SCRIPT in page.inner_text("body"), path.name  # the markup is shown to the reader as text
                if not name.endswith(".reader.html") and not name.startswith("profiles/"):
                    page.locator(f"text={SCRIPT}").first.scroll_into_view_if_needed()
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / "site-hostile-report.png"))
        finally:
            context.close()
