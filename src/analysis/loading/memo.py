"""Measures computed once per corpus: memoised on the :class:`~analysis.loading.corpus.Corpus`.

A function decorated with :func:`memoised` and called with a corpus first stores its result on
that corpus, keyed by the function, its other arguments and the modification stamps of the
lexicon files it names; the next call with the same corpus and arguments (from a notebook, a
profile or a test) gets a copy of the stored table. Editing a named lexicon file makes the next
call compute afresh. ``corpus.computed`` counts how often each measure was actually computed.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json

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

        @functools.wraps(fn)
        def wrapper(corpus, *args, **kwargs):
            memo = getattr(corpus, "memo", None)
            if memo is None:
                return fn(corpus, *args, **kwargs)
            try:
                key = (name, _frozen(args), _frozen(tuple(sorted(kwargs.items()))),
                       corpus.lexicon.stamp(lexicon_files))
            except TypeError:
                return fn(corpus, *args, **kwargs)
            if key not in memo:
                memo[key] = fn(corpus, *args, **kwargs)
                corpus.computed[name] += 1
            return _copy(memo[key])

        wrapper.memoised_name = name
        return wrapper

    return decorate


def _copy(value):
    """A copy the caller may modify without changing the stored result."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return copy.deepcopy(value)
