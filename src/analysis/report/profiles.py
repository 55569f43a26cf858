"""One-page profiles of each report, assembled from the questions' tables (nothing recomputed:
each table is the memoised one the notebooks show)."""

from __future__ import annotations

import pandas as pd

from analysis.loading.corpus import Corpus
from analysis.loading.errors import AnalysisError
from analysis.measures.keyness import keyness
from analysis.questions import rhetoric, themes, timeline
from analysis.questions.compare import top_key_terms


def profile_rhetoric(corpus: Corpus, rhet: pd.DataFrame) -> list[tuple[str, str]]:
    """``(column of rhetoric.profile, readable name)`` of each rhetoric line of a profile, from
    register.yaml's ``profile`` list; raises :class:`AnalysisError` naming register.yaml when a listed
    column is not computed (e.g. a register category was renamed)."""
    listed = [(e["column"], e["name"]) for e in corpus.lexicon.yaml(rhetoric.REGISTER_FILE)["profile"]]
    missing = [col for col, _ in listed if col not in rhet.columns]
    if missing:
        known = ", ".join(rhetoric.measure_labels(corpus))
        raise AnalysisError(corpus.lexicon.path(rhetoric.REGISTER_FILE),
                            f"profile lists {', '.join(missing)}, which rhetoric.profile does not compute "
                            f"(measures and categories: {known}; use <name>_per_1k or share_directive_sentences)")
    return listed


PROFILE_FIELDS = ["report", "meeting date", "level", "stage", "main speaker", "top themes", "rhetoric",
                  "distinctive terms", "dated promises"]


def profiles(corpus: Corpus, n_themes: int = 3) -> pd.DataFrame:
    """One row per report, one column per profile field (``PROFILE_FIELDS``), as readable text.

    Every number comes from the module that computes it: metadata (date, level, speaker),
    ``timeline.stages_in_words`` (the stage of each campaign the report names), ``themes.theme_shares`` (top ``n_themes``
    themes by share of directives, with ``k/n``), ``rhetoric.profile`` (the rates of
    register.yaml's ``profile`` list, see :func:`profile_rhetoric`), :func:`top_key_terms`
    (distinctive terms with counts) and
    ``timeline.dated_promises`` (what, by when).
    """
    docs = corpus.documents.set_index("doc_id")
    stages = timeline.stages_in_words(corpus)   # one stage per campaign the report names
    shares = themes.theme_shares(corpus)
    theme_names = themes.theme_labels(themes.load_codebook(corpus.lexicon.path(themes.CODEBOOK_FILE)), lang="both")
    rhet = rhetoric.profile(corpus)
    rhet_lines = profile_rhetoric(corpus, rhet)
    key = top_key_terms(keyness(corpus), corpus.lexicon)
    promises = timeline.dated_promises(corpus)
    # each table split by report once (not filtered again for every report)
    shown = shares[shares["n_directives_with_theme"] > 0]
    shares_of = dict(tuple(shown.groupby("doc_id", sort=False)))
    key_of = dict(tuple(key.groupby("doc_id", sort=False)))
    promises_of = dict(tuple(promises.groupby("doc_id", sort=False)))
    labels = corpus.labels
    rows = []
    for doc_id in corpus.doc_ids:
        d = docs.loc[doc_id]
        date = f"{d.get('meeting_date', '')} ({d.get('date_basis', '')})"
        st = stages.get(doc_id) or "—"
        speaker = f"{d.get('main_speaker', '') or '—'} ({d.get('main_speaker_title', '') or 'title not stated'})"
        sh = shares_of.get(doc_id, shown.iloc[:0])
        sh = sh.sort_values(["share", "theme"], ascending=[False, True], kind="mergesort").head(n_themes)
        top_themes = "; ".join(f"{theme_names.get(t, t)} {k}/{n}" for t, k, n in
                               zip(sh["theme"], sh["n_directives_with_theme"], sh["n_directives"])) or "—"
        rh = "; ".join(f"{name} {rhet.at[doc_id, col]:g}" for col, name in rhet_lines)
        kt = key_of.get(doc_id, key.iloc[:0])
        terms = "; ".join(f"{t} ({c} vs {r} in the rest)" for t, c, r in zip(kt["term"], kt["count"], kt["count_rest"]))
        pr = promises_of.get(doc_id, promises.iloc[:0])
        dated = "; ".join(f"{w} → {b}" for w, b in zip(pr["what"], pr["by_when"])) or "none found"
        rows.append(dict(zip(PROFILE_FIELDS, [labels[doc_id], date, d.get("admin_level", ""), st, speaker,
                                              top_themes, rh, terms or "—", dated])))
    return pd.DataFrame(rows, columns=PROFILE_FIELDS, index=pd.Index(corpus.doc_ids, name="doc_id"))


def profile_card(table: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    """One report's profile as a two-column page (field, value), headed by the report label."""
    row = table.loc[doc_id]
    return pd.DataFrame({"value": row.drop("report").to_numpy()},
                        index=pd.Index(row.drop("report").index, name=row["report"]))
