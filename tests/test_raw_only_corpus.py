"""A corpus folder with ``raw/`` alone loads: every metadata field is inferred from the text, the
officials' names it finds are single tokens, and metadata.csv (where there is one) wins and is
compared with the text."""

from __future__ import annotations

import shutil

import pytest

from analysis import load_corpus
from analysis.loading import names
from analysis.loading.config import DATA_DIR, PROJ_ROOT
from analysis.loading.tokenize import tokenize_document

DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"
#: Two dev reports (a newspaper front page, a street office's portal) and one bundled report.
DEV_FILES = ("d10_zhengzhou.txt", "d38_shanghai-hongkou-jiaxinglu.txt")
BUNDLED = "000_796734f808b55ccb.txt"


@pytest.fixture(scope="module")
def raw_only(tmp_path_factory):
    from conftest import dev_copy

    root = dev_copy(tmp_path_factory.mktemp("raw_only"), DEV_FILES)
    shutil.copyfile(DATA_DIR / "raw" / BUNDLED, root / "raw" / BUNDLED)
    return load_corpus(root, use_cache=False)


def test_ids_and_labels_come_from_files_and_text(raw_only):
    docs = raw_only.documents.set_index("doc_id")
    assert list(docs.index) == ["000_796734f808b55ccb", "d10_zhengzhou", "d38_shanghai-hongkou-jiaxinglu"]
    assert docs.at["d10_zhengzhou", "label"] == "郑州 Zhengzhou"
    assert docs.at["000_796734f808b55ccb", "label"] == "萍乡 Pingxiang"


def test_dates_and_speakers_are_inferred_with_their_basis(raw_only):
    docs = raw_only.documents.set_index("doc_id")
    # 6月17日，市委、市政府召开市文明委2022年第一次全体（扩大）会议 (bundled): the year in the meeting's name
    assert docs.at["000_796734f808b55ccb", "meeting_date"] == "2022-06-17"
    assert docs.at["000_796734f808b55ccb", "main_speaker"] == "陈敏"
    # 5月18日,全市国家卫生城市管理工作动员会召开,市长何雄出席并讲话 (d10): the year from 2022年度…考评结果
    assert docs.at["d10_zhengzhou", "meeting_date"] == "2023-05-18"
    assert docs.at["d10_zhengzhou", "date_basis"] == "inferred"
    assert docs.at["d10_zhengzhou", "main_speaker"] == "何雄"
    # 街道党工委书记王磊出席会议并讲话,街道党工委副书记李森主持会议 (d38)
    assert docs.at["d38_shanghai-hongkou-jiaxinglu", "main_speaker"] == "王磊"
    assert docs.at["d38_shanghai-hongkou-jiaxinglu", "chair"] == "李森"
    assert docs.at["d38_shanghai-hongkou-jiaxinglu", "admin_level"] == "street"
    inferred = raw_only.inferred
    assert set(inferred["status"]) <= {"inferred", "unknown"}
    assert (inferred.loc[inferred["field"] == "meeting_date", "evidence"] != "").all()


def test_officials_found_in_the_text_are_single_tokens(raw_only):
    tokens = raw_only.tokens
    for doc_id, name in [("d10_zhengzhou", "何雄"), ("d38_shanghai-hongkou-jiaxinglu", "王磊"),
                         ("d38_shanghai-hongkou-jiaxinglu", "李森"), ("000_796734f808b55ccb", "陈敏")]:
        text = raw_only.text(doc_id)
        toks = tokens[tokens["doc_id"] == doc_id]
        spans = set(zip(toks["start"], toks["end"]))
        at = text.find(name)
        assert at >= 0 and (at, at + len(name)) in spans, (doc_id, name)


@pytest.mark.parametrize("text, name", [
    ("街道党工委书记王磊出席会议并讲话", "王磊"),          # d38
    ("10月15日，党委书记吴国荣召开创建工作常态长效部署会", "吴国荣"),  # pingxiang_suburb_2020
])
def test_join_names_makes_one_token_and_keeps_the_text(text, name):
    tok = tokenize_document(text, [0], [len(text)])
    joined, done = names.join_names(text, tok, [name])
    words = [joined["vocab"][c] for c in joined["code"]]
    assert name in words
    assert "".join(words) == text.replace(" ", "")
    starts = list(joined["start"])
    assert starts == sorted(starts)


def test_common_words_are_not_joined_as_names():
    # 尚邦君等在家的市级领导出席 (xinyang_2015): the patterns read 出席 where a name stands
    assert names.plausible_names(["出席", "尚邦君", "王磊"]) == ["尚邦君", "王磊"]


def test_metadata_wins_and_disagreements_are_listed(corpus):
    inferred = corpus.inferred.set_index(["doc_id", "field"])
    # the suburb's 城郊管委会 stands only in the portal breadcrumb (furniture): the text reads a district
    assert inferred.at[("pingxiang_suburb_2020", "admin_level"), "status"] == "differs"
    assert corpus.documents.set_index("doc_id").at["pingxiang_suburb_2020", "admin_level"] == \
        "township-level management committee"
    assert inferred.at[("pingxiang_city_2022", "meeting_date"), "status"] == "agrees"


@pytest.mark.slow
def test_a_raw_only_folder_of_dev_reports_runs_through_every_notebook_and_page(tmp_path):
    """Twelve dev reports from as many outlets, with SOURCES.csv and no metadata.csv, through every
    notebook (no error output) and the site (a page per notebook, every report named)."""
    import csv

    from conftest import run_every_notebook

    from analysis.loading.config import CORPUS_ENV, OUTPUT_ENV
    from analysis.report.site import export_site

    if not (DEV / "raw").is_dir():
        pytest.skip(f"development corpus not found at {DEV} (../shared/corpus_dev relative to the repository root)")
    root = tmp_path / "corpus"
    (root / "raw").mkdir(parents=True)
    files = sorted(p.name for p in (DEV / "raw").glob("d*.txt"))[::3][:12]
    for name in files:
        shutil.copyfile(DEV / "raw" / name, root / "raw" / name)
    with open(DEV / "SOURCES.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["file"] in files]
    with open(root / "SOURCES.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    corpus = load_corpus(root)
    labels = list(corpus.labels.values())
    env = {CORPUS_ENV: str(root), OUTPUT_ENV: str(tmp_path / "out")}
    executed = []
    for target, nb in run_every_notebook(env, tmp_path):
        # readings written about the five bundled reports are not shown as findings about this corpus
        shown = "".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("text", ""))
                        for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        bundled_words = [w for w in ("Reading (bundled reports)", "Pingxiang", "Xinyang", "Panjin", "Changsha") if w in shown]
        assert not bundled_words, f"{target.name} shows readings of the bundled reports: {bundled_words}"
        executed.append(target)
    index = export_site(executed, out=tmp_path / "out" / "site")
    overview = (index.parent / "01_corpus_overview.html").read_text(encoding="utf-8")
    assert all(lab in overview for lab in labels), "a report's label is missing from the overview page"


@pytest.mark.slow
def test_notebook_01_groups_reports_by_a_metadata_column(tmp_path):
    """With ANALYSIS_GROUP_BY set, notebook 01 draws the report sizes as a distribution per group: one
    row per province, whatever the number of reports, within the figure limits of views.yaml."""
    import nbformat
    from conftest import dev_copy
    from PIL import Image

    from analysis.loading.config import CORPUS_ENV, OUTPUT_ENV
    from analysis.report.build import execute_notebook, notebook_paths

    root = dev_copy(tmp_path / "corpus", sources=True)
    out = tmp_path / "out"
    nb_path = next(p for p in notebook_paths() if p.name.startswith("01_"))
    execute_notebook(nb_path, env={CORPUS_ENV: str(root), OUTPUT_ENV: str(out), "ANALYSIS_GROUP_BY": "province"},
                     output=tmp_path / nb_path.name)
    nb = nbformat.read(tmp_path / nb_path.name, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "groups by `province`" in printed
    limits = load_corpus(root).lexicon.yaml("views.yaml")["figure_limits"]
    png = out / "figures" / "01_corpus_size.png"
    w, h = Image.open(png).size
    assert w <= limits["max_pixels"] and h <= limits["max_pixels"] and png.stat().st_size <= limits["max_bytes"]
    groups = (out / "figures" / "01_corpus_size.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert 2 <= len(groups) <= 12   # one row per province group (at most max_panels)


def test_blank_metadata_cells_are_filled_from_the_text(tmp_path, raw_only):
    """A scraped corpus's metadata.csv often has a column filled for some reports only (here a label
    and a city, blank dates and speakers): the blank cells get the text's values, marked ``text only``;
    a filled cell still wins."""
    import pandas as pd

    from conftest import dev_copy

    root = dev_copy(tmp_path / "c", DEV_FILES)
    shutil.copyfile(DATA_DIR / "raw" / BUNDLED, root / "raw" / BUNDLED)
    ids = list(raw_only.documents["doc_id"])
    files = list(raw_only.documents["file"])
    pd.DataFrame({"doc_id": ids, "file": files, "label": [f"report {i}" for i in range(len(ids))],
                  "city": "某市", "meeting_date": ["", "", "2001-01-01"],
                  "main_speaker": ""}).to_csv(root / "metadata.csv", index=False)
    c = load_corpus(root, use_cache=False)
    docs, text = c.documents.set_index("doc_id"), raw_only.documents.set_index("doc_id")
    status = c.inferred.set_index(["doc_id", "field"])["status"]
    for doc_id in ids[:2]:   # blank cells: the text's date and speaker, as in the raw-only load
        assert docs.at[doc_id, "meeting_date"] == text.at[doc_id, "meeting_date"] != ""
        assert docs.at[doc_id, "main_speaker"] == text.at[doc_id, "main_speaker"] != ""
        assert status[(doc_id, "meeting_date")] == "text only"
    assert docs.at[ids[2], "meeting_date"] == "2001-01-01"      # a filled cell wins
    assert status[(ids[2], "meeting_date")] in {"differs", "metadata only"}
