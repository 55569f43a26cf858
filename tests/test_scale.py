"""Issue 15's hard limits, on a corpus of 2,000 synthetic reports (``benchmarks/bench_load.build_corpus``:
the bundled reports' sentences shuffled, in four scripts and encodings; grouped by the province
read from their text). Every notebook runs on it in group views; no figure may exceed 4,000 px on
either side or 2 MB, no executed notebook 5 MB; the site (notebook pages, one page per report and
their list) loads in the real browser without errors and with a CJK font."""

from __future__ import annotations

import sys
import time

import pytest
from PIL import Image

from analysis.loading.config import CORPUS_ENV, OUTPUT_ENV, PROJ_ROOT
from analysis.loading.lexicon import Lexicon
from analysis.report.views import PER_REPORT

pytestmark = pytest.mark.slow

N_REPORTS = 2000
#: views.yaml's ``figure_limits`` (4,000 px, 2 MB per figure; 5 MB per executed notebook).
LIMITS = Lexicon().yaml("views.yaml")["figure_limits"]


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """The 2,000-report corpus, every notebook executed on it, and its site: ``(corpus, out, timings)``."""
    sys.path.insert(0, str(PROJ_ROOT / "benchmarks"))
    import bench_load
    from conftest import run_every_notebook

    from analysis import load_corpus
    from analysis.report.build import write_processed
    from analysis.report.site import export_site

    root = tmp_path_factory.mktemp("scale") / "corpus"
    out = root.parent / "out"
    bench_load.build_corpus(root, N_REPORTS, seed=0)
    t = {"start": time.perf_counter()}
    corpus = load_corpus(root, progress=False)
    write_processed(corpus)
    t["load"] = time.perf_counter()
    (out / "notebooks").mkdir(parents=True)
    done = run_every_notebook({CORPUS_ENV: str(root), OUTPUT_ENV: str(out)}, out / "notebooks")
    t["notebooks"] = time.perf_counter()
    export_site([p for p, _ in done], out=out / "site", figures=out / "figures", corpus=corpus)
    t["site"] = time.perf_counter()
    timings = {k: round(t[k] - t[prev], 1) for prev, k in zip(["start", "load", "notebooks"], ["load", "notebooks", "site"])}
    print(f"\n2,000 reports: {timings}", flush=True)
    return corpus, out, done


def test_the_corpus_is_shown_by_group(scaled):
    from analysis.report.views import choose_view

    corpus, _, done = scaled
    view = choose_view(corpus)
    assert len(corpus.documents) == N_REPORTS and view.group_by != PER_REPORT
    assert 2 <= len(view.group_names) < N_REPORTS
    for path, nb in done:   # every notebook says what its unit and groups are
        said = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert f"{N_REPORTS} reports in" in said and f"by `{view.group_by}`" in said, path.name


def test_no_figure_passes_4000_px_or_2_mb(scaled):
    _, out, _ = scaled
    figures = sorted((out / "figures").glob("*.*"))
    assert len([f for f in figures if f.suffix == ".png"]) >= 10
    too_big = {}
    for f in figures:
        if f.suffix in (".png", ".svg") and f.stat().st_size > LIMITS["max_bytes"]:
            too_big[f.name] = f"{f.stat().st_size:,} bytes"
        if f.suffix == ".png":
            with Image.open(f) as im:
                if max(im.size) > LIMITS["max_pixels"]:
                    too_big[f.name] = f"{im.size[0]} x {im.size[1]} px"
    for path, nb in scaled[2]:       # figures shown in a notebook without being saved, too
        for c in nb.cells:
            for o in c.get("outputs", []):
                if "image/png" in o.get("data", {}):
                    import base64
                    import io

                    with Image.open(io.BytesIO(base64.b64decode(o["data"]["image/png"]))) as im:
                        if max(im.size) > LIMITS["max_pixels"]:
                            too_big[f"{path.name} output"] = f"{im.size[0]} x {im.size[1]} px"
    assert too_big == {}


def test_no_executed_notebook_passes_5_mb(scaled):
    sizes = {path.name: path.stat().st_size for path, _ in scaled[2]}
    assert all(s <= LIMITS["max_notebook_bytes"] for s in sizes.values()), sizes


def test_the_site_of_2000_reports_loads_in_the_browser(scaled, browser):
    from test_browser import CJK_FAMILIES, fonts_for_cjk_text, open_page

    corpus, out, done = scaled
    site = out / "site"
    reports = sorted((site / "profiles").glob("*.html"))
    assert len(reports) == N_REPORTS + 1              # one page per report and their list
    pages = [site / "index.html", site / "profiles" / "index.html", *reports[:2], reports[-2]]
    pages += [site / f"{p.stem}{s}.html" for p, _ in done for s in ("", ".reader")]
    problems = {}
    for path in pages:
        context, page, watch = open_page(browser, path)
        try:
            fonts = fonts_for_cjk_text(context, page)
            found = watch.console + watch.errors + watch.dialogs + watch.failed + watch.remote_requests()
            if not any(f["isCustomFont"] or f["familyName"] in CJK_FAMILIES for f in fonts):
                found.append(f"Chinese text not drawn with a CJK font: {fonts}")
            if found:
                problems[path.relative_to(site).as_posix()] = found
        finally:
            context.close()
    assert problems == {}
