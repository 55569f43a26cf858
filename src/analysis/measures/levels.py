"""Administrative levels: the ranking of ``admin_level`` (``admin_levels`` in codebook.yaml) and the
pairs of reports from one city at two levels."""

from __future__ import annotations

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon

CODEBOOK_FILE = "codebook.yaml"


def level_ranks(lexicon: Lexicon | None = None, codebook: dict | None = None) -> dict[str, int]:
    """``admin_level -> rank`` (1 = highest) from the codebook's ``admin_levels``."""
    book = codebook if codebook is not None else as_lexicon(lexicon).yaml(CODEBOOK_FILE)
    return {e["level"]: int(e["rank"]) for e in book["admin_levels"]}


def level_pairs(corpus: Corpus | pd.DataFrame, codebook: dict | None = None, limit: int | None = None) -> pd.DataFrame:
    """Reports of the same ``city`` at different administrative levels: ``city, higher, lower,
    higher_level, lower_level``, one row per pair (higher level first, corpus order).

    Levels are ranked by ``admin_levels`` in the codebook (1 = highest); an unranked level is skipped.
    ``corpus`` may also be a documents table (``doc_id, city, admin_level``). ``limit`` stops after that
    many pairs (the pairs grow with the square of a city's reports: :func:`count_level_pairs` counts them).
    """
    lexicon = None if isinstance(corpus, pd.DataFrame) else corpus.lexicon
    rank = level_ranks(lexicon, codebook)
    docs = corpus if isinstance(corpus, pd.DataFrame) else corpus.documents
    rows = []
    for city, g in docs.groupby("city", sort=False):
        recs = [r for r in g.to_dict("records") if r.get("admin_level") in rank]
        for i, a in enumerate(recs):
            for b in recs[i + 1:]:
                if rank[a["admin_level"]] == rank[b["admin_level"]]:
                    continue
                hi, lo = (a, b) if rank[a["admin_level"]] < rank[b["admin_level"]] else (b, a)
                rows.append({"city": city, "higher": hi["doc_id"], "lower": lo["doc_id"],
                             "higher_level": hi["admin_level"], "lower_level": lo["admin_level"]})
                if limit is not None and len(rows) >= limit:
                    return pd.DataFrame(rows, columns=["city", "higher", "lower", "higher_level", "lower_level"])
    return pd.DataFrame(rows, columns=["city", "higher", "lower", "higher_level", "lower_level"])


def count_level_pairs(corpus: Corpus | pd.DataFrame, codebook: dict | None = None) -> int:
    """How many pairs :func:`level_pairs` finds, counted without listing them: per city, the products
    of the numbers of reports at each two differently ranked levels."""
    lexicon = None if isinstance(corpus, pd.DataFrame) else corpus.lexicon
    rank = level_ranks(lexicon, codebook)
    docs = corpus if isinstance(corpus, pd.DataFrame) else corpus.documents
    ranked = docs[docs["admin_level"].isin(rank)]
    counts = ranked.assign(rank=ranked["admin_level"].map(rank)).groupby(["city", "rank"]).size()
    total = 0
    for _, c in counts.groupby(level="city"):
        n = c.to_numpy()
        total += int((n.sum() ** 2 - (n ** 2).sum()) // 2)
    return total
