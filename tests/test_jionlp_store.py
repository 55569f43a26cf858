"""jionlp's results are cached by content next to the corpus cache: a second run parses nothing, a
report added to the corpus parses only its own sentences, and the cache never changes a result."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_corpus
from analysis.measures import jionlp_store, temporal


@pytest.fixture()
def parses(monkeypatch):
    """Record every sentence jionlp really parses (the in-process cache emptied first)."""
    seen: list[str] = []
    original = temporal._jionlp_cached
    original.cache_clear()

    def counting(text, base):
        seen.append(text)
        return original.__wrapped__(text, base)

    monkeypatch.setattr(temporal, "_jionlp_cached", counting)
    return seen


def _expressions(root):
    """The temporal expressions of a fresh load, computed (not read from the disk memo of the measures,
    which would hide the jionlp store these tests are about)."""
    corpus = load_corpus(root, progress=False)
    corpus.memo_dir = None
    return temporal.all_expressions(corpus)


def test_second_run_parses_nothing_and_finds_the_same(corpus_copy, parses):
    first = _expressions(corpus_copy)
    assert parses, "the first run parses"
    store = jionlp_store.store_path(corpus_copy)
    assert store.is_file() and store.name == f"_jionlp-{jionlp_store.jionlp_version()}.pickle"
    parses.clear()
    second = _expressions(corpus_copy)
    assert parses == []
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_a_new_report_parses_only_its_sentences(corpus_copy, parses):
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    new = meta.iloc[-1]
    meta.iloc[:-1].to_csv(corpus_copy / "metadata.csv", index=False)
    moved = corpus_copy.parent / new["file"]
    (corpus_copy / "raw" / new["file"]).rename(moved)
    _expressions(corpus_copy)
    meta.to_csv(corpus_copy / "metadata.csv", index=False)
    moved.rename(corpus_copy / "raw" / new["file"])
    parses.clear()
    full = load_corpus(corpus_copy, progress=False)
    temporal.all_expressions(full)
    own = set(full.sentences.loc[full.sentences["doc_id"] == new["doc_id"], "text"])
    own |= set(full.documents.loc[full.documents["doc_id"] == new["doc_id"], "title"])   # headlines are read too
    assert parses and set(parses) <= own


def test_an_unreadable_or_foreign_store_is_rebuilt(corpus_copy, parses):
    first = _expressions(corpus_copy)
    store = jionlp_store.store_path(corpus_copy)
    store.write_bytes(b"not a pickle")
    parses.clear()
    again = _expressions(corpus_copy)
    assert parses, "nothing usable was stored, so jionlp parses again"
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert jionlp_store.Store(store).results, "and the store is written anew"
    import pickle

    results = jionlp_store.Store(store).results
    store.write_bytes(pickle.dumps({"version": "0.0.0", "results": results}))
    assert jionlp_store.Store(store).results == {}, "another jionlp version's results are not used"


def test_the_key_holds_text_and_base():
    from datetime import date

    a = jionlp_store.key("今年10月24日召开动员大会", date(2022, 3, 1))
    assert a == jionlp_store.key("今年10月24日召开动员大会", date(2022, 3, 1))
    assert a != jionlp_store.key("今年10月24日召开动员大会", date(2021, 3, 1))
    assert a != jionlp_store.key("今年10月25日召开动员大会", date(2022, 3, 1))
