"""Agreement between coders of a multi-label coding: Cohen's κ and Krippendorff's α, per label and pooled.

A *coding* is a mapping ``unit id -> labels`` (a tuple or set of label ids; empty = no label). For one
label, each coding gives a binary decision per unit (the label applies or not); κ and α are computed on
those two binary vectors over the units both codings cover. *Overall* pools every (unit, label) decision
into one binary vector of ``units × labels`` decisions, so a label that is rarely used weighs as much as
its decisions do (the usual pooled statistic of multi-label agreement); the mean of the per-label values
is reported beside it.

- Cohen's κ: :func:`sklearn.metrics.cohen_kappa_score`, ``(p_o - p_e) / (1 - p_e)`` with each coder's own
  marginals.
- Krippendorff's α: the ``krippendorff`` package, nominal level, ``1 - D_o / D_e`` on the coincidence
  matrix (pooled marginals, small-sample correction ``n - 1``).

Both are undefined (``nan``) when neither coding ever varies (every unit the same value in both): there is
no chance agreement to correct for. Percentage agreement is given beside them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

OVERALL = "overall"


def binary(coding: Mapping[str, Sequence[str]], units: Sequence[str], label: str) -> np.ndarray:
    """``1`` where ``label`` is among the unit's labels, else ``0`` (in the order of ``units``)."""
    return np.array([int(label in coding[u]) for u in units], dtype=int)


def cohen_kappa(a: Sequence[int], b: Sequence[int]) -> float:
    """Cohen's κ of two binary (or nominal) vectors; ``nan`` when both are constant and equal."""
    from sklearn.metrics import cohen_kappa_score

    a, b = np.asarray(a), np.asarray(b)
    if len(np.union1d(a, b)) < 2:
        return float("nan")
    return float(cohen_kappa_score(a, b))


def krippendorff_alpha(a: Sequence[int], b: Sequence[int]) -> float:
    """Krippendorff's α (nominal) of two coders' values for the same units; ``nan`` with a single value."""
    import krippendorff

    data = np.vstack([np.asarray(a, dtype=float), np.asarray(b, dtype=float)])
    if len(np.unique(data)) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def percent_agreement(a: Sequence[int], b: Sequence[int]) -> float:
    """Share of units with the same value in both vectors."""
    a, b = np.asarray(a), np.asarray(b)
    return float((a == b).mean()) if len(a) else float("nan")


def _row(a: np.ndarray, b: np.ndarray) -> dict:
    return {"n": len(a), "pos_a": int(a.sum()), "pos_b": int(b.sum()), "both": int((a & b).sum()),
            "agreement": percent_agreement(a, b), "kappa": cohen_kappa(a, b), "alpha": krippendorff_alpha(a, b)}


def pair_agreement(first: Mapping[str, Sequence[str]], second: Mapping[str, Sequence[str]],
                   labels: Sequence[str], units: Sequence[str] | None = None) -> pd.DataFrame:
    """κ and α between two codings, one row per label and a last row ``overall`` (pooled decisions).

    Columns: ``label, n`` (units, or unit × label decisions for ``overall``), ``pos_a, pos_b`` (units each
    coding gives the label), ``both``, ``agreement`` (share of equal decisions), ``kappa, alpha``, and for
    ``overall`` also ``n_units`` and the unweighted means ``mean_kappa, mean_alpha`` of the label rows
    (ignoring undefined ones). ``units`` defaults to the units both codings cover, in ``first``'s order.
    """
    units = [u for u in first if u in second] if units is None else list(units)
    rows, stack_a, stack_b = [], [], []
    for label in labels:
        a, b = binary(first, units, label), binary(second, units, label)
        stack_a.append(a)
        stack_b.append(b)
        rows.append({"label": label, **_row(a, b)})
    out = pd.DataFrame(rows)
    pooled = {"label": OVERALL, **_row(np.concatenate(stack_a) if stack_a else np.array([], int),
                                       np.concatenate(stack_b) if stack_b else np.array([], int))}
    pooled.update(n_units=len(units), mean_kappa=float(np.nanmean(out["kappa"])) if out["kappa"].notna().any() else np.nan,
                  mean_alpha=float(np.nanmean(out["alpha"])) if out["alpha"].notna().any() else np.nan)
    out = pd.concat([out, pd.DataFrame([pooled])], ignore_index=True)
    return out.astype({"n_units": "Int64"})  # a count, empty on the label rows


def agreement_table(codings: Mapping[str, Mapping[str, Sequence[str]]], pairs: Sequence[tuple[str, str]],
                    labels: Sequence[str], units: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`pair_agreement` for each ``(a, b)`` of ``pairs`` (names of ``codings``), stacked, with
    columns ``a, b`` first."""
    parts = [pair_agreement(codings[a], codings[b], labels, units).assign(a=a, b=b) for a, b in pairs]
    out = pd.concat(parts, ignore_index=True)
    return out[["a", "b", *[c for c in out.columns if c not in ("a", "b")]]]


def disagreements(first: Mapping[str, Sequence[str]], second: Mapping[str, Sequence[str]],
                  labels: Sequence[str]) -> pd.DataFrame:
    """Every (unit, label) the two codings decide differently: ``unit, label, first, second`` (0/1),
    units in ``first``'s order and labels in ``labels``' order."""
    rows = [{"unit": u, "label": lab, "first": int(lab in first[u]), "second": int(lab in second[u])}
            for u in first if u in second for lab in labels if (lab in first[u]) != (lab in second[u])]
    return pd.DataFrame(rows, columns=["unit", "label", "first", "second"])
