"""Benchmark the corpus load against jieba alone, on a synthetic corpus built from the real reports.

    python benchmarks/bench_load.py [--reports 2000] [--repeat 2] [--seed 0] [--segmenters jieba,rjieba] [--profile]

Builds N reports from the bundled ones: each takes the sentences of a randomly chosen report, in a
shuffled order, four to a paragraph (so reports keep realistic lengths). Like a scraped corpus, the
reports come in mixed scripts and encodings: a quarter in traditional script with a reading
injected after every Han character (``會(huì)議(yì)``, as in two of the bundled reports), one in
twenty in traditional script without pinyin saved as Big5, one in ten saved as GB18030, the rest
simplified UTF-8.

Every measurement runs in a fresh Python process (so none inherits a warm tokenizer or a cache
in memory) and times only the call being measured:

* ``load_1proc[S]`` / ``load_2proc[S]``: ``load_corpus`` with 1 and 2 processes, no cache, with the
  segmenter ``S`` (``ANALYSIS_SEGMENTER``; one row per ``--segmenters``): decode, clean, split,
  tokenize, assemble the tables. Each load also hashes its token table, and ``token_identity`` says
  whether every segmenter's load gave the same tokens (and how many were compared);
* ``jieba_alone``: jieba's ``lcut`` on the same cleaned text (all reports' bodies joined by line
  breaks), with the same dictionary (the project's tokenizer, domain dictionary included) and the
  same HMM setting, including loading the tokenizer, as the load does. This is the floor (the old one:
  ``load_1proc[rjieba]`` is meant to beat it 2.5 times); ``segmenter_alone[S]`` is the same for ``S``;
* ``cold_cached``: a 1-process load that also writes the cache; ``cached_reload``: the next load;
* ``machine_speedup_2proc``: before and after each round, what two processes of pure arithmetic
  gain over one on this machine at that moment (2.0 on two idle cores; less when other jobs run);
* peak resident memory of each process (``ru_maxrss``; for 2 processes, the parent's and the
  largest worker's).

``--profile`` adds ``stages``: one more 1-process run (default segmenter) that loads the segmenter,
rules, OpenCC and pinyin readings (``init_s``), times each stage of every report (read, decode,
clean, split, tokenize), then a whole load (``assemble and the rest`` is its time minus the stages),
and a cProfile run that splits ``clean`` into pinyin stripping, debris repair, OpenCC,
script fixes, furniture rules and punctuation (as shares, cProfile slows Python code more than C).

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
FORMS = (
    (0.25, "traditional", True, "utf-8"),
    (0.05, "traditional", False, "big5"),
    (0.10, "simplified", False, "gb18030"),
    (0.60, "simplified", False, "utf-8"),
)


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
        rows.append(
            {"doc_id": f"r{i:06d}", "file": name, "label": f"report {i}", "city": "synthetic", "meeting_date": ""}
        )
    pd.DataFrame(rows).to_csv(root / "metadata.csv", index=False)
    return dict(sorted(forms.items()))


# --------------------------------------------------------------------------------------------
# measurements, each in a fresh process


def _usage() -> dict:
    """Peak memory of this process (VmHWM: unlike ru_maxrss, not inherited across exec) and of its
    largest worker, and CPU seconds of this process and its workers."""
    import resource

    hwm = next(
        int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")
    )
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "peak_mb": round(hwm / 1024),
        "workers_peak_mb": round(kids.ru_maxrss / 1024),
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
    }


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
    elif what == "segmenter":
        from analysis.loading.tokenize import get_segmenter

        text = text_file.read_text(encoding="utf-8")
        t = time.perf_counter()
        seg = get_segmenter()
        loaded = time.perf_counter()
        seg.cut(text)
        out = {"s": time.perf_counter() - t, "init_s": loaded - t, "chars": len(text)}
    elif what == "profile":
        return _profile(root)
    else:
        from analysis import load_corpus

        t = time.perf_counter()
        corpus = load_corpus(root, use_cache=cache, n_jobs=jobs, progress=False)
        out = {"s": time.perf_counter() - t}
        if text_file is not None:
            text_file.write_text("\n".join(corpus.documents["text"]), encoding="utf-8")
        out["reports"] = len(corpus.documents)
        out["tokens"] = len(corpus.tokens)
        out["tokens_sha256"] = _token_digest(corpus)
    return {**out, **_usage()}


def _token_digest(corpus) -> str:
    """sha256 of every token with its report, sentence and offset."""
    import hashlib

    t = corpus.tokens
    h = hashlib.sha256()
    for col in ("doc_id", "sent_id", "start", "token"):
        h.update("\x00".join(map(str, t[col].tolist())).encode())
    return h.hexdigest()


#: cProfile functions whose cumulative time is each part of ``clean``.
CLEAN_PARTS = {
    "pinyin (strip_annotations)": "strip_annotations",
    "debris repair": "repair_debris",
    "OpenCC (to_simplified)": "to_simplified",
    "script fixes": "apply_script_fixes",
    "furniture rules (_match_any)": "_match_any",
    "punctuation (normalise_punctuation)": "normalise_punctuation",
}


def _profile(root: Path) -> dict:
    """Seconds per stage of a 1-process load (run in a fresh process), and ``clean`` split by cProfile."""
    import cProfile
    import pstats
    import time

    import pandas as pd

    from analysis import load_corpus
    from analysis.loading import clean, corpus, segment, tokenize

    meta = pd.read_csv(root / "metadata.csv")
    rules = clean.load_rules()
    t = time.perf_counter()
    tokenize.get_segmenter()
    tokenize.stopwords()
    clean._opencc()
    clean._readings()
    init = time.perf_counter() - t  # one-off loading, outside the stages below
    stages = {"read": 0.0, "decode": 0.0, "clean": 0.0, "split": 0.0, "tokenize": 0.0}
    for name in meta["file"]:
        t0 = time.perf_counter()
        data = corpus.read_raw(root / "raw" / name)
        t1 = time.perf_counter()
        text, encoding = corpus.decode(data, root / "raw" / name)
        t2 = time.perf_counter()
        res = clean.clean_text(text, name, rules, encoding=encoding)
        t3 = time.perf_counter()
        _, starts, ends = segment.sentence_bounds(res.text)
        t4 = time.perf_counter()
        tokenize.tokenize_document(res.text, starts, ends)
        t5 = time.perf_counter()
        for k, a, b in (
            ("read", t0, t1),
            ("decode", t1, t2),
            ("clean", t2, t3),
            ("split", t3, t4),
            ("tokenize", t4, t5),
        ):
            stages[k] += b - a
    t = time.perf_counter()
    load_corpus(root, use_cache=False, n_jobs=1, progress=False)  # warm: what the stages add up to
    whole = time.perf_counter() - t
    stages["assemble and the rest (whole load minus the above)"] = whole - sum(stages.values())
    prof = cProfile.Profile()
    prof.enable()
    for name in meta["file"]:
        text, encoding = corpus.decode(corpus.read_raw(root / "raw" / name), name)
        clean.clean_text(text, name, rules, encoding=encoding)
    prof.disable()
    st = pstats.Stats(prof).stats  # (file, line, func) -> (cc, nc, tt, ct, callers)
    cum = {}
    for (file, _, func), (_, _, _, ct, _) in st.items():
        if file.endswith("clean.py"):
            cum[func] = cum.get(func, 0.0) + ct
    total = cum.get("clean_text", 0.0) or 1.0
    parts = {k: round(cum.get(f, 0.0) / total, 3) for k, f in CLEAN_PARTS.items()}
    parts["other (line splitting, rejoining, audit)"] = round(1 - sum(parts.values()), 3)
    return {
        "segmenter": tokenize.segmenter_key(),
        "init_s (segmenter, rules, OpenCC, readings)": round(init, 2),
        "whole_load_after_init_s": round(whole, 2),
        "stages_s": {k: round(v, 2) for k, v in stages.items()},
        "stages_share_of_whole": {k: round(v / whole, 3) for k, v in stages.items()},
        "clean_parts_share (cProfile)": parts,
    }


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


def _measure(
    what: str,
    root: Path,
    jobs: int = 1,
    cache: bool = False,
    text_file: Path | None = None,
    segmenter: str | None = None,
) -> dict:
    args = [sys.executable, __file__, "--child", what, "--root", str(root), "--jobs", str(jobs)]
    args += ["--cache"] if cache else []
    args += ["--text-file", str(text_file)] if text_file else []
    env = dict(os.environ)
    if segmenter:
        env["ANALYSIS_SEGMENTER"] = segmenter
    r = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    if r.returncode:
        raise SystemExit(f"measurement {what} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="repetitions of each measurement (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="build the corpus here and keep it")
    parser.add_argument("--segmenters", default="jieba,rjieba", help="segmenters to load with (ANALYSIS_SEGMENTER)")
    parser.add_argument(
        "--profile", action="store_true", help="add seconds per stage (decode, clean, split, tokenize, assemble)"
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cache", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--text-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.root, args.jobs, args.cache, args.text_file)))
        return {}

    from analysis.segmenter import DEFAULT_SEGMENTER, segmenter_key

    segs = [x.strip() for x in args.segmenters.split(",") if x.strip()]
    default = DEFAULT_SEGMENTER if DEFAULT_SEGMENTER in segs else segs[-1]
    tmp = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    root = args.keep or tmp / "corpus"
    try:
        if not (root / "metadata.csv").is_file():
            forms = build_corpus(root, args.reports, args.seed)
        else:
            forms = "(reused)"
        text_file = tmp / "cleaned.txt"
        keys = [f"load_1proc[{x}]" for x in segs] + ["jieba_alone"] + [f"segmenter_alone[{x}]" for x in segs]
        keys += [f"load_2proc[{x}]" for x in segs] + ["cold_cached", "cached_reload"]
        runs: dict[str, list] = {k: [] for k in keys}
        probes = [machine_speedup()]
        for rep in range(args.repeat):
            for x in segs:
                first = rep == 0 and x == segs[0]
                runs[f"load_1proc[{x}]"].append(
                    _measure("load", root, 1, text_file=text_file if first else None, segmenter=x)
                )
            runs["jieba_alone"].append(_measure("jieba", root, text_file=text_file))
            for x in segs:
                runs[f"segmenter_alone[{x}]"].append(_measure("segmenter", root, text_file=text_file, segmenter=x))
            for x in segs:
                runs[f"load_2proc[{x}]"].append(_measure("load", root, 2, segmenter=x))
            shutil.rmtree(root / "processed", ignore_errors=True)
            runs["cold_cached"].append(_measure("load", root, 1, cache=True, segmenter=default))
            runs["cached_reload"].append(_measure("load", root, 1, cache=True, segmenter=default))
            probes.append(machine_speedup())
        shutil.rmtree(root / "processed", ignore_errors=True)
        stages = _measure("profile", root, 1, segmenter=default) if args.profile else None

        med = {k: statistics.median(r["s"] for r in v) for k, v in runs.items()}
        best = {k: min(r["s"] for r in v) for k, v in runs.items()}
        chars = runs["jieba_alone"][0]["chars"]
        raw = sorted((root / "raw").iterdir())
        loads = [r for k, v in runs.items() if k.startswith(("load_", "cold_", "cached_")) for r in v]
        digests = {r["tokens_sha256"] for r in loads}
        per_seg = {}
        for x in segs:
            one, two = f"load_1proc[{x}]", f"load_2proc[{x}]"
            per_seg[x] = {
                "key": segmenter_key(x),
                "load_1proc_vs_jieba_alone": round(med["jieba_alone"] / med[one], 2),
                "load_2proc_vs_jieba_alone": round(med["jieba_alone"] / med[two], 2),
                "speedup_2proc": round(med[one] / med[two], 2),
                "segmenter_alone_vs_jieba_alone": round(med["jieba_alone"] / med[f"segmenter_alone[{x}]"], 2),
                "of_fastest_runs": {
                    "load_1proc_vs_jieba_alone": round(best["jieba_alone"] / best[one], 2),
                    "load_2proc_vs_jieba_alone": round(best["jieba_alone"] / best[two], 2),
                    "speedup_2proc": round(best[one] / best[two], 2),
                },
            }
        out = {
            "reports": len(raw),
            "forms": forms,
            "raw_mb": round(sum(p.stat().st_size for p in raw) / 1e6, 1),
            "cleaned_chars": chars,
            "tokens": runs[f"load_1proc[{segs[0]}]"][0]["tokens"],
            "repeat": args.repeat,
            "cpu_count": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "default_segmenter": default,
            "token_identity": {
                "identical": len(digests) == 1,
                "loads_compared": len(loads),
                "tokens_per_load": sorted({r["tokens"] for r in loads}),
                "segmenters": segs,
            },
            "seconds": {k: round(v, 2) for k, v in med.items()},
            "chars_per_s": {k: round(chars / med[k]) for k in med if not k.startswith(("cold", "cached"))},
            "segmenters": per_seg,
            "machine_speedup_2proc": [round(x, 2) for x in probes],
            "goal": {
                "load_1proc_vs_jieba_alone >= 2.5": per_seg[default]["load_1proc_vs_jieba_alone"],
                "speedup_2proc >= 1.8": per_seg[default]["speedup_2proc"],
                "machine_speedup_2proc >= 1.9 (min of probes)": round(min(probes), 2),
            },
            "cached_vs_cold": round(med[f"load_1proc[{default}]"] / med["cached_reload"], 1),
            "init_s": {
                k: round(statistics.median(r["init_s"] for r in runs[k]), 2)
                for k in ["jieba_alone"] + [f"segmenter_alone[{x}]" for x in segs]
            },
            "peak_mb": {k: max(r["peak_mb"] for r in v) for k, v in runs.items()},
            "workers_peak_mb_2proc": {x: max(r["workers_peak_mb"] for r in runs[f"load_2proc[{x}]"]) for x in segs},
            "runs_s": {k: [round(r["s"], 2) for r in v] for k, v in runs.items()},
            "runs_cpu_s": {k: [round(r["cpu_s"], 2) for r in v] for k, v in runs.items()},
        }
        if stages is not None:
            out["stages"] = stages
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
