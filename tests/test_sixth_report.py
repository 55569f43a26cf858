"""A sixth report dropped into a copy of the corpus flows through every notebook, figure and page.

The report (tests/data/sixth_report/) is invented, in the form of the real ones. Nothing in the
code names the bundled reports or assumes their number; this test is the proof.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import load_corpus
from analysis.loading.config import CORPUS_ENV, OUTPUT_ENV

SIXTH = Path(__file__).parent / "data" / "sixth_report"
DOC_ID, LABEL = "synthetic_2024", "测试市 Testville"


@pytest.fixture(scope="module")
def six_reports(tmp_path_factory):
    """A copy of data/ with the sixth report and its metadata row added."""
    from conftest import RAW

    from analysis.loading.config import DATA_DIR

    root = tmp_path_factory.mktemp("six") / "corpus"
    shutil.copytree(RAW, root / "raw")
    shutil.copyfile(SIXTH / "report.txt", root / "raw" / "999_synthetic_sixth.txt")
    meta = (DATA_DIR / "metadata.csv").read_text(encoding="utf-8")
    (root / "metadata.csv").write_text(meta + (SIXTH / "metadata_row.csv").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def test_the_sixth_report_loads_and_cleans(six_reports):
    corpus = load_corpus(six_reports)
    assert corpus.doc_ids[-1] == DOC_ID and len(corpus.doc_ids) == 6
    text = corpus.text(DOC_ID)
    assert "首页 > 新闻中心" not in text and "来源：" not in text          # furniture gone
    assert text.startswith("3月5日，测试市召开创建全国文明城市推进大会")
    assert corpus.documents.set_index("doc_id").at[DOC_ID, "title"] == "测试市召开创建全国文明城市推进大会"
    assert corpus.audits[DOC_ID]["byline"] == {"date": "2024-03-06", "来源": "测试市融媒体中心"}


@pytest.mark.slow
def test_every_notebook_figure_and_page_includes_the_sixth_report(six_reports, tmp_path):
    from conftest import run_every_notebook

    out = tmp_path / "out"
    env = {CORPUS_ENV: str(six_reports), OUTPUT_ENV: str(out)}
    executed = []
    for target, nb in run_every_notebook(env, tmp_path):
        shown = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("data", {}).get("text/html", ""))
                        for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert DOC_ID in shown or LABEL in shown, f"{target.name} never shows the sixth report"
        executed.append(target)
    tables = sorted((out / "figures").glob("*.csv"))
    assert tables, "the notebooks wrote no figure data"
    missing = [p.name for p in tables if DOC_ID not in (text := p.read_text(encoding="utf-8")) and LABEL not in text]
    assert not missing, f"figures without the sixth report: {missing}"

    from analysis.report.site import export_site

    index = export_site(executed, out=out / "site")
    pages = sorted(p for p in index.parent.glob("0*.html"))
    assert len(pages) == 2 * len(executed)
    lacking = [p.name for p in pages if DOC_ID not in (html := p.read_text(encoding="utf-8")) and LABEL not in html]
    assert not lacking, f"pages that never show the sixth report: {lacking}"
