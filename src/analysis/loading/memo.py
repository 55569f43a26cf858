"""Measures computed once per corpus: memoised on the :class:`~analysis.loading.corpus.Corpus`.

A function decorated with :func:`memoised` and called with a corpus first stores its result on
that corpus, keyed by the function, its other arguments and the modification stamps of the
lexicon files it names; the next call with the same corpus and arguments (from a notebook, a
profile or a test) gets a copy of the stored table. Editing a named lexicon file makes the next
call compute afresh. ``corpus.computed`` counts how often each measure was actually computed.

On disk too: a corpus loaded with its cache has a ``memo_dir`` (``processed/cache/memo/<state>/``,
see :func:`analysis.loading.corpus.memo_folder`: keyed by the reports, the metadata, every lexicon
file, the package's code and the packages' versions). A computed result is also pickled there,
and a later process on the same corpus state (the next notebook's kernel, the next ``make all``)
reads it instead of computing it again; ``corpus.restored`` counts those reads. ``make all`` so
computes each measure once, not once per notebook. ``ANALYSIS_DISK_MEMO=0`` turns this off.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import json
import os
import pickle
from pathlib import Path

import pandas as pd


def _frozen(value):
    """A hashable stand-in for an argument (a dict or list such as a codebook by its JSON content),
    or raise TypeError (then the call is not memoised)."""
    if isinstance(value, tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, sort_keys=True, ensure_ascii=False)
        except (TypeError, ValueError):
            raise TypeError("not JSON") from None
        return ("json", hashlib.sha256(text.encode()).hexdigest())
    hash(value)
    return value


def memoised(*lexicon_files: str):
    """Decorator: memoise a measure whose first argument is a corpus (see the module docstring).

    Calls whose first argument is not a corpus (a sentences table, a text) or whose arguments are
    not hashable are computed as usual, not stored.
    """
    def decorate(fn):
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__qualname__}"
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(corpus, *args, **kwargs):
            memo = getattr(corpus, "memo", None)
            if memo is None:
                return fn(corpus, *args, **kwargs)
            try:
                # the arguments as bound, defaults filled in: f(c), f(c, None) and f(c, tokens=None) are one call
                bound = signature.bind(corpus, *args, **kwargs)
                bound.apply_defaults()
                given = tuple(bound.arguments.items())[1:]
                key = (name, _frozen(given), (), corpus.lexicon.stamp(lexicon_files))
            except TypeError:
                return fn(corpus, *args, **kwargs)
            if key not in memo:
                path = _disk_file(corpus, name, key)
                value = _read(path)
                if value is None:
                    value = fn(corpus, *args, **kwargs)
                    corpus.computed[name] += 1
                    _write(path, value)
                else:
                    value = value[0]
                    corpus.restored[name] += 1
                memo[key] = value
            return _copy(memo[key])

        wrapper.memoised_name = name
        return wrapper

    return decorate


def _disk_file(corpus, name: str, key: tuple) -> Path | None:
    """Where the result of ``key`` is kept on disk, or None (no memo folder, or an argument whose
    text is not stable across processes)."""
    folder = getattr(corpus, "memo_dir", None)
    if folder is None:
        return None
    text = repr(key[1:3])
    if " at 0x" in text:
        return None
    digest = hashlib.sha256(f"{name}\0{text}".encode()).hexdigest()[:24]
    return Path(folder) / f"{name}-{digest}.pkl"


def _read(path: Path | None):
    """``(value,)`` from a memo file, or None when there is none or it cannot be read."""
    if path is None or not path.is_file():
        return None
    try:
        with open(path, "rb") as f:
            return (pickle.load(f),)
    except Exception:  # a truncated or foreign file: compute again
        return None


def _write(path: Path | None, value) -> None:
    """Pickle ``value`` atomically; a value that cannot be pickled or a full disk costs only the memo."""
    if path is None:
        return
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except Exception:
        tmp.unlink(missing_ok=True)


def _copy(value):
    """A copy the caller may modify without changing the stored result."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return copy.deepcopy(value)
