"""Shared fixtures. The test session writes figures and the site to a temporary folder, never to
the repository's figures/ (notebook runs under nbval inherit ANALYSIS_OUTPUT_DIR)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from analysis.loading.config import DATA_DIR, OUTPUT_ENV

SESSION_OUTPUT = Path(tempfile.mkdtemp(prefix="analysis-test-output-"))
os.environ.setdefault(OUTPUT_ENV, str(SESSION_OUTPUT))
os.environ.setdefault("PYTHONHASHSEED", "0")

RAW = DATA_DIR / "raw"
SEED_FILES = {
    "pingxiang_city_2022": "000_796734f808b55ccb.txt",
    "changsha_county_2022": "001_1a2db557b43a5ede.txt",
    "pingxiang_suburb_2020": "002_cca4f870a13f1f38.txt",
    "panjin_2023": "003_af7422f4b14b8af1.txt",
    "xinyang_2015": "004_e77f2d2c435428d4.txt",
}


@pytest.fixture(scope="session")
def corpus():
    """The bundled corpus, loaded once (from cache when unchanged)."""
    from analysis import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def cleaned():
    """``doc_id -> CleanResult`` for the bundled reports."""
    from analysis.loading.clean import clean_text

    return {d: clean_text((RAW / f).read_text(encoding="utf-8"), f) for d, f in SEED_FILES.items()}


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of data/ (raw/ and metadata.csv) to break or extend."""
    root = tmp_path / "corpus"
    (root / "raw").mkdir(parents=True)
    for p in RAW.iterdir():
        shutil.copyfile(p, root / "raw" / p.name)
    shutil.copyfile(DATA_DIR / "metadata.csv", root / "metadata.csv")
    return root


@pytest.fixture(scope="module")
def browser():
    """Headless chromium (installed by .ci/install-browser.sh if missing), driven by Playwright."""
    from playwright.sync_api import sync_playwright
    from site_helpers import launch

    with sync_playwright() as p:
        b = launch(p)
        try:
            yield b
        finally:
            b.close()


def find_sentence(corpus, quote: str, doc_id: str | None = None, *, regex: bool = False):
    """The one sentence of ``corpus`` (of report ``doc_id`` if given) that contains ``quote``
    (a regular expression if ``regex``), as a row of ``corpus.sentences``. Fails the test, naming
    the quote, when no sentence or more than one contains it."""
    s = corpus.sentences
    if doc_id is not None:
        s = s[s["doc_id"] == doc_id]
    rows = s[s["text"].str.contains(quote, regex=regex)]
    where = f" of {doc_id}" if doc_id else ""
    if len(rows) != 1:
        found = "; ".join(f"{d}#{i}" for d, i in zip(rows["doc_id"], rows["sent_id"]))
        pytest.fail(f"{quote!r} is quoted in {len(rows)} sentences{where}, not one" + (f" ({found})" if found else ""))
    return rows.iloc[0]


@pytest.fixture(scope="session")
def sentence():
    """``sentence(corpus, "quoted words", doc_id=None, regex=False) -> row``: the one sentence that
    quotes the words (see :func:`find_sentence`)."""
    return find_sentence


#: The development corpus, read from ../shared (never copied into the repository).
DEV = Path(__file__).resolve().parents[1].parent / "shared" / "corpus_dev"


def dev_copy(root: Path, names=None, sources: bool = False) -> Path:
    """A raw-only corpus folder at ``root`` with the dev reports ``names`` (file names, or a predicate
    on a file name; all when None) and, with ``sources``, their SOURCES.csv; skips the test when the
    development corpus is absent."""
    if not (DEV / "raw").is_dir():
        pytest.skip(f"development corpus not found at {DEV} (../shared/corpus_dev relative to the repository root)")
    (root / "raw").mkdir(parents=True, exist_ok=True)
    for f in sorted((DEV / "raw").glob("*.txt")):
        if names is None or (names(f.name) if callable(names) else f.name in names):
            shutil.copyfile(f, root / "raw" / f.name)
    if sources:
        shutil.copyfile(DEV / "SOURCES.csv", root / "SOURCES.csv")
    return root


def run_every_notebook(env: dict, folder: Path) -> list:
    """Execute every numbered notebook with ``env`` into ``folder``; fail on an error output.
    Returns ``[(executed path, notebook)]``."""
    import nbformat

    from analysis.report.build import execute_notebook, notebook_paths

    done = []
    for nb_path in notebook_paths():
        target = folder / nb_path.name
        execute_notebook(nb_path, env=env, output=target)
        nb = nbformat.read(target, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{nb_path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        done.append((target, nb))
    return done
