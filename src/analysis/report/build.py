"""The main job: rebuild processed data, execute every notebook in place, export the HTML site.

``python -m analysis build`` (``make all``). Notebooks run in reading order in a fresh kernel each,
with their outputs stored back into the ``.ipynb`` files (that is what nbval later compares).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import nbformat

from analysis.loading.config import (
    CORPUS_ENV,
    DATA_DIR,
    NOTEBOOKS_DIR,
    OUTPUT_ENV,
    PROJ_ROOT,
    corpus_dir,
    output_dir,
    processed_dir,
)
from analysis.loading.corpus import load_corpus
from analysis.report.site import export_site

#: Environment for notebook kernels: fixed hash seed, no user site, quiet jieba.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "PYTHONNOUSERSITE": "1"}
TIMEOUT = 900


def notebook_paths(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Notebooks in reading order (``01_…``, ``02_…``)."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def write_processed(corpus, tidy: bool = True) -> list[Path]:
    """Write the cleaned corpus as readable tables under ``<corpus>/processed/``, and (``tidy``) the
    tidy tables of every analysis with their data dictionary under ``processed/tables/``
    (:func:`analysis.report.export.export`)."""
    out = processed_dir(corpus.root)
    (out / "cleaned").mkdir(parents=True, exist_ok=True)
    written = []
    docs = corpus.documents.drop(columns=["text"])
    written.append(out / "documents.csv")
    docs.to_csv(written[-1], index=False, lineterminator="\n")
    written.append(out / "sentences.csv")
    corpus.sentences.to_csv(written[-1], index=False, lineterminator="\n")
    written.append(out / "tokens.csv")
    corpus.tokens.to_csv(written[-1], index=False, lineterminator="\n")
    written.append(out / "audit.json")
    written[-1].write_text(json.dumps(corpus.audits, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for row in corpus.documents.itertuples():
        p = out / "cleaned" / f"{row.doc_id}.txt"
        p.write_text((row.title + "\n\n" if row.title else "") + row.text + "\n", encoding="utf-8")
        written.append(p)
    if tidy:
        from analysis.report.export import export

        written += export(corpus)
    return written


def execute_notebook(path: Path, timeout: int = TIMEOUT, env: dict | None = None, output: Path | None = None) -> float:
    """Run one notebook top to bottom in a fresh kernel; store its outputs in ``output`` (default: in place).

    ``env`` adds environment variables for the kernel (e.g. ``ANALYSIS_CORPUS_DIR``). Returns seconds.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    extra = {**KERNEL_ENV, **(env or {})}
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, output or path)
    return time.perf_counter() - start


def stale_figures(committed: Path, regenerated: Path) -> list[str]:
    """Differences between committed figure files and freshly regenerated ones (empty if fresh)."""
    names = {p.name for p in committed.glob("*") if p.is_file()}
    fresh = {p.name for p in regenerated.glob("*") if p.is_file()}
    problems = [f"{n}: committed but no notebook makes it any more" for n in sorted(names - fresh)]
    problems += [f"{n}: made by a notebook but not committed" for n in sorted(fresh - names)]
    problems += [f"{n}: committed file differs from the regenerated one (stale; run `make all`)"
                 for n in sorted(names & fresh) if (committed / n).read_bytes() != (regenerated / n).read_bytes()]
    return problems


def executed_notebook_dir() -> Path | None:
    """Where executed notebooks go: ``None`` (in place, the stored notebooks) for the bundled corpus
    and the project's own output folder; ``<output>/notebooks/`` when ``ANALYSIS_CORPUS_DIR`` or
    ``ANALYSIS_OUTPUT_DIR`` points elsewhere, so a run on another corpus never overwrites the
    stored notebooks."""
    if corpus_dir() == DATA_DIR and output_dir() == PROJ_ROOT:
        return None
    return output_dir() / "notebooks"


def build(notebooks: list[Path] | None = None, site: bool = True) -> None:
    """Processed data, then every notebook, then the site (all for the corpus in force)."""
    t0 = time.perf_counter()
    corpus = load_corpus()
    written = write_processed(corpus)
    print(f"processed data: {len(written)} files in {processed_dir(corpus.root)} ({time.perf_counter() - t0:.1f}s)")
    target = executed_notebook_dir()
    if target:
        target.mkdir(parents=True, exist_ok=True)
    executed = []
    for path in notebooks or notebook_paths():
        out = target / path.name if target else path
        secs = execute_notebook(path, env={CORPUS_ENV: str(corpus.root), OUTPUT_ENV: str(output_dir())}, output=out)
        executed.append(out)
        print(f"executed {path.name} -> {out} ({secs:.1f}s)")
    if site:
        index = export_site(executed, corpus=corpus)
        print(f"site: {index}")
    print(f"done in {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":  # pragma: no cover
    build([Path(p) for p in sys.argv[1:]] or None)
