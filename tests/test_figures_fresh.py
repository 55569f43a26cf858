"""Every committed figure is what the notebooks make from the raw data today; a stale one fails."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import SEED_FILES

from analysis.loading.config import CORPUS_ENV, OUTPUT_ENV, PROJ_ROOT
from analysis.report.build import execute_notebook, notebook_paths, stale_figures

COMMITTED = PROJ_ROOT / "figures"


def _regenerate(out_dir, tmp_path, env=None, notebooks=None):
    for nb in notebooks or notebook_paths():
        execute_notebook(nb, env={OUTPUT_ENV: str(out_dir), **(env or {})}, output=tmp_path / nb.name)
    return out_dir / "figures"


@pytest.mark.slow
def test_committed_figures_are_fresh(tmp_path):
    # nbval (run first, see pyproject testpaths) already wrote every figure to the session output folder
    session_figures = os.environ[OUTPUT_ENV] + "/figures"
    regenerated = tmp_path / "out" / "figures"
    if os.path.isdir(session_figures) and len(os.listdir(session_figures)) == len(list(COMMITTED.glob("*"))):
        shutil.copytree(session_figures, regenerated)
    else:
        regenerated = _regenerate(tmp_path / "out", tmp_path)
    assert stale_figures(COMMITTED, regenerated) == []


@pytest.mark.slow
def test_a_changed_input_makes_a_committed_figure_stale(corpus_copy, tmp_path):
    raw = corpus_copy / "raw" / SEED_FILES["panjin_2023"]
    raw.write_bytes(raw.read_bytes() + "\n會議強調，要把創建工作抓實抓細抓長。".encode())
    first = notebook_paths()[:1]
    regenerated = _regenerate(tmp_path / "out", tmp_path, env={CORPUS_ENV: str(corpus_copy)}, notebooks=first)
    problems = stale_figures(COMMITTED, regenerated)
    assert any(p.startswith("01_corpus_size.png: committed file differs") for p in problems)
    assert any(p.startswith("01_corpus_size.csv: committed file differs") for p in problems)


def test_a_run_on_another_corpus_never_overwrites_the_stored_notebooks(monkeypatch, tmp_path):
    from analysis.report.build import executed_notebook_dir

    monkeypatch.delenv(OUTPUT_ENV, raising=False)
    monkeypatch.delenv(CORPUS_ENV, raising=False)
    assert executed_notebook_dir() is None  # the bundled corpus: notebooks are executed in place
    monkeypatch.setenv(CORPUS_ENV, str(tmp_path / "corpus"))  # another corpus, no output folder given
    assert executed_notebook_dir() == tmp_path / "corpus" / "output" / "notebooks"
    monkeypatch.setenv(OUTPUT_ENV, str(tmp_path / "out"))
    assert executed_notebook_dir() == tmp_path / "out" / "notebooks"
