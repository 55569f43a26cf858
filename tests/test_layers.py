"""The package's layers: the import contract holds and fails on an upward import; a measure is
computed once per corpus (notebook 04 top to bottom runs the temporal expressions once)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.loading.config import PROJ_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture()
def package_copy(tmp_path):
    shutil.copytree(PROJ_ROOT / "src" / "analysis", tmp_path / "src" / "analysis",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(PROJ_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_import_contract_holds(package_copy):
    result = _lint(package_copy / "src", package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(package_copy):
    chars = package_copy / "src" / "analysis" / "loading" / "chars.py"
    chars.write_text(chars.read_text(encoding="utf-8") + "\nfrom analysis.report import plotting  # noqa\n",
                     encoding="utf-8")
    result = _lint(package_copy / "src", package_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "analysis.loading.chars -> analysis.report.plotting" in result.stdout


def test_one_question_importing_another_breaks_independence(package_copy):
    themes = package_copy / "src" / "analysis" / "questions" / "themes.py"
    themes.write_text(themes.read_text(encoding="utf-8") + "\nfrom analysis.questions import rhetoric  # noqa\n",
                      encoding="utf-8")
    result = _lint(package_copy / "src", package_copy)
    assert result.returncode != 0 and "analysis.questions.themes -> analysis.questions.rhetoric" in result.stdout


def test_notebook_04_computes_temporal_expressions_once(corpus):
    """Run the code cells of notebook 04 in order on a fresh corpus object: six tables use the
    temporal expressions, and they are computed once."""
    import dataclasses

    fresh = dataclasses.replace(corpus, memo={}, computed=type(corpus.computed)(), memo_dir=None)
    cells = json.loads((PROJ_ROOT / "notebooks" / "04_timelines.ipynb").read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    ns = {"display": lambda *a, **k: None, "__fresh__": fresh}
    exec(code[0], ns)                                  # the parameters cell
    assert "corpus = load_corpus(CORPUS)" in code[1]
    exec(code[1].replace("corpus = load_corpus(CORPUS)", "corpus = __fresh__"), ns)
    for source in code[2:]:
        exec(source, ns)
    assert ns["corpus"] is fresh
    assert fresh.computed["temporal.all_expressions"] == 1
    assert sum(fresh.computed.values()) == len(fresh.computed)   # every memoised measure once


def test_every_error_class_of_the_package_derives_from_analysis_error():
    import importlib
    import inspect
    import pkgutil

    import analysis
    from analysis.loading.errors import AnalysisError

    found = {}
    for info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    assert {"analysis.loading.errors.CorpusError", "analysis.loading.lexicon.LexiconError"} <= set(found)
    stray = [n for n, cls in found.items() if not issubclass(cls, AnalysisError)]
    assert not stray, f"error classes outside the AnalysisError family: {stray}"
