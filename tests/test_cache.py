"""Cleaned and tokenized reports are cached by content: an unchanged corpus loads in one read, a
changed report or loader lexicon file rebuilds what it affects, and nothing else does."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import SEED_FILES

from analysis import load_corpus
from analysis.loading import corpus as corpus_module
from analysis.loading.config import LEXICON_DIR, cache_dir

CORPUS_FILES = f"{corpus_module.CORPUS_CACHE_PREFIX}*.pkl"


def _doc_files(root):
    prefix = corpus_module.CORPUS_CACHE_PREFIX
    return sorted(p.name for p in cache_dir(root).glob("*.pkl") if not p.name.startswith(prefix))


def _corpus_files(root):
    return sorted(p.name for p in cache_dir(root).glob(CORPUS_FILES))


def _stamps(root):
    return {p.name: p.stat().st_mtime_ns for p in cache_dir(root).iterdir()}


def _same(a, b):
    for name in ("documents", "sentences", "tokens"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.audits == b.audits


def forbid_processing(monkeypatch):
    """Make processing a report fail: whatever loads from now on must come from the cache."""
    monkeypatch.setattr(corpus_module, "process_document", lambda *a, **k: pytest.fail("a report was processed"))


def test_second_load_comes_from_one_corpus_file(corpus_copy, monkeypatch):
    first = load_corpus(corpus_copy)
    assert len(_doc_files(corpus_copy)) == len(SEED_FILES)
    assert len(_corpus_files(corpus_copy)) == 1
    stamps = _stamps(corpus_copy)
    read = []
    original = corpus_module._read_pickle
    monkeypatch.setattr(corpus_module, "_read_pickle", lambda p: read.append(p.name) or original(p))
    forbid_processing(monkeypatch)
    second = load_corpus(corpus_copy)
    assert read == _corpus_files(corpus_copy)  # one read, of the corpus file
    assert _stamps(corpus_copy) == stamps  # nothing rewritten
    _same(first, second)


def test_without_corpus_file_reports_come_from_their_own_files(corpus_copy, monkeypatch):
    first = load_corpus(corpus_copy)
    for p in cache_dir(corpus_copy).glob(CORPUS_FILES):
        p.unlink()
    forbid_processing(monkeypatch)
    _same(first, load_corpus(corpus_copy))
    assert len(_corpus_files(corpus_copy)) == 1


def test_changed_raw_file_is_rebuilt_alone(corpus_copy, monkeypatch):
    load_corpus(corpus_copy)
    before = set(_doc_files(corpus_copy))
    raw = corpus_copy / "raw" / SEED_FILES["xinyang_2015"]
    raw.write_bytes(raw.read_bytes() + "\n会议要求，各县区要迅速行动。".encode())
    processed = []
    original = corpus_module.process_document
    monkeypatch.setattr(corpus_module, "process_document",
                        lambda doc_id, *a, **k: processed.append(doc_id) or original(doc_id, *a, **k))
    corpus = load_corpus(corpus_copy)
    assert processed == ["xinyang_2015"]
    new = set(_doc_files(corpus_copy)) - before
    assert len(new) == 1 and next(iter(new)).startswith("xinyang_2015-")
    assert len(_corpus_files(corpus_copy)) == 1  # the stale corpus file is gone
    assert corpus.text("xinyang_2015").endswith("会议要求，各县区要迅速行动。")


def test_renamed_raw_file_is_rebuilt(corpus_copy):
    """The file name is part of the key: repair rules can name the file they apply to."""
    load_corpus(corpus_copy)
    old = SEED_FILES["xinyang_2015"]
    (corpus_copy / "raw" / old).rename(corpus_copy / "raw" / "004_renamed.txt")
    meta = corpus_copy / "metadata.csv"
    meta.write_text(meta.read_text(encoding="utf-8").replace(old, "004_renamed.txt"), encoding="utf-8")
    corpus = load_corpus(corpus_copy)
    assert corpus.audits["xinyang_2015"]["file"] == "004_renamed.txt"
    assert len(_doc_files(corpus_copy)) == len(SEED_FILES) + 1


def test_metadata_change_uses_cache_and_shows_new_metadata(corpus_copy, monkeypatch):
    load_corpus(corpus_copy)
    meta = corpus_copy / "metadata.csv"
    meta.write_text(meta.read_text(encoding="utf-8").replace("信阳 Xinyang", "信阳 Xinyang City"), encoding="utf-8")
    forbid_processing(monkeypatch)
    assert load_corpus(corpus_copy).labels["xinyang_2015"] == "信阳 Xinyang City"


def test_changed_lexicon_rebuilds_tokens(corpus_copy, tmp_path):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    before = load_corpus(corpus_copy, lexicon_dir=lexicon)
    assert "红色基因传承" not in set(before.tokens.token)
    with open(lexicon / "domain_dict.txt", "a", encoding="utf-8") as f:
        f.write("红色基因传承 100000 l\n")
    after = load_corpus(corpus_copy, lexicon_dir=lexicon)
    assert "红色基因传承" in set(after.tokens.token)
    assert len(_doc_files(corpus_copy)) == 2 * len(SEED_FILES)


def test_lexicon_file_the_loader_does_not_read_keeps_the_cache(corpus_copy, tmp_path, monkeypatch):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    load_corpus(corpus_copy, lexicon_dir=lexicon)
    (lexicon / "directives.yaml").write_text("# edited by a researcher\n", encoding="utf-8")
    forbid_processing(monkeypatch)
    load_corpus(corpus_copy, lexicon_dir=lexicon)


def test_corrupt_cache_files_are_rebuilt_not_fatal(corpus_copy):
    first = load_corpus(corpus_copy)
    for p in cache_dir(corpus_copy).glob("*.pkl"):
        p.write_bytes(p.read_bytes()[:100])  # truncated, as by a full disk
    _same(first, load_corpus(corpus_copy))
    _same(first, load_corpus(corpus_copy))


def test_uncached_load_writes_nothing(corpus_copy):
    load_corpus(corpus_copy, use_cache=False)
    assert not (corpus_copy / "processed").exists()
