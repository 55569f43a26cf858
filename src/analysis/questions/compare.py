"""Cross-report comparison (notebook 05): distinctive vocabulary, similarity, shared formulas, profiles.

Every measure here works on any number of reports and scales to tens of thousands:

* **Keyness** of each report against the rest of the corpus: log-likelihood G² with Hardie's log
  ratio as effect size, computed at once for every (report, term) cell of a sparse count matrix.
* **Similarity**: TF-IDF cosine on tokens and on character n-grams (no segmentation), a
  deterministic average-linkage clustering, and a chunked nearest-neighbour search for large
  corpora instead of a dense report × report matrix.
* **Shared formulas** (text reuse): maximal character spans that recur in several reports, found
  by seed-and-extend from a k-gram index over the distinct clauses of the corpus (so repeated
  boilerplate is compared once), matched on whole words, without fragments and official titles,
  ranked by a weight: the number of other reports sharing them times their rarity in general
  Chinese (jieba's bundled dictionary frequencies); a ranking weight, not a probability.
* **Pairwise overlap**: Jaccard of character-shingle sets for every pair of reports (MinHash LSH
  candidates on large corpora), with same-city pairs (same ``city``, different ``admin_level``)
  marked from the metadata.

Parameters live in ``data/lexicon/compare.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

from analysis.loading.chars import HAN, HAN_RUN_RE
from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon
from analysis.loading.memo import memoised
from analysis.loading.tokenize import FUNCTION_STOPWORDS_FILE, get_tokenizer, read_word_list, stopwords
from analysis.measures.general import rarity
from analysis.measures.keyness import PARAMS_FILE, content_tokens, group_keyness, keyness
from analysis.measures.levels import level_pairs
from analysis.measures.speakers import is_official_title

#: A clause: a run of Han characters, possibly joined by the enumeration comma 、 (横向到边、纵向到底).
CLAUSE_RE = re.compile(f"[{HAN}](?:[{HAN}、]*[{HAN}])?")


def params(lexicon: Lexicon | None = None) -> dict:
    """The comparison parameters of ``compare.yaml`` (re-read when the file changes)."""
    return as_lexicon(lexicon).yaml(PARAMS_FILE)


# ============================================================================================
# distinctive vocabulary (keyness)


def top_key_terms(table: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """The ``top_n`` key terms per report with at least ``min_count`` occurrences, by G²."""
    p = params(lexicon)["keyness"]
    kept = table[table["count"] >= p["min_count"]]
    return kept.groupby("doc_id", sort=False).head(p["top_n"]).reset_index(drop=True)


def keyness_table(corpus: Corpus) -> pd.DataFrame:
    """Top key terms per report for display: counts with denominators, rates, G², log ratio, flags."""
    top = top_key_terms(keyness(corpus), corpus.lexicon)
    out = top.assign(report=top["doc_id"].map(corpus.labels))
    cols = ["report", "term", "count", "n_tokens", "count_rest", "n_tokens_rest", "per_1k", "per_1k_rest",
            "g2", "p_value", "log_ratio", "expected", "low_expected"]
    out = out[cols].copy()
    return _rounded_keyness(out)


# ============================================================================================
# similarity


def char_ngrams(text: str, n_min: int = 2, n_max: int = 3) -> list[str]:
    """Character n-grams of the Han runs of ``text`` (never across punctuation or a line break)."""
    out: list[str] = []
    for run in HAN_RUN_RE.findall(text):
        size = len(run)
        for n in range(n_min, n_max + 1):
            out += [run[i : i + n] for i in range(size - n + 1)]
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


def char_tfidf(texts: list[str], lexicon: Lexicon | None = None) -> sparse.csr_matrix:
    """TF-IDF of character n-grams (compare.yaml's range), streamed text by text."""
    from functools import partial

    p = params(lexicon)["similarity"]
    return tfidf_matrix(texts, partial(char_ngrams, n_min=p["char_ngram_min"], n_max=p["char_ngram_max"]))


def token_features(corpus: Corpus, drop_bureaucratic: bool = False) -> list[list[str]]:
    """Content tokens per report, in corpus order (the token view)."""
    grouped = content_tokens(corpus, drop_bureaucratic).groupby("doc_id", sort=False)["token"].apply(list)
    return [grouped.get(d, []) for d in corpus.doc_ids]


def _texts(corpus: Corpus, ids) -> list[str]:
    """The cleaned texts of ``ids`` (one lookup table, not ``corpus.text`` re-indexing the
    documents for each report)."""
    by_id = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    return [by_id[d] for d in ids]


def view_matrix(corpus: Corpus, view: str = "tokens",
                drop_bureaucratic: bool = False) -> sparse.csr_matrix:
    """Sparse TF-IDF rows of the reports (corpus order) in one view: ``tokens`` or ``chars``
    (computed once per corpus: the tables, neighbours and group similarities share it)."""
    return _view_matrix(corpus, view, bool(drop_bureaucratic))


@memoised(PARAMS_FILE)
def _view_matrix(corpus: Corpus, view: str, drop_bureaucratic: bool) -> sparse.csr_matrix:
    """:func:`view_matrix`, memoised on its arguments given in full (one key per view)."""
    if view == "tokens":
        return tfidf_matrix(token_features(corpus, drop_bureaucratic))
    if view == "chars":
        return char_tfidf(_texts(corpus, corpus.doc_ids), corpus.lexicon)
    raise ValueError(f"view must be 'tokens' or 'chars', not {view!r}")


def cosine_matrix(mat: sparse.csr_matrix) -> np.ndarray:
    """Report × report cosine of L2-normalised rows (dense; for small corpora only)."""
    return np.asarray((mat @ mat.T).todense())


def similarity(corpus: Corpus, view: str = "tokens",
               drop_bureaucratic: bool = False) -> pd.DataFrame:
    """Report × report TF-IDF cosine, ``view`` = ``tokens`` or ``chars``; labelled by report label.

    ``drop_bureaucratic`` (token view only) also removes the bureaucratic stopwords, to see how
    much of the similarity rests on generic words such as 创建 and 工作.
    """
    sim = cosine_matrix(view_matrix(corpus, view, drop_bureaucratic))
    lab = corpus.labels   # a property that builds the dict: read it once
    labels = [lab[d] for d in corpus.doc_ids]
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
                       lexicon: Lexicon | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar other rows of each row (cosine of L2-normalised rows).

    Up to ``exact_max`` rows (compare.yaml ``exact_neighbours_max``) the search is exact, in
    chunks of ``chunk`` × n similarities, so no n × n matrix is held. Above it, candidates come
    from a truncated SVD of the rows (``svd_dims`` dimensions, fixed seed): the ``candidates``
    closest rows there are re-scored with the exact sparse cosine and the best ``k`` kept, so
    the cosines returned are exact and only recall can suffer (the benchmark measures it).
    Ties break by lower row index. Returns ``(indices, cosines)``, each n × k.
    """
    p = params(lexicon)["similarity"]
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


def neighbour_table(corpus: Corpus, view: str = "tokens") -> pd.DataFrame:
    """Each report's nearest neighbours (the scalable form of the similarity matrix)."""
    idx, val = neighbours(corpus, view)
    lab = corpus.labels
    labels = np.asarray([lab[d] for d in corpus.doc_ids], dtype=object)
    k = idx.shape[1]
    return pd.DataFrame({"report": np.repeat(labels, k), "rank": np.tile(np.arange(1, k + 1), len(labels)),
                         "neighbour": labels[idx.ravel()], "cosine": np.round(val.ravel().astype(float), 4)},
                        columns=["report", "rank", "neighbour", "cosine"])


@memoised(PARAMS_FILE)
def neighbours(corpus: Corpus, view: str = "tokens") -> tuple[np.ndarray, np.ndarray]:
    """Each report's ``neighbours`` (compare.yaml) nearest reports in one view: ``(indices, cosines)``
    of :func:`nearest_neighbours`, computed once per corpus."""
    k = params(corpus.lexicon)["similarity"]["neighbours"]
    return nearest_neighbours(view_matrix(corpus, view), k, lexicon=corpus.lexicon)


def cluster(sim: pd.DataFrame, lexicon: Lexicon | None = None) -> np.ndarray:
    """Hierarchical clustering (scipy linkage, method from compare.yaml) of ``1 - cosine``."""
    dist = 1 - sim.to_numpy(dtype=float)
    np.fill_diagonal(dist, 0)
    dist = np.clip((dist + dist.T) / 2, 0, None)
    return hierarchy.linkage(squareform(dist, checks=False), method=params(lexicon)["similarity"]["linkage"])


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

    def __init__(self, texts: list[str], k: int, lexicon: Lexicon | None = None):
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
        tk = get_tokenizer(as_lexicon(lexicon).root)
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
            if self.count_in_clause(ci, span):
                out |= self.docs[ci]
        return out

    def count_in_clause(self, ci: int, span: str) -> int:
        """Occurrences of ``span`` in clause ``ci`` as whole words: starting at a word start and
        ending at a word end (高标准 is not in 以最高标准, cut 以 | 最高 | 标准)."""
        return whole_word_count(self.clauses[ci], span, self.starts[ci], self.ends[ci])

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


def whole_word_count(clause: str, span: str, starts: list[int], ends: list[int]) -> int:
    """Occurrences of ``span`` in ``clause`` that begin at one of ``starts`` and end at one of
    ``ends`` (the clause's word boundaries, ascending)."""
    n, i = 0, clause.find(span)
    while i >= 0:
        a, b = bisect_left(starts, i), bisect_left(ends, i + len(span))
        if a < len(starts) and starts[a] == i and b < len(ends) and ends[b] == i + len(span):
            n += 1
        i = clause.find(span, i + 1)
    return n


def word_count(text: str, span: str, lexicon: Lexicon | None = None) -> int:
    """Occurrences of ``span`` in ``text`` as whole words of its clauses (the corpus tokenizer's words)."""
    tk = get_tokenizer(as_lexicon(lexicon).root)
    n = 0
    for cl in clauses(text):
        if span in cl:
            bounds = [(a, b) for _, a, b in tk.tokenize(cl, HMM=True)]
            n += whole_word_count(cl, span, [a for a, _ in bounds], [b for _, b in bounds])
    return n


def is_fragment(span: str, edges: dict, lexicon: Lexicon | None = None) -> bool:
    """Whether ``span`` stops inside a phrase: its last word is one that needs what follows (人人 of
    形成人人关心, a preposition, a degree adverb) or its first word one that needs what precedes
    (compare.yaml ``formulas.fragment_edges``)."""
    words = [w for w in get_tokenizer(as_lexicon(lexicon).root).lcut(span, HMM=True) if w != "、"]
    return bool(words) and (words[-1] in set(edges.get("end", [])) or words[0] in set(edges.get("start", [])))


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


def is_generic(span: str, generic_words: frozenset[str], lexicon: Lexicon | None = None) -> bool:
    """Whether every word of ``span`` is a stopword (function or bureaucratic list) or a numeral."""
    numeral = re.compile(r"^[零〇一二两三四五六七八九十百千万亿年月日号第]+$")
    words = [w for w in get_tokenizer(as_lexicon(lexicon).root).lcut(span, HMM=True) if w != "、"]
    return all(w in generic_words or numeral.match(w) for w in words)


def find_shared_spans(texts: list[str], lexicon: Lexicon | None = None) -> pd.DataFrame:
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
    p = params(lexicon)["formulas"]
    function = read_word_list(as_lexicon(lexicon).path(FUNCTION_STOPWORDS_FILE))
    index = ClauseIndex(texts, p["seed_k"], lexicon)
    spans: dict[str, tuple[int, ...]] = {}
    for span in sorted(candidate_spans(index, p["max_postings"], function)):
        if len(span.replace("、", "")) < p["min_chars"] or is_generic(span, function, lexicon):
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
                     lexicon: Lexicon | None = None) -> bool:
    """Whether ``span`` is part of a campaign name, or a campaign name plus only generic words
    (创建全国文明城市); ``campaigns`` come from the metadata."""
    if any(span in c for c in campaigns):
        return True
    rest = span
    for c in sorted(campaigns, key=len, reverse=True):
        rest = rest.replace(c, "")
    return rest != span and (not rest.strip("、") or is_generic(rest, generic_words, lexicon))


@memoised(PARAMS_FILE, "speakers.yaml")
def shared_formulas(corpus: Corpus) -> pd.DataFrame:
    """Phrases recurring across reports, found from the text alone, ranked.

    A span is shared by the reports where it occurs as whole words (:meth:`ClauseIndex.count_in_clause`:
    高标准 is not in 最高标准); fragments that stop inside a phrase (形成人人, :func:`is_fragment`) and
    official titles (市委副书记、市长, :func:`~analysis.measures.speakers.is_official_title`) are dropped.

    Columns: ``formula, n_reports, reports`` (labels, corpus order), ``doc_ids``, ``n_chars``,
    ``rarity`` (the span's summed word surprisal in general Chinese, ``-log10`` of its unigram
    probability in jieba's dictionary, :func:`rarity`), ``campaign_name`` (the span is, or is part of,
    a campaign name from the metadata), ``generic`` (only stopwords of the function and bureaucratic
    lists, e.g. 各项工作), ``score`` = ``(n_reports - 1) × rarity``, ``rank``. The score is a
    ranking weight, not a probability: how many other reports repeat the span, weighted by how
    unusual its words are in general Chinese. It is NOT the log-odds of the reports repeating it by
    chance (the words of a formula are not independent draws and the reports do not repeat it by
    chance). Campaign names and generic spans are kept but ranked last; the rest by score, then
    more reports, then longer, then the span.
    """
    p = params(corpus.lexicon)["formulas"]
    ids = corpus.doc_ids
    found = find_shared_spans(_texts(corpus, ids), corpus.lexicon)
    keep = [not (is_fragment(s, p.get("fragment_edges", {}), corpus.lexicon)
                 or is_official_title(s, corpus.lexicon)) for s in found["span"]]
    found = found[keep].reset_index(drop=True)
    campaigns = _campaign_names(corpus)
    labels = corpus.labels   # a property that builds the dict: read it once
    generic = stopwords(as_lexicon(corpus.lexicon).root, bureaucratic=True)
    out = pd.DataFrame({
        "formula": found["span"],
        "n_reports": found["n_docs"].astype(int),
        "reports": ["; ".join(labels[ids[i]] for i in docs) for docs in found["docs"]],
        "doc_ids": [";".join(ids[i] for i in docs) for docs in found["docs"]],
        "n_chars": found["n_chars"].astype(int),
        "rarity": [round(rarity(s, p["unseen_frequency"]), 3) for s in found["span"]],
        "campaign_name": [is_campaign_name(s, campaigns, generic, corpus.lexicon) for s in found["span"]],
        "generic": [is_generic(s, generic, corpus.lexicon) for s in found["span"]],
    })
    out = out[out["rarity"] >= p["min_rarity"]]
    out["score"] = ((out["n_reports"] - 1) * out["rarity"]).round(3)
    out = out.assign(_low=out["campaign_name"] | out["generic"])
    out = out.sort_values(["_low", "score", "n_reports", "n_chars", "formula"],
                          ascending=[True, False, False, False, True], kind="mergesort")
    out = out.drop(columns="_low").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


#: What the formula ranking's number is, for table captions and figure labels.
SCORE_DESCRIPTION = ("score = (reports sharing the formula − 1) × its rarity in general Chinese (summed word "
                     "surprisal, −log10 of its unigram probability in jieba's dictionary): a ranking weight, "
                     "not a probability or a log-odds of chance repetition")


def highlighted_formulas(formulas: pd.DataFrame, lexicon: Lexicon | None = None, view=None) -> pd.DataFrame:
    """The found formulas that contain one of ``formulas.highlight`` in compare.yaml (examples a
    reader wants to look up; they play no part in finding formulas). With a group ``view``, as
    :func:`formula_display` shows them (groups instead of the list of reports)."""
    wanted = params(lexicon)["formulas"].get("highlight", [])
    hit = formulas["formula"].map(lambda f: any(w in f for w in wanted))
    if view is not None and not view.per_report:
        return formula_display(formulas[hit], view)
    return formulas[hit].drop(columns="doc_ids", errors="ignore")


def formula_table(formulas: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """The top ``table_rows`` formulas for display (without the ``doc_ids`` column)."""
    return formulas.drop(columns="doc_ids").head(params(lexicon)["formulas"]["table_rows"])


def terms_shown(corpus: Corpus, formulas: pd.DataFrame) -> set[str]:
    """The Chinese terms notebook 05 shows: top key terms and the formulas of its table and figure."""
    key = top_key_terms(keyness(corpus), corpus.lexicon)
    p = params(corpus.lexicon)["formulas"]
    return set(key["term"]) | set(formulas["formula"].head(max(p["table_rows"], p["top_n"])))


def formula_matrix(corpus: Corpus, formulas: pd.DataFrame, top_n: int | None = None) -> pd.DataFrame:
    """Formula × report: occurrences of each of the top formulas in each report's cleaned text, as
    whole words (:func:`word_count`, the same matching that finds the reports sharing it)."""
    top_n = top_n or params(corpus.lexicon)["formulas"]["top_n"]
    top = formulas.head(top_n)
    texts = dict(zip(corpus.doc_ids, _texts(corpus, corpus.doc_ids)))
    labels = corpus.labels
    data = {labels[d]: [word_count(texts[d], f, corpus.lexicon) for f in top["formula"]]
            for d in corpus.doc_ids}
    return pd.DataFrame(data, index=pd.Index(top["formula"], name="formula"))


# ============================================================================================
# pairwise overlap (all pairs, same-city pairs marked)


def shingles(text: str, k: int) -> set[str]:
    """Character k-gram shingles inside clauses (punctuation breaks a shingle)."""
    return {g for cl in clauses(text) for g in kgrams(cl, k)}


def same_city_pairs(documents: pd.DataFrame) -> set[tuple[str, str]]:
    """Pairs of reports from the same ``city`` at different administrative levels, as sorted ids: the
    pairs of :func:`analysis.measures.levels.level_pairs` (one definition, levels ranked in codebook.yaml)."""
    return {tuple(sorted((r.higher, r.lower))) for r in level_pairs(documents).itertuples()}


def same_city_flags(documents: pd.DataFrame, doc_ids: list[str], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Whether each pair of reports ``(doc_ids[i[k]], doc_ids[j[k]])`` is a same-city pair of
    :func:`same_city_pairs`, as integer keys compared in one vectorised look-up (no tuple per pair)."""
    pairs = level_pairs(documents)
    n = len(doc_ids)
    index = pd.Index(doc_ids)
    hi, lo = index.get_indexer(pairs["higher"]), index.get_indexer(pairs["lower"])
    ok = (hi >= 0) & (lo >= 0)
    keys = np.minimum(hi, lo)[ok].astype(np.int64) * n + np.maximum(hi, lo)[ok]
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    return np.isin(np.minimum(i, j) * n + np.maximum(i, j), keys)


def lsh_candidate_pairs(sets: list[set[str]], threshold: float, num_perm: int, seed: int = 1) -> set[tuple[int, int]]:
    """Pairs of sets whose MinHash LSH buckets collide (Jaccard likely ≥ ``threshold``); not all pairs.

    Each distinct shingle is hashed once (datasketch's SHA-1 hash, as its default), not once per set
    that holds it; the MinHash values are the same."""
    from datasketch import MinHash, MinHashLSH
    from datasketch.hashfunc import sha1_hash32

    cache: dict[str, int] = {}
    for st in sets:
        for x in st:
            if x not in cache:
                cache[x] = sha1_hash32(x.encode("utf-8"))
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    first = None
    for i, st in enumerate(sets):
        shared = {} if first is None else {"permutations": first.permutations, "scheme": first.scheme}
        m = MinHash(num_perm=num_perm, seed=seed, hashfunc=cache.__getitem__, **shared)
        first = first or m
        m.update_batch(sorted(st))
        lsh.insert(i, m)
        hashes.append(m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def distinct_sets(sets: list[set[str]]) -> tuple[list[set[str]], np.ndarray]:
    """The distinct sets among ``sets`` (first occurrence order) and each set's class (an index into them):
    identical reports (reprints, copies) are compared once."""
    ids: dict[frozenset, int] = {}
    reps: list[set[str]] = []
    cls = np.empty(len(sets), dtype=np.int64)
    for k, st in enumerate(sets):
        c = ids.setdefault(frozenset(st), len(ids))
        if c == len(reps):
            reps.append(st)
        cls[k] = c
    return reps, cls


def _expand_class_pairs(cls: np.ndarray, reps: list[set[str]], class_pairs) -> pd.DataFrame:
    """Report pairs ``i < j`` of the class pairs (and of every class holding several reports: identical
    sets), with the counts of their classes."""
    members = pd.Series(np.arange(len(cls))).groupby(cls).apply(lambda s: s.to_numpy()).to_dict()
    parts = []
    for c, m in members.items():      # identical sets: every pair within the class
        if len(m) > 1:
            a, b = np.triu_indices(len(m), 1)
            n = len(reps[c])
            parts.append((m[a], m[b], n, n))
    inters = _pair_intersections(reps, class_pairs)
    for (p, q), inter in zip(class_pairs, inters):
        mp, mq = members[p], members[q]
        union = len(reps[p]) + len(reps[q]) - int(inter)
        a, b = np.repeat(mp, len(mq)), np.tile(mq, len(mp))
        parts.append((np.minimum(a, b), np.maximum(a, b), int(inter), union))
    if not parts:
        return pd.DataFrame({c: np.zeros(0, dtype=np.int64) for c in ("i", "j", "n_shared", "n_union")})
    return pd.DataFrame({"i": np.concatenate([x[0] for x in parts]), "j": np.concatenate([x[1] for x in parts]),
                         "n_shared": np.concatenate([np.full(len(x[0]), x[2]) for x in parts]),
                         "n_union": np.concatenate([np.full(len(x[0]), x[3]) for x in parts])}).astype(np.int64)


def _pair_intersections(sets: list[set[str]], pairs) -> np.ndarray:
    """``len(sets[p] & sets[q])`` for each ``(p, q)`` of ``pairs``: sparse 0/1 rows multiplied in C,
    one sparse product per first set (work grows with the pairs' sizes, not with all pairs)."""
    pairs = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
    out = np.zeros(len(pairs), dtype=np.int64)
    if not len(pairs):
        return out
    lengths = [len(st) for st in sets]
    codes, _ = pd.factorize(pd.Series([x for st in sets for x in st], dtype=object))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    mat = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), codes, indptr),
                            shape=(len(sets), int(codes.max()) + 1 if len(codes) else 1))
    order = np.argsort(pairs[:, 0], kind="stable")
    first = pairs[order, 0]
    bounds = np.flatnonzero(np.r_[True, first[1:] != first[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        rows = order[a:b]
        out[rows] = (mat[pairs[rows, 1]] @ mat[first[a]].T).toarray().ravel()
    return out


def pairwise_overlap_sets(sets: list[set[str]], lexicon: Lexicon | None = None) -> pd.DataFrame:
    """Jaccard of every pair of shingle sets (exact for small corpora, LSH candidates for large ones).

    On a large corpus, identical sets are grouped first (:func:`distinct_sets`): LSH runs on the
    distinct sets (identical sets always collide, and whether two sets collide depends on the sets
    only, so the candidate pairs are the same as with every set) and each pair of distinct sets is
    intersected once. Columns ``i, j, n_shared, n_union, jaccard``, sorted by Jaccard descending then ``i, j``.
    """
    p = params(lexicon)["formulas"]
    if len(sets) < p["lsh_min_docs"]:
        rows = []
        for i, j in combinations(range(len(sets)), 2):
            inter = len(sets[i] & sets[j])
            union = len(sets[i] | sets[j])
            rows.append((i, j, inter, union, inter / union if union else 0.0))
        out = pd.DataFrame(rows, columns=["i", "j", "n_shared", "n_union", "jaccard"])
    else:
        reps, cls = distinct_sets(sets)
        out = _expand_class_pairs(cls, reps, sorted(lsh_candidate_pairs(reps, p["lsh_threshold"], p["lsh_num_perm"])))
        with np.errstate(divide="ignore", invalid="ignore"):
            out["jaccard"] = np.where(out["n_union"] > 0, out["n_shared"] / out["n_union"], 0.0)
    out = out.sort_values(["jaccard", "i", "j"], ascending=[False, True, True], kind="mergesort")
    return out.reset_index(drop=True)


def pair_overlap(corpus: Corpus, formulas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every pair of reports: shared character 4-gram shingles, Jaccard, shared formulas, same-city flag.

    Columns: ``report_a, report_b, same_city, n_shared_shingles, n_union, jaccard, rank`` (1 = most
    overlap), ``n_shared_formulas`` (formulas of :func:`shared_formulas` found in both).
    """
    ids = corpus.doc_ids
    pairs = overlap_pairs(corpus)
    formulas = shared_formulas(corpus) if formulas is None else formulas
    shared = shared_formula_counts(formula_incidence(formulas, ids), pairs["i"].to_numpy(), pairs["j"].to_numpy())
    id_arr = np.asarray(ids, dtype=object)
    labels = corpus.labels
    a, b = id_arr[pairs["i"].to_numpy()], id_arr[pairs["j"].to_numpy()]
    out = pd.DataFrame({
        "report_a": [labels[x] for x in a], "report_b": [labels[x] for x in b],
        "same_city": same_city_flags(corpus.documents, ids, pairs["i"].to_numpy(), pairs["j"].to_numpy()),
        "n_shared_shingles": pairs["n_shared"].to_numpy(), "n_union": pairs["n_union"].to_numpy(),
        "jaccard": pairs["jaccard"].round(4).to_numpy(), "n_shared_formulas": shared,
    }, columns=["report_a", "report_b", "same_city", "n_shared_shingles", "n_union", "jaccard", "n_shared_formulas"])
    out.insert(6, "rank", np.arange(1, len(out) + 1))
    return out


@memoised(PARAMS_FILE)
def overlap_pairs(corpus: Corpus) -> pd.DataFrame:
    """Shingle overlap of the pairs of reports (:func:`pairwise_overlap_sets`: every pair on a small
    corpus, MinHash LSH candidates on a large one) as row indices ``i, j`` of ``corpus.doc_ids``."""
    k = params(corpus.lexicon)["formulas"]["shingle_k"]
    sets = [shingles(t, k) for t in _texts(corpus, corpus.doc_ids)]
    return pairwise_overlap_sets(sets, corpus.lexicon)


def formula_incidence(formulas: pd.DataFrame, doc_ids: list[str]) -> sparse.csr_matrix:
    """Report × formula 0/1 matrix: which reports share each formula (its ``doc_ids``), rows in
    ``doc_ids`` order, columns in the order of ``formulas``."""
    pos = {d: i for i, d in enumerate(doc_ids)}
    rows, cols = [], []
    for c, members in enumerate(formulas["doc_ids"]):
        for d in str(members).split(";"):
            if d in pos:
                rows.append(pos[d])
                cols.append(c)
    data = np.ones(len(rows), dtype=np.int64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(doc_ids), len(formulas)))


def shared_formula_counts(incidence: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The number of formulas both reports ``i[k]`` and ``j[k]`` share, for each pair (row-wise
    products of the incidence matrix, no loop over formulas × pairs)."""
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0, dtype=np.int64)
    bits = np.packbits(incidence.toarray() > 0, axis=1)     # one bit per (report, formula)
    out = np.empty(len(i), dtype=np.int64)
    step = max(1, 2_000_000 // max(1, bits.shape[1]))       # pairs per chunk: bounded memory
    for start in range(0, len(i), step):
        sl = slice(start, start + step)
        out[sl] = np.bitwise_count(bits[i[sl]] & bits[j[sl]]).sum(axis=1)
    return out


# ============================================================================================
# one page per report, assembled from the other modules (nothing recomputed here)


# ============================================================================================
# readings: every number computed; interpretations of the bundled reports only on them


def _pair_label(a: str, b: str) -> str:
    return f"{a} and {b}"


def similarity_reading(corpus: Corpus) -> str:
    """What the similarity tables show, computed: the range of similarities in each view, the closest
    pair, and how the token view changes without the bureaucratic stopwords."""
    views = {"tokens": similarity(corpus, "tokens"), "characters": similarity(corpus, "chars"),
             "tokens without bureaucratic stopwords": similarity(corpus, "tokens", drop_bureaucratic=True)}
    lines = []
    for name, sim in views.items():
        m = sim.to_numpy(dtype=float).copy()
        np.fill_diagonal(m, np.nan)
        if np.all(np.isnan(m)):
            continue
        i, j = np.unravel_index(np.nanargmax(m), m.shape)
        lines.append(f"- *{name}*: pairwise cosine {np.nanmin(m):.2f} to {np.nanmax(m):.2f}; the closest pair is "
                     f"{_pair_label(sim.index[i], sim.columns[j])}.")
    text = "**Computed.**\n" + "\n".join(lines)
    if corpus.is_bundled:
        text += ("\n\n**Reading (bundled reports).** Each report is mostly about its own city and campaign, so "
                 "similarities are low in every view. The token view's grouping rests on generic campaign words "
                 "(创建 *create*, i.e. campaign for a title, which Xinyang and both Pingxiang reports use all the time, "
                 "while Changsha County says 创文巩卫 and Panjin 争创): compare its range with the range without the "
                 "bureaucratic stopwords above. That the views disagree on details is itself a warning: with five short "
                 "texts, a cluster tree describes these documents; it is not evidence of families of local governments.")
    return text


def overlap_reading(corpus: Corpus, overlap: pd.DataFrame) -> str:
    """Where same-city pairs rank among all pairs by shingle overlap, and which report overlaps least."""
    if overlap.empty:
        return "No pair of reports to compare."
    n = len(overlap)
    lines = ["**Computed.**"]
    for r in overlap[overlap["same_city"]].itertuples():
        lines.append(f"- The same-city pair {_pair_label(r.report_a, r.report_b)} ranks {int(r.rank)} of {n} pairs "
                     f"by shingle overlap (Jaccard {r.jaccard:.4f}; {int(r.n_shared_formulas)} shared formulas).")
    reports = pd.concat([overlap[["report_a", "jaccard"]].rename(columns={"report_a": "report"}),
                         overlap[["report_b", "jaccard"]].rename(columns={"report_b": "report"})])
    mean = reports.groupby("report")["jaccard"].mean().sort_values()
    lines.append(f"- The report that overlaps least with the others on average: {mean.index[0]} "
                 f"(mean Jaccard {mean.iloc[0]:.4f}, against {mean.iloc[-1]:.4f} for {mean.index[-1]}).")
    text = "\n".join(lines)
    if corpus.is_bundled:
        text += ("\n\n**Reading (bundled reports).** Two years apart, at different levels and on different occasions "
                 "(a push for the higher title in 2022, a routine-management meeting in 2020), the two Pingxiang reports "
                 "share the genre's formulas but no more than reports from other provinces do. One pair cannot show "
                 "whether levels of one city talk alike in general; it shows that, here, the city's language does not "
                 "visibly trickle down into the suburb's report.")
    return text


def synthesis(corpus: Corpus, formulas: pd.DataFrame, view=None) -> str:
    """The notebook's closing synthesis: what the reports share (computed), and the limits of the corpus;
    with a group ``view``, also how alike reports are within and between its groups (computed)."""
    n = len(corpus.doc_ids)
    docs = corpus.documents
    top = formulas[~formulas["campaign_name"] & ~formulas["generic"]]
    in_all = top.loc[top["n_reports"] == n, "formula"].tolist()
    widest = top.sort_values(["n_reports", "score"], ascending=False).head(4)
    years = docs.get("meeting_date", pd.Series(dtype=str)).fillna("").astype(str).str[:4]
    years = sorted(y for y in years if y.isdigit())
    k = keyness(corpus)
    low = float(k["low_expected"].mean()) if len(k) else float("nan")
    share = "; ".join(f"{r.formula} in {int(r.n_reports)}" for r in widest.itertuples())
    parts = [
        f"**What the reports share.** {len(top)} set phrases recur in two or more of the {n} reports"
        + (f" ({'、'.join(in_all)} in all of them)" if in_all else "") + f"; the most widely shared: {share}.",
        f"**Limits.** {n} reports from {docs.get('province', pd.Series(dtype=str)).nunique()} provinces, "
        + (f"{years[0]}–{years[-1]}, " if years else "")
        + f"at {docs.get('admin_level', pd.Series(dtype=str)).nunique()} administrative levels: every difference "
        "between reports is confounded with place, year, campaign stage, level and outlet. "
        f"{low:.0%} of the key terms have an expected frequency below five, where G² is unreliable; similarities "
        "describe these texts and are not estimates; a formula shared by two reports may come from a common source "
        "neither names. These are news summaries of meetings, not transcripts: what is shared may be the "
        "journalists' vocabulary as much as the officials'.",
    ]
    if view is not None and not view.per_report:
        parts.insert(1, group_synthesis(corpus, view))
    if corpus.is_bundled:
        parts.insert(1, "**Where they differ (bundled reports).** The differences that stand out are those of occasion "
                        "and place rather than of style: which title a city pursues (the Model title in Pingxiang 2022, "
                        "the whole-territory title in Panjin, the first title in Changsha County and Xinyang), who speaks, "
                        "and which local slogans are repeated.")
    return "\n\n".join(parts)


#: The written reading of the shared formulas of the five bundled reports (shown only on them).
BUNDLED_FORMULA_READING = (
    '**Reading (bundled reports).** What the reports share is the vocabulary of the campaign genre, not '
    'sentences: no clause is copied whole from one report into another. The most widely shared formulas '
    'are about permanence and mobilisation, 常态长效 (*normalised and long-lasting*) in all five reports, '
    '浓厚氛围 (*a strong atmosphere*) and 牢固树立 (*firmly establish*) in four. The longest shared stretches are'
    " Party formulations quoted from the centre (习近平总书记关于精神文明建设…的重要论述, *General Secretary Xi Jinping's "
    "important expositions on building spiritual civilisation*; 人民群众对美好生活的向往, *the people's longing for a"
    ' better life*) and the machinery of the campaign (全国文明城市测评体系, *the national assessment system for '
    'civilised cities*). That a phrase is shared does not mean one report copied another: both may draw '
    'on a provincial document, a central speech or the common stock of the genre.'
)


#: The written reading of the keyness figure for the five bundled reports (shown only on them).
BUNDLED_KEYNESS_READING = (
    '**Reading (bundled reports).** Distinctiveness is dominated by names: of people (the speakers '
    '付旭明, 吴国荣, 郭瑞民), of places (信阳, 盘锦) and of the campaigns each meeting pursues. Pingxiang (2022) '
    'is the only report about the higher title 全国文明典范城市 (*National Model Civilised City*), Changsha '
    'County abbreviates its double campaign as 创文巩卫 (*create civilisation, consolidate health*: win '
    'the Civilised City title, keep the Health City title), Panjin says 争创 (*strive to win*) and '
    'aims at the 全域 (*whole-territory*) version of the title, and Xinyang celebrates its 六城联创 '
    '(*six-cities joint creation*: six city titles pursued together) and its 创卫 (*creating health*, '
    'the health-city title it had just won). Beyond names, the distinctive words are local slogans '
    "(Pingxiang's 宜居宜业、精致精美、人见人爱 and 最美转型城市, *most beautiful transforming city*) and, in the "
    'Pingxiang suburb report, the obligation marker 务必 (*must by all means*), which no other report '
    'uses. Every one of these terms occurs three to twenty times: they tell us what each text is '
    "about, not how frequent a word is in a government's speech."
)


def keyness_reading(corpus: Corpus) -> str:
    """What the key terms are (computed: how many are names of the domain dictionary, how many have a
    low expected count), and on the bundled reports the written reading of them."""
    top = top_key_terms(keyness(corpus), corpus.lexicon)
    if top.empty:
        return "No report has a key term used often enough to show."
    low = int(top["low_expected"].sum())
    text = (f"**Computed.** {len(top)} key terms shown for {top['doc_id'].nunique()} reports; their counts in "
            f"their report run from {int(top['count'].min())} to {int(top['count'].max())}, and {low} of them "
            f"({low / len(top):.0%}) have an expected frequency below five.")
    if corpus.is_bundled:
        text += "\n\n" + BUNDLED_KEYNESS_READING
    return text


# ============================================================================================
# group views (above views.yaml's per_report_max reports: groups of reports, each report one observation)


def pooled_groups(groups: pd.Series, max_panels: int) -> pd.Series:
    """Each report's group for a figure of at most ``max_panels`` groups: the ``max_panels - 1``
    largest groups kept (ties: first appearance) and the rest pooled as ``other`` when there are
    more than ``max_panels`` groups (the rule of ``figures._pooled``, deterministic)."""
    sizes = groups.value_counts(sort=False).reindex(list(dict.fromkeys(groups)))
    if len(sizes) <= max_panels:
        return groups.copy()
    order = sorted(range(len(sizes)), key=lambda i: (-int(sizes.iloc[i]), i))
    keep = {sizes.index[i] for i in order[: max(1, max_panels - 1)]}
    return groups.where(groups.isin(keep), "other")


def group_order(groups: pd.Series) -> list[str]:
    """Groups by size (largest first), ``other`` last; ties by first appearance."""
    names = list(dict.fromkeys(groups))
    sizes = groups.value_counts(sort=False)
    return sorted(names, key=lambda g: (g == "other", -int(sizes[g]), names.index(g)))


def report_groups(corpus: Corpus, view) -> pd.Series:
    """The view's group of each report, in corpus order (missing: ``unknown``)."""
    return view.groups.reindex(corpus.doc_ids).fillna("unknown").astype(str)


# --- keyness of groups --------------------------------------------------------------------------


def group_key_terms(corpus: Corpus, view) -> pd.DataFrame:
    """The ``top_n`` key terms of each group of the view (pooled counts, :func:`group_keyness`),
    with at least ``min_count`` occurrences in the group, by G²; groups by size."""
    groups = report_groups(corpus, view)
    p = params(corpus.lexicon)["keyness"]
    table = group_keyness(corpus, tuple(groups))
    kept = table[table["count"] >= p["min_count"]]
    top = kept.groupby("group", sort=False).head(p["top_n"])
    order = {g: i for i, g in enumerate(group_order(groups))}
    top = top.assign(_o=top["group"].map(order)).sort_values("_o", kind="mergesort").drop(columns="_o")
    return top.reset_index(drop=True)


def _rounded_keyness(out: pd.DataFrame) -> pd.DataFrame:
    """A keyness table rounded for reading: rates and expected counts to 2 places, G² to 1, p in e-notation."""
    for col in ("per_1k", "per_1k_rest", "expected"):
        out[col] = out[col].round(2)
    out["g2"] = out["g2"].round(1)
    out["log_ratio"] = out["log_ratio"].round(2)
    out["p_value"] = out["p_value"].map(lambda v: f"{v:.1e}")
    return out


def group_keyness_table(corpus: Corpus, view) -> pd.DataFrame:
    """Top key terms per group for display: pooled counts with denominators, rates, G², log ratio, the
    number of the group's reports using the term (dispersion) and the low-expected flag."""
    top = group_key_terms(corpus, view)
    cols = ["group", "term", "count", "n_tokens", "count_rest", "n_tokens_rest", "per_1k", "per_1k_rest", "g2",
            "p_value", "log_ratio", "n_reports_using", "n_reports", "expected", "low_expected"]
    out = top[cols].copy()
    return _rounded_keyness(out)


def pooling_note(corpus: Corpus, view) -> str:
    """What pooling a group's reports means, with the computed weight of each group's longest report."""
    groups = report_groups(corpus, view)
    tok = content_tokens(corpus)
    sizes = tok.groupby("doc_id").size().reindex(corpus.doc_ids, fill_value=0)
    frame = pd.DataFrame({"group": groups.to_numpy(), "n": sizes.to_numpy()})
    agg = frame.groupby("group", sort=False)["n"].agg(["sum", "max", "size"])
    agg = agg[(agg["sum"] > 0) & (agg["size"] >= 2)]
    share = (agg["max"] / agg["sum"]).sort_values(ascending=False, kind="mergesort")
    top = share.index[0] if len(share) else None
    line = (f" Among the {len(share)} groups of two reports or more, the heaviest single report carries "
            f"{share.iloc[0]:.1%} of its group's content tokens (group {top}, {int(agg.at[top, 'size'])} reports); "
            f"the median over those groups is {share.median():.1%}."
            if top is not None else " Every group here has a single report, so pooling changes nothing.")
    return ("**Unit: the group's pooled text.** Each group's reports are pooled: their content-token counts are summed "
            "and the sum is compared with the rest of the corpus by G² and the log ratio, as if the group were one "
            "long report. A long report therefore weighs more than a short one, and a term one report repeats can be "
            "key for its whole group; the column `n_reports_using` (of `n_reports`) says how many of the group's "
            "reports use each term, so a term used by one report only stands out." + line)


def group_keyness_reading(corpus: Corpus, view) -> str:
    """Computed reading of the group key terms: how many, their dispersion, and no bundled prose."""
    top = group_key_terms(corpus, view)
    if top.empty:
        return "No group has a key term used often enough to show."
    spread = top["n_reports_using"] / top["n_reports"]
    narrow = int((top["n_reports_using"] <= 1).sum())
    best = top.sort_values("g2", ascending=False).iloc[0]
    return (f"**Computed.** {len(top)} key terms shown for {top['group'].nunique()} groups (groups by `{view.group_by}`, "
            f"pooled text of each group against the rest). The strongest is {best['term']} in {best['group']} "
            f"(G² {best['g2']:.0f}, used by {int(best['n_reports_using'])} of its {int(best['n_reports'])} reports). "
            f"On average a key term is used by {spread.mean():.0%} of its group's reports; {narrow} of the {len(top)} "
            f"come from a single report. {int(top['low_expected'].sum())} have an expected frequency below five.")


# --- similarity of groups -----------------------------------------------------------------------


def group_similarity_from_matrix(mat: sparse.csr_matrix, codes: np.ndarray,
                                 n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean pairwise cosine between the reports of each pair of groups, without an n × n matrix.

    With L2-normalised rows ``x_i`` and ``S_g`` the sum of group g's rows, the sum of the cosines of
    every pair (a in A, b in B) is ``S_A · S_B``; the mean is that over ``n_A n_B`` pairs. Within a
    group the self-pairs are removed: ``(S_A · S_A − Σ ||x_a||²) / (n_A (n_A − 1))`` (undefined for a
    group of one report). Returns ``(mean cosine, number of pairs)``, both ``n_groups × n_groups``.
    """
    n = mat.shape[0]
    codes = np.asarray(codes)
    member = sparse.csr_matrix((np.ones(n), (codes, np.arange(n))), shape=(n_groups, n))
    sums = member @ mat
    dots = np.asarray((sums @ sums.T).todense(), dtype=float)
    self_dots = member @ np.asarray(mat.multiply(mat).sum(axis=1)).ravel()
    size = np.bincount(codes, minlength=n_groups).astype(float)
    pairs = np.outer(size, size)
    np.fill_diagonal(pairs, size * (size - 1))
    dots[np.diag_indices(n_groups)] -= self_dots
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(pairs > 0, dots / pairs, np.nan)
    return mean, pairs.astype(np.int64)


def group_similarity(corpus: Corpus, view, features: str = "tokens", drop_bureaucratic: bool = False) -> pd.DataFrame:
    """Groups × groups: mean TF-IDF cosine between a report of the row group and a report of the
    column group (``features`` = ``tokens`` or ``chars``), within-group pairs on the diagonal (each
    pair of different reports once). Groups pooled to the view's ``max_panels`` (``other``), by size."""
    groups = pooled_groups(report_groups(corpus, view), view.max_panels)
    names = group_order(groups)
    codes = pd.Categorical(groups.to_numpy(), categories=names).codes
    mean, _ = group_similarity_from_matrix(view_matrix(corpus, features, drop_bureaucratic), codes, len(names))
    idx = pd.Index(names, name=view.group_by)
    return pd.DataFrame(np.round(mean, 4), index=idx, columns=pd.Index(names, name=view.group_by))


def group_neighbour_table(corpus: Corpus, view, features: str = "tokens") -> pd.DataFrame:
    """Each report's nearest neighbours with both reports' groups (``same_group``); the full table
    has ``neighbours`` rows per report (cap it for display)."""
    out = neighbour_table(corpus, features)
    idx, _ = neighbours(corpus, features)
    g = report_groups(corpus, view).to_numpy()
    out.insert(1, "group", np.repeat(g, idx.shape[1]))
    out.insert(4, "neighbour_group", g[idx.ravel()])
    out["same_group"] = out["group"] == out["neighbour_group"]
    return out


def group_similarity_reading(corpus: Corpus, view) -> str:
    """Computed reading of the group similarities: within against between groups in each view, and how
    often a report's nearest neighbour is in its own group against what chance would give."""
    lines = ["**Computed** (unit: the report; a group's value is the mean cosine over pairs of its reports)."]
    names = {"tokens": "tokens", "chars": "characters"}
    for features, name in names.items():
        sim = group_similarity(corpus, view, features)
        m = sim.to_numpy(dtype=float)
        diag = np.diag(m)
        off = m[~np.eye(len(m), dtype=bool)]
        if np.isfinite(diag).any():
            g = sim.index[int(np.nanargmax(diag))]
            text = (f"- *{name}*: mean cosine within groups {np.nanmin(diag):.3f} to {np.nanmax(diag):.3f} "
                    f"(most alike: {g})")
        else:
            text = f"- *{name}*: no group has two reports"
        if off.size and np.isfinite(off).any():
            text += f"; between groups {np.nanmin(off):.3f} to {np.nanmax(off):.3f}"
        lines.append(text + ".")
    groups = report_groups(corpus, view)
    nt = group_neighbour_table(corpus, view, "chars")
    first = nt[nt["rank"] == 1]
    sizes = groups.value_counts().to_numpy(dtype=float)
    n = sizes.sum()
    chance = float((sizes * (sizes - 1)).sum() / (n * (n - 1))) if n > 1 else float("nan")
    if len(first):
        lines.append(f"- The nearest neighbour (character view) of {int(first['same_group'].sum()):,} of "
                     f"{len(first):,} reports ({first['same_group'].mean():.0%}) is in the same `{view.group_by}` "
                     f"group; a neighbour drawn at random would be in {chance:.0%} of cases.")
    return "\n".join(lines)


# --- shared formulas by group -----------------------------------------------------------------


def formula_display(formulas: pd.DataFrame, view) -> pd.DataFrame:
    """The formula table as a notebook shows it: without ``doc_ids``; in the group view the list of
    reports (thousands of labels) is replaced by the number of groups using the formula."""
    out = formulas.drop(columns="doc_ids", errors="ignore")
    if view.per_report or "doc_ids" not in formulas:
        return out
    doc_ids = list(view.groups.index)
    names = list(dict.fromkeys(view.groups.astype(str)))
    codes = pd.Categorical(view.groups.astype(str).to_numpy(), categories=names).codes
    n = len(doc_ids)
    member = sparse.csr_matrix((np.ones(n, dtype=np.int64), (codes, np.arange(n))), shape=(len(names), n))
    using = member @ formula_incidence(formulas, doc_ids)           # groups × formulas: reports using it
    n_groups = np.asarray((using > 0).sum(axis=0)).ravel().astype(np.int64)
    out = out.drop(columns="reports")
    out.insert(out.columns.get_loc("n_reports") + 1, "n_groups", n_groups)
    return out


def formula_group_shares(corpus: Corpus, formulas: pd.DataFrame, view, top_n: int | None = None) -> pd.DataFrame:
    """Formula × group: the share of the group's reports that use each of the ``top_n`` formulas (as
    whole words: the reports of its ``doc_ids``). Long: ``formula, group, n_using, n_reports, share``;
    groups pooled to the view's ``max_panels``, by size; formulas in rank order."""
    top_n = top_n or params(corpus.lexicon)["formulas"]["top_n"]
    top = formulas.head(top_n)
    groups = pooled_groups(report_groups(corpus, view), view.max_panels)
    names = group_order(groups)
    codes = pd.Categorical(groups.to_numpy(), categories=names).codes
    inc = formula_incidence(top, corpus.doc_ids)
    n = len(corpus.doc_ids)
    member = sparse.csr_matrix((np.ones(n, dtype=np.int64), (codes, np.arange(n))), shape=(len(names), n))
    using = np.asarray((member @ inc).todense())             # groups × formulas
    size = np.bincount(codes, minlength=len(names))
    rows = [{"formula": f, "group": g, "n_using": int(using[gi, fi]), "n_reports": int(size[gi]),
             "share": round(using[gi, fi] / size[gi], 4) if size[gi] else float("nan")}
            for fi, f in enumerate(top["formula"]) for gi, g in enumerate(names)]
    return pd.DataFrame(rows, columns=["formula", "group", "n_using", "n_reports", "share"])


# --- pair overlap by group ----------------------------------------------------------------------


def pair_shares_by_group(i: np.ndarray, j: np.ndarray, jaccard: np.ndarray, codes: np.ndarray, names: list[str],
                         threshold: float) -> pd.DataFrame:
    """Groups × groups (long, each unordered pair of groups once, the diagonal included): of the pairs of
    reports with one report in each group (two different reports of the group on the diagonal), how many
    have a Jaccard of at least ``threshold`` among the examined pairs ``(i[k], j[k], jaccard[k])``;
    ``codes`` gives each report's group (an index into ``names``).

    Columns ``group_a, group_b, n_pairs, n_over, share_over, mean_jaccard_over``."""
    codes = np.asarray(codes)
    keep = np.asarray(jaccard, dtype=float) >= threshold
    ga, gb = codes[np.asarray(i)[keep]], codes[np.asarray(j)[keep]]
    lo, hi = np.minimum(ga, gb), np.maximum(ga, gb)
    k = len(names)
    n_over = np.zeros((k, k), dtype=np.int64)
    sum_j = np.zeros((k, k))
    np.add.at(n_over, (lo, hi), 1)
    np.add.at(sum_j, (lo, hi), np.asarray(jaccard, dtype=float)[keep])
    size = np.bincount(codes, minlength=k).astype(np.int64)
    rows = []
    for a in range(k):
        for b in range(a, k):
            n_pairs = int(size[a] * (size[a] - 1) // 2) if a == b else int(size[a] * size[b])
            rows.append({"group_a": names[a], "group_b": names[b], "n_pairs": n_pairs, "n_over": int(n_over[a, b]),
                         "share_over": round(n_over[a, b] / n_pairs, 6) if n_pairs else float("nan"),
                         "mean_jaccard_over": round(sum_j[a, b] / n_over[a, b], 4) if n_over[a, b] else float("nan")})
    return pd.DataFrame(rows, columns=["group_a", "group_b", "n_pairs", "n_over", "share_over", "mean_jaccard_over"])


def group_pair_overlap(corpus: Corpus, view) -> pd.DataFrame:
    """Groups × groups: the share of pairs of reports (one in each group; two different reports of the
    group on the diagonal) whose shingle Jaccard reaches compare.yaml's ``lsh_threshold``
    (:func:`pair_shares_by_group`).

    On a large corpus the pairs come from MinHash LSH candidates (a pair at or above the threshold is
    likely, not certain, to be among them), so ``n_over`` can miss a few pairs; below ``lsh_min_docs``
    reports every pair is compared exactly. Groups pooled to the view's ``max_panels``, by size."""
    threshold = params(corpus.lexicon)["formulas"]["lsh_threshold"]
    groups = pooled_groups(report_groups(corpus, view), view.max_panels)
    names = group_order(groups)
    codes = pd.Categorical(groups.to_numpy(), categories=names).codes
    pairs = overlap_pairs(corpus)
    return pair_shares_by_group(pairs["i"].to_numpy(), pairs["j"].to_numpy(), pairs["jaccard"].to_numpy(), codes,
                                names, threshold)


def group_overlap_reading(corpus: Corpus, view, overlap: pd.DataFrame) -> str:
    """Computed reading of the pair overlap in the group view: how many pairs reach the threshold,
    within against between groups, and the same-city pairs."""
    p = params(corpus.lexicon)["formulas"]
    n = len(corpus.doc_ids)
    t = p["lsh_threshold"]
    g = group_pair_overlap(corpus, view)
    within, between = g[g["group_a"] == g["group_b"]], g[g["group_a"] != g["group_b"]]
    def share(part: pd.DataFrame) -> str:
        pairs = int(part["n_pairs"].sum())
        over = int(part["n_over"].sum())
        return f"{over:,} of {pairs:,} pairs ({over / pairs:.2%})" if pairs else "no pairs"
    method = ("every pair compared exactly" if n < p["lsh_min_docs"]
              else f"candidate pairs from MinHash LSH, {len(overlap):,} examined of {n * (n - 1) // 2:,}")
    lines = [f"**Computed** (unit: the pair of reports; {method}). Pairs with a shingle Jaccard of at least {t}: "
             f"within `{view.group_by}` groups {share(within)}, between groups {share(between)}."]
    same = overlap[overlap["same_city"]]
    if len(same):
        lines.append(f"{len(same):,} examined pairs are same-city pairs at different levels; their median rank "
                     f"among the {len(overlap):,} examined pairs is {int(same['rank'].median()):,}.")
    if len(overlap):
        top = overlap.iloc[0]
        lines.append(f"The most overlapping pair is {_pair_label(top['report_a'], top['report_b'])} "
                     f"(Jaccard {top['jaccard']:.4f}).")
    return " ".join(lines)


def group_terms_shown(corpus: Corpus, view, formulas: pd.DataFrame) -> set[str]:
    """The Chinese terms notebook 05 shows in the group view: the groups' top key terms and the
    formulas of its table and figure (a few hundred at most, whatever the number of reports)."""
    key = group_key_terms(corpus, view)
    p = params(corpus.lexicon)["formulas"]
    return set(key["term"]) | set(formulas["formula"].head(max(p["table_rows"], p["top_n"])))


def group_synthesis(corpus: Corpus, view) -> str:
    """One computed paragraph for the synthesis in the group view: mean similarity of two reports of
    one group against two reports of different groups (character view), and the strongest group key term."""
    groups = report_groups(corpus, view)
    mat = view_matrix(corpus, "chars")
    names = list(dict.fromkeys(groups))
    codes = pd.Categorical(groups.to_numpy(), categories=names).codes
    mean, pairs = group_similarity_from_matrix(mat, codes, len(names))
    diag = np.eye(len(names), dtype=bool)
    total = np.nansum(np.where(pairs > 0, mean * pairs, 0.0))
    within_pairs = pairs[diag].sum()
    within = np.nansum(np.where(diag & (pairs > 0), mean * pairs, 0.0)) / within_pairs if within_pairs else float("nan")
    between_pairs = pairs[~diag].sum()
    between = (total - within * within_pairs) / between_pairs if between_pairs else float("nan")
    text = (f"**Groups (`{view.group_by}`, {len(names)} groups; unit: the report).** Two reports of the same group have a "
            f"mean character-view cosine of {within:.3f}, two reports of different groups {between:.3f}")
    key = group_key_terms(corpus, view)
    if len(key):
        best = key.sort_values("g2", ascending=False).iloc[0]
        text += (f"; the most distinctive term of any group is {best['term']} in {best['group']} "
                 f"(used by {int(best['n_reports_using'])} of its {int(best['n_reports'])} reports)")
    return text + ". Groups differ in size, years and levels, so these contrasts describe the corpus, not causes."


def formula_reading(corpus: Corpus, formulas: pd.DataFrame, view) -> str:
    """Computed reading of the shared formulas on a corpus other than the bundled one."""
    top = formulas[~formulas["campaign_name"] & ~formulas["generic"]]
    n = len(corpus.doc_ids)
    if top.empty:
        return "**Computed.** No formula outside campaign names and stopwords is shared by two reports."
    widest = top.sort_values(["n_reports", "score"], ascending=[False, False], kind="mergesort").head(3)
    share = "; ".join(f"{r.formula} in {int(r.n_reports):,} of {n:,} reports" for r in widest.itertuples())
    text = (f"**Computed** (unit: the report). {len(top):,} formulas (campaign names and stopword-only spans "
            f"aside) recur in two or more reports; the most widely shared: {share}.")
    if not view.per_report:
        shares = formula_group_shares(corpus, formulas, view)
        spread = shares.groupby("formula", sort=False)["share"].agg(["min", "max"])
        even = int(((spread["max"] - spread["min"]) <= 0.2).sum())
        text += (f" Of the {len(spread)} top formulas in the figure, {even} are used by shares of the groups' reports "
                 "within 20 percentage points of each other (shared across groups alike), the others lean to some groups.")
    return text + " A shared formula may come from a common source (a provincial document, a central speech) rather than copying."
