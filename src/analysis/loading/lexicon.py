"""The lexicon folder (``data/lexicon/`` by default) and the one way to read its files.

Every research choice the code reads (rules, word lists, codebook, thresholds) is a file of this
folder. :class:`Lexicon` carries the folder, so a function that has a corpus has its lexicon
(``corpus.lexicon``) and cannot drop it; every file is read through :func:`read_yaml`,
:func:`read_csv` or :func:`read_lines`, which share one caching rule: a file is parsed once and
re-read when its modification time or size changes.
"""

from __future__ import annotations

import csv
import hashlib
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.loading.config import LEXICON_DIR
from analysis.loading.errors import AnalysisError


class LexiconError(AnalysisError):
    """A lexicon file is missing or malformed (names the file and the problem)."""


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise LexiconError(path, "lexicon file not found") from None
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=64)
def _yaml(path: Path, stamp: tuple[int, int]):
    with open(path, encoding="utf-8") as f:
        try:
            return yaml.safe_load(f)
        except yaml.YAMLError as e:
            raise LexiconError(path, f"not valid YAML: {e}") from None


def read_yaml(path: Path):
    """A parsed YAML file (cached; re-read when the file changes). Callers must not modify it."""
    path = Path(path)
    return _yaml(path, _stamp(path))


@lru_cache(maxsize=64)
def _rows(path: Path, stamp: tuple[int, int]) -> tuple[dict, ...]:
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return tuple(dict(r) for r in csv.DictReader(lines))


def read_csv(path: Path) -> list[dict]:
    """Rows of a CSV file as dicts of strings (lines starting with ``#`` are comments); cached like
    :func:`read_yaml`, returned as fresh dicts."""
    path = Path(path)
    return [dict(r) for r in _rows(path, _stamp(path))]


@lru_cache(maxsize=64)
def _lines(path: Path, stamp: tuple[int, int]) -> tuple[str, ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(line.rstrip("\n") for line in f)


def read_lines(path: Path) -> tuple[str, ...]:
    """The lines of a text file (without line ends); cached like :func:`read_yaml`."""
    path = Path(path)
    return _lines(path, _stamp(path))


class Lexicon:
    """A lexicon folder. ``Lexicon()`` is the project's ``data/lexicon/``; ``Lexicon(path)`` another.

    ``lexicon.yaml("directives.yaml")`` parses a file, ``lexicon.path(name)`` locates it, and
    ``lexicon.stamp(names)`` / ``lexicon.fingerprint(names)`` identify the contents a result was
    computed from (for memoised measures and caches).
    """

    __slots__ = ("root",)

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root).resolve() if root is not None else LEXICON_DIR

    def __repr__(self) -> str:
        return f"Lexicon('{self.root}')"

    def __eq__(self, other) -> bool:
        return isinstance(other, Lexicon) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __reduce__(self):
        return (Lexicon, (str(self.root),))

    def path(self, name: str) -> Path:
        """The path of one file of the folder."""
        return self.root / name

    def yaml(self, name: str):
        """One YAML file, parsed (see :func:`read_yaml`)."""
        return read_yaml(self.path(name))

    def csv(self, name: str) -> list[dict]:
        """One CSV file as rows (see :func:`read_csv`)."""
        return read_csv(self.path(name))

    def lines(self, name: str) -> tuple[str, ...]:
        """One text file's lines (see :func:`read_lines`)."""
        return read_lines(self.path(name))

    def stamp(self, names: tuple[str, ...]) -> tuple:
        """Modification time and size of each named file: cheap, changes when a file is edited."""
        return tuple((n, *_stamp(self.path(n))) for n in names)

    def fingerprint(self, names: tuple[str, ...]) -> str:
        """SHA-256 of the named files' names and contents (for cache keys that outlive a process)."""
        h = hashlib.sha256()
        for n in sorted(names):
            h.update(n.encode())
            h.update(self.path(n).read_bytes())
        return h.hexdigest()


def as_lexicon(value: Lexicon | str | Path | None) -> Lexicon:
    """A :class:`Lexicon` from a Lexicon, a folder path or ``None`` (the project's folder)."""
    return value if isinstance(value, Lexicon) else Lexicon(value)
