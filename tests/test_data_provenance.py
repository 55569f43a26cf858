"""Raw files are the seeds byte for byte; metadata is read from the text, not invented."""

from __future__ import annotations

import re

import pytest
from conftest import RAW, SEED_FILES

from analysis.loading.config import DATA_DIR, PROJ_ROOT
from analysis.report.checks import read_manifest, sha256

SEEDS = PROJ_ROOT.parent / "shared" / "seeds"


def test_manifest_matches_raw_bytes():
    manifest = read_manifest()
    assert set(manifest) == {f"raw/{f}" for f in SEED_FILES.values()}
    for name, digest in manifest.items():
        assert sha256(DATA_DIR / name) == digest, f"{name} was modified"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not beside this clone")
def test_raw_files_are_the_seeds():
    for f in SEED_FILES.values():
        assert (RAW / f).read_bytes() == (SEEDS / f).read_bytes()


def test_one_metadata_row_per_report(corpus):
    assert sorted(corpus.documents.file) == sorted(SEED_FILES.values())
    assert dict(zip(corpus.documents.doc_id, corpus.documents.file)) == SEED_FILES


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_people_and_meeting_are_in_the_text(corpus, doc_id):
    doc = corpus.documents.set_index("doc_id").loc[doc_id]
    text = doc.text + doc.title
    for col in ("main_speaker", "chair"):
        if doc[col]:
            assert doc[col] in text, col
    assert doc.main_speaker_title.split("、")[-1] in text
    name = doc.meeting_name.replace("（", "").replace("）", "")
    assert name in text.replace("（", "").replace("）", ""), doc.meeting_name


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_meeting_day_is_stated_and_year_evidence_is_quoted(corpus, doc_id):
    doc = corpus.documents.set_index("doc_id").loc[doc_id]
    y, m, d = (int(x) for x in doc.meeting_date.split("-"))
    assert f"{m}月{d}日" in doc.text
    quotes = re.findall(r"[\u3400-\u9fff“”（）0-9，、]{6,}", doc.date_evidence)
    assert quotes and all(q in doc.text or q in doc.title for q in quotes if "年" in q or "月" in q), quotes
    if doc.date_basis == "stated":
        assert f"{y}年" in doc.text
    elif doc.date_basis == "dateline":
        assert corpus.audits[doc_id]["byline"]["date"].startswith(str(y))
    else:
        assert doc.date_basis == "inferred" and f"{y}年" not in doc.text


def test_inferred_years_follow_from_the_quoted_evidence(corpus):
    docs = corpus.documents.set_index("doc_id")
    xinyang = docs.loc["xinyang_2015"].text
    assert "我市自2007年正式创建“国家卫生城市”以来，经过全市上下持续八年的艰苦奋斗" in xinyang  # 2007 + 8
    assert "为实现全面振兴新突破三年行动首战告捷提供坚强保障" in docs.loc["panjin_2023"].text


def test_publication_dates_match_bylines(corpus):
    docs = corpus.documents.set_index("doc_id")
    for doc_id, audit in corpus.audits.items():
        if audit["byline"]:
            assert docs.at[doc_id, "publication_date"] == audit["byline"]["date"]
        else:
            assert docs.at[doc_id, "publication_date"] == ""


def test_two_pingxiang_levels_are_kept_apart(corpus):
    px = corpus.documents[corpus.documents.city == "萍乡"].set_index("doc_id")
    assert len(px) == 2 and px.admin_level.nunique() == 2 and px.label.nunique() == 2


def test_original_script_matches_detection(corpus):
    for row in corpus.documents.itertuples():
        assert row.original_script.startswith(row.script_detected)
        assert ("pinyin" in row.original_script) == (corpus.audits[row.doc_id]["annotations_removed"] > 0)
