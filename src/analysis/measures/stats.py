"""Small statistics shared by the measures: one implementation each, used everywhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.loading.chars import HAN
from analysis.loading.corpus import Corpus
from analysis.loading.lexicon import Lexicon, as_lexicon

#: The lexicon file with the confidence level, bootstrap size and seed.
STATISTICS_FILE = "statistics.yaml"


def setting(name: str, lexicon: Lexicon | None = None):
    """One value of statistics.yaml's ``statistics`` section (``confidence_level``, ``n_boot``, ``seed``)."""
    return as_lexicon(lexicon).yaml(STATISTICS_FILE)["statistics"][name]["value"]


def wilson_interval(k, n, level: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportions ``k/n`` (vectorised; clipped to [0, 1], exactly 0 for ``k == 0`` and 1 for ``k == n``; ``nan``
    where ``n == 0``). Scalars in, 0-d arrays out: wrap in ``float`` for a single interval. ``level``
    defaults to statistics.yaml's ``confidence_level``."""
    level = setting("confidence_level") if level is None else level
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    # exact at the edges (floating point leaves ~1e-17 where the bound is 0 or 1)
    lo = np.where(k == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where((k == n) & (n > 0), 1.0, np.clip(centre + half, 0.0, 1.0))
    return np.where(n > 0, lo, np.nan), np.where(n > 0, hi, np.nan)


def bootstrap_rate(corpus: Corpus, hits: pd.DataFrame, n_boot: int | None = None, seed: int | None = None,
                   level: float | None = None) -> pd.DataFrame:
    """Rate per 1,000 Han characters with a bootstrap interval, resampling sentences per report.

    ``hits`` has one row per occurrence with ``doc_id, sent_id`` (e.g. :func:`directive_markers`, or
    a category of :func:`register_hits`). Each replicate draws a report's sentences with replacement
    (``numpy.random.default_rng(seed)``, reports in corpus order) and divides the hits in the drawn
    sentences by their Han characters. Returns ``doc_id, count, n_chars, rate_per_1k, ci_low,
    ci_high, n_boot, seed``. ``n_boot``, ``seed`` and ``level`` default to the corpus lexicon's
    statistics.yaml.
    """
    n_boot = setting("n_boot", corpus.lexicon) if n_boot is None else n_boot
    seed = setting("seed", corpus.lexicon) if seed is None else seed
    level = setting("confidence_level", corpus.lexicon) if level is None else level
    rng = np.random.default_rng(seed)
    per_sent = hits.groupby(["doc_id", "sent_id"]).size()
    rows = []
    # hits and Han characters of every sentence, computed once over the corpus; then each report's rows
    sents_all = corpus.sentences
    keys = pd.MultiIndex.from_arrays([sents_all["doc_id"], sents_all["sent_id"]])
    all_counts = per_sent.reindex(keys, fill_value=0).to_numpy().astype("int64")
    all_chars = sents_all["text"].str.count(f"[{HAN}]").to_numpy()
    positions = sents_all.groupby("doc_id", sort=False).indices
    none = np.array([], dtype="int64")
    for doc_id in corpus.doc_ids:
        pos = positions.get(doc_id, none)
        chars = all_chars[pos]
        counts = all_counts[pos]
        draws = rng.integers(0, len(pos), size=(n_boot, len(pos)))
        rates = counts[draws].sum(axis=1) / chars[draws].sum(axis=1) * 1000
        lo, hi = np.quantile(rates, [(1 - level) / 2, 1 - (1 - level) / 2])
        rows.append({"doc_id": doc_id, "count": int(counts.sum()), "n_chars": int(chars.sum()),
                     "rate_per_1k": counts.sum() / chars.sum() * 1000, "ci_low": lo, "ci_high": hi,
                     "n_boot": n_boot, "seed": seed})
    return pd.DataFrame(rows)


def wilson(k: int, n: int, level: float | None = None) -> tuple[float, float]:
    """Wilson score interval for ``k`` successes in ``n`` trials (``(nan, nan)`` when ``n == 0``);
    see :func:`wilson_interval`."""
    lo, hi = wilson_interval(k, n, level)
    return float(lo), float(hi)


def group_means(values: pd.Series, groups: pd.Series, n_boot: int | None = None, seed: int | None = None,
                level: float | None = None) -> pd.DataFrame:
    """Mean of a per-report measure in each group, with a percentile bootstrap interval over REPORTS
    (the report is the unit: each replicate draws the group's reports with replacement).

    ``values`` and ``groups`` are indexed by doc_id. Returns ``group, n_reports, mean, ci_low,
    ci_high, n_boot, seed`` in order of first appearance; a group of one report has no interval.
    Size, seed and level default to statistics.yaml.
    """
    n_boot = int(setting("n_boot") if n_boot is None else n_boot)
    seed = int(setting("seed") if seed is None else seed)
    level = float(setting("confidence_level") if level is None else level)
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"value": values, "group": groups}).dropna(subset=["value"])
    rows = []
    for group, g in frame.groupby("group", sort=False):
        x = g["value"].to_numpy(dtype=float)
        lo = hi = np.nan
        if len(x) > 1:
            means = x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)
            lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
        rows.append({"group": group, "n_reports": len(x), "mean": float(x.mean()), "ci_low": lo, "ci_high": hi,
                     "n_boot": n_boot, "seed": seed})
    return pd.DataFrame(rows, columns=["group", "n_reports", "mean", "ci_low", "ci_high", "n_boot", "seed"])


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (controls the family-wise error rate)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    adjusted = np.empty_like(p)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def group_differences(values: pd.Series, groups: pd.Series, n_boot: int | None = None, seed: int | None = None,
                      level: float | None = None) -> pd.DataFrame:
    """Every pair of groups: difference of mean per-report values with a percentile bootstrap interval
    over REPORTS (each replicate redraws both groups' reports), Welch's t-test p-value and the
    Holm-adjusted p-value over all pairs (``group_a, group_b, n_a, n_b, difference, ci_low, ci_high,
    p_value, p_holm``). Groups of fewer than two reports are left out. Size, seed and level default
    to statistics.yaml."""
    n_boot = int(setting("n_boot") if n_boot is None else n_boot)
    seed = int(setting("seed") if seed is None else seed)
    level = float(setting("confidence_level") if level is None else level)
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"value": values, "group": groups}).dropna(subset=["value"])
    samples = {g: s["value"].to_numpy(dtype=float) for g, s in frame.groupby("group", sort=False) if len(s) >= 2}
    names = list(samples)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            xa, xb = samples[a], samples[b]
            t = stats.ttest_ind(xa, xb, equal_var=False)
            boot = (xa[rng.integers(0, len(xa), size=(n_boot, len(xa)))].mean(axis=1)
                    - xb[rng.integers(0, len(xb), size=(n_boot, len(xb)))].mean(axis=1))
            lo, hi = np.quantile(boot, [(1 - level) / 2, 1 - (1 - level) / 2])
            rows.append({"group_a": a, "group_b": b, "n_a": len(xa), "n_b": len(xb),
                         "difference": float(xa.mean() - xb.mean()), "ci_low": float(lo), "ci_high": float(hi),
                         "p_value": float(t.pvalue)})
    out = pd.DataFrame(rows, columns=["group_a", "group_b", "n_a", "n_b", "difference", "ci_low", "ci_high", "p_value"])
    out["p_holm"] = holm(out["p_value"]) if len(out) else []
    return out
