"""Load a corpus folder: validate metadata against files, decode, clean, split, tokenize, cache.

A corpus folder holds ``raw/`` (one report per file, never modified) and ``metadata.csv`` (one
row per report). ``load_corpus()`` returns a :class:`Corpus` with three tables:

* ``documents``: one row per report: ``doc_id``, the metadata columns, ``title``, ``text``
  (cleaned, simplified), ``n_chars`` (Han characters of the body), counts and provenance;
* ``sentences``: ``doc_id, para_id, sent_id, start, end, text``;
* ``tokens``: ``doc_id, sent_id, token_id, token, start, end, is_word, is_stop, is_bureaucratic``.

How it scales:

* each report is processed on its own (decode, clean, split, one jieba pass) into compact
  columns (``int32`` offsets, token codes into the report's vocabulary), in a process pool whose
  workers load jieba, OpenCC and the rules once; results stream back in order and are folded into
  corpus-wide columns with one interned vocabulary, so the parent never holds raw text or a Python
  object per token;
* ``<corpus>/processed/cache/`` keeps one file per processed report, keyed by its bytes, its file
  name, the lexicon files the loader reads and the loader's code, and one file for the assembled
  corpus keyed by all of them: an unchanged corpus loads in one read, a changed report or rule
  reprocesses only what it affects, and a change to metadata.csv alone reuses everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.loading import clean, infer, names, segment, tokenize
from analysis.loading import decode as decode_module
from analysis.loading.cache import (
    CORPUS_CACHE_PREFIX,
    _doc_cache_file,
    _fingerprint_files,
    _read_pickle,
    _writable_cache,
    _write_pickle,
)
from analysis.loading.config import DATA_DIR, LEXICON_DIR, corpus_dir
from analysis.loading.decode import decode, read_raw
from analysis.loading.errors import CorpusError
from analysis.loading.lexicon import Lexicon, as_lexicon

#: Columns every metadata file must have.
REQUIRED_COLUMNS = ("doc_id", "file", "label", "city", "meeting_date")
#: Columns whose non-empty values must be ISO dates (YYYY-MM-DD).
DATE_COLUMNS = ("meeting_date", "publication_date")
DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
#: Above this many reports, processing runs in a process pool.
PARALLEL_THRESHOLD = 40


# --------------------------------------------------------------------------------------------
# metadata and files


def read_metadata(root: Path) -> pd.DataFrame | None:
    """Read and validate ``metadata.csv``: required columns, unique ids and files, ISO dates.

    ``None`` when the folder has no metadata file: then every field is inferred from the text
    (:mod:`analysis.loading.infer`) and each report's id comes from its file name.
    """
    path = root / "metadata.csv"
    if not path.is_file():
        return None
    try:
        meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CorpusError(path, f"metadata is not UTF-8 ({e.reason} at byte {e.start})") from None
    except pd.errors.EmptyDataError:
        raise CorpusError(path, "metadata file is empty (a header row and one row per report are required)") from None
    except pd.errors.ParserError as e:
        raise CorpusError(path, f"metadata is not valid CSV: {e}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.columns]
    if missing:
        raise CorpusError(path, f"missing column(s): {', '.join(missing)} (required: {', '.join(REQUIRED_COLUMNS)})")
    if meta.empty:
        raise CorpusError(path, "metadata has no rows: add one row per report in raw/")
    meta = meta.apply(lambda col: col.str.strip())
    for col in ("doc_id", "file", "label", "city"):
        empty = meta.index[meta[col] == ""].tolist()
        if empty:
            raise CorpusError(path, f"empty {col} in row(s) {', '.join(str(i + 2) for i in empty)}")
    for col in ("doc_id", "file"):
        dup = meta[col][meta[col].duplicated()].unique().tolist()
        if dup:
            raise CorpusError(path, f"duplicate {col}: {', '.join(dup)}")
    bad_ids = [d for d in meta["doc_id"] if not DOC_ID_RE.match(d)]
    if bad_ids:
        raise CorpusError(path, f"doc_id must be lower-case letters, digits, _ or -: {', '.join(bad_ids)}")
    for col in DATE_COLUMNS:
        if col not in meta.columns:
            continue
        for i, value in meta[col].items():
            if value:
                try:
                    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                        raise ValueError(value)
                    date.fromisoformat(value)
                except ValueError:
                    raise CorpusError(path, f"row {i + 2} ({meta.at[i, 'doc_id']}): {col} {value!r} is not a date YYYY-MM-DD") from None
    return meta


def list_raw_files(root: Path) -> list[Path]:
    """Report files in ``raw/`` (hidden files such as ``.gitkeep`` are not reports)."""
    raw = root / "raw"
    if not raw.is_dir():
        raise CorpusError(raw, "raw/ folder not found")
    return sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith("."))


def match_files(meta: pd.DataFrame, files: list[Path], root: Path) -> None:
    """Every row has a file and every file has a row; otherwise name what is missing."""
    names = {p.name for p in files}
    listed = set(meta["file"])
    no_file = sorted(listed - names)
    if no_file:
        raise CorpusError(root / "raw" / no_file[0], f"listed in metadata.csv but no such file in raw/ ({len(no_file)} missing: {', '.join(no_file)})")
    no_row = sorted(names - listed)
    if no_row:
        raise CorpusError(root / "raw" / no_row[0], f"file in raw/ has no row in metadata.csv ({len(no_row)} without a row: {', '.join(no_row)})")


# --------------------------------------------------------------------------------------------
# one document

#: Lexicon files the loader reads; only these (and the loader's code) key the cache.
LOADER_LEXICON_FILES = clean.RULE_FILES + (tokenize.DICTIONARY_FILE, tokenize.FUNCTION_STOPWORDS_FILE,
                                           tokenize.BUREAUCRATIC_STOPWORDS_FILE) + infer.LEXICON_FILES


def lexicon_fingerprint(lexicon_dir: Path = LEXICON_DIR) -> str:
    """Hash of the lexicon files the loader reads and of its code: the cache key's second half."""
    code = [Path(m.__file__) for m in (clean, segment, tokenize, tokenize._segmenter, decode_module, infer, names)]
    code.append(Path(__file__))
    files = _fingerprint_files([lexicon_dir / name for name in LOADER_LEXICON_FILES] + code)
    return hashlib.sha256(f"{files}\0{tokenize.segmenter_key()}".encode()).hexdigest()



#: Metadata fields the text can give; where metadata.csv lacks a column, the inferred value fills it.
INFERRED_COLUMNS = tuple(f for f in infer.FIELDS if f != "officials")


def read_sources(root: Path) -> dict[str, dict]:
    """``file -> row`` of the folder's ``SOURCES.csv`` (where each report came from), if there is one."""
    path = root / "SOURCES.csv"
    if not path.is_file():
        return {}
    try:
        rows = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise CorpusError(path, f"SOURCES.csv cannot be read as UTF-8 CSV ({e})") from None
    if "file" not in rows.columns:
        raise CorpusError(path, "SOURCES.csv has no 'file' column (one row per report file)")
    return {r["file"]: r for r in rows.to_dict("records")}


def doc_id_from_file(name: str) -> str:
    """A valid report id from a file name: its stem, lower-cased, other characters as ``_``."""
    stem = re.sub(r"[^a-z0-9_\-]+", "_", Path(name).stem.lower()).strip("_-")
    return stem if stem and DOC_ID_RE.match(stem) else f"r_{hashlib.sha256(name.encode()).hexdigest()[:10]}"


def metadata_from_files(files: list[Path], root: Path) -> pd.DataFrame:
    """The metadata of a folder without ``metadata.csv``: one row per file (``doc_id``, ``file``);
    every other field is inferred from the text when the reports are loaded."""
    if not files:
        raise CorpusError(root / "raw", "raw/ holds no report files")
    ids, seen = [], {}
    for p in files:
        base = doc_id_from_file(p.name)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return pd.DataFrame({"doc_id": ids, "file": [p.name for p in files]})

def process_document(doc_id: str, path: Path, data: bytes, lexicon_dir: Path = LEXICON_DIR,
                     source: dict | None = None) -> dict:
    """Decode, clean, split, infer metadata and tokenize one report. Returns plain, compact data
    (picklable). ``source`` is the report's row of the folder's ``SOURCES.csv``, if any.

    The officials' names the inference finds become single tokens (:mod:`analysis.loading.names`).

    Sentences and tokens come as ``int32`` arrays: sentence ``para``/``start``/``end``, token
    ``code`` (into the report's ``vocab``)/``start``/``sent_id``; texts are slices of ``text``.
    """
    text, encoding = decode(data, path)
    result = clean.clean_text(text, path.name, clean.load_rules(lexicon_dir), encoding=encoding)
    del text
    if not result.paragraphs:
        raise CorpusError(path, "no body text left after cleaning (only furniture, captions or a title)")
    body = result.text
    paras, starts, ends = segment.sentence_bounds(body)
    audit = result.audit.to_dict()
    inferred = infer.infer_metadata(result.title, body, audit, source, lexicon_dir)
    tokens = tokenize.tokenize_document(body, starts, ends, lexicon_dir)
    found = names.plausible_names([o["name"] for o in inferred["officials"]["value"] or []], lexicon_dir)
    tokens, joined = names.join_names(body, tokens, found)
    if joined:
        audit["names_joined"] = joined
    return {
        "doc_id": doc_id,
        "title": result.title,
        "text": body,
        "audit": audit,
        "inferred": inferred,
        "sha256": hashlib.sha256(data).hexdigest(),
        "n_chars": clean.count_han(body),
        "sent_para": np.array(paras, dtype=np.int32),
        "sent_start": np.array(starts, dtype=np.int32),
        "sent_end": np.array(ends, dtype=np.int32),
        "vocab": tokens["vocab"],
        "tok_code": tokens["code"],
        "tok_start": tokens["start"],
        "tok_sent": tokens["sent_id"],
    }


def _load_one(job: tuple) -> dict:
    """Process one report (or load it from its cache file); a CorpusError is returned, not raised."""
    doc_id, path, sha, lexicon_dir, key, cache, source = job
    try:
        data = read_raw(path)
        if hashlib.sha256(data).hexdigest() != sha:
            raise CorpusError(path, "file changed while the corpus was loading; load again")
        out = process_document(doc_id, path, data, lexicon_dir, source)
    except CorpusError as e:
        return {"error": (e.path, e.problem)}
    if cache:
        _write_pickle(_doc_cache_file(cache, doc_id, key), out)
    return out


def _init_worker(lexicon_dir: Path) -> None:
    """Load the tokenizer, rules and OpenCC once per worker process."""
    tokenize.get_segmenter(lexicon_dir)
    tokenize.stopwords(lexicon_dir)
    clean.load_rules(lexicon_dir)
    clean._opencc()


# --------------------------------------------------------------------------------------------
# the corpus


@dataclass
class Corpus:
    """A loaded corpus: documents, sentences and tokens as DataFrames, plus cleaning audits.

    ``lexicon`` is the lexicon folder every measure of this corpus reads; ``memo`` holds the
    measures computed on it (see :mod:`analysis.loading.memo`), ``computed`` counts them.
    """

    root: Path
    documents: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    audits: dict = field(repr=False)
    lexicon: Lexicon = field(default_factory=Lexicon, repr=False)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    computed: Counter = field(default_factory=Counter, repr=False, compare=False)
    #: How often each memoised measure was read from ``memo_dir`` instead of computed.
    restored: Counter = field(default_factory=Counter, repr=False, compare=False)
    #: Where memoised measures are also kept on disk (``processed/cache/memo/<state>/``), or None.
    memo_dir: Path | None = field(default=None, repr=False, compare=False)
    inferred: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INFERRED_TABLE_COLUMNS), repr=False)

    @property
    def doc_ids(self) -> list[str]:
        """Report ids in metadata order."""
        return self.documents["doc_id"].tolist()

    @property
    def is_bundled(self) -> bool:
        """Whether this is the project's bundled corpus (``data/``): readings written about those five
        reports are shown only then."""
        return Path(self.root).resolve() == DATA_DIR.resolve()

    @property
    def labels(self) -> dict[str, str]:
        """``doc_id -> label`` for figures (``萍乡 Pingxiang``): built once per documents table (a caller
        reading it in a loop over reports stays linear); a copy, so callers may change it."""
        cached = self.__dict__.get("_labels")
        if cached is None or cached[0] is not self.documents:
            cached = (self.documents, dict(zip(self.documents["doc_id"], self.documents["label"])))
            self.__dict__["_labels"] = cached
        return dict(cached[1])

    def text(self, doc_id: str) -> str:
        """The cleaned body text of one report (an index of the texts is built once per documents table,
        so calling this for every report costs one pass, not one per call)."""
        cached = self.__dict__.get("_texts")
        if cached is None or cached[0] is not self.documents:
            cached = (self.documents, dict(zip(self.documents["doc_id"], self.documents["text"])))
            self.__dict__["_texts"] = cached
        return cached[1][doc_id]

    def __repr__(self) -> str:
        return (f"Corpus('{self.root.name}/': {len(self.documents)} reports, {len(self.sentences)} sentences, "
                f"{int(self.tokens['is_word'].sum())} word tokens)")


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def load_corpus(path: str | Path | None = None, *, lexicon_dir: Lexicon | Path | None = None, use_cache: bool = True,
                n_jobs: int | None = None, progress: bool | None = None) -> Corpus:
    """Load the corpus folder at ``path`` (default: ``$ANALYSIS_CORPUS_DIR`` or the bundled ``data/``).

    Raises :class:`CorpusError` naming the file and the problem for any bad input; nothing is
    skipped. Reports are processed in parallel (``n_jobs`` processes, by default every core when
    more than ``PARALLEL_THRESHOLD`` reports need processing); ``progress`` shows a tqdm bar
    (default: on for more than 200 reports). With ``use_cache``, each processed report is kept in
    ``<corpus>/processed/cache/`` keyed by its bytes, file name, the lexicon and this code, and the
    assembled corpus in one file keyed by all of them, so an unchanged corpus loads in one read and
    a changed one reprocesses only the reports that changed.
    """
    root = Path(path).resolve() if path else corpus_dir()
    meta = read_metadata(root)
    files = list_raw_files(root)
    if meta is None:
        meta = metadata_from_files(files, root)
    else:
        match_files(meta, files, root)
    sources = read_sources(root)
    lexicon = as_lexicon(lexicon_dir)
    lexicon_dir = lexicon.root
    lexicon_key = lexicon_fingerprint(lexicon_dir)
    raw = root / "raw"
    docs = []  # (doc_id, path, sha256 of the bytes, cache key, SOURCES.csv row)
    corpus_hash = hashlib.sha256(lexicon_key.encode())
    for doc_id, name in zip(meta["doc_id"], meta["file"]):
        sha = hashlib.sha256(read_raw(raw / name)).hexdigest()
        source = sources.get(name)
        src_key = json.dumps(source, ensure_ascii=False, sort_keys=True) if source else ""
        key = hashlib.sha256(f"{sha}\0{name}\0{lexicon_key}\0{src_key}".encode()).hexdigest()[:20]
        docs.append((doc_id, raw / name, sha, key, source))
        corpus_hash.update(f"{doc_id}\0{key}\n".encode())
    cache = _writable_cache(root) if use_cache else None
    corpus_file = cache / f"{CORPUS_CACHE_PREFIX}{corpus_hash.hexdigest()[:20]}.pkl" if cache else None
    tables = _read_pickle(corpus_file) if corpus_file else None
    if tables is None:
        tables = _build_tables(docs, lexicon_dir, cache, n_jobs, progress)
        if corpus_file:
            _write_pickle(corpus_file, tables)
            for old in cache.glob(f"{CORPUS_CACHE_PREFIX}*.pkl"):
                if old != corpus_file:
                    old.unlink(missing_ok=True)
    corpus = _frames(root, meta, tables, lexicon)
    if cache is not None and os.environ.get(DISK_MEMO_ENV, "1") != "0":
        corpus.memo_dir = memo_folder(cache, corpus_hash.hexdigest(), root, lexicon)
    return corpus


#: Set to ``0`` to keep memoised measures in memory only (see :mod:`analysis.loading.memo`).
DISK_MEMO_ENV = "ANALYSIS_DISK_MEMO"


def memo_folder(cache: Path, corpus_key: str, root: Path, lexicon: Lexicon) -> Path:
    """The folder of this corpus state's memoised measures: keyed by the reports and the loader
    (``corpus_key``), metadata.csv and SOURCES.csv, every file of the lexicon folder and of
    ``data/annotations/``, the code of the whole ``analysis`` package and the versions of the
    packages the measures use. Any change to one of them gives a new, empty folder (older
    folders are removed): a measure read from disk is always the one this code would compute."""
    import importlib.metadata
    import sys

    h = hashlib.sha256(corpus_key.encode())
    package = Path(__file__).resolve().parents[1]
    files = [root / "metadata.csv", root / "SOURCES.csv"]
    files += sorted(p for p in lexicon.root.rglob("*") if p.is_file())
    files += sorted(p for p in (DATA_DIR / "annotations").rglob("*") if p.is_file())
    files += sorted(package.rglob("*.py"))
    for f in files:
        h.update(str(f.name).encode())
        h.update(f.read_bytes() if f.is_file() else b"-")
    for dist in ("numpy", "pandas", "scipy", "scikit-learn", "jionlp", "jieba", "rjieba"):
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=-".encode())
    h.update(sys.version.encode())
    folder = cache / "memo" / h.hexdigest()[:20]
    if folder.parent.is_dir():
        import shutil

        for old in folder.parent.iterdir():
            if old != folder and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return folder


def _build_tables(docs: list[tuple], lexicon_dir: Path, cache: Path | None, n_jobs: int | None,
                  progress: bool | None) -> dict:
    """Process (or read from the per-report cache) every report, in order, into one set of columns."""
    from tqdm import tqdm

    jobs = [(d, p, sha, lexicon_dir, k, cache, src) for d, p, sha, k, src in docs]
    hits = [cache is not None and _doc_cache_file(cache, d, k).is_file() for d, _, _, k, _ in docs]
    todo = [job for job, hit in zip(jobs, hits) if not hit]
    n_jobs = max(1, min(n_jobs or (_default_jobs() if len(todo) > PARALLEL_THRESHOLD else 1), len(todo)))
    progress = len(docs) > 200 if progress is None else progress
    pool = None
    if n_jobs > 1:
        pool = ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(lexicon_dir,))
        computed = pool.map(_load_one, todo, chunksize=max(1, min(32, len(todo) // (n_jobs * 8))))
    else:
        computed = map(_load_one, todo)
    assembler = _Assembler()
    try:
        for job, hit in tqdm(zip(jobs, hits), total=len(docs), desc="reports", disable=not progress, unit="doc"):
            # Cached reports are read one at a time, as their turn comes (streaming, not all at once).
            res = _read_pickle(_doc_cache_file(cache, job[0], job[4])) if hit else next(computed)
            if res is None:  # a cache file that cannot be read: process the report here
                res = _load_one(job)
            if "error" in res:
                raise CorpusError(*res["error"])
            assembler.add(res)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return assembler.finish()


class _Assembler:
    """Collects per-report results in order into corpus-wide columns, as they arrive.

    Token strings are interned into one corpus vocabulary (each distinct token stored once, tokens
    as integer codes), so memory grows with the corpus's vocabulary, not with its length.
    """

    def __init__(self):
        self.docs: dict[str, list] = {k: [] for k in ("doc_id", "title", "text", "sha256", "n_chars", "audit",
                                                      "inferred")}
        self.vocab: dict[str, int] = {}
        self.sent: dict[str, list] = {k: [] for k in ("para", "start", "end")}
        self.tok: dict[str, list] = {k: [] for k in ("code", "start", "sent")}
        self.n_sent: list[int] = []
        self.n_tok: list[int] = []

    def add(self, res: dict) -> None:
        for k in self.docs:
            self.docs[k].append(res[k])
        for k in self.sent:
            self.sent[k].append(res[f"sent_{k}"])
        tokenize.add_codes(self.vocab, res["vocab"])
        to_global = np.fromiter(map(self.vocab.__getitem__, res["vocab"]), dtype=np.int32, count=len(res["vocab"]))
        self.tok["code"].append(to_global[res["tok_code"]])
        self.tok["start"].append(res["tok_start"])
        self.tok["sent"].append(res["tok_sent"])
        self.n_sent.append(len(res["sent_start"]))
        self.n_tok.append(len(res["tok_code"]))

    def finish(self) -> dict:
        """Plain columns (lists and arrays): what the corpus cache stores and :func:`_frames` reads."""
        def cat(parts: list) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

        return {"docs": self.docs, "vocab": list(self.vocab), "n_sent": np.array(self.n_sent, dtype=np.int64),
                "n_tok": np.array(self.n_tok, dtype=np.int64),
                **{f"sent_{k}": cat(v) for k, v in self.sent.items()},
                **{f"tok_{k}": cat(v) for k, v in self.tok.items()}}


def _str_column(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def _local_index(counts: np.ndarray) -> np.ndarray:
    """``0..n-1`` within each group of consecutive rows, for groups of the given sizes."""
    total = int(counts.sum())
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def _frames(root: Path, meta: pd.DataFrame, tables: dict, lexicon: Lexicon) -> Corpus:
    """The corpus DataFrames from the assembled columns and the metadata."""
    d = tables["docs"]
    doc_ids = np.array(d["doc_id"], dtype=object)
    vocab = np.array(tables["vocab"], dtype=object)
    flags = tokenize.token_flags(tables["vocab"], lexicon.root)
    vocab_len = np.fromiter(map(len, tables["vocab"]), dtype=np.int64, count=len(vocab))
    code = tables["tok_code"]
    tok_start = tables["tok_start"].astype(np.int64)
    tok_doc = np.repeat(np.arange(len(doc_ids)), tables["n_tok"])
    n_words = np.bincount(tok_doc, weights=flags["is_word"][code], minlength=len(doc_ids)).astype(np.int64)

    sent_start = tables["sent_start"].astype(np.int64)
    sent_end = tables["sent_end"].astype(np.int64)
    sent_text, pos = [], 0
    for text, n in zip(d["text"], tables["n_sent"].tolist()):
        sent_text += [text[a:b] for a, b in zip(sent_start[pos : pos + n].tolist(), sent_end[pos : pos + n].tolist())]
        pos += n

    rows = []
    inferred_rows = []
    for i, row in enumerate(meta.to_dict("records")):
        audit, text = d["audit"][i], d["text"][i]
        row, found = _fill_from_text(row, d["inferred"][i], set(meta.columns))
        inferred_rows += found
        rows.append({**row, "title": d["title"][i], "text": text, "n_chars": d["n_chars"][i],
                     "n_paragraphs": text.count("\n") + 1, "n_sentences": int(tables["n_sent"][i]),
                     "n_tokens": int(n_words[i]), "encoding": audit["encoding"],
                     "script_detected": audit["script_detected"], "sha256": d["sha256"][i]})
    documents = pd.DataFrame(rows)
    if "label" not in meta.columns:
        documents["label"] = _labels(documents, lexicon)
    sentences = pd.DataFrame({
        "doc_id": _str_column(np.repeat(doc_ids, tables["n_sent"])),
        "para_id": tables["sent_para"].astype(np.int64),
        "sent_id": _local_index(tables["n_sent"]),
        "start": sent_start,
        "end": sent_end,
        "text": _str_column(sent_text),
    })
    tokens = pd.DataFrame({
        "doc_id": _str_column(doc_ids[tok_doc]),
        "sent_id": tables["tok_sent"].astype(np.int64),
        "token_id": _local_index(tables["n_tok"]),
        "token": _str_column(vocab[code]),
        "start": tok_start,
        "end": tok_start + vocab_len[code],
        "is_word": flags["is_word"][code],
        "is_stop": flags["is_stop"][code],
        "is_bureaucratic": flags["is_bureaucratic"][code],
    })
    audits = dict(zip(d["doc_id"], d["audit"]))
    inferred = pd.DataFrame(inferred_rows, columns=INFERRED_TABLE_COLUMNS)
    return Corpus(root=root, documents=documents, sentences=sentences, tokens=tokens, audits=audits, lexicon=lexicon,
                  inferred=inferred)


#: Columns of ``corpus.inferred``: one row per report and field the text was read for.
INFERRED_TABLE_COLUMNS = ["doc_id", "field", "inferred", "basis", "evidence", "rule", "metadata", "status"]


def _same(name: str, a: str, b: str) -> bool:
    """Whether an inferred value and a metadata value of field ``name`` say the same: spacing,
    full-width brackets and a place's suffix aside; a date at the precision the text gives; lists
    (campaigns, speakers, reporters) as sets of names; evidence notes in brackets (``信阳市 (我市…召开)``)
    and the reasoning after ``province_source``'s ``text:``/``gazetteer:`` not compared."""
    def norm(x: str) -> str:
        x = re.sub(r"\s+", "", str(x)).replace("（", "(").replace("）", ")")
        return re.sub(r"(省|市|县|区|自治区)$", "", x)

    def names(x: str) -> set[str]:
        x = re.sub(r"[(（][^)）]*[)）]", "", x)
        return {p.strip() for p in re.split(r"[;；、]", x) if p.strip()}

    if name == "province_source":
        return a.split(":")[0].strip() == b.split(":")[0].strip()
    if name in ("campaigns", "other_speakers", "author"):
        return names(a) == names(b)
    if name == "issuing_unit":
        a, b = re.split(r"\s*[(（]", a)[0], re.split(r"\s*[(（]", b)[0]
    a, b = norm(a), norm(b)
    return a == b or (bool(re.fullmatch(r"\d{4}(-\d{2})?", a)) and b.startswith(a))


def _fill_from_text(row: dict, inferred: dict, columns: set[str]) -> tuple[dict, list[dict]]:
    """The document row with inferred values in the columns metadata.csv lacks and in its blank cells,
    and one comparison row per field: ``inferred`` (no such column: filled from the text), ``text only``
    (a blank cell: filled from the text), ``agrees``/``differs`` (metadata.csv has a value; it wins),
    ``metadata only`` or ``unknown`` (neither). A scraped corpus often has a metadata column filled for
    some reports only: the others still get their date, place and speakers from their text."""
    row, found = dict(row), []
    for name in INFERRED_COLUMNS:
        f = inferred.get(name) or {}
        value = f.get("value")
        value = "" if value is None else str(value)
        given = str(row.get(name, "") or "").strip()
        if name not in columns or (not given and value):
            row[name] = value
            status = ("inferred" if value else "unknown") if name not in columns else "text only"
            if name == "meeting_date":
                row["date_basis"], row["date_evidence"] = f.get("basis", "unknown"), f.get("evidence", "")
        elif given and value:
            status = "agrees" if _same(name, value, given) else "differs"
        elif given:
            status = "metadata only"
        else:
            status = "unknown"
            if name == "meeting_date" and not str(row.get("date_basis", "") or "").strip():
                row["date_basis"], row["date_evidence"] = "unknown", ""   # no NaN where nothing says
        found.append({"doc_id": row["doc_id"], "field": name, "inferred": value, "basis": f.get("basis", "unknown"),
                      "evidence": f.get("evidence", ""), "rule": f.get("rule", ""),
                      "metadata": given if name in columns else None, "status": status})
    return row, found


def _labels(documents: pd.DataFrame, lexicon: Lexicon) -> list[str]:
    """Figure labels for reports without a metadata label: ``郑州 Zhengzhou`` from the place the text
    names (the county or district for a county-level body), the report id where none is found;
    a label shared by several reports gets the report id added."""
    from pypinyin import lazy_pinyin

    # bodies below the prefecture (rank 3 and lower in codebook.yaml's admin_levels) are labelled by
    # their county or district, the others by their city
    ranks = {e["level"]: int(e["rank"]) for e in lexicon.yaml("codebook.yaml")["admin_levels"]}
    county_levels = {level for level, rank in ranks.items() if rank >= 3}
    out = []
    for r in documents.to_dict("records"):
        place = (r.get("county") if r.get("admin_level") in county_levels else "") or r.get("city") or \
            r.get("county") or r.get("province") or ""
        out.append(f"{place} {''.join(lazy_pinyin(place)).title()}" if place else r["doc_id"])
    counts = pd.Series(out).value_counts()
    return [f"{lab} ({r['doc_id']})" if counts[lab] > 1 else lab for lab, r in zip(out, documents.to_dict("records"))]
