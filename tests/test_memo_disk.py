"""Memoised measures kept on disk: a second process on the same corpus state reads them instead of
computing them (what makes ``make all`` compute each measure once, not once per notebook), and any
change to the reports, the metadata, a lexicon file or the code gives a fresh folder."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.loading.config import DATA_DIR, LEXICON_DIR
from analysis.measures import directives


@pytest.fixture
def bundled_copy(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(DATA_DIR / "raw", root / "raw")
    shutil.copyfile(DATA_DIR / "metadata.csv", root / "metadata.csv")
    return root


def test_a_second_load_reads_the_measure_from_disk(bundled_copy):
    first = load_corpus(bundled_copy)
    table = directives.sentence_directives(first)
    assert first.computed["directives.sentence_directives"] == 1 and first.memo_dir is not None
    second = load_corpus(bundled_copy)                  # as the next notebook's kernel would
    again = directives.sentence_directives(second)
    assert second.computed["directives.sentence_directives"] == 0
    assert second.restored["directives.sentence_directives"] == 1
    pd.testing.assert_frame_equal(table, again)
    assert len(table) > 0


def test_editing_a_lexicon_file_or_the_metadata_starts_a_fresh_memo(bundled_copy, tmp_path):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    a = load_corpus(bundled_copy, lexicon_dir=lexicon)
    directives.sentence_directives(a)
    with (lexicon / "views.yaml").open("a", encoding="utf-8") as f:   # a file the measure does not name
        f.write("\n# edited\n")
    b = load_corpus(bundled_copy, lexicon_dir=lexicon)
    assert b.memo_dir != a.memo_dir and not a.memo_dir.exists()       # the old state's folder is gone
    directives.sentence_directives(b)
    assert b.computed["directives.sentence_directives"] == 1
    meta = pd.read_csv(bundled_copy / "metadata.csv", dtype=str, keep_default_na=False)
    meta.loc[0, "label"] = "萍乡 Pingxiang (edited)"
    meta.to_csv(bundled_copy / "metadata.csv", index=False)
    c = load_corpus(bundled_copy, lexicon_dir=lexicon)
    assert c.memo_dir != b.memo_dir


def test_the_disk_memo_can_be_turned_off_and_needs_the_cache(bundled_copy, monkeypatch):
    assert load_corpus(bundled_copy, use_cache=False).memo_dir is None
    monkeypatch.setenv("ANALYSIS_DISK_MEMO", "0")
    assert load_corpus(bundled_copy).memo_dir is None
