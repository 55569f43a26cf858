"""Small statistics shared by the measures: one implementation each, used everywhere."""

from __future__ import annotations

import numpy as np
from scipy import stats


def wilson_interval(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportions ``k/n`` (vectorised; clipped to [0, 1], exactly 0 for ``k == 0`` and 1 for ``k == n``; ``nan``
    where ``n == 0``). Scalars in, 0-d arrays out: wrap in ``float`` for a single interval."""
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
