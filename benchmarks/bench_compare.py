"""Benchmark the cross-report analyses of notebook 05 on synthetic corpora of 1,000 and 10,000 reports.

    python benchmarks/bench_compare.py [--reports 1000 10000] [--seed 0] [--perturb 0.02]

Each synthetic report draws, without replacement, as many sentences as a randomly chosen real
report has, from the pooled sentences of all bundled reports (``numpy.random.default_rng(seed)``),
in shuffled order; with ``--perturb`` a share of its characters is replaced at random, so that
clauses are no longer shared verbatim by hundreds of reports (the shared-formula search then faces
as many distinct clauses as a real corpus). Its tokens are the content tokens of those sentences, taken from the corpus
already tokenized once, so the benchmark times the analyses, not jieba. Prints JSON with the
seconds for:

* ``keyness``: sparse report × term matrix and G²/log ratio for every non-zero cell;
* ``similarity_tokens`` / ``similarity_chars``: TF-IDF and each report's 5 nearest neighbours by
  cosine (exact in chunks up to ``exact_neighbours_max`` reports, else truncated-SVD candidates
  re-scored exactly; never a dense n × n matrix), with the recall of the true neighbours on a
  sample of 200 reports;
* ``shared_formulas``: clause index, seed-and-extend candidates, exact report sets, rarity;
* ``pair_overlap``: shingle sets and Jaccard of MinHash LSH candidate pairs.

Not a test: it measures and prints. Timings depend on the machine; they are not stored anywhere.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

from analysis import load_corpus
from analysis.measures import keyness as keyness_measure
from analysis.questions import compare


def sentence_pool(corpus) -> tuple[list[str], list[list[str]], list[int]]:
    """Sentence texts, their content tokens, and the number of sentences of each real report."""
    toks = corpus.tokens
    keep = toks[toks["is_word"] & ~toks["is_stop"]]
    by_sent = keep.groupby(["doc_id", "sent_id"])["token"].apply(list)
    texts, tokens = [], []
    for row in corpus.sentences.itertuples(index=False):
        texts.append(row.text)
        tokens.append(by_sent.get((row.doc_id, row.sent_id), []))
    sizes = corpus.sentences.groupby("doc_id").size().reindex(corpus.doc_ids).tolist()
    return texts, tokens, sizes


def synthetic(n: int, seed: int, texts: list[str], tokens: list[list[str]], sizes: list[int], perturb: float = 0.0):
    """``n`` synthetic reports: ``(doc_ids, texts, token lists)``.

    ``perturb`` > 0 replaces that share of Han characters in the texts with random characters of
    the pool, so that most clauses become distinct, as in a real corpus (tokens are unchanged).
    """
    rng = np.random.default_rng(seed)
    chars = np.array(sorted(set("".join(compare.HAN_RUN_RE.findall("".join(texts))))))
    doc_ids, doc_texts, doc_tokens = [], [], []
    for i in range(n):
        m = min(sizes[rng.integers(len(sizes))], len(texts))
        picks = rng.choice(len(texts), size=m, replace=False)
        text = "".join(texts[j] for j in picks)
        if perturb > 0:
            arr = np.array(list(text))
            han = np.flatnonzero(np.isin(arr, chars))
            hit = han[rng.random(len(han)) < perturb]
            arr[hit] = chars[rng.integers(0, len(chars), len(hit))]
            text = "".join(arr)
        doc_ids.append(f"r{i:06d}")
        doc_texts.append(text)
        doc_tokens.append([t for j in picks for t in tokens[j]])
    return doc_ids, doc_texts, doc_tokens


def recall(mat, idx, k: int, seed: int, sample: int = 200) -> float:
    """Share of the true ``k`` nearest neighbours found, on a sample of rows (exact sparse cosine)."""
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(mat.shape[0], size=min(sample, mat.shape[0]), replace=False))
    sims = (mat[rows] @ mat.T).toarray()
    sims[np.arange(len(rows)), rows] = -np.inf
    true = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    # a found neighbour counts if its cosine reaches the k-th true cosine (ties are interchangeable)
    kth = sims[np.arange(len(rows))[:, None], true][:, -1]
    found = sims[np.arange(len(rows))[:, None], idx[rows]] >= kth[:, None] - 1e-9
    return round(float(found.mean()), 4)


def timed(fn):
    """``(seconds, result)`` of ``fn()``."""
    t0 = time.perf_counter()
    out = fn()
    return round(time.perf_counter() - t0, 2), out


def run(n: int, seed: int, pool, perturb: float = 0.0) -> dict:
    """Time each analysis on ``n`` synthetic reports."""
    doc_ids, texts, toks = synthetic(n, seed, *pool, perturb=perturb)
    p = compare.params()
    result = {"reports": n, "perturb": perturb,
              "distinct_clauses": len({c for t in texts for c in compare.clauses(t)}),
              "han_chars": int(sum(len("".join(compare.HAN_RUN_RE.findall(t))) for t in texts)),
              "content_tokens": int(sum(len(t) for t in toks))}

    def keyness():
        frame = pd.DataFrame({"doc_id": np.repeat(doc_ids, [len(t) for t in toks]),
                              "token": [w for t in toks for w in t]})
        mat, vocab = keyness_measure.term_matrix(frame, doc_ids)
        return keyness_measure.keyness_from_counts(mat, vocab, doc_ids)

    result["keyness_s"], key = timed(keyness)
    result["keyness_cells"] = len(key)

    k = p["similarity"]["neighbours"]
    exact = n <= p["similarity"]["exact_neighbours_max"]
    result["neighbour_search"] = "exact" if exact else "svd candidates, exact re-scoring"
    for view, build in (("tokens", lambda: compare.tfidf_matrix(toks)), ("chars", lambda: compare.char_tfidf(texts))):
        result[f"similarity_{view}_s"], (mat, (idx, _)) = timed(
            lambda: (m := build(), compare.nearest_neighbours(m, k)))  # noqa: B023 (called within the iteration)
        result[f"similarity_{view}_recall_at_{k}"] = recall(mat, idx, k, seed)

    def formulas():
        spans = compare.find_shared_spans(texts)
        return spans.assign(rarity=[compare.rarity(s) for s in spans["span"]])

    result["shared_formulas_s"], spans = timed(formulas)
    result["shared_formulas_found"] = len(spans)

    def overlap():
        sets = [compare.shingles(t, p["formulas"]["shingle_k"]) for t in texts]
        return compare.pairwise_overlap_sets(sets)

    result["pair_overlap_s"], pairs = timed(overlap)
    result["pair_overlap_candidate_pairs"] = len(pairs)
    result["all_pairs"] = n * (n - 1) // 2
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--perturb", type=float, default=0.0,
                    help="share of Han characters replaced at random (makes clauses distinct, as in a real corpus)")
    args = ap.parse_args(argv)
    corpus = load_corpus()
    pool = sentence_pool(corpus)
    out = {"seed": args.seed, "source_reports": len(corpus.doc_ids), "source_sentences": len(pool[0]), "runs": []}
    for n in args.reports:
        out["runs"].append(run(n, args.seed, pool, args.perturb))
        print(json.dumps(out["runs"][-1], ensure_ascii=False), file=sys.stderr, flush=True)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
