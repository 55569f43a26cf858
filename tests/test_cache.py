"""Cleaned and tokenized reports are cached by content: unchanged loads from cache, a change rebuilds."""

from __future__ import annotations

import shutil

from analysis import load_corpus
from analysis.config import LEXICON_DIR, cache_dir
from conftest import SEED_FILES


def _cache_files(root):
    return sorted(p.name for p in cache_dir(root).glob("*.pkl"))


def test_second_load_comes_from_cache(corpus_copy):
    first = load_corpus(corpus_copy)
    files = _cache_files(corpus_copy)
    assert len(files) == len(SEED_FILES)
    stamps = {p.name: p.stat().st_mtime_ns for p in cache_dir(corpus_copy).glob("*.pkl")}
    second = load_corpus(corpus_copy)
    assert {p.name: p.stat().st_mtime_ns for p in cache_dir(corpus_copy).glob("*.pkl")} == stamps
    assert first.tokens.equals(second.tokens) and first.documents.equals(second.documents)


def test_changed_raw_file_is_rebuilt(corpus_copy):
    load_corpus(corpus_copy)
    before = set(_cache_files(corpus_copy))
    raw = corpus_copy / "raw" / SEED_FILES["xinyang_2015"]
    raw.write_bytes(raw.read_bytes() + "\n会议要求，各县区要迅速行动。".encode())
    corpus = load_corpus(corpus_copy)
    new = set(_cache_files(corpus_copy)) - before
    assert len(new) == 1 and next(iter(new)).startswith("xinyang_2015-")
    assert corpus.text("xinyang_2015").endswith("会议要求，各县区要迅速行动。")


def test_changed_lexicon_rebuilds_tokens(corpus_copy, tmp_path):
    lexicon = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lexicon)
    before = load_corpus(corpus_copy, lexicon_dir=lexicon)
    assert "红色基因传承" not in set(before.tokens.token)
    with open(lexicon / "domain_dict.txt", "a", encoding="utf-8") as f:
        f.write("红色基因传承 100000 l\n")
    after = load_corpus(corpus_copy, lexicon_dir=lexicon)
    assert "红色基因传承" in set(after.tokens.token)
    assert len(_cache_files(corpus_copy)) == 2 * len(SEED_FILES)
