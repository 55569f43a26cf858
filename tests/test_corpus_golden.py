"""The loader's output for the bundled reports is byte-identical to a recorded reference.

The stored notebooks (compared by nbval) depend on every cleaned character, sentence offset, token
and audit entry, so any change to the loader's speed or structure must leave them untouched. The
reference in ``tests/data/corpus_golden.json`` holds a SHA-256 per report and table, recorded with
the loader files it was made from. When a rule or dictionary file changes on purpose, check the
difference it makes and record the reference again::

    PYTHONPATH=src python tests/test_corpus_golden.py --record
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.loading.config import DATA_DIR, LEXICON_DIR

GOLDEN = Path(__file__).parent / "data" / "corpus_golden.json"
#: Lexicon files the loader reads: the reference is valid only for these exact contents.
LOADER_LEXICON = ("furniture.yaml", "repairs.csv", "script_fixes.csv", "domain_dict.txt",
                  "stopwords_function.txt", "stopwords_bureaucratic.txt")
#: Columns of ``documents`` that the loader computes (the metadata columns are copied from metadata.csv).
DOC_COLUMNS = ("doc_id", "title", "text", "n_chars", "n_paragraphs", "n_sentences", "n_tokens", "encoding",
               "script_detected", "sha256")


def _digest(df: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and CSV text."""
    h = hashlib.sha256(repr([(c, str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(df.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return h.hexdigest()


def fingerprints(corpus) -> dict:
    """``doc_id -> {table: sha256}`` for documents, sentences, tokens and the audit, plus the whole tables."""
    out: dict = {}
    docs = corpus.documents[list(DOC_COLUMNS)]
    for doc_id in corpus.doc_ids:
        out[doc_id] = {
            "documents": _digest(docs[docs.doc_id == doc_id].reset_index(drop=True)),
            "sentences": _digest(corpus.sentences[corpus.sentences.doc_id == doc_id].reset_index(drop=True)),
            "tokens": _digest(corpus.tokens[corpus.tokens.doc_id == doc_id].reset_index(drop=True)),
            "audit": hashlib.sha256(json.dumps(corpus.audits[doc_id], ensure_ascii=False,
                                               sort_keys=True).encode()).hexdigest(),
        }
    out["*"] = {"documents": _digest(docs), "sentences": _digest(corpus.sentences), "tokens": _digest(corpus.tokens),
                "audit_order": hashlib.sha256(json.dumps(list(corpus.audits)).encode()).hexdigest()}
    return out


def lexicon_hashes(lexicon_dir: Path = LEXICON_DIR) -> dict:
    """SHA-256 of each lexicon file the loader reads."""
    return {name: hashlib.sha256((lexicon_dir / name).read_bytes()).hexdigest() for name in LOADER_LEXICON}


def raw_hashes() -> dict:
    """SHA-256 of each bundled raw report."""
    files = sorted(p for p in (DATA_DIR / "raw").iterdir() if p.is_file())
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def record() -> None:
    """Write the reference from the loader as it is now (use only after checking a change is intended)."""
    from analysis import load_corpus

    corpus = load_corpus(DATA_DIR, use_cache=False)
    GOLDEN.write_text(json.dumps({"lexicon": lexicon_hashes(), "raw": raw_hashes(), "tables": fingerprints(corpus)},
                                 indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _check(corpus) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert raw_hashes() == golden["raw"], "data/raw/ differs from the reports the reference was recorded on"
    changed = [n for n, h in lexicon_hashes().items() if golden["lexicon"].get(n) != h]
    assert not changed, (f"loader lexicon file(s) changed since the reference was recorded: {', '.join(changed)}; "
                         "check the difference in the cleaned corpus and re-record (see this module's docstring)")
    got = fingerprints(corpus)
    diff = sorted(f"{d}/{t}" for d, tables in golden["tables"].items() for t, h in tables.items()
                  if got.get(d, {}).get(t) != h)
    assert not diff, f"loader output differs from the reference in: {', '.join(diff)}"


def test_uncached_load_matches_reference():
    from analysis import load_corpus

    _check(load_corpus(DATA_DIR, use_cache=False))


def test_parallel_load_matches_reference():
    from analysis import load_corpus

    _check(load_corpus(DATA_DIR, use_cache=False, n_jobs=2))


def test_cold_and_cached_loads_match_reference(corpus_copy):
    from analysis import load_corpus

    _check(load_corpus(corpus_copy))  # cold: fills the cache
    _check(load_corpus(corpus_copy))  # from the cache


if __name__ == "__main__":
    if sys.argv[1:] == ["--record"]:
        record()
        print(f"recorded {GOLDEN}")
    else:
        sys.exit(__doc__)
