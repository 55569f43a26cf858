"""A persistent cache of jionlp's results, by content, next to the corpus cache.

jionlp's time extractor is the slowest step of the temporal measures. Its result depends only on
the sentence, the time base and jionlp's own version, so each (sentence, base) pair is parsed once
and its result kept in ``<corpus>/processed/cache/_jionlp-<version>.pickle``: a dict from
``sha256(text + NUL + base)`` to the result, read once when a corpus's expressions are computed
and written back atomically (a temporary file renamed into place) when new sentences were parsed.
A second run, or a report whose sentences are unchanged, parses nothing. The cache never changes a
result: what it returns is what jionlp returned for exactly that text, base and version; a missing,
unreadable or foreign file is simply rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from datetime import date
from functools import lru_cache
from pathlib import Path

from analysis.loading.config import cache_dir

#: File-name prefix of the store (doc ids cannot start with ``_``, so it never meets a report's file).
STORE_PREFIX = "_jionlp-"


@lru_cache(maxsize=1)
def jionlp_version() -> str:
    """jionlp's installed version (without importing it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jionlp")
    except PackageNotFoundError:  # pragma: no cover - jionlp is a requirement
        return "unknown"


def store_path(root: Path) -> Path:
    """Where the store of the corpus at ``root`` lives (one file per jionlp version)."""
    return cache_dir(root) / f"{STORE_PREFIX}{jionlp_version()}.pickle"


def key(text: str, base: date) -> bytes:
    """The content key of one parse: sha256 of the sentence and the time base."""
    return hashlib.sha256(f"{text}\x00{base.isoformat()}".encode()).digest()


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except Exception:  # missing, truncated or foreign: start afresh
        return {}
    if not isinstance(data, dict) or data.get("version") != jionlp_version():
        return {}
    results = data.get("results")
    return results if isinstance(results, dict) else {}


def _write(path: Path, results: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump({"version": jionlp_version(), "results": results}, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:  # a full disk or a read-only folder costs the cache, not the run
        tmp.unlink(missing_ok=True)


class Store:
    """The results known for one corpus (``results``) and those parsed since it was read (``new``)."""

    def __init__(self, path: Path | None):
        self.path = path
        self.results: dict[bytes, tuple] = _read(path) if path is not None else {}
        self.new: dict[bytes, tuple] = {}

    def get(self, text: str, base: date):
        """The stored result for ``text`` against ``base``, or ``None``."""
        return self.results.get(key(text, base))

    def put(self, text: str, base: date, result: tuple) -> None:
        k = key(text, base)
        self.results[k] = result
        self.new[k] = result

    def save(self) -> None:
        """Write the store back if anything new was parsed (merged with what another run may have
        written meanwhile)."""
        if self.path is None or not self.new:
            return
        merged = _read(self.path)
        merged.update(self.results)
        _write(self.path, merged)
        self.new = {}


#: The store in use while a corpus's expressions are computed (None: in-process cache only).
_active: Store | None = None


def active() -> Store | None:
    """The store of the corpus being processed, if any."""
    return _active


@contextlib.contextmanager
def session(root: Path | None):
    """Use the store of the corpus at ``root`` inside the block, and save it at the end."""
    global _active
    previous = _active
    _active = Store(store_path(root) if root is not None else None)
    try:
        yield _active
        _active.save()
    finally:
        _active = previous
