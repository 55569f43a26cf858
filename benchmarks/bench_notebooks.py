"""Benchmark the whole ``make all`` (``python -m analysis build``) on synthetic corpora of growing size.

    python benchmarks/bench_notebooks.py [--sizes 100 1000] [--seed 0] [--warm] [--timeout 3600] [--keep DIR]
                                         [--profile N]

For each size N, builds N synthetic reports with :func:`bench_load.build_corpus` (the same corpus
as the load benchmark: sentences of a bundled report shuffled, mixed scripts and encodings), then
runs ``python -m analysis build`` in a fresh process with ``ANALYSIS_CORPUS_DIR`` pointing at it and
``ANALYSIS_OUTPUT_DIR`` at a temporary folder (the stored notebooks and figures are never touched).
The first run is cold (no ``processed/`` folder: the corpus is loaded, tokenized, its temporal
expressions parsed by jionlp and every cache written); ``--warm`` adds a second run on the same
corpus, which reuses the corpus cache and the persistent jionlp cache.

What it prints (one JSON object; one entry of ``runs`` per size and run):

* ``make_all_s``: wall seconds of the whole build (load, processed tables, every notebook, site);
* ``load_s``: the build's own load and processed tables (the ``processed data`` line it prints);
* ``notebooks_s``: seconds of each notebook, as the build reports them (``executed … (Ns)``);
* ``site_s``: the HTML export;
* ``ok``: every notebook ran; a notebook that fails or passes ``--notebook-timeout`` (default 900 s,
  the build's own limit) is listed under ``error`` and the next one still runs (``make all`` itself
  would stop there), so ``make_all_s`` is then a lower bound;
* ``peak_mb``: peak resident memory of the build process (VmHWM) and of its largest kernel
  (``ru_maxrss`` of its children: each notebook runs in its own kernel process);
* ``largest_figure``: the PNG with the most pixels (name, width × height, bytes) and the largest
  figure file in bytes; ``largest_notebook``: the executed notebook with the most bytes;
* ``goals``: ``make all`` on 1,000 reports under 300 s, on 10,000 under 1,800 s, peak memory under
  4,096 MB (whether met, for the sizes run).

``--profile N`` adds ``profile``: where the time goes on N reports (the corpus built and loaded
once first, so its cache is warm; the jionlp store is emptied before each notebook, so temporal
parsing is paid as on a first run). Each notebook's code cells run in a fresh process in an
IPython shell under cProfile, with the Agg backend (figures are drawn and saved as in the build;
tables are formatted as text, not HTML): ``cells_s`` are the slowest cells (seconds, first line)
and ``functions_cumulative_s`` the project functions (``analysis.*``) with the most cumulative time
(nested calls overlap, so they do not add up). A notebook stopped by ``--notebook-timeout`` keeps
what it measured and says in ``stopped_in`` which cell it was in.

The machine may be shared (``load_average_1min`` is printed with each run): timings are noisy.
Not a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: Goals from issue 15 (seconds of ``make all`` per size; peak memory in MB).
GOAL_SECONDS = {1000: 300, 10_000: 1800}
GOAL_PEAK_MB = 4096


def _child_build(notebook_timeout: float) -> dict:
    """``make all`` in this (fresh) process, step by step as ``analysis.report.build.build`` does it
    (load and processed tables, each notebook in its own kernel, the site), except that a notebook
    that fails or passes ``notebook_timeout`` is recorded and the next one still runs. Prints one
    line per step; returns the peak memory of this process and of its kernels."""
    import resource

    from analysis.loading.config import CORPUS_ENV, OUTPUT_ENV, output_dir, processed_dir
    from analysis.loading.corpus import load_corpus
    from analysis.report.build import execute_notebook, executed_notebook_dir, notebook_paths, write_processed
    from analysis.report.site import export_site

    t0 = time.perf_counter()
    corpus = load_corpus()
    written = write_processed(corpus)
    print(f"processed data: {len(written)} files in {processed_dir(corpus.root)} ({time.perf_counter() - t0:.1f}s)",
          flush=True)
    target = executed_notebook_dir()
    target.mkdir(parents=True, exist_ok=True)
    executed, failed = [], {}
    for path in notebook_paths():
        t = time.perf_counter()
        try:
            secs = execute_notebook(path, timeout=int(notebook_timeout), output=target / path.name,
                                    env={CORPUS_ENV: str(corpus.root), OUTPUT_ENV: str(output_dir())})
        except Exception as e:  # a cell error or a timeout: record it, go on with the next notebook
            failed[path.name] = f"{type(e).__name__} after {time.perf_counter() - t:.0f}s"
            print(f"failed {path.name} ({time.perf_counter() - t:.1f}s)", flush=True)
            continue
        executed.append(target / path.name)
        print(f"executed {path.name} -> {target / path.name} ({secs:.1f}s)", flush=True)
    t = time.perf_counter()
    export_site(executed, corpus=corpus)
    print(f"site ({time.perf_counter() - t:.1f}s)", flush=True)
    print(f"done in {time.perf_counter() - t0:.1f}s", flush=True)
    hwm = next(
        int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")
    )
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"peak_mb": {"build_process": round(hwm / 1024), "largest_kernel": round(kids.ru_maxrss / 1024)},
            "failed": failed}


def _child_profile(notebook: Path, result: Path, top: int) -> None:
    """Run one notebook's code cells under cProfile in this process; write the slowest cells and
    project functions to ``result`` (JSON; stdout is the notebook's own output)."""
    import cProfile
    import pstats

    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    os.environ["MPLBACKEND"] = "Agg"
    nb = nbformat.read(notebook, as_version=4)
    os.chdir(notebook.parent)
    shell = InteractiveShell.instance()
    prof = cProfile.Profile()
    cells, errors = [], []
    start = time.perf_counter()

    def write(running: str | None) -> None:
        """The result so far (written after every cell, so a notebook stopped by the timeout still
        says which cells ran and which one it was stuck in)."""
        cum: dict[str, float] = {}
        for (file, _, func), (_, _, _, ct, _) in pstats.Stats(prof).stats.items():
            if "/analysis/" in file and not func.startswith("<"):
                name = "analysis." + file.split("/analysis/", 1)[1].removesuffix(".py").replace("/", ".") + "." + func
                cum[name] = max(cum.get(name, 0.0), ct)
        out = {
            "total_s": round(time.perf_counter() - start, 1),
            "cells_s": sorted(cells, key=lambda c: -c["s"])[:top],
            "functions_cumulative_s": {k: round(v, 2) for k, v in sorted(cum.items(), key=lambda kv: -kv[1])[:top]},
            "errors": errors,
        }
        if running:
            out["stopped_in"] = running
        result.write_text(json.dumps(out, ensure_ascii=False))

    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
        if i:
            write(f"cell {i}: {first[:90]}")
        t = time.perf_counter()
        prof.enable()
        res = shell.run_cell(cell.source, silent=False)
        prof.disable()
        cells.append({"cell": i, "s": round(time.perf_counter() - t, 2), "code": first[:90]})
        if not res.success:
            errors.append(f"cell {i}: {res.error_in_exec or res.error_before_exec!r}"[:300])
    write(None)


def profile_notebooks(root: Path, top: int = 10, timeout: float = 900) -> dict:
    """Profile each notebook on the corpus at ``root`` (see ``--profile``), each in a fresh process."""
    from analysis import load_corpus
    from analysis.loading.config import cache_dir
    from analysis.report.build import notebook_paths

    t = time.perf_counter()
    load_corpus(root, progress=False)  # builds the corpus cache if needed
    out: dict = {"reports": len(list((root / "raw").iterdir())), "load_s": round(time.perf_counter() - t, 1)}
    env = dict(os.environ)
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    env.update({"ANALYSIS_CORPUS_DIR": str(root), "ANALYSIS_OUTPUT_DIR": str(tmp), "PYTHONHASHSEED": "0",
                "MPLBACKEND": "Agg"})
    try:
        for nb in notebook_paths():
            for store in cache_dir(root).glob("_jionlp-*"):
                store.unlink()
            result = tmp / f"{nb.stem}.json"
            args = [sys.executable, __file__, "--child-profile", str(nb), "--result", str(result), "--top", str(top)]
            try:
                r = subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=timeout)
                err = r.stderr[-2000:]
            except subprocess.TimeoutExpired:
                err = f"stopped after {timeout:.0f}s"
            out[nb.name] = json.loads(result.read_text()) if result.is_file() else {"error": err}
            if "stopped_in" in out[nb.name]:
                out[nb.name]["stopped_in"] += f" ({err})"
            print(f"profiled {nb.name}: {out[nb.name].get('total_s')}s", file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no image library needed)."""
    with open(path, "rb") as f:
        head = f.read(24)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _outputs(out: Path) -> dict:
    """The largest figure (by pixels and by bytes) and the largest executed notebook."""
    figs = sorted((out / "figures").glob("*")) if (out / "figures").is_dir() else []
    pngs = [(p, *_png_size(p)) for p in figs if p.suffix == ".png"]
    res: dict = {"figures": len(figs)}
    if pngs:
        p, w, h = max(pngs, key=lambda x: (x[1] * x[2], x[0].name))
        res["largest_figure"] = {"name": p.name, "width_px": w, "height_px": h, "bytes": p.stat().st_size}
    if figs:
        big = max(figs, key=lambda p: (p.stat().st_size, p.name))
        res["largest_figure_file"] = {"name": big.name, "bytes": big.stat().st_size}
    nbs = sorted((out / "notebooks").glob("*.ipynb")) if (out / "notebooks").is_dir() else []
    if nbs:
        big = max(nbs, key=lambda p: (p.stat().st_size, p.name))
        res["largest_notebook"] = {"name": big.name, "bytes": big.stat().st_size}
        res["notebook_bytes"] = {p.name: p.stat().st_size for p in nbs}
    return res


def run_build(root: Path, out: Path, timeout: float, notebook_timeout: float) -> dict:
    """One ``make all`` on the corpus at ``root`` (a fresh process); seconds, memory and outputs."""
    env = dict(os.environ)
    env.update({"ANALYSIS_CORPUS_DIR": str(root), "ANALYSIS_OUTPUT_DIR": str(out), "PYTHONHASHSEED": "0"})
    load = os.getloadavg()[0]
    t = time.perf_counter()
    try:
        r = subprocess.run(
            [sys.executable, __file__, "--child", "--notebook-timeout", str(notebook_timeout)],
            env=env, capture_output=True, text=True, timeout=timeout, check=False,
        )
        stdout, stderr, code = r.stdout, r.stderr, r.returncode
    except subprocess.TimeoutExpired as e:
        stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr, code = f"timed out after {timeout:.0f}s", None
    wall = time.perf_counter() - t
    nbs = {m[1]: float(m[2]) for m in re.finditer(r"^executed (\S+) -> .* \(([\d.]+)s\)$", stdout, re.M)}
    nbs.update({m[1]: f"failed after {m[2]}s" for m in re.finditer(r"^failed (\S+) \(([\d.]+)s\)$", stdout, re.M)})
    loaded = re.search(r"^processed data: .*\(([\d.]+)s\)$", stdout, re.M)
    site = re.search(r"^site \(([\d.]+)s\)$", stdout, re.M)
    res = {
        "ok": False,
        "make_all_s": round(wall, 1),
        "load_s": float(loaded[1]) if loaded else None,
        "notebooks_s": nbs,
        "site_s": float(site[1]) if site else None,
        "load_average_1min": round(load, 2),
    }
    if code == 0:
        child = json.loads(stdout.strip().splitlines()[-1])
        res["peak_mb"] = child["peak_mb"]
        res["ok"] = not child["failed"]
        if child["failed"]:
            res["error"] = child["failed"]
    else:
        res["error"] = stderr.strip().splitlines()[-5:] if stderr else "failed"
    res.update(_outputs(out))
    return res


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000], help="reports per corpus (10000 opt-in)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--warm", action="store_true", help="also time a second build on the same corpus (caches warm)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a build is stopped")
    parser.add_argument("--keep", type=Path, default=None, help="keep the corpora and outputs under this folder")
    parser.add_argument("--profile", type=int, default=None, metavar="N",
                        help="also profile each notebook on N reports (cProfile; see above)")
    parser.add_argument("--notebook-timeout", type=float, default=900,
                        help="seconds before one notebook is stopped (and the next one run); the build's own is 900")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--top", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child_build(args.notebook_timeout)))
        return {}
    if args.child_profile:
        _child_profile(args.child_profile, args.result, args.top)
        return {}

    from bench_load import build_corpus

    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-notebooks-"))
    runs = []
    try:
        for n in args.sizes:
            root = base / f"corpus-{n}"
            if not (root / "metadata.csv").is_file():
                t = time.perf_counter()
                build_corpus(root, n, args.seed)
                print(f"built {n} reports in {time.perf_counter() - t:.0f}s", file=sys.stderr)
            for kind in ("cold", "warm") if args.warm else ("cold",):
                if kind == "cold":
                    shutil.rmtree(root / "processed", ignore_errors=True)
                out = base / f"output-{n}-{kind}"
                shutil.rmtree(out, ignore_errors=True)
                res = {"reports": n, "run": kind, **run_build(root, out, args.timeout, args.notebook_timeout)}
                print(json.dumps(res), file=sys.stderr)
                runs.append(res)
        profile = None
        if args.profile:
            root = base / f"corpus-{args.profile}"
            if not (root / "metadata.csv").is_file():
                build_corpus(root, args.profile, args.seed)
            profile = profile_notebooks(root, timeout=args.notebook_timeout)
        peaks = [max(r["peak_mb"].values()) for r in runs if "peak_mb" in r]
        goals = {}
        for n, limit in GOAL_SECONDS.items():
            cold = [r for r in runs if r["reports"] == n and r["run"] == "cold"]
            if cold:
                goals[f"make_all on {n} reports < {limit}s"] = cold[0]["ok"] and cold[0]["make_all_s"] < limit
        if peaks:
            goals[f"peak memory < {GOAL_PEAK_MB} MB"] = max(peaks) < GOAL_PEAK_MB
        out = {
            "date": time.strftime("%Y-%m-%d"),
            "cpu_count": os.cpu_count(),
            "seed": args.seed,
            "runs": runs,
            "goals": goals,
        }
        if profile is not None:
            out["profile"] = profile
        print(json.dumps(out, indent=1))
        return out
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
