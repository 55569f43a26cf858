"""Stored notebooks are clean, numbered, self-contained and free of machine debris."""

from __future__ import annotations

import json

import nbformat
import pytest

from analysis.loading.config import PROJ_ROOT
from analysis.report.build import notebook_paths

NOTEBOOKS = notebook_paths()


def test_notebooks_are_numbered_in_reading_order():
    assert NOTEBOOKS and [p.name[:3] for p in NOTEBOOKS] == [f"{i:02d}_" for i in range(1, len(NOTEBOOKS) + 1)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), "run top to bottom in one fresh kernel"
    for c in code:
        for o in c.outputs:
            assert o.output_type != "error"
            assert not (o.output_type == "stream" and o.name == "stderr"), o.text
    raw = json.dumps(nb.dict(), ensure_ascii=False)
    assert "Loading model cost" not in raw and str(PROJ_ROOT) not in raw and "/home/" not in raw


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_notebook_starts_from_load_corpus_and_names_its_figure(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    # the parameters cell (papermill convention) comes first, then the cell that loads the corpus
    assert "parameters" in code[0].metadata.get("tags", []) and "GROUP_BY = None" in code[0].source
    assert "load_corpus(CORPUS)" in code[1].source and "choose_view(corpus, GROUP_BY, MAX_PANELS)" in code[1].source
    meta = nb.metadata["analysis"]
    assert meta["summary"] and (PROJ_ROOT / "figures" / f"{meta['key_figure']}.png").is_file()
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert any(meta["key_figure"] in c.source for c in nb.cells if c.cell_type == "markdown")


def test_no_internal_planning_language_in_the_notebooks():
    """The notebooks speak to a reader, not to the project's issue tracker."""
    import json
    import re

    from analysis.loading.config import NOTEBOOKS_DIR

    pattern = re.compile(r"\bissue \d+|named in issue|when this notebook was planned|the twelve named", re.I)
    found = []
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            text = "".join(cell["source"]) + json.dumps(cell.get("outputs", []), ensure_ascii=False)
            found += [f"{path.name} cell {i}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, found
