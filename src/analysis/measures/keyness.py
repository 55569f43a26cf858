"""Keyness: which words one report uses more than the others (G² with Hardie's log ratio).

Counts are word tokens without function stopwords; each report is compared with the rest of the
corpus. Parameters (log-ratio correction, low-expected flag) live in ``data/lexicon/compare.yaml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.stats import chi2

from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.memo import memoised

PARAMS_FILE = "compare.yaml"


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
                        lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Keyness of every term a report uses more often than the rest of the corpus.

    Vectorised over the non-zero cells of the sparse matrix (work grows with the number of
    (report, term) pairs, not reports × vocabulary). Columns: ``doc_id, term, count, n_tokens,
    count_rest, n_tokens_rest, per_1k, per_1k_rest, expected, g2, p_value, log_ratio,
    low_expected`` (expected frequency in the report below ``min_expected``: G²'s chi-square
    approximation is unreliable). Sorted by report order, then G² descending, then term.
    """
    p = as_lexicon(lexicon).yaml(PARAMS_FILE)["keyness"]
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
        "expected": e1, "g2": g2, "log_ratio": lr,
    })
    out = out[out["per_1k"] > out["per_1k_rest"].fillna(-1)]
    # the p-value only for the cells kept (the chi-square tail is the costliest step)
    out.insert(out.columns.get_loc("g2") + 1, "p_value", chi2.sf(out["g2"].to_numpy(), 1))
    out["low_expected"] = out["expected"] < p["min_expected"]
    out = out.sort_values(["doc_order", "g2", "term"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns="doc_order").reset_index(drop=True)


@memoised(PARAMS_FILE)
def keyness(corpus: Corpus) -> pd.DataFrame:
    """Keyness of each report against the rest, on content tokens (see :func:`keyness_from_counts`)."""
    mat, vocab = term_matrix(content_tokens(corpus), corpus.doc_ids)
    return keyness_from_counts(mat, vocab, corpus.doc_ids, corpus.lexicon)


def pooled_counts(mat: sparse.csr_matrix, codes: np.ndarray, n_groups: int) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Group × term counts (the sum of the group's reports' rows of the report × term ``mat``) and
    group × term number of the group's reports using the term at least once; ``codes`` gives each
    report's group (0 … ``n_groups - 1``, in the rows' order)."""
    n = mat.shape[0]
    member = sparse.csr_matrix((np.ones(n, dtype=np.int64), (np.asarray(codes), np.arange(n))), shape=(n_groups, n))
    used = mat.copy()
    used.data = np.ones_like(used.data)
    return (member @ mat).tocsr(), (member @ used).tocsr()


@memoised(PARAMS_FILE)
def group_keyness(corpus: Corpus, groups: tuple[str, ...]) -> pd.DataFrame:
    """Keyness of each GROUP of reports against the rest of the corpus, on pooled counts.

    ``groups`` is each report's group label, in corpus order (a tuple, so the result is memoised).
    The group's reports' content-token counts are summed into one row per group and compared with
    the rest of the corpus exactly as one report would be (:func:`keyness_from_counts`): the unit is
    the group's pooled text, so a long report weighs more than a short one. ``n_reports_using`` /
    ``n_reports``: how many of the group's reports use the term (its dispersion in the group).
    Columns: ``group`` and the columns of :func:`keyness_from_counts` (``doc_id`` renamed), then
    ``n_reports_using, n_reports``; groups in order of first appearance.
    """
    names = list(dict.fromkeys(groups))
    codes = pd.Categorical(list(groups), categories=names).codes
    mat, vocab = term_matrix(content_tokens(corpus), corpus.doc_ids)
    counts, used = pooled_counts(mat, codes, len(names))
    out = keyness_from_counts(counts, vocab, names, corpus.lexicon).rename(columns={"doc_id": "group"})
    g = pd.Index(names).get_indexer(out["group"])
    t = pd.Index(vocab).get_indexer(out["term"])
    out["n_reports_using"] = np.asarray(used[g, t]).ravel().astype(np.int64)
    out["n_reports"] = np.bincount(codes, minlength=len(names))[g].astype(np.int64)
    return out
