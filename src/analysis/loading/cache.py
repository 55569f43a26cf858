"""The corpus cache on disk: one pickle per processed report and one for the assembled corpus,
written atomically under ``<corpus>/processed/cache/``; a missing or unreadable file is rebuilt."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from analysis.loading.config import cache_dir


def _fingerprint_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _doc_cache_file(cache: Path, doc_id: str, key: str) -> Path:
    return cache / f"{doc_id}-{key}.pkl"


def _write_pickle(path: Path, obj) -> None:
    """Write atomically (a temporary file renamed into place), so readers never see half a file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:  # a full disk or read-only folder costs the cache, not the load
        tmp.unlink(missing_ok=True)


def _read_pickle(path: Path):
    """A cached object, or None if it is missing or unreadable (then it is rebuilt)."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: rebuild rather than fail
        return None


def _writable_cache(root: Path) -> Path | None:
    cache = cache_dir(root)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        return cache if os.access(cache, os.W_OK) else None
    except OSError:
        return None


#: File-name prefix of the assembled-corpus cache (doc ids cannot start with ``_``).
CORPUS_CACHE_PREFIX = "_corpus-"
