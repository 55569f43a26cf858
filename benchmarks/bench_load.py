"""Benchmark the corpus load against jieba alone, on a synthetic corpus built from the real reports.

    python benchmarks/bench_load.py [--reports 2000] [--seed 0]

Builds N reports by shuffling the sentences of a randomly chosen bundled report (a quarter of them
converted to traditional script with pinyin injected after every character, as in the two
annotated reports), then prints JSON: characters per second for the whole load (decode, clean,
split, tokenize) on 1 and 2 processes, for jieba alone on the same cleaned text (the floor), the
cached reload time, and peak memory. Not a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import load_corpus
from analysis.tokenize import get_tokenizer


def _annotate(text: str) -> str:
    """Traditional script with a tone-marked reading after every Han character: 萍鄉(xiāng)."""
    import opencc
    from pypinyin import Style, pinyin

    trad = opencc.OpenCC("s2t").convert(text)
    readings = pinyin(trad, style=Style.TONE, errors=lambda chars: [[""] for _ in chars])
    return "".join(f"{c}({r[0]})" if r[0] and "\u4e00" <= c <= "\u9fff" else c for c, r in zip(trad, readings))


def build_corpus(root: Path, n: int, seed: int) -> int:
    """Write ``n`` synthetic reports and their metadata under ``root``; returns total characters."""
    base = load_corpus()
    rng = np.random.default_rng(seed)
    sentences = {d: g["text"].tolist() for d, g in base.sentences.groupby("doc_id")}
    ids = sorted(sentences)
    (root / "raw").mkdir(parents=True)
    rows, total = [], 0
    for i in range(n):
        src = ids[rng.integers(len(ids))]
        sents = list(sentences[src])
        rng.shuffle(sents)
        paragraphs = ["".join(sents[j : j + 4]) for j in range(0, len(sents), 4)]
        text = "\n".join(paragraphs)
        if rng.random() < 0.25:
            text = _annotate(text)
        name = f"{i:06d}.txt"
        (root / "raw" / name).write_text(text, encoding="utf-8")
        total += len(text)
        rows.append({"doc_id": f"r{i:06d}", "file": name, "label": f"report {i}", "city": "synthetic", "meeting_date": ""})
    pd.DataFrame(rows).to_csv(root / "metadata.csv", index=False)
    return total


def peak_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    try:
        chars = build_corpus(tmp, args.reports, args.seed)
        out = {"reports": args.reports, "raw_chars": chars, "raw_mb": round(sum(p.stat().st_size for p in (tmp / "raw").iterdir()) / 1e6, 2)}

        t = time.perf_counter()
        corpus = load_corpus(tmp, use_cache=False, n_jobs=1, progress=False)
        out["load_1proc_s"] = round(time.perf_counter() - t, 2)

        text = "\n".join(corpus.documents["text"])
        tk = get_tokenizer()
        t = time.perf_counter()
        tk.lcut(text, HMM=True)
        out["jieba_alone_s"] = round(time.perf_counter() - t, 2)
        cleaned_chars = len(text)
        del corpus

        t = time.perf_counter()
        load_corpus(tmp, use_cache=True, n_jobs=2, progress=False)  # cold: fills the cache
        out["load_2proc_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        load_corpus(tmp, use_cache=True, n_jobs=1, progress=False)
        out["cached_reload_s"] = round(time.perf_counter() - t, 2)

        out["cleaned_chars"] = cleaned_chars
        # throughput on the same text: cleaned characters per second of wall time
        out["load_1proc_chars_per_s"] = round(cleaned_chars / out["load_1proc_s"])
        out["load_2proc_chars_per_s"] = round(cleaned_chars / out["load_2proc_s"])
        out["jieba_alone_chars_per_s"] = round(cleaned_chars / out["jieba_alone_s"])
        out["load_1proc_vs_jieba"] = round(out["jieba_alone_s"] / out["load_1proc_s"], 2)
        out["speedup_2proc"] = round(out["load_1proc_s"] / out["load_2proc_s"], 2)
        out["cached_vs_cold"] = round(out["load_1proc_s"] / out["cached_reload_s"], 1)
        out["peak_memory_mb"] = round(peak_mb())
        out["cpu_count"] = os.cpu_count()
        print(json.dumps(out, indent=1))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
