"""Benchmark the corpus load against jieba alone, on a synthetic corpus built from the real reports.

    python benchmarks/bench_load.py [--reports 2000] [--repeat 2] [--seed 0]

Builds N reports from the bundled ones: each takes the sentences of a randomly chosen report, in a
shuffled order, four to a paragraph (so reports keep realistic lengths). Like a scraped corpus, the
reports come in mixed scripts and encodings: a quarter in traditional script with a reading
injected after every Han character (``會(huì)議(yì)``, as in two of the bundled reports), one in
twenty in traditional script without pinyin saved as Big5, one in ten saved as GB18030, the rest
simplified UTF-8.

Every measurement runs in a fresh Python process (so none inherits a warm tokenizer or a cache
in memory) and times only the call being measured:

* ``load_1proc`` / ``load_2proc``: ``load_corpus`` with 1 and 2 processes, no cache: decode, clean,
  split, tokenize, assemble the tables;
* ``jieba_alone``: jieba's ``lcut`` on the same cleaned text (all reports' bodies joined by line
  breaks), with the same dictionary (the project's tokenizer, domain dictionary included) and the
  same HMM setting, including loading the tokenizer, as the load does. This is the floor;
* ``cold_cached``: a 1-process load that also writes the cache; ``cached_reload``: the next load;
* ``machine_speedup_2proc``: before and after each round, what two processes of pure arithmetic
  gain over one on this machine at that moment (2.0 on two idle cores; less when other jobs run);
* peak resident memory of each process (``ru_maxrss``; for 2 processes, the parent's and the
  largest worker's).

Throughput is cleaned characters (the text jieba sees) per second. The machine may be shared, so
each measurement is repeated ``--repeat`` times in alternation; the JSON gives the median of each
time, every run, and the ratios of the medians. Not a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

#: Share of reports in each form: (script, pinyin injected, encoding).
FORMS = ((0.25, "traditional", True, "utf-8"), (0.05, "traditional", False, "big5"),
         (0.10, "simplified", False, "gb18030"), (0.60, "simplified", False, "utf-8"))


def _traditional(text: str, pinyin: bool) -> str:
    """Traditional script, optionally with a tone-marked reading after every Han character: 萍鄉(xiāng)."""
    import opencc
    from pypinyin import Style
    from pypinyin import pinyin as readings

    trad = opencc.OpenCC("s2t").convert(text)
    if not pinyin:
        return trad
    marks = readings(trad, style=Style.TONE, errors=lambda chars: [[""] for _ in chars])
    return "".join(f"{c}({r[0]})" if r[0] and "\u4e00" <= c <= "\u9fff" else c for c, r in zip(trad, marks))


def build_corpus(root: Path, n: int, seed: int) -> dict:
    """Write ``n`` synthetic reports and their metadata under ``root``; returns counts per form."""
    import numpy as np
    import pandas as pd

    from analysis import load_corpus

    base = load_corpus()
    rng = np.random.default_rng(seed)
    sentences = {d: g["text"].tolist() for d, g in base.sentences.groupby("doc_id", sort=True)}
    ids = sorted(sentences)
    shares = np.cumsum([f[0] for f in FORMS])
    (root / "raw").mkdir(parents=True)
    rows, forms = [], {}
    for i in range(n):
        sents = list(sentences[ids[rng.integers(len(ids))]])
        rng.shuffle(sents)
        text = "\n".join("".join(sents[j : j + 4]) for j in range(0, len(sents), 4))
        _, script, pinyin, encoding = FORMS[int(np.searchsorted(shares, rng.random(), side="right"))]
        if script == "traditional":
            text = _traditional(text, pinyin)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:  # a character Big5 cannot hold: keep the report, in UTF-8
            encoding, data = "utf-8", text.encode("utf-8")
        name = f"{i:06d}.txt"
        (root / "raw" / name).write_bytes(data)
        key = f"{script}{'+pinyin' if pinyin else ''} {encoding}"
        forms[key] = forms.get(key, 0) + 1
        rows.append({"doc_id": f"r{i:06d}", "file": name, "label": f"report {i}", "city": "synthetic", "meeting_date": ""})
    pd.DataFrame(rows).to_csv(root / "metadata.csv", index=False)
    return dict(sorted(forms.items()))


# --------------------------------------------------------------------------------------------
# measurements, each in a fresh process


def _usage() -> dict:
    """Peak memory of this process (VmHWM: unlike ru_maxrss, not inherited across exec) and of its
    largest worker, and CPU seconds of this process and its workers."""
    import resource

    hwm = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_mb": round(hwm / 1024), "workers_peak_mb": round(kids.ru_maxrss / 1024),
            "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}


def _child(what: str, root: Path, jobs: int, cache: bool, text_file: Path | None) -> dict:
    """One measurement (run inside a fresh process): returns seconds and peak memory."""
    import time

    if what == "jieba":
        from analysis.loading.tokenize import get_tokenizer

        text = text_file.read_text(encoding="utf-8")
        t = time.perf_counter()
        tk = get_tokenizer()
        loaded = time.perf_counter()
        tk.lcut(text, HMM=True)
        out = {"s": time.perf_counter() - t, "init_s": loaded - t, "chars": len(text)}
    else:
        from analysis import load_corpus

        t = time.perf_counter()
        corpus = load_corpus(root, use_cache=cache, n_jobs=jobs, progress=False)
        out = {"s": time.perf_counter() - t}
        if text_file is not None:
            text_file.write_text("\n".join(corpus.documents["text"]), encoding="utf-8")
        out["reports"] = len(corpus.documents)
        out["tokens"] = len(corpus.tokens)
    return {**out, **_usage()}


def _spin(n: int) -> float:
    """Pure-Python arithmetic (no I/O, no shared state): what one core does alone."""
    import time

    t = time.perf_counter()
    total = 0
    for i in range(n):
        total += i
    return time.perf_counter() - t


def machine_speedup(n: int = 20_000_000) -> float:
    """Speedup the machine gives two processes of pure arithmetic right now (2.0 on two idle cores).

    Other jobs on a shared machine take cores away; this is the ceiling for ``speedup_2proc``.
    """
    import time
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # start both workers
        t = time.perf_counter()
        list(pool.map(_spin, [n]))
        one = time.perf_counter() - t
        t = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        two = time.perf_counter() - t
    return 2 * one / two


def _measure(what: str, root: Path, jobs: int = 1, cache: bool = False, text_file: Path | None = None) -> dict:
    args = [sys.executable, __file__, "--child", what, "--root", str(root), "--jobs", str(jobs)]
    args += ["--cache"] if cache else []
    args += ["--text-file", str(text_file)] if text_file else []
    r = subprocess.run(args, capture_output=True, text=True, check=False)
    if r.returncode:
        raise SystemExit(f"measurement {what} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="repetitions of each measurement (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus here and keep it")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cache", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--text-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.root, args.jobs, args.cache, args.text_file)))
        return {}

    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    root = args.keep or tmp / "corpus"
    try:
        if not (root / "metadata.csv").is_file():
            forms = build_corpus(root, args.reports, args.seed)
        else:
            forms = "(reused)"
        text_file = tmp / "cleaned.txt"
        runs: dict[str, list] = {k: [] for k in ("load_1proc", "jieba_alone", "load_2proc", "cold_cached", "cached_reload")}
        probes = [machine_speedup()]
        for rep in range(args.repeat):
            runs["load_1proc"].append(_measure("load", root, 1, text_file=text_file if rep == 0 else None))
            runs["jieba_alone"].append(_measure("jieba", root, text_file=text_file))
            runs["load_2proc"].append(_measure("load", root, 2))
            shutil.rmtree(root / "processed", ignore_errors=True)
            runs["cold_cached"].append(_measure("load", root, 1, cache=True))
            runs["cached_reload"].append(_measure("load", root, 1, cache=True))
            probes.append(machine_speedup())
        shutil.rmtree(root / "processed", ignore_errors=True)

        med = {k: statistics.median(r["s"] for r in v) for k, v in runs.items()}
        best = {k: min(r["s"] for r in v) for k, v in runs.items()}
        chars = runs["jieba_alone"][0]["chars"]
        raw = sorted((root / "raw").iterdir())
        out = {
            "reports": len(raw), "forms": forms, "raw_mb": round(sum(p.stat().st_size for p in raw) / 1e6, 1),
            "cleaned_chars": chars, "tokens": runs["load_1proc"][0]["tokens"], "repeat": args.repeat,
            "cpu_count": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2),
            "seconds": {k: round(v, 2) for k, v in med.items()},
            "chars_per_s": {k: round(chars / med[k]) for k in ("load_1proc", "load_2proc", "jieba_alone")},
            "load_1proc_vs_jieba": round(med["jieba_alone"] / med["load_1proc"], 2),
            "speedup_2proc": round(med["load_1proc"] / med["load_2proc"], 2),
            "machine_speedup_2proc": [round(x, 2) for x in probes],
            "cached_vs_cold": round(med["load_1proc"] / med["cached_reload"], 1),
            "ratios_of_fastest_runs": {"load_1proc_vs_jieba": round(best["jieba_alone"] / best["load_1proc"], 2),
                                       "speedup_2proc": round(best["load_1proc"] / best["load_2proc"], 2),
                                       "cached_vs_cold": round(best["load_1proc"] / best["cached_reload"], 1)},
            "jieba_init_s": round(statistics.median(r["init_s"] for r in runs["jieba_alone"]), 2),
            "peak_mb": {k: max(r["peak_mb"] for r in v) for k, v in runs.items()},
            "workers_peak_mb_2proc": max(r["workers_peak_mb"] for r in runs["load_2proc"]),
            "runs_s": {k: [round(r["s"], 2) for r in v] for k, v in runs.items()},
            "runs_cpu_s": {k: [round(r["cpu_s"], 2) for r in v] for k, v in runs.items()},
        }
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
