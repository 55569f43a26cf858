"""Project paths, in one place, so no notebook or module writes `../data/...`.

The corpus folder can be switched for a whole run with the environment variable
``ANALYSIS_CORPUS_DIR`` (a folder with ``raw/`` and ``metadata.csv``, laid out like ``data/``);
figures and the HTML site follow it with ``ANALYSIS_OUTPUT_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[3]
DATA_DIR = PROJ_ROOT / "data"
LEXICON_DIR = DATA_DIR / "lexicon"
ANNOTATIONS_DIR = DATA_DIR / "annotations"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"

#: Name of the environment variable that points the notebooks at another corpus folder.
CORPUS_ENV = "ANALYSIS_CORPUS_DIR"
#: Name of the environment variable that redirects figures/ and site/ (used with CORPUS_ENV).
OUTPUT_ENV = "ANALYSIS_OUTPUT_DIR"


def corpus_dir() -> Path:
    """The corpus folder in force: ``$ANALYSIS_CORPUS_DIR`` if set, else the bundled ``data/``."""
    override = os.environ.get(CORPUS_ENV)
    return Path(override).resolve() if override else DATA_DIR


def output_dir() -> Path:
    """Where figures/ and site/ go: ``$ANALYSIS_OUTPUT_DIR`` if set; else ``<corpus>/output`` when
    ``$ANALYSIS_CORPUS_DIR`` points at another corpus (its figures never replace the committed
    ones); else the project root."""
    override = os.environ.get(OUTPUT_ENV)
    if override:
        return Path(override).resolve()
    return PROJ_ROOT if corpus_dir() == DATA_DIR else corpus_dir() / "output"


def figures_dir() -> Path:
    """The folder figures are saved to."""
    return output_dir() / "figures"


def site_dir() -> Path:
    """The folder the HTML site is exported to."""
    return output_dir() / "site"


def processed_dir(corpus: Path | None = None) -> Path:
    """Generated tables for a corpus folder (``<corpus>/processed``)."""
    return (corpus or corpus_dir()) / "processed"


def cache_dir(corpus: Path | None = None) -> Path:
    """Per-document cache of cleaned and tokenized reports (never committed)."""
    return processed_dir(corpus) / "cache"
