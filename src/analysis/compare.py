"""Cross-report comparison (notebook 05): distinctive vocabulary, similarity, shared formulas, profiles.

Every measure here works on any number of reports and scales to tens of thousands:

* **Keyness** of each report against the rest of the corpus: log-likelihood G² with Hardie's log
  ratio as effect size, computed at once for every (report, term) cell of a sparse count matrix.
* **Similarity**: TF-IDF cosine on tokens and on character n-grams (no segmentation), a
  deterministic average-linkage clustering, and a chunked nearest-neighbour search for large
  corpora instead of a dense report × report matrix.
* **Shared formulas** (text reuse): maximal character spans that recur in several reports, found
  by seed-and-extend from a k-gram index over the distinct clauses of the corpus (so repeated
  boilerplate is compared once), ranked by the number of reports sharing them and their rarity
  in general Chinese (jieba's bundled dictionary frequencies).
* **Pairwise overlap**: Jaccard of character-shingle sets for every pair of reports (MinHash LSH
  candidates on large corpora), with same-city pairs (same ``city``, different ``admin_level``)
  marked from the metadata.
* **Profiles**: one page per report assembled from the other modules' tables.

Parameters live in ``data/lexicon/compare.yaml``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.colors import to_rgba
import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform
from scipy.stats import chi2

from .config import LEXICON_DIR
from .corpus import Corpus
from .plotting import colors_for, save_figure
from .tokenize import FUNCTION_STOPWORDS_FILE, get_tokenizer, read_word_list, stopwords

PARAMS_FILE = "compare.yaml"
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
#: A clause: a run of Han characters, possibly joined by the enumeration comma 、 (横向到边、纵向到底).
CLAUSE_RE = re.compile(f"[{HAN}](?:[{HAN}、]*[{HAN}])?")
HAN_RUN_RE = re.compile(f"[{HAN}]+")


@lru_cache(maxsize=4)
def _params(path: str, mtime: int) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def params(lexicon_dir: Path = LEXICON_DIR) -> dict:
    """The comparison parameters of ``compare.yaml`` (re-read when the file changes)."""
    path = lexicon_dir / PARAMS_FILE
    return _params(str(path), path.stat().st_mtime_ns)


# ============================================================================================
# distinctive vocabulary (keyness)


def content_tokens(corpus: Corpus, drop_bureaucratic: bool = False) -> pd.DataFrame:
    """Word tokens without function stopwords: ``doc_id, token``. Bureaucratic words (创建, 工作…)
    are kept unless ``drop_bureaucratic``."""
    tok = corpus.tokens
    keep = tok["is_word"] & ~tok["is_stop"]
    if drop_bureaucratic:
        keep &= ~tok["is_bureaucratic"]
    return tok.loc[keep, ["doc_id", "token"]].reset_index(drop=True)


def term_matrix(doc_tokens: pd.DataFrame, doc_ids: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sparse report × term count matrix (rows in ``doc_ids`` order, terms sorted) and the vocabulary."""
    docs = pd.Categorical(doc_tokens["doc_id"], categories=doc_ids)
    terms = pd.Categorical(doc_tokens["token"])
    vocab = np.asarray(terms.categories)
    ones = np.ones(len(doc_tokens), dtype=np.int64)
    mat = sparse.coo_matrix((ones, (docs.codes, terms.codes)), shape=(len(doc_ids), len(vocab))).tocsr()
    mat.sum_duplicates()
    return mat, vocab


def log_likelihood(a: np.ndarray, b: np.ndarray, c: np.ndarray,
                   d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """G², and the expected frequencies, for term counts ``a`` (report) and ``b`` (rest) with corpus
    sizes ``c`` (report) and ``d`` (rest). Zero counts contribute 0 (``0·ln 0 = 0``).

    Returns ``(g2, expected_report, expected_rest)``.
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    n = c + d
    e1 = c * (a + b) / n
    e2 = d * (a + b) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2 * (t1 + t2), e1, e2


def log_ratio(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, correction: float = 0.5) -> np.ndarray:
    """Hardie's log ratio: ``log2((a/c) / (b/d))`` with ``correction`` added to both frequencies.

    1 means the report uses the term twice as often (relative to its size) as the rest; the
    correction keeps a term absent from the rest finite and shrinks ratios built on tiny counts.
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    return np.log2(((a + correction) / c) / ((b + correction) / d))


def keyness_from_counts(mat: sparse.csr_matrix, vocab: np.ndarray, doc_ids: list[str],
                        lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Keyness of every term a report uses more often than the rest of the corpus.

    Vectorised over the non-zero cells of the sparse matrix (work grows with the number of
    (report, term) pairs, not reports × vocabulary). Columns: ``doc_id, term, count, n_tokens,
    count_rest, n_tokens_rest, per_1k, per_1k_rest, expected, g2, p_value, log_ratio,
    low_expected`` (expected frequency in the report below ``min_expected``: G²'s chi-square
    approximation is unreliable). Sorted by report order, then G² descending, then term.
    """
    p = params(lexicon_dir)["keyness"]
    mat = mat.tocoo()
    row_tot = np.asarray(mat.sum(axis=1)).ravel()
    col_tot = np.asarray(mat.sum(axis=0)).ravel()
    total = row_tot.sum()
    a = mat.data.astype(float)
    b = col_tot[mat.col] - a
    c = row_tot[mat.row].astype(float)
    d = total - c
    g2, e1, _ = log_likelihood(a, b, c, d)
    lr = log_ratio(a, b, c, d, p["zero_correction"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rest_rate = np.where(d > 0, b / d * 1000, np.nan)
    out = pd.DataFrame({
        "doc_order": mat.row, "doc_id": np.asarray(doc_ids, dtype=object)[mat.row], "term": vocab[mat.col],
        "count": a.astype(np.int64), "n_tokens": c.astype(np.int64), "count_rest": b.astype(np.int64),
        "n_tokens_rest": d.astype(np.int64), "per_1k": a / c * 1000, "per_1k_rest": rest_rate,
        "expected": e1, "g2": g2, "p_value": chi2.sf(g2, 1), "log_ratio": lr,
    })
    out = out[out["per_1k"] > out["per_1k_rest"].fillna(-1)]
    out["low_expected"] = out["expected"] < p["min_expected"]
    out = out.sort_values(["doc_order", "g2", "term"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns="doc_order").reset_index(drop=True)


def keyness(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Keyness of each report against the rest, on content tokens (see :func:`keyness_from_counts`)."""
    mat, vocab = term_matrix(content_tokens(corpus), corpus.doc_ids)
    return keyness_from_counts(mat, vocab, corpus.doc_ids, lexicon_dir)


def top_key_terms(table: pd.DataFrame, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """The ``top_n`` key terms per report with at least ``min_count`` occurrences, by G²."""
    p = params(lexicon_dir)["keyness"]
    kept = table[table["count"] >= p["min_count"]]
    return kept.groupby("doc_id", sort=False).head(p["top_n"]).reset_index(drop=True)


def keyness_table(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Top key terms per report for display: counts with denominators, rates, G², log ratio, flags."""
    top = top_key_terms(keyness(corpus, lexicon_dir), lexicon_dir)
    out = top.assign(report=top["doc_id"].map(corpus.labels))
    cols = ["report", "term", "count", "n_tokens", "count_rest", "n_tokens_rest", "per_1k", "per_1k_rest",
            "g2", "p_value", "log_ratio", "expected", "low_expected"]
    out = out[cols].copy()
    for col in ("per_1k", "per_1k_rest", "expected"):
        out[col] = out[col].round(2)
    out["g2"] = out["g2"].round(1)
    out["log_ratio"] = out["log_ratio"].round(2)
    out["p_value"] = out["p_value"].map(lambda v: f"{v:.1e}")
    return out


def _short_label(term: str, max_chars: int) -> str:
    """Glossary label of a term if it fits in ``max_chars``, else the term with pinyin, else the term."""
    from .glossary import label

    for full in (True, False):
        text = label(term, gloss=full)
        if len(text) <= max_chars:
            return text
    return term


def plot_keyness(corpus: Corpus, name: str = "05_keyness", lexicon_dir: Path = LEXICON_DIR, label_chars: int = 44):
    """One panel per report: log ratio of its top key terms (bars), with counts; saved to figures/."""
    top = top_key_terms(keyness(corpus, lexicon_dir), lexicon_dir)
    colors = colors_for(corpus.doc_ids)
    docs = [d for d in corpus.doc_ids if d in set(top["doc_id"])]
    ncols = 2 if len(docs) > 1 else 1
    nrows = max(1, math.ceil(len(docs) / ncols))
    n_top = max(1, int(top.groupby("doc_id").size().max())) if len(top) else 1
    fig, axes = plt.subplots(nrows, ncols, figsize=(13, nrows * (0.32 * n_top + 1.1) + 0.6), squeeze=False)
    xmax = float(top["log_ratio"].max()) * 1.35 if len(top) else 1.0
    for ax, doc_id in zip(axes.ravel(), docs):
        sub = top[top["doc_id"] == doc_id]
        y = np.arange(len(sub))
        ax.barh(y, sub["log_ratio"], color=[to_rgba(colors[doc_id], 0.4 if f else 0.95) for f in sub["low_expected"]])
        ax.set_yticks(y, [_short_label(t, label_chars) for t in sub["term"]], fontsize=8)
        ax.set_ylim(len(sub) - 0.5, -0.5)
        for i, (lr, n, nr) in enumerate(zip(sub["log_ratio"], sub["count"], sub["count_rest"])):
            ax.text(lr, i, f" {n} vs {nr}", va="center", fontsize=7)
        ax.set_xlim(0, xmax)
        ax.set_title(corpus.labels[doc_id], fontsize=10)
        ax.set_xlabel("log ratio (log2 of relative frequency vs the rest)")
        ax.grid(axis="y", visible=False)
    for ax in axes.ravel()[len(docs):]:
        ax.set_visible(False)
    fig.suptitle("Distinctive vocabulary: each report's top key terms by G² (bar = log ratio; "
                 "labels: count in report vs in the rest; pale = expected < 5)", x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    data = top.assign(report=top["doc_id"].map(corpus.labels))[
        ["doc_id", "report", "term", "count", "n_tokens", "count_rest", "n_tokens_rest", "g2", "log_ratio",
         "expected", "low_expected"]].round(4)
    save_figure(fig, name, data=data.set_index(["doc_id", "term"]))
    return fig


# ============================================================================================
# similarity


def char_ngrams(text: str, n_min: int = 2, n_max: int = 3) -> list[str]:
    """Character n-grams of the Han runs of ``text`` (never across punctuation or a line break)."""
    out = []
    for run in HAN_RUN_RE.findall(text):
        for n in range(n_min, n_max + 1):
            out.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return out


def _identity(features: list[str]) -> list[str]:
    return features


def tfidf_matrix(docs: list, analyzer=None) -> sparse.csr_matrix:
    """L2-normalised TF-IDF (smooth idf, raw term frequency), sparse.

    ``docs`` are pre-split feature lists, or texts with an ``analyzer`` that splits one text (so a
    large corpus streams through without holding every feature list in memory).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=analyzer or _identity, lowercase=False)
    return vec.fit_transform(docs).tocsr()


def char_tfidf(texts: list[str], lexicon_dir: Path = LEXICON_DIR) -> sparse.csr_matrix:
    """TF-IDF of character n-grams (compare.yaml's range), streamed text by text."""
    from functools import partial

    p = params(lexicon_dir)["similarity"]
    return tfidf_matrix(texts, partial(char_ngrams, n_min=p["char_ngram_min"], n_max=p["char_ngram_max"]))


def token_features(corpus: Corpus, drop_bureaucratic: bool = False) -> list[list[str]]:
    """Content tokens per report, in corpus order (the token view)."""
    grouped = content_tokens(corpus, drop_bureaucratic).groupby("doc_id", sort=False)["token"].apply(list)
    return [grouped.get(d, []) for d in corpus.doc_ids]


def view_matrix(corpus: Corpus, view: str = "tokens", lexicon_dir: Path = LEXICON_DIR,
                drop_bureaucratic: bool = False) -> sparse.csr_matrix:
    """Sparse TF-IDF rows of the reports (corpus order) in one view: ``tokens`` or ``chars``."""
    if view == "tokens":
        return tfidf_matrix(token_features(corpus, drop_bureaucratic))
    if view == "chars":
        return char_tfidf([corpus.text(d) for d in corpus.doc_ids], lexicon_dir)
    raise ValueError(f"view must be 'tokens' or 'chars', not {view!r}")


def cosine_matrix(mat: sparse.csr_matrix) -> np.ndarray:
    """Report × report cosine of L2-normalised rows (dense; for small corpora only)."""
    return np.asarray((mat @ mat.T).todense())


def similarity(corpus: Corpus, view: str = "tokens", lexicon_dir: Path = LEXICON_DIR,
               drop_bureaucratic: bool = False) -> pd.DataFrame:
    """Report × report TF-IDF cosine, ``view`` = ``tokens`` or ``chars``; labelled by report label.

    ``drop_bureaucratic`` (token view only) also removes the bureaucratic stopwords, to see how
    much of the similarity rests on generic words such as 创建 and 工作.
    """
    sim = cosine_matrix(view_matrix(corpus, view, lexicon_dir, drop_bureaucratic))
    labels = [corpus.labels[d] for d in corpus.doc_ids]
    return pd.DataFrame(np.round(sim, 4), index=labels, columns=labels)


def _top_k(block: np.ndarray, cols: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``block``, the ``k`` largest values and their ids (ties: lower id). ``cols`` gives
    the id of each column: one row of ids for all rows, or one row of ids per row."""
    part = np.argpartition(-block, k - 1, axis=1)[:, :k]
    rows = np.arange(block.shape[0])[:, None]
    cand = block[rows, part]
    ids = cols[part] if cols.ndim == 1 else cols[rows, part]
    order = np.lexsort((ids, -cand), axis=1)
    return ids[rows, order], cand[rows, order]


def nearest_neighbours(mat: sparse.csr_matrix, k: int = 5, chunk: int = 1000, exact_max: int | None = None,
                       lexicon_dir: Path = LEXICON_DIR) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar other rows of each row (cosine of L2-normalised rows).

    Up to ``exact_max`` rows (compare.yaml ``exact_neighbours_max``) the search is exact, in
    chunks of ``chunk`` × n similarities, so no n × n matrix is held. Above it, candidates come
    from a truncated SVD of the rows (``svd_dims`` dimensions, fixed seed): the ``candidates``
    closest rows there are re-scored with the exact sparse cosine and the best ``k`` kept, so
    the cosines returned are exact and only recall can suffer (the benchmark measures it).
    Ties break by lower row index. Returns ``(indices, cosines)``, each n × k.
    """
    p = params(lexicon_dir)["similarity"]
    exact_max = p["exact_neighbours_max"] if exact_max is None else exact_max
    n = mat.shape[0]
    k = min(k, n - 1)
    idx = np.zeros((n, k), dtype=np.int64)
    val = np.zeros((n, k))
    if n <= exact_max:
        t = mat.T.tocsc()
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            block = np.asarray((mat[start:stop] @ t).todense())
            # the diagonal (-inf) is the unique smallest value, so the k largest never include it
            block[np.arange(stop - start), np.arange(start, stop)] = -np.inf
            idx[start:stop], val[start:stop] = _top_k(block, np.arange(n), k)
        return idx, val
    from sklearn.decomposition import TruncatedSVD

    dims = max(1, min(p["svd_dims"], mat.shape[1] - 1))
    z = TruncatedSVD(n_components=dims, random_state=p["svd_seed"]).fit_transform(mat)
    z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    m = min(max(p["candidates"], k), n - 1)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        block = z[start:stop] @ z.T
        block[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        cands, _ = _top_k(block, np.arange(n), m)
        exact = np.vstack([(mat[cands[r]] @ mat[start + r].T).toarray().ravel() for r in range(stop - start)])
        idx[start:stop], val[start:stop] = _top_k(exact, cands, k)
    return idx, val


def neighbour_table(corpus: Corpus, view: str = "tokens", lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Each report's nearest neighbours (the scalable form of the similarity matrix)."""
    k = params(lexicon_dir)["similarity"]["neighbours"]
    idx, val = nearest_neighbours(view_matrix(corpus, view, lexicon_dir), k)
    ids = corpus.doc_ids
    rows = [{"report": corpus.labels[ids[i]], "rank": r + 1, "neighbour": corpus.labels[ids[idx[i, r]]],
             "cosine": round(float(val[i, r]), 4)} for i in range(len(ids)) for r in range(idx.shape[1])]
    return pd.DataFrame(rows, columns=["report", "rank", "neighbour", "cosine"])


def cluster(sim: pd.DataFrame, lexicon_dir: Path = LEXICON_DIR) -> np.ndarray:
    """Hierarchical clustering (scipy linkage, method from compare.yaml) of ``1 - cosine``."""
    dist = 1 - sim.to_numpy(dtype=float)
    np.fill_diagonal(dist, 0)
    dist = np.clip((dist + dist.T) / 2, 0, None)
    return hierarchy.linkage(squareform(dist, checks=False), method=params(lexicon_dir)["similarity"]["linkage"])


def plot_similarity(corpus: Corpus, name: str = "05_similarity", lexicon_dir: Path = LEXICON_DIR):
    """Heatmaps of both similarity views (top) and their dendrograms (bottom); saved to figures/."""
    views = {"tokens": "TF-IDF cosine on word tokens", "chars": "TF-IDF cosine on character 2–3-grams"}
    sims = {v: similarity(corpus, v, lexicon_dir) for v in views}
    n = len(corpus.doc_ids)
    fig, axes = plt.subplots(2, 2, figsize=(12, 0.9 * n + 7), gridspec_kw={"height_ratios": [1.3, 1]})
    for col, (view, title) in enumerate(views.items()):
        sim = sims[view]
        ax = axes[0, col]
        off = sim.to_numpy().copy()
        np.fill_diagonal(off, np.nan)
        im = ax.imshow(off, cmap="Blues", vmin=0, vmax=np.nanmax(off) if n > 1 else 1)
        ax.set_xticks(range(n), sim.columns, rotation=35, ha="right", fontsize=8)
        ax.set_yticks(range(n), sim.index, fontsize=8)
        for i in range(n):
            for j in range(n):
                if i != j:
                    ax.text(j, i, f"{sim.iat[i, j]:.2f}", ha="center", va="center", fontsize=8,
                            color="white" if off[i, j] > 0.7 * np.nanmax(off) else "black")
        ax.grid(False)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("report")
        ax.set_ylabel("report")
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="cosine similarity")
        dax = axes[1, col]
        if n > 2:
            hierarchy.dendrogram(cluster(sim, lexicon_dir), labels=list(sim.index), orientation="right", ax=dax,
                                 color_threshold=0, above_threshold_color="#444444", leaf_font_size=8)
        dax.set_xlabel("1 − cosine (average linkage)")
        dax.set_title(f"Clustering ({view})", fontsize=10)
        dax.grid(axis="y", visible=False)
    fig.suptitle("How similar the reports are: two views of the vocabulary", x=0.01, ha="left")
    fig.tight_layout()
    data = pd.concat({v: s for v, s in sims.items()}, names=["view", "report"])
    save_figure(fig, name, data=data)
    return fig


# ============================================================================================
# shared formulas (text reuse)


def clauses(text: str) -> list[str]:
    """Han-character clauses of ``text``: runs split at any punctuation except the enumeration comma 、.

    Quotation marks split too, so a quoted formula (“一盘棋”) is its own clause.
    """
    return CLAUSE_RE.findall(text)


def kgrams(s: str, k: int) -> list[str]:
    """Overlapping character k-grams of ``s`` (none if ``s`` is shorter than ``k``)."""
    return [s[i : i + k] for i in range(len(s) - k + 1)]


class ClauseIndex:
    """Distinct clauses of a corpus, which reports contain each, their word boundaries, and a
    k-gram → (clause, position) index.

    Deduplicating clauses first means boilerplate repeated in thousands of reports is indexed,
    segmented and compared once.
    """

    def __init__(self, texts: list[str], k: int, lexicon_dir: Path = LEXICON_DIR):
        self.k = k
        ids: dict[str, int] = {}
        docs: list[set[int]] = []
        for d, text in enumerate(texts):
            for cl in clauses(text):
                i = ids.setdefault(cl, len(ids))
                if i == len(docs):
                    docs.append(set())
                docs[i].add(d)
        self.clauses = list(ids)
        self.docs = docs
        tk = get_tokenizer(lexicon_dir)
        #: jieba words of each clause: their start and end offsets (both ascending)
        self.starts: list[list[int]] = []
        self.ends: list[list[int]] = []
        for cl in self.clauses:
            bounds = [(a, b) for _, a, b in tk.tokenize(cl, HMM=True)]
            self.starts.append([a for a, _ in bounds])
            self.ends.append([b for _, b in bounds])
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for ci, cl in enumerate(self.clauses):
            for pos, g in enumerate(kgrams(cl, k)):
                self.postings[g].append((ci, pos))

    def docs_containing(self, span: str) -> set[int]:
        """Reports whose text contains ``span`` within one clause (exact, via the rarest k-gram)."""
        grams = kgrams(span, self.k) if len(span) >= self.k else []
        if grams:
            best = min(grams, key=lambda g: len(self.postings.get(g, ())))
            cands = {ci for ci, _ in self.postings.get(best, ())}
        else:
            cands = range(len(self.clauses))
        out: set[int] = set()
        for ci in cands:
            if span in self.clauses[ci]:
                out |= self.docs[ci]
        return out

    def snap(self, ci: int, start: int, end: int, drop: frozenset[str]) -> str:
        """The words of clause ``ci`` lying wholly inside ``[start, end)``, without edge words in
        ``drop`` (function words) or 、: a span cut mid-word (委书记 of 市委书记) shrinks to whole words.
        """
        cl, starts, ends = self.clauses[ci], self.starts[ci], self.ends[ci]
        i = bisect_left(starts, start)
        j = bisect_right(ends, end) - 1
        while i <= j and (cl[starts[i] : ends[i]] in drop or cl[starts[i] : ends[i]] == "、"):
            i += 1
        while j >= i and (cl[starts[j] : ends[j]] in drop or cl[starts[j] : ends[j]] == "、"):
            j -= 1
        return cl[starts[i] : ends[j]] if i <= j else ""


def _diagonal_runs(matches: list[tuple[int, int]], k: int) -> list[tuple[int, int]]:
    """Maximal runs along diagonals of k-gram matches ``(i, j)``: ``(start in first string, length)``."""
    hit = set(matches)
    runs = []
    for i, j in matches:
        if (i - 1, j - 1) in hit:
            continue
        t = 1
        while (i + t, j + t) in hit:
            t += 1
        runs.append((i, t + k - 1))
    return runs


def candidate_spans(index: ClauseIndex, max_postings: int, drop: frozenset[str] = frozenset()) -> set[str]:
    """Maximal common substrings (≥ k characters) of every pair of distinct clauses that share a k-gram
    and do not come from one single report, plus every distinct clause found in two reports or more;
    each snapped to whole words of both clauses with function words trimmed at its edges
    (:meth:`ClauseIndex.snap`).

    Seeds are k-grams in at most ``max_postings`` distinct clauses (see compare.yaml).
    """
    k = index.k
    out = {index.snap(ci, 0, len(cl), drop) for ci, (cl, docs) in enumerate(zip(index.clauses, index.docs))
           if len(docs) >= 2}
    for c1, cl in enumerate(index.clauses):
        matches: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, g in enumerate(kgrams(cl, k)):
            post = index.postings[g]
            if len(post) > max_postings:
                continue
            for c2, j in post:
                if c2 > c1:
                    matches[c2].append((i, j))
        snapped: dict[tuple[int, int], str] = {}
        for c2, m in matches.items():
            if len(index.docs[c1]) == 1 and index.docs[c1] == index.docs[c2]:
                continue
            for start, length in _diagonal_runs(m, k):
                first = snapped.get((start, length))
                if first is None:
                    first = snapped[(start, length)] = index.snap(c1, start, start + length, drop)
                if not first:
                    continue
                j = index.clauses[c2].find(cl[start : start + length])
                second = index.snap(c2, j, j + length, drop)
                # the common part of both snappings: whole words in both clauses
                out.add(first if first in second else second if second in first else "")
    out.discard("")
    return out


@lru_cache(maxsize=1)
def general_frequencies() -> tuple[dict[str, int], int]:
    """Word frequencies of jieba's bundled dictionary (``jieba/dict.txt``) and their total.

    The dictionary is jieba's reference of general modern Chinese (about 349,000 words with counts
    from its training corpora); it serves here as the general-language baseline for rarity.
    """
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    freq: dict[str, int] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ")
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])
    return freq, sum(freq.values())


@lru_cache(maxsize=1)
def _general_tokenizer():
    """A jieba tokenizer with only its bundled dictionary (no domain words)."""
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def rarity(span: str, unseen_frequency: int = 1) -> float:
    """How unexpected ``span`` is in general Chinese: ``-log10 P(span)`` under the unigram model of
    jieba's bundled dictionary.

    ``span`` is segmented with jieba's general dictionary along its most probable route (no HMM),
    and the surprisals ``-log10(freq / total)`` of its words are summed (a word absent from the
    dictionary gets ``unseen_frequency``). The sum is the log-odds against meeting this exact
    string by chance, so longer and odder spans score higher: 委书记-like fragments of common
    words score low, 横向到边、纵向到底 high. Caveat: jieba's dictionary lists some compounds
    (主持会议) with tiny counts, which makes them look rarer than they are.
    """
    freq, total = general_frequencies()
    words = [w for w in _general_tokenizer().lcut(span.replace("、", ""), HMM=False) if w.strip()]
    return float(sum(-math.log10(max(freq.get(w, 0), unseen_frequency) / total) for w in words))


def is_generic(span: str, generic_words: frozenset[str], lexicon_dir: Path = LEXICON_DIR) -> bool:
    """Whether every word of ``span`` is a stopword (function or bureaucratic list) or a numeral."""
    numeral = re.compile(r"^[零〇一二两三四五六七八九十百千万亿年月日号第]+$")
    words = [w for w in get_tokenizer(lexicon_dir).lcut(span, HMM=True) if w != "、"]
    return all(w in generic_words or numeral.match(w) for w in words)


def find_shared_spans(texts: list[str], lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Shared formulas of a list of texts: ``span, n_chars, docs`` (tuple of text indices), ``n_docs``.

    1. Distinct clauses, their jieba words and a k-gram index (:class:`ClauseIndex`).
    2. Candidates: maximal common substrings of clause pairs, snapped to whole words and trimmed of
       function words at the edges (:func:`candidate_spans`).
    3. Spans shorter than ``min_chars`` or made only of function words and numerals are dropped.
    4. The reports containing each span are counted exactly; spans in fewer than ``min_reports``
       reports are dropped.
    5. Only maximal spans are kept: a span inside a longer kept span with the same set of reports
       adds nothing and is dropped (一盘棋 in three reports survives inside 牢固树立一盘棋思想 in two).
    """
    p = params(lexicon_dir)["formulas"]
    function = read_word_list(lexicon_dir / FUNCTION_STOPWORDS_FILE)
    index = ClauseIndex(texts, p["seed_k"], lexicon_dir)
    spans: dict[str, tuple[int, ...]] = {}
    for span in sorted(candidate_spans(index, p["max_postings"], function)):
        if len(span.replace("、", "")) < p["min_chars"] or is_generic(span, function, lexicon_dir):
            continue
        docs = tuple(sorted(index.docs_containing(span)))
        if len(docs) >= p["min_reports"]:
            spans[span] = docs
    by_gram: dict[str, list[str]] = defaultdict(list)
    for s in spans:
        for g in set(kgrams(s, p["seed_k"])):
            by_gram[g].append(s)
    rows = []
    for s, docs in spans.items():
        containers = by_gram.get(s[: p["seed_k"]], [])
        if any(len(t) > len(s) and s in t and spans[t] == docs for t in containers):
            continue
        rows.append({"span": s, "n_chars": len(s.replace("、", "")), "docs": docs, "n_docs": len(docs)})
    return pd.DataFrame(rows, columns=["span", "n_chars", "docs", "n_docs"])


def _campaign_names(corpus: Corpus) -> set[str]:
    """Campaign names from the metadata column ``campaigns`` (``;``-separated)."""
    names = set()
    for v in corpus.documents.get("campaigns", pd.Series(dtype=object)).dropna():
        names |= {x.strip() for x in str(v).split(";") if x.strip()}
    return names


def is_campaign_name(span: str, campaigns: set[str], generic_words: frozenset[str],
                     lexicon_dir: Path = LEXICON_DIR) -> bool:
    """Whether ``span`` is part of a campaign name, or a campaign name plus only generic words
    (创建全国文明城市); ``campaigns`` come from the metadata."""
    if any(span in c for c in campaigns):
        return True
    rest = span
    for c in sorted(campaigns, key=len, reverse=True):
        rest = rest.replace(c, "")
    return rest != span and (not rest.strip("、") or is_generic(rest, generic_words, lexicon_dir))


def shared_formulas(corpus: Corpus, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Phrases recurring across reports, found from the text alone, ranked.

    Columns: ``formula, n_reports, reports`` (labels, corpus order), ``doc_ids``, ``n_chars``,
    ``rarity`` (``-log10 P`` in general Chinese, :func:`rarity`), ``campaign_name`` (the span is, or
    is part of, a campaign name from the metadata), ``generic`` (only stopwords of the function and
    bureaucratic lists, e.g. 各项工作), ``score`` = ``(n_reports - 1) × rarity`` (the log-odds against
    the other reports repeating the span by chance), ``rank``. Campaign names and generic spans are
    kept but ranked last; the rest by score, then more reports, then longer, then the span.
    """
    p = params(lexicon_dir)["formulas"]
    ids = corpus.doc_ids
    found = find_shared_spans([corpus.text(d) for d in ids], lexicon_dir)
    campaigns = _campaign_names(corpus)
    generic = stopwords(lexicon_dir, bureaucratic=True)
    out = pd.DataFrame({
        "formula": found["span"],
        "n_reports": found["n_docs"].astype(int),
        "reports": ["; ".join(corpus.labels[ids[i]] for i in docs) for docs in found["docs"]],
        "doc_ids": [";".join(ids[i] for i in docs) for docs in found["docs"]],
        "n_chars": found["n_chars"].astype(int),
        "rarity": [round(rarity(s, p["unseen_frequency"]), 3) for s in found["span"]],
        "campaign_name": [is_campaign_name(s, campaigns, generic, lexicon_dir) for s in found["span"]],
        "generic": [is_generic(s, generic, lexicon_dir) for s in found["span"]],
    })
    out = out[out["rarity"] >= p["min_rarity"]]
    out["score"] = ((out["n_reports"] - 1) * out["rarity"]).round(3)
    out = out.assign(_low=out["campaign_name"] | out["generic"])
    out = out.sort_values(["_low", "score", "n_reports", "n_chars", "formula"],
                          ascending=[True, False, False, False, True], kind="mergesort")
    out = out.drop(columns="_low").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def highlighted_formulas(formulas: pd.DataFrame, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """The found formulas that contain one of ``formulas.highlight`` in compare.yaml (examples a
    reader wants to look up; they play no part in finding formulas)."""
    wanted = params(lexicon_dir)["formulas"].get("highlight", [])
    hit = formulas["formula"].map(lambda f: any(w in f for w in wanted))
    return formulas[hit].drop(columns="doc_ids", errors="ignore")


def formula_table(formulas: pd.DataFrame, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """The top ``table_rows`` formulas for display (without the ``doc_ids`` column)."""
    return formulas.drop(columns="doc_ids").head(params(lexicon_dir)["formulas"]["table_rows"])


def terms_shown(corpus: Corpus, formulas: pd.DataFrame, lexicon_dir: Path = LEXICON_DIR) -> set[str]:
    """The Chinese terms notebook 05 shows: top key terms and the formulas of its table and figure."""
    key = top_key_terms(keyness(corpus, lexicon_dir), lexicon_dir)
    p = params(lexicon_dir)["formulas"]
    return set(key["term"]) | set(formulas["formula"].head(max(p["table_rows"], p["top_n"])))


def formula_matrix(corpus: Corpus, formulas: pd.DataFrame, top_n: int | None = None,
                   lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Formula × report: occurrences of each of the top formulas in each report's cleaned text."""
    top_n = top_n or params(lexicon_dir)["formulas"]["top_n"]
    top = formulas.head(top_n)
    data = {corpus.labels[d]: [corpus.text(d).count(f) for f in top["formula"]] for d in corpus.doc_ids}
    return pd.DataFrame(data, index=pd.Index(top["formula"], name="formula"))


def plot_formula_matrix(corpus: Corpus, formulas: pd.DataFrame, name: str = "05_shared_formulas",
                        lexicon_dir: Path = LEXICON_DIR, label_chars: int = 48):
    """Which reports share which formula: a dot matrix of the top formulas; saved to figures/."""
    mat = formula_matrix(corpus, formulas, lexicon_dir=lexicon_dir)
    colors = colors_for(corpus.doc_ids)
    fig, ax = plt.subplots(figsize=(4 + 1.3 * mat.shape[1], 0.33 * len(mat) + 2))
    for j, d in enumerate(corpus.doc_ids):
        col = mat[corpus.labels[d]].to_numpy()
        ys = np.nonzero(col)[0]
        ax.scatter(np.full(len(ys), j), ys, s=40 + 25 * np.minimum(col[ys], 6), color=colors[d], zorder=3)
    ax.set_xticks(range(mat.shape[1]), mat.columns, rotation=30, ha="right", fontsize=9)
    ax.set_yticks(range(len(mat)), [_short_label(t, label_chars) for t in mat.index], fontsize=8)
    ax.set_ylim(len(mat) - 0.5, -0.5)
    ax.set_xlim(-0.6, mat.shape[1] - 0.4)
    ax.set_xlabel("report")
    ax.set_ylabel("shared formula (ranked)")
    ax.set_title("Shared formulas found in the text: which reports use which (dot size = occurrences)")
    fig.tight_layout()
    save_figure(fig, name, data=mat)
    return fig


# ============================================================================================
# pairwise overlap (all pairs, same-city pairs marked)


def shingles(text: str, k: int) -> set[str]:
    """Character k-gram shingles inside clauses (punctuation breaks a shingle)."""
    return {g for cl in clauses(text) for g in kgrams(cl, k)}


def same_city_pairs(documents: pd.DataFrame) -> set[tuple[str, str]]:
    """Pairs of reports from the same ``city`` at different administrative levels, as sorted ids: the
    pairs of :func:`analysis.themes.level_pairs` (one definition, levels ranked in codebook.yaml)."""
    from .themes import level_pairs

    return {tuple(sorted((r.higher, r.lower))) for r in level_pairs(documents).itertuples()}


def lsh_candidate_pairs(sets: list[set[str]], threshold: float, num_perm: int, seed: int = 1) -> set[tuple[int, int]]:
    """Pairs of sets whose MinHash LSH buckets collide (Jaccard likely ≥ ``threshold``); not all pairs."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, s in enumerate(sets):
        m = MinHash(num_perm=num_perm, seed=seed)
        m.update_batch([x.encode("utf-8") for x in sorted(s)])
        lsh.insert(i, m)
        hashes.append(m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def pairwise_overlap_sets(sets: list[set[str]], lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Jaccard of every pair of shingle sets (exact for small corpora, LSH candidates for large ones).

    Columns ``i, j, n_shared, n_union, jaccard``, sorted by Jaccard descending then ``i, j``.
    """
    p = params(lexicon_dir)["formulas"]
    if len(sets) < p["lsh_min_docs"]:
        pairs = list(combinations(range(len(sets)), 2))
    else:
        pairs = sorted(lsh_candidate_pairs(sets, p["lsh_threshold"], p["lsh_num_perm"]))
    rows = []
    for i, j in pairs:
        inter = len(sets[i] & sets[j])
        union = len(sets[i] | sets[j])
        rows.append((i, j, inter, union, inter / union if union else 0.0))
    out = pd.DataFrame(rows, columns=["i", "j", "n_shared", "n_union", "jaccard"])
    out = out.sort_values(["jaccard", "i", "j"], ascending=[False, True, True], kind="mergesort")
    return out.reset_index(drop=True)


def pair_overlap(corpus: Corpus, formulas: pd.DataFrame | None = None, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Every pair of reports: shared character 4-gram shingles, Jaccard, shared formulas, same-city flag.

    Columns: ``report_a, report_b, same_city, n_shared_shingles, n_union, jaccard, rank`` (1 = most
    overlap), ``n_shared_formulas`` (formulas of :func:`shared_formulas` found in both).
    """
    k = params(lexicon_dir)["formulas"]["shingle_k"]
    ids = corpus.doc_ids
    sets = [shingles(corpus.text(d), k) for d in ids]
    pairs = pairwise_overlap_sets(sets, lexicon_dir)
    formulas = shared_formulas(corpus, lexicon_dir) if formulas is None else formulas
    members = [set(s.split(";")) for s in formulas["doc_ids"]]
    same = same_city_pairs(corpus.documents)
    rows = []
    for r in pairs.itertuples(index=False):
        a, b = ids[r.i], ids[r.j]
        rows.append({"report_a": corpus.labels[a], "report_b": corpus.labels[b],
                     "same_city": tuple(sorted((a, b))) in same, "n_shared_shingles": r.n_shared,
                     "n_union": r.n_union, "jaccard": round(r.jaccard, 4),
                     "n_shared_formulas": sum(1 for m in members if a in m and b in m)})
    out = pd.DataFrame(rows, columns=["report_a", "report_b", "same_city", "n_shared_shingles", "n_union",
                                      "jaccard", "n_shared_formulas"])
    out.insert(6, "rank", np.arange(1, len(out) + 1))
    return out


def plot_pair_overlap(corpus: Corpus, overlap: pd.DataFrame, name: str = "05_pair_overlap"):
    """Jaccard overlap of every pair of reports, same-city pairs highlighted; saved to figures/."""
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(overlap) + 1.6))
    y = np.arange(len(overlap))
    colors = ["#D55E00" if s else "#888888" for s in overlap["same_city"]]
    ax.barh(y, overlap["jaccard"], color=colors)
    ax.set_yticks(y, [f"{a} – {b}" for a, b in zip(overlap["report_a"], overlap["report_b"])], fontsize=8)
    ax.set_ylim(len(overlap) - 0.5, -0.5)
    labels = zip(overlap["jaccard"], overlap["n_shared_shingles"], overlap["n_shared_formulas"])
    for i, (jac, n, f) in enumerate(labels):
        ax.text(jac, i, f" {n} shingles, {f} formulas", va="center", fontsize=7)
    ax.set_xlim(0, max(float(overlap["jaccard"].max()), 0.01) * 1.5)
    ax.set_xlabel("Jaccard overlap of character 4-gram shingle sets")
    ax.set_ylabel("pair of reports")
    ax.grid(axis="y", visible=False)
    ax.set_title("Text overlap of every pair of reports (orange: same city, different level)")
    fig.tight_layout()
    save_figure(fig, name, data=overlap.set_index(["report_a", "report_b"]))
    return fig


# ============================================================================================
# one page per report, assembled from the other modules (nothing recomputed here)

#: Rhetoric measures shown in a profile: (column of rhetoric.profile, readable name).
PROFILE_RHETORIC = [
    ("directive_markers_per_1k", "directive markers per 1,000 chars"),
    ("share_directive_sentences", "share of sentences with a directive"),
    ("military_campaign_metaphor_per_1k", "military/campaign metaphors per 1,000 chars"),
    ("people_centred_per_1k", "people-centred terms per 1,000 chars"),
    ("party_ideology_per_1k", "Party/ideology terms per 1,000 chars"),
    ("four_char_phrases_per_1k", "four-character phrases per 1,000 chars"),
]
PROFILE_FIELDS = ["report", "meeting date", "level", "stage", "main speaker", "top themes", "rhetoric",
                  "distinctive terms", "dated promises"]


def profiles(corpus: Corpus, n_themes: int = 3, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """One row per report, one column per profile field (``PROFILE_FIELDS``), as readable text.

    Every number comes from the module that computes it: metadata (date, level, speaker),
    ``timeline.meeting_stage`` (stage and its evidence), ``themes.theme_shares`` (top ``n_themes``
    themes by share of directives, with ``k/n``), ``rhetoric.profile`` (the rates of
    ``PROFILE_RHETORIC``), :func:`top_key_terms` (distinctive terms with counts) and
    ``timeline.dated_promises`` (what, by when).
    """
    from . import rhetoric, themes, timeline

    docs = corpus.documents.set_index("doc_id")
    stage = timeline.meeting_stage(corpus).set_index("doc_id")
    shares = themes.theme_shares(corpus)
    theme_names = themes.theme_labels(lang="both")
    rhet = rhetoric.profile(corpus)
    key = top_key_terms(keyness(corpus, lexicon_dir), lexicon_dir)
    promises = timeline.dated_promises(corpus)
    rows = []
    for doc_id in corpus.doc_ids:
        d = docs.loc[doc_id]
        date = f"{d.get('meeting_date', '')} ({d.get('date_basis', '')})"
        st = f"{stage.at[doc_id, 'stage']}: {stage.at[doc_id, 'evidence']}" if doc_id in stage.index else "—"
        speaker = f"{d.get('main_speaker', '') or '—'} ({d.get('main_speaker_title', '') or 'title not stated'})"
        sh = shares[(shares["doc_id"] == doc_id) & (shares["n_directives_with_theme"] > 0)]
        sh = sh.sort_values(["share", "theme"], ascending=[False, True], kind="mergesort").head(n_themes)
        top_themes = "; ".join(f"{theme_names.get(t, t)} {k}/{n}" for t, k, n in
                               zip(sh["theme"], sh["n_directives_with_theme"], sh["n_directives"])) or "—"
        rh = "; ".join(f"{name} {rhet.at[doc_id, col]:g}" for col, name in PROFILE_RHETORIC if col in rhet.columns)
        kt = key[key["doc_id"] == doc_id]
        terms = "; ".join(f"{t} ({c} vs {r} in the rest)" for t, c, r in zip(kt["term"], kt["count"], kt["count_rest"]))
        pr = promises[promises["doc_id"] == doc_id]
        dated = "; ".join(f"{w} → {b}" for w, b in zip(pr["what"], pr["by_when"])) or "none found"
        rows.append(dict(zip(PROFILE_FIELDS, [corpus.labels[doc_id], date, d.get("admin_level", ""), st, speaker,
                                              top_themes, rh, terms or "—", dated])))
    return pd.DataFrame(rows, columns=PROFILE_FIELDS, index=pd.Index(corpus.doc_ids, name="doc_id"))


def profile_card(table: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """One report's profile as a two-column page (field, value), headed by the report label."""
    row = table.loc[doc_id]
    return pd.DataFrame({"value": row.drop("report").to_numpy()},
                        index=pd.Index(row.drop("report").index, name=row["report"]))
