"""How the notebooks show a corpus of any size: one group per report while the corpus is small,
groups of reports (a metadata column) above that.

Every notebook reads its parameters in one cell tagged ``parameters`` (the papermill convention),
whose defaults come from the environment (``ANALYSIS_GROUP_BY``, ``ANALYSIS_MAX_PANELS``, set by
``make all GROUP_BY=province``) and then from ``data/lexicon/views.yaml``. :func:`choose_view`
turns them into a :class:`View`: which column groups the reports, each report's group, and how
many panels a figure may draw. :func:`capped` shows a long table's first rows above that size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.errors import AnalysisError

VIEWS_FILE = "views.yaml"
GROUP_ENV = "ANALYSIS_GROUP_BY"
PANELS_ENV = "ANALYSIS_MAX_PANELS"
#: The grouping that means "one group per report".
PER_REPORT = "report"
#: The grouping of last resort above ``per_report_max`` when no column divides the reports: one group.
WHOLE_CORPUS = "corpus"


@dataclass(frozen=True)
class View:
    """``group_by``: the column (``report`` for one group per report); ``groups``: doc_id -> group
    label, in corpus order; ``max_panels``: the most panels a figure draws; ``rows_max``: the most
    rows a notebook table shows when the view is by group."""

    group_by: str
    groups: pd.Series
    max_panels: int
    rows_max: int = 30

    @property
    def per_report(self) -> bool:
        """Whether each report is its own group."""
        return self.group_by == PER_REPORT

    @property
    def group_names(self) -> list[str]:
        """The groups in order of first appearance."""
        return list(dict.fromkeys(self.groups))

    def describe(self) -> str:
        """One sentence for the notebook: what the unit and the groups are."""
        n, g = len(self.groups), len(self.group_names)
        if self.per_report:
            return f"{n} reports, shown one by one (the unit of every rate is the report's text)."
        return (f"{n} reports in {g} groups by `{self.group_by}`; each report is one observation, group "
                f"figures show means over reports with bootstrap intervals over reports.")


def setting(corpus: Corpus, name: str):
    """One value of views.yaml."""
    entry = corpus.lexicon.yaml(VIEWS_FILE)[name]
    return entry["value"] if isinstance(entry, dict) and "value" in entry else entry


def grouping_columns(corpus: Corpus) -> pd.DataFrame:
    """The columns reports can be grouped by: the metadata (and inferred) columns, plus ``year``
    (of the meeting date) and ``campaign`` (the first campaign named); empty values are ``unknown``."""
    docs = corpus.documents.copy()
    docs["year"] = docs.get("meeting_date", pd.Series("", index=docs.index)).fillna("").astype(str).str[:4]
    docs["campaign"] = docs.get("campaigns", pd.Series("", index=docs.index)).fillna("").astype(str).str.split(";").str[0]
    docs = docs.set_index("doc_id")
    return docs.apply(lambda c: c.fillna("").astype(str).str.strip().replace("", "unknown") if c.dtype == object else c)


def choose_view(corpus: Corpus, group_by: str | None = None, max_panels: int | None = None) -> View:
    """The view of ``corpus``: ``group_by`` (or ``$ANALYSIS_GROUP_BY``; ``report`` for one group per
    report), else one group per report up to ``per_report_max`` reports, else the first of
    ``default_groupings`` with at least two groups and fewer groups than reports, else one group of
    the whole corpus (``corpus``): a large corpus is never drawn report by report unless asked."""
    group_by = group_by or os.environ.get(GROUP_ENV) or None
    max_panels = int(max_panels or os.environ.get(PANELS_ENV) or setting(corpus, "max_panels"))
    cols = grouping_columns(corpus)
    n = len(cols)
    if group_by is None:
        if n <= int(setting(corpus, "per_report_max")):
            group_by = PER_REPORT
        else:
            group_by = next((c for c in setting(corpus, "default_groupings")
                             if c in cols and 2 <= cols[c].nunique() < n), WHOLE_CORPUS)
    if group_by == PER_REPORT:
        groups = pd.Series(corpus.labels, name=PER_REPORT)
    elif group_by == WHOLE_CORPUS:
        groups = pd.Series("all reports", index=cols.index, name=WHOLE_CORPUS)
    elif group_by in cols:
        groups = cols[group_by].rename(group_by)
    else:
        raise AnalysisError(None, f"cannot group the reports by {group_by!r}: no such metadata column "
                                  f"(columns: {', '.join(sorted(cols.columns))})")
    return View(group_by=group_by, groups=groups.reindex(corpus.doc_ids), max_panels=max_panels,
                rows_max=int(setting(corpus, "table_rows_max")))


def capped(table: pd.DataFrame, view: View, what: str = "rows", export: str | None = None,
           where: str | None = None) -> pd.DataFrame:
    """``table`` as a notebook shows it: whole while the view is per report (or the table is short);
    else its first ``view.rows_max`` rows (views.yaml's ``table_rows_max``), after a line saying how
    many of how many ``what`` are shown and where the full table is (``export``: a tidy table of
    ``<corpus>/processed/tables/``, e.g. ``directives.csv``; or ``where``, any other file of the
    processed data, e.g. ``processed/audit.json``). The stored notebook stays small at any corpus size."""
    from IPython.display import Markdown, display

    rows = view.rows_max
    if view.per_report or len(table) <= rows:
        return table
    if export:
        note = f"; every row is in the tidy table `processed/tables/{export}`"
    else:
        note = f"; every row is in `{where}`" if where else ""
    display(Markdown(f"*Showing the first {rows:,} of {len(table):,} {what}{note}.*"))
    return table.head(rows)
