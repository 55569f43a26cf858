"""Every figure of the notebooks: each function draws one figure from a question's tables and
returns it, carrying the table it draws (:func:`analysis.report.plotting.with_data`); the
notebook saves it with :func:`analysis.report.plotting.save_figure` (PNG, SVG and that CSV).
Nothing here computes a measure: the numbers come from the question modules.
"""

from __future__ import annotations

import math
import re
import textwrap
from datetime import date

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.loading.corpus import Corpus
from analysis.measures.directives import grades as directive_grades
from analysis.measures.keyness import keyness
from analysis.questions.compare import formula_matrix, similarity, top_key_terms
from analysis.questions.overview import size_table
from analysis.questions.rhetoric import WORDCLOUDS_FILE, directive_strength_shares
from analysis.questions.themes import load_codebook, positions_table, theme_ids, theme_labels
from analysis.questions.timeline import ORIENTATIONS, orientation, timeline_points
from analysis.report.glossary import label as glossary_label
from analysis.report.plotting import colors_for, stacked_shares, with_data, wordcloud_grid


def plot_sizes(corpus: Corpus):
    """Two panels: body length per report, and the distribution of sentence lengths."""
    sizes = size_table(corpus)
    colors = colors_for(corpus.doc_ids)
    sent = corpus.sentences.assign(n=corpus.sentences["text"].str.count(r"[\u3400-\u9fff]"))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 0.6 * len(sizes) + 2.2), sharey=True)
    y = range(len(sizes))
    ax1.barh(y, sizes["n_chars"], color=[colors[d] for d in sizes.index])
    for i, (n, s) in enumerate(zip(sizes["n_chars"], sizes["n_sentences"])):
        ax1.text(n, i, f" {n:,} chars / {s} sentences", va="center", fontsize=8)
    ax1.set_xlabel("Han characters in the cleaned body")
    ax1.set_xlim(0, sizes["n_chars"].max() * 1.45)
    ax1.set_title("Body length per report")
    lengths = {d: g.to_numpy() for d, g in sent.groupby("doc_id", sort=False)["n"]}   # split once
    data = [lengths.get(d, np.array([], dtype=sent["n"].dtype)) for d in sizes.index]
    box = ax2.boxplot(data, orientation="horizontal", positions=list(y), widths=0.5, patch_artist=True,
                      medianprops={"color": "black"}, flierprops={"markersize": 3})
    for patch, d in zip(box["boxes"], sizes.index):
        patch.set_facecolor(colors[d])
        patch.set_alpha(0.6)
    ax1.set_yticks(list(y), sizes["label"])
    ax1.set_ylim(len(sizes) - 0.5, -0.5)
    ax1.grid(axis="y", visible=False)
    ax2.grid(axis="y", visible=False)
    ax2.set_xlabel("Han characters per sentence")
    ax2.set_title("Sentence length")
    fig.suptitle("How long the reports are, and how long their sentences", x=0.01, ha="left")
    fig.tight_layout()
    with_data(fig, sizes, source="label, n_chars, n_paragraphs, n_sentences, n_tokens: reports, one row per "
              "report; mean/median_sentence_chars and the right panel: sentences, Han characters of text, by doc_id")
    return fig


def plot_directive_strength(corpus: Corpus, strength: pd.DataFrame | None = None):
    """100% bars of each report's sentences by strongest directive (see :func:`directive_strength_shares`),
    grades named and coloured from directives.yaml's ``grades`` (``name (grade)``, strongest first);
    each bar labelled with its number of sentences."""
    strength = directive_strength_shares(corpus) if strength is None else strength
    grades = directive_grades(corpus.lexicon)
    return stacked_shares(strength, corpus.labels,
                          parts={f"share_strength_{g['grade']}": f"{g['name']} ({g['grade']})" for g in grades},
                          colors=[g["color"] for g in grades], totals=strength["n_sentences"],
                          title="Strongest directive in each sentence")


def wordcloud_figure(corpus: Corpus, weights: pd.DataFrame):
    """The grid of per-report clouds for :func:`wordcloud_weights` (seed and size from wordclouds.yaml);
    only single tokens of the corpus are drawn."""
    lex = corpus.lexicon.yaml(WORDCLOUDS_FILE)
    by_doc = {d: dict(zip(g["term"], g["g2"])) for d, g in weights.groupby("doc_id", sort=False)}
    tokens = set(corpus.tokens["token"])
    return wordcloud_grid(by_doc, corpus.labels, seed=lex["random_state"], max_words=lex["max_words"],
                          single_tokens=tokens,
                          title="What is distinctive in each report: words sized by keyness (G²) against the others")


def plot_theme_heatmap(shares: pd.DataFrame, labels: dict[str, str], codebook: dict | None = None):
    """Report × theme heatmap of shares, each cell annotated ``share`` and ``k/n``; returns the
    figure with the shares table attached."""
    codebook = codebook or load_codebook()
    ids = theme_ids(codebook)
    docs = list(dict.fromkeys(shares["doc_id"]))
    share = shares.pivot(index="doc_id", columns="theme", values="share").loc[docs, ids]
    k = shares.pivot(index="doc_id", columns="theme", values="n_directives_with_theme").loc[docs, ids]
    n = shares.groupby("doc_id", sort=False)["n_directives"].first().loc[docs]
    names = theme_labels(codebook, "both")
    fig, ax = plt.subplots(figsize=(1.7 * len(docs) + 4.5, 0.42 * len(ids) + 1.8))
    values = share.to_numpy(dtype=float).T
    im = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(0.5, float(np.nanmax(values))), aspect="auto")
    for j in range(len(ids)):
        for i in range(len(docs)):
            v = share.iat[i, j]
            ax.text(i, j, f"{v:.0%} ({int(k.iat[i, j])}/{int(n.iloc[i])})", ha="center", va="center",
                    fontsize=8, color="white" if v > 0.3 else "black")
    ax.set_yticks(range(len(ids)), [names[t] for t in ids], fontsize=8)
    ax.set_xticks(range(len(docs)), [f"{labels[d]}\nn = {int(n.loc[d])}" for d in docs], fontsize=9)
    ax.xaxis.tick_top()
    ax.grid(False)
    ax.set_ylabel("Theme (codebook)")
    ax.set_xlabel("Report (n = directives)")
    ax.set_title("Share of each report's directives that name a theme (k/n; a directive can name several)", pad=34)
    fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label="share of directives")
    with_data(fig, shares.set_index(["doc_id", "theme"]).round(4))
    return fig


def plot_theme_positions(classified: pd.DataFrame, labels: dict[str, str], codebook: dict | None = None):
    """Where each theme appears in each speech: one panel per report, one row per theme (codebook
    order, plus "no theme"), a tick per directive at its position in the report (0–1), coloured by
    the report. Returns the figure with :func:`positions_table` attached."""
    codebook = codebook or load_codebook()
    ids = theme_ids(codebook)
    names = theme_labels(codebook, "both")
    docs = list(dict.fromkeys(classified["doc_id"]))
    colors = colors_for(docs)
    rows = [names[t] for t in ids] + ["no theme"]
    fig, axes = plt.subplots(1, len(docs), figsize=(2.2 * len(docs) + 4.5, 0.32 * len(rows) + 1.6),
                             sharey=True, squeeze=False)
    by_doc = dict(tuple(classified.groupby("doc_id", sort=False)))   # split once, not filtered per panel
    for ax, d in zip(axes[0], docs):
        sub = by_doc[d]
        for j, tid in enumerate(ids):
            pos = sub.loc[[tid in t for t in sub["themes"]], "position"]
            ax.scatter(pos, [j] * len(pos), marker="|", s=90, linewidths=1.6, color=colors[d])
        pos = sub.loc[[len(t) == 0 for t in sub["themes"]], "position"]
        ax.scatter(pos, [len(ids)] * len(pos), marker="|", s=90, linewidths=1.6, color="#999999")
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
        ax.set_title(f"{labels[d]}\nn = {len(sub)}", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.set_xlabel("position in report", fontsize=8)
    axes[0][0].set_yticks(range(len(rows)), rows, fontsize=8)
    axes[0][0].set_ylim(len(rows) - 0.5, -0.5)
    fig.suptitle("Where each theme is named as each speech unfolds (one tick per directive; 0 = start, 1 = end)",
                 x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    with_data(fig, positions_table(classified).set_index("directive_id"))
    return fig


def _year_float(iso: str) -> float:
    d = date.fromisoformat(iso)
    return d.year + (d.timetuple().tm_yday - 1) / (366 if d.year % 4 == 0 else 365)


#: Marker per kind of point on the axis.
MARKERS = {"meeting": "D", "past_start": "|", "achievement": "o", "past": "o", "target": ">", "event": "s"}


_TARGET_RE = re.compile(r"(.*?)\s*\(target (.*)\)$")


def _stage_label(text: str, width: int = 70) -> str:
    """A meeting's stages in words, grouped by stage and wrapped (never cut): ``push (全国文明典范城市);
    mobilisation (国家卫生城市)``."""
    import textwrap

    groups: dict[str, list[str]] = {}
    for part in [p for p in str(text).split("; ") if p]:
        camp, _, rest = part.partition(": ") if ": " in part else ("", "", part)
        m = _TARGET_RE.match(rest)
        stage, target = (m.group(1), m.group(2)) if m else (rest, "")
        groups.setdefault(stage, []).append(camp + (f", by {target}" if camp and target else ""))
    label = "; ".join(f"{st} ({'、'.join(c for c in cs if c)})" if any(cs) else st for st, cs in groups.items())
    return "\n".join(textwrap.wrap(label, width)) if label else ""


def plot_swimlanes(corpus: Corpus, points: pd.DataFrame | None = None):
    """One time axis (earliest date found to the latest date found), one lane per city.

    Within a lane each report has a band: its meeting (a diamond labelled with each campaign's
    stage in words) on the top row, then one row per dated item it states (past starts,
    achievements, events, targets; the trivial ones are left off by
    :func:`analysis.questions.timeline.timeline_points`), drawn as a bar over its interval and
    labelled with its full surface form (and ``×n`` when mentioned n times). A label goes to the
    right of its bar, or to the left when the bar ends in the last third of the axis, so the axis
    ends at the data. Reports of the same city share a lane, labelled with their admin level.
    """
    pts = timeline_points(corpus) if points is None else points
    colors = colors_for(corpus.doc_ids)
    order = {d: i for i, d in enumerate(corpus.doc_ids)}
    docs = sorted(pts["doc_id"].unique(), key=lambda d: order.get(d, len(order)))
    lanes = list(dict.fromkeys(pts.drop_duplicates("doc_id").set_index("doc_id").loc[docs, "lane"]))
    lo_x = min(_year_float(v) for v in pts["start"])
    hi_x = max(_year_float(v) + 1 / 365 for v in pts["end"])
    span = max(hi_x - lo_x, 1.0)
    pad = span * 0.01
    step = 0.32
    bands = []   # (doc_id, meeting rows, items, lane) top to bottom
    by_doc = dict(tuple(pts.groupby("doc_id", sort=False)))   # split once, not filtered per lane and report
    for ln in lanes:
        for d in docs:
            g = by_doc[d]
            if g["lane"].iloc[0] == ln:
                items = g[g["what"] != "meeting"]
                bands.append((d, g[g["what"] == "meeting"], items.sort_values(["start", "end"]), ln))
    n_stage_lines = sum(_stage_label(m).count("\n") for _, meeting, _, _ in bands for m in meeting["surface"])
    height = (sum(1 + len(items) for _, _, items, _ in bands) + n_stage_lines * 0.6) * step + 0.6 * len(lanes)
    fig, ax = plt.subplots(figsize=(11, 1.2 + height * 0.62))
    y, yticks, ylabels, prev_lane = 0.0, [], [], None
    shared = pts.drop_duplicates("doc_id")["lane"].value_counts()

    def side(x_start, x_end):
        """Label to the right of the bar, or to its left when the bar ends late on the axis."""
        return (x_end, 5, "left") if x_end < lo_x + span * 2 / 3 else (x_start, -5, "right")

    for d, meeting, items, ln in bands:
        if prev_lane is not None and ln != prev_lane:
            ax.axhline(y + step * 0.3, color="grey", lw=0.6)
            y -= 0.6
        prev_lane = ln
        c = colors[d]
        row = by_doc[d].iloc[0]
        yticks.append(y)
        ylabels.append(row["label"] + (f"\n({row['admin_level']})" if shared[ln] > 1 else ""))
        for m in meeting.itertuples():
            x0, x1 = _year_float(m.start), _year_float(m.end) + 1 / 365
            if x1 - x0 > 2 / 365:   # a meeting known only to the month or the year: its whole span
                ax.plot([x0, x1], [y, y], color=c, lw=2, alpha=0.6, solid_capstyle="butt")
            x = (x0 + x1) / 2
            ax.plot(x, y, "D", color=c, mec="black", ms=9, zorder=3)
            label = _stage_label(m.surface)
            xs, dx, ha = side(x, x)
            ax.annotate(label, (xs, y), xytext=(dx + (3 if dx > 0 else -3), 0), textcoords="offset points",
                        fontsize=7, fontstyle="italic", ha=ha, va="top" if label.count("\n") else "center")
            y -= step * 0.6 * label.count("\n")
        for p in items.itertuples():
            y -= step
            x0, x1 = _year_float(p.start), _year_float(p.end) + 1 / 365
            ax.plot([x0, x1], [y, y], color=c, lw=4, alpha=0.45 if p.what == "event" else 0.85,
                    solid_capstyle="butt")
            xm = x1 if p.what == "target" else x0
            ax.plot(xm, y, MARKERS.get(p.what, "o"), color=c, ms=10 if p.what == "past_start" else 6, mew=2,
                    zorder=3)
            text = p.surface + (f" ×{int(p.n_mentions)}" if getattr(p, "n_mentions", 1) > 1 else "")
            xs, dx, ha = side(x0, x1)
            ax.annotate(text, (xs, y), xytext=(dx, 0), textcoords="offset points", fontsize=6.5, ha=ha,
                        va="center")
        y -= step
    ax.set_yticks(yticks, ylabels, fontsize=8)
    ax.set_ylim(y, step * 1.5)
    ax.set_xlabel("Year")
    ax.set_title("Campaign timelines: each meeting (with each campaign's stage) and the dated items it states")
    handles = [Line2D([], [], marker=MARKERS[k], ls="", color="grey", mec="black" if k == "meeting" else "grey",
                      label=k.replace("_", " ")) for k in ["meeting", "past_start", "achievement", "event", "target"]]
    ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=False, ncols=5,
              bbox_to_anchor=(0, -0.1 - 0.5 / max(height, 1)))
    ax.set_xlim(lo_x - pad, hi_x + pad)
    ax.set_xticks(range(int(np.ceil(lo_x)), int(np.floor(hi_x)) + 1))
    ax.tick_params(axis="x", labelsize=8, rotation=45)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    with_data(fig, pts.reset_index(drop=True))
    return fig


def plot_orientation(corpus: Corpus, table: pd.DataFrame | None = None):
    """Share of sentences about the past, present and future per report, with Wilson intervals
    (the table drawn is attached)."""
    t = orientation(corpus) if table is None else table
    colors = colors_for(corpus.doc_ids)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    doc_ids, labels = corpus.doc_ids, corpus.labels
    width = 0.8 / max(1, len(doc_ids))
    by_doc = dict(tuple(t.groupby("doc_id", sort=False)))   # split once, not filtered per report
    for i, doc_id in enumerate(doc_ids):
        label = labels[doc_id]
        g = by_doc.get(doc_id, t.iloc[:0]).set_index("orientation").loc[ORIENTATIONS]
        x = np.arange(len(ORIENTATIONS)) + (i - (len(doc_ids) - 1) / 2) * width
        ax.bar(x, g["share"], width, color=colors[doc_id], label=f"{label} (n={int(g['n_total'].iloc[0])})")
        ax.errorbar(x, g["share"], yerr=[g["share"] - g["ci_low"], g["ci_high"] - g["share"]], fmt="none",
                    ecolor="black", elinewidth=0.8, capsize=2)
    ax.set_xticks(range(len(ORIENTATIONS)), ["past\n(done: 已, 了, 过; dated past)", "present\n(state now: 正在, 目前)",
                                             "future\n(to do: instructions, 要, 将, 力争; targets)"])
    ax.set_ylabel("Share of the report's sentences")
    ax.set_xlabel("Temporal orientation (a sentence can have several)")
    ax.set_ylim(0, 1)
    ax.set_title("Temporal orientation of each speech (tense and aspect), with 95% Wilson intervals")
    ax.legend(fontsize=7, frameon=False, loc="upper center")
    fig.tight_layout()
    with_data(fig, t.reset_index(drop=True))
    return fig


def _glossed_label(term: str, width: int = 46) -> str:
    """The full glossary label of a term, never truncated: ``term (pinyin, gloss)`` on one line if
    it fits in ``width`` characters, else ``term (pinyin)`` over the gloss (wrapped at ``width``)."""
    full = glossary_label(term, gloss=True)
    if len(full) <= width:
        return full
    head = glossary_label(term, gloss=False)
    gloss = full[len(head) - 1 + 2:-1] if full != head else ""
    lines = [head] + (textwrap.wrap(gloss, width) if gloss else [])
    return "\n".join(lines)


def _g2_scale(fig, norm, shade, g2max: float, label: str, bottom: float, height: float) -> None:
    """Lay out a keyness figure above ``bottom`` and add its G² colour bar and the hatch legend."""
    fig.tight_layout(rect=(0, bottom, 1, 1))
    cax = fig.add_axes((0.30, 0.012, 0.30, height))
    fig.colorbar(ScalarMappable(norm=norm, cmap=ListedColormap([shade(g) for g in np.linspace(0, g2max, 256)])),
                 cax=cax, orientation="horizontal", label=label)
    fig.legend(handles=[Patch(facecolor="white", edgecolor="#555555", hatch="////",
                              label="expected count < 5: G² unreliable")],
               loc="lower left", bbox_to_anchor=(0.64, 0.0), frameon=False, fontsize=8)


def plot_keyness(corpus: Corpus, width: int = 46):
    """One panel per report: log ratio of its top key terms (bar length), shaded by G² on one
    scale for all panels (the strength of the evidence), hatched where the expected count is
    below 5 (G² unreliable); labels give the counts and G²."""
    top = top_key_terms(keyness(corpus), corpus.lexicon)
    docs = [d for d in corpus.doc_ids if d in set(top["doc_id"])]
    ncols = 2 if len(docs) > 1 else 1
    nrows = max(1, math.ceil(len(docs) / ncols))
    n_top = max(1, int(top.groupby("doc_id").size().max())) if len(top) else 1
    fig, axes = plt.subplots(nrows, ncols, figsize=(13, nrows * (0.42 * n_top + 1.1) + 1.2), squeeze=False)
    xmax = float(top["log_ratio"].max()) * 1.45 if len(top) else 1.0
    g2max = float(top["g2"].max()) if len(top) else 1.0
    norm = Normalize(vmin=0, vmax=g2max)
    cmap = plt.get_cmap("YlGnBu")
    shade = lambda g: cmap(0.15 + 0.85 * norm(g))  # noqa: E731  (the palest shade stays visible)
    by_doc = dict(tuple(top.groupby("doc_id", sort=False)))   # split once, not filtered per panel
    for ax, doc_id in zip(axes.ravel(), docs):
        sub = by_doc[doc_id]
        y = np.arange(len(sub))
        ax.barh(y, sub["log_ratio"], color=[shade(g) for g in sub["g2"]],
                hatch=["////" if f else "" for f in sub["low_expected"]], edgecolor="#555555", linewidth=0.5)
        ax.set_yticks(y, [_glossed_label(t, width) for t in sub["term"]], fontsize=7.5)
        ax.set_ylim(len(sub) - 0.5, -0.5)
        for i, (lr, n, nr, g) in enumerate(zip(sub["log_ratio"], sub["count"], sub["count_rest"], sub["g2"])):
            ax.text(lr, i, f" {int(n)} vs {int(nr)}, G² {g:.0f}", va="center", fontsize=7)
        ax.set_xlim(0, xmax)
        ax.set_title(corpus.labels[doc_id], fontsize=10)
        ax.set_xlabel("log ratio (log2 of relative frequency vs the rest)")
        ax.grid(axis="y", visible=False)
    for ax in axes.ravel()[len(docs):]:
        ax.set_visible(False)
    fig.suptitle("Distinctive vocabulary: each report's top key terms by G²\n(bar length = log ratio; shade = G², "
                 "one scale for all reports; hatched = expected count < 5; labels: count in report vs in the rest)",
                 x=0.01, ha="left", fontsize=11)
    _g2_scale(fig, norm, shade, g2max, "G² (log-likelihood against the other reports)", bottom=0.05, height=0.012)
    data = top.assign(report=top["doc_id"].map(corpus.labels))[
        ["doc_id", "report", "term", "count", "n_tokens", "count_rest", "n_tokens_rest", "g2", "log_ratio",
         "expected", "low_expected"]].round(4)
    with_data(fig, data.set_index(["doc_id", "term"]))
    return fig


def plot_similarity(corpus: Corpus):
    """Heatmaps of both similarity views side by side, on one colour scale (0 to the largest
    off-diagonal cosine of either view) with one colour bar, so equal shades mean equal cosines.
    No dendrogram: with a handful of reports every pair is already readable in the cells."""
    views = {"tokens": "TF-IDF cosine on word tokens", "chars": "TF-IDF cosine on character 2–3-grams"}
    sims = {v: similarity(corpus, v) for v in views}
    n = len(corpus.doc_ids)
    offs = {}
    for view, sim in sims.items():
        off = sim.to_numpy().astype(float).copy()
        np.fill_diagonal(off, np.nan)
        offs[view] = off
    vmax = max((float(np.nanmax(o)) for o in offs.values() if np.isfinite(o).any()), default=1.0)
    fig, axes = plt.subplots(1, 2, figsize=(12.5, 0.75 * n + 3.2), squeeze=False)
    im = None
    for col, (view, title) in enumerate(views.items()):
        sim, off, ax = sims[view], offs[view], axes[0, col]
        im = ax.imshow(off, cmap="Blues", vmin=0, vmax=vmax)
        ax.set_xticks(range(n), sim.columns, rotation=35, ha="right", fontsize=8)
        ax.set_yticks(range(n), sim.index if col == 0 else [""] * n, fontsize=8)
        for i in range(n):
            for j in range(n):
                if i != j:
                    ax.text(j, i, f"{sim.iat[i, j]:.2f}", ha="center", va="center", fontsize=8,
                            color="white" if off[i, j] > 0.6 * vmax else "black")
        ax.grid(False)
        ax.set_title(title, fontsize=10)
    fig.suptitle("How similar the reports are: two views of the vocabulary, one colour scale", x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 0.92, 1))
    cax = fig.add_axes((0.935, 0.3, 0.012, 0.55))
    fig.colorbar(im, cax=cax, label="cosine similarity (diagonal left blank)")
    data = pd.concat({v: s for v, s in sims.items()}, names=["view", "report"])
    with_data(fig, data)
    return fig


#: Occurrence counts shown in the size legend of :func:`plot_formula_matrix` (the last means "or more").
FORMULA_SIZE_STEPS = (1, 2, 4, 6)


def _formula_dot_size(count) -> np.ndarray:
    """Marker area for a formula's number of occurrences in a report (capped at the last size step)."""
    return 40 + 25 * np.minimum(np.asarray(count, dtype=float), FORMULA_SIZE_STEPS[-1])


def plot_formula_matrix(corpus: Corpus, formulas: pd.DataFrame, width: int = 58):
    """Which reports share which formula: a dot matrix of the top formulas, every formula with its
    pinyin and gloss, dot area by occurrences (with a size legend)."""
    mat = formula_matrix(corpus, formulas)
    colors = colors_for(corpus.doc_ids)
    labels = [_glossed_label(t, width) for t in mat.index]
    n_lines = sum(label.count("\n") + 1 for label in labels)
    fig, ax = plt.subplots(figsize=(6 + 1.3 * mat.shape[1], 0.2 * n_lines + 0.12 * len(mat) + 2.4))
    for j, d in enumerate(corpus.doc_ids):
        col = mat[corpus.labels[d]].to_numpy()
        ys = np.nonzero(col)[0]
        ax.scatter(np.full(len(ys), j), ys, s=_formula_dot_size(col[ys]), color=colors[d], zorder=3)
    ax.set_xticks(range(mat.shape[1]), mat.columns, rotation=30, ha="right", fontsize=9)
    ax.set_yticks(range(len(mat)), labels, fontsize=7.5)
    ax.set_ylim(len(mat) - 0.5, -0.5)
    ax.set_xlim(-0.6, mat.shape[1] - 0.4)
    ax.set_xlabel("report")
    ax.set_ylabel("shared formula (ranked)")
    steps = FORMULA_SIZE_STEPS
    handles = [ax.scatter([], [], s=float(_formula_dot_size(k)), color="#888888",
                          label=f"{k}{' or more' if k == steps[-1] else ''}") for k in steps]
    ax.legend(handles=handles, title="occurrences in the report", loc="lower left", bbox_to_anchor=(0, 1.0),
              ncols=len(steps), frameon=False, fontsize=8, title_fontsize=8, borderaxespad=0.2)
    ax.set_title("Shared formulas found in the text: which reports use which", pad=42)
    fig.tight_layout()
    with_data(fig, mat)
    return fig


def plot_pair_overlap(corpus: Corpus, overlap: pd.DataFrame):
    """Jaccard overlap of every pair of reports, same-city pairs highlighted."""
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(overlap) + 1.6))
    y = np.arange(len(overlap))
    colors = ["#D55E00" if s else "#888888" for s in overlap["same_city"]]
    ax.barh(y, overlap["jaccard"], color=colors)
    ax.set_yticks(y, [f"{a} – {b}" for a, b in zip(overlap["report_a"], overlap["report_b"])], fontsize=8)
    ax.set_ylim(len(overlap) - 0.5, -0.5)
    labels = zip(overlap["jaccard"], overlap["n_shared_shingles"], overlap["n_shared_formulas"])
    for i, (jac, n, f) in enumerate(labels):
        ax.text(jac, i, f" {n} shingles, {f} formulas", va="center", fontsize=7)
    ax.set_xlim(0, max(float(overlap["jaccard"].max()), 0.01) * 1.5)
    ax.set_xlabel("Jaccard overlap of character 4-gram shingle sets")
    ax.set_ylabel("pair of reports")
    ax.grid(axis="y", visible=False)
    ax.set_title("Text overlap of every pair of reports (orange: same city, different level)")
    fig.tight_layout()
    with_data(fig, overlap.set_index(["report_a", "report_b"]))
    return fig


# --------------------------------------------------------------------------------------------
# group views (a corpus of more reports than one figure can show one by one; see report.views)


def _pooled(view, groups: pd.Series) -> pd.Series:
    """Groups beyond the view's ``max_panels`` (the smallest) pooled as ``other`` (figures only)."""
    sizes = groups.value_counts(sort=True)
    keep = set(sizes.index[: max(1, view.max_panels - 1)]) if len(sizes) > view.max_panels else set(sizes.index)
    return groups.where(groups.isin(keep), "other")


def plot_group_distribution(values: pd.Series, view, title: str, xlabel: str, dots_max: int = 300):
    """One row per group: each report's value as a dot (a box plot above ``dots_max`` reports), and
    the group mean with its bootstrap interval over reports (:func:`analysis.measures.stats.group_means`).

    ``values`` is indexed by doc_id. The figure's size depends on the number of groups (at most the
    view's ``max_panels``), never on the number of reports.
    """
    from analysis.measures.stats import group_means

    groups = _pooled(view, view.groups.reindex(values.index))
    means = group_means(values, groups)
    names = list(means["group"])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.6))
    y = {g: i for i, g in enumerate(reversed(names))}
    if len(values) <= dots_max:
        rng = np.random.default_rng(0)   # a fixed jitter, so the figure bytes are reproducible
        ys = groups.map(y).to_numpy(dtype=float) + rng.uniform(-0.18, 0.18, len(values))
        ax.plot(values.to_numpy(dtype=float), ys, "o", ms=3, alpha=0.5, color="#56B4E9", zorder=2)
    else:
        data = [values[groups == g].to_numpy(dtype=float) for g in reversed(names)]
        ax.boxplot(data, positions=list(range(len(names))), orientation="horizontal", widths=0.5, showfliers=False)
    for r in means.itertuples():
        yi = y[r.group]
        if not np.isnan(r.ci_low):
            ax.plot([r.ci_low, r.ci_high], [yi, yi], color="black", lw=2, zorder=3)
        ax.plot(r.mean, yi, "D", color="black", ms=5, zorder=4)
    ax.set_yticks(list(y.values()), [f"{g} (n={n})" for g, n in zip(reversed(names), reversed(list(means["n_reports"])))])
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return with_data(fig, means)


def pooled_groups(view) -> pd.Series:
    """The view's groups with those beyond ``max_panels`` pooled as ``other`` (doc_id -> label): the groups
    a group figure draws and a difference table compares."""
    return _pooled(view, view.groups)


# --- group views of notebook 02 ---


def plot_rhetoric_groups(rates: pd.DataFrame, view, panels: dict[str, str], ncols: int = 4, dots_max: int = 300,
                         xlabel: str = "per 1,000 characters", title: str | None = None):
    """The rhetoric profile by group: one panel per measure (``panels``: column of ``rates`` -> title),
    one row per group (at most ``view.max_panels``, the rest pooled as ``other``), each report's rate
    as a dot (a box plot above ``dots_max`` reports) and the group mean (diamond) with its bootstrap
    interval over reports (:func:`analysis.measures.stats.group_means`).

    ``rates`` is reports x measures (doc_id index: :func:`analysis.questions.rhetoric.report_rates`).
    The figure's size depends on the number of measures and groups, never on the number of reports.
    Attached data: ``measure, group, n_reports, mean, ci_low, ci_high``.
    """
    from analysis.measures.stats import group_means

    groups = _pooled(view, view.groups.reindex(rates.index).fillna("unknown").astype(str))
    names = list(dict.fromkeys(groups))
    if "other" in names:                       # the pool last
        names = [g for g in names if g != "other"] + ["other"]
    sizes = groups.value_counts()
    y = {g: i for i, g in enumerate(reversed(names))}
    ys_base = groups.map(y).to_numpy(dtype=float)
    nrows = math.ceil(len(panels) / ncols)
    height = 0.32 * len(names) + 1.3
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.1 * ncols, height * nrows), sharey=True, squeeze=False)
    frames = []
    for k, (ax, (measure, panel_title)) in enumerate(zip(axes.flat, panels.items())):
        values = rates[measure].astype(float)
        means = group_means(values, groups).assign(measure=measure)
        frames.append(means)
        if len(values) <= dots_max:
            rng = np.random.default_rng(k)      # a fixed jitter per panel: reproducible figure bytes
            ax.plot(values.to_numpy(), ys_base + rng.uniform(-0.2, 0.2, len(values)), "o", ms=2.5, alpha=0.45,
                    color="#56B4E9", zorder=2)
        else:
            data = [values[groups == g].to_numpy() for g in reversed(names)]
            ax.boxplot(data, positions=list(range(len(names))), orientation="horizontal", widths=0.5,
                       showfliers=False, medianprops={"color": "#0072B2"})
        for r in means.itertuples():
            if not np.isnan(r.ci_low):
                ax.plot([r.ci_low, r.ci_high], [y[r.group]] * 2, color="black", lw=2, zorder=3)
            ax.plot(r.mean, y[r.group], "D", color="black", ms=4, zorder=4)
        ax.set_title(panel_title, fontsize=10)
        top = float(np.nanmax(values.to_numpy())) if len(values) else 0.0
        ax.set_xlim(left=0, right=max(1.0, top) * 1.08)
        ax.set_ylim(-0.6, len(names) - 0.4)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(axis="y", visible=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_yticks(list(y.values()), [f"{g} (n={int(sizes[g])})" for g in reversed(names)])
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    data = pd.concat(frames, ignore_index=True)[["measure", "group", "n_reports", "mean", "ci_low", "ci_high"]]
    return with_data(fig, data, source="rhetoric_markers: occurrences counted per report and measure; reports: "
                     "n_chars (the denominator); one mean per group over its reports")


def plot_directive_strength_groups(corpus: Corpus, view):
    """100% bars by group: the mean over the group's reports of each report's share of sentences by
    strongest directive (:func:`analysis.questions.rhetoric.directive_strength_by_group`), grades as
    in :func:`plot_directive_strength`; each bar labelled with its number of reports. At most
    ``view.max_panels`` bars (the rest pooled as ``other``)."""
    from analysis.questions.rhetoric import directive_strength_by_group

    table = directive_strength_by_group(corpus, pooled_groups(view))
    grades = directive_grades(corpus.lexicon)
    fig = stacked_shares(table, {g: g for g in table.index},
                         parts={f"share_strength_{g['grade']}": f"{g['name']} ({g['grade']})" for g in grades},
                         colors=[g["color"] for g in grades], totals=table["n_reports"],
                         title="Strongest directive in each sentence: mean share over each group's reports "
                               "(n = reports)", xlabel="mean share of a report's sentences")
    return with_data(fig, table, source="directives: strongest grade per sentence; sentences: the denominator; "
                     "shares per report, then the mean over each group's reports")


def wordcloud_groups(corpus: Corpus, weights: pd.DataFrame, view):
    """One cloud per group (at most ``view.max_panels``; ``weights`` from
    :func:`analysis.questions.rhetoric.group_wordcloud_weights` on :func:`pooled_groups`), sized by
    the keyness G² of the group against the rest; seed and size from wordclouds.yaml, single tokens
    of the corpus only. Panels titled with the group and its number of reports."""
    lex = corpus.lexicon.yaml(WORDCLOUDS_FILE)
    groups = pooled_groups(view)
    sizes = groups.value_counts()
    names = [g for g in dict.fromkeys(weights["group"]) if g in sizes.index]
    names += [g for g in dict.fromkeys(groups) if g not in names]
    names = ([g for g in names if g != "other"] + [g for g in names if g == "other"])[: view.max_panels]   # the pool last
    by_group = {g: dict(zip(w["term"], w["g2"])) for g, w in weights.groupby("group", sort=False)}
    tokens = set(corpus.tokens["token"].unique())
    return wordcloud_grid(by_group, {g: f"{g} ({int(sizes[g])} report{'' if sizes[g] == 1 else 's'})" for g in names}, seed=lex["random_state"],
                          max_words=lex["max_words"], single_tokens=tokens,
                          title="What is distinctive in each group: words sized by keyness (G²) of the group's "
                                "reports against the others'")

# --- group views of notebook 04 ---


def _pool_map(view) -> dict:
    """group -> the label a figure draws it under (the view's smallest groups pooled as ``other``)."""
    pooled = _pooled(view, view.groups)
    return dict(zip(view.groups, pooled))


def plot_group_years(axis: pd.DataFrame, view):
    """The time axis by group: two heatmaps sharing their rows (groups, at most the view's
    ``max_panels``, the rest pooled as ``other``) and their columns (years, or spans of years):
    how many reports met in each year, and how many reports have a dated promise due in each year
    (:func:`analysis.questions.timeline.year_axis`). The size depends on the number of groups and
    years shown, never on the number of reports."""
    pool = _pool_map(view)
    t = axis.assign(group=axis["group"].map(lambda g: pool.get(g, "other")))
    t = t.groupby(["group", "what", "period", "start_year"], sort=False)["n_reports"].sum().reset_index()
    pooled = _pooled(view, view.groups)
    sizes = pooled.value_counts()
    names = list(dict.fromkeys(pooled)) or ["(none)"]   # every group, one with no year on the axis too
    periods = ["—"]
    if len(t):   # every year (or span of years) from the first to the last, empty ones included
        first = t.sort_values("start_year", kind="mergesort").iloc[0]
        width = int(str(first["period"]).split("–")[1]) - int(first["start_year"]) + 1 if "–" in str(first["period"]) else 1
        starts = range(int(t["start_year"].min()), int(t["start_year"].max()) + 1, width)
        periods = [str(s) if width == 1 else f"{s}–{s + width - 1}" for s in starts]
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.42 * len(names) + 2.2), sharey=True)
    for ax, what, title in zip(axes, ["meeting", "promise due"],
                               ["Reports meeting in each year", "Reports with a dated promise due in each year"]):
        grid = (t[t["what"] == what].pivot_table(index="group", columns="period", values="n_reports", aggfunc="sum")
                .reindex(index=names, columns=periods).fillna(0))
        ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="Blues", vmin=0)
        if len(periods) <= 25:
            peak = max(float(grid.to_numpy().max()), 1.0)
            for i, g in enumerate(names):
                for j, p in enumerate(periods):
                    v = int(grid.at[g, p])
                    if v:
                        ax.text(j, i, str(v), ha="center", va="center", fontsize=6.5,
                                color="white" if v > peak * 0.6 else "black")
        ax.set_xticks(range(len(periods)), periods, rotation=90 if len(periods) > 12 else 45, fontsize=7)
        ax.set_yticks(range(len(names)), [f"{g} (n={int(sizes.get(g, 0))})" for g in names], fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.grid(False)
    axes[0].set_ylabel(view.group_by)
    fig.suptitle(f"The time axis by year and by {view.group_by} (cells: number of reports; n: reports in the group)",
                 fontsize=11)
    fig.tight_layout()
    return with_data(fig, t)


def plot_group_orientation(orient: pd.DataFrame, view, dots_max: int = 300):
    """Past, present and future by group: three panels (one per orientation) sharing their rows
    (groups, at most the view's ``max_panels``, the rest pooled as ``other``). Each report's share
    of sentences is a dot (a box plot above ``dots_max`` reports), with the group mean and its
    bootstrap interval over reports (:func:`analysis.measures.stats.group_means`). The size
    depends on the number of groups, never on the number of reports."""
    from analysis.measures.stats import group_means

    pool = _pool_map(view)
    frames = []
    fig, axes = plt.subplots(1, len(ORIENTATIONS), figsize=(13, 0.45 * min(len(set(pool.values())), view.max_panels) + 2.0),
                             sharey=True)
    names = None
    for ax, o in zip(axes, ORIENTATIONS):
        share = orient.loc[orient["orientation"] == o].set_index("doc_id")["share"].dropna()
        groups = share.index.to_series().map(view.groups).map(lambda g: pool.get(g, "other"))
        means = group_means(share, groups)
        if names is None:
            names = list(means["group"])
            y = {g: i for i, g in enumerate(reversed(names))}
        frames.append(means.assign(orientation=o))
        if len(share) <= dots_max:
            rng = np.random.default_rng(0)   # a fixed jitter: reproducible bytes
            ys = groups.map(y).to_numpy(dtype=float) + rng.uniform(-0.18, 0.18, len(share))
            ax.plot(share.to_numpy(dtype=float), ys, "o", ms=3, alpha=0.5, color="#56B4E9", zorder=2)
        else:
            data = [share[groups == g].to_numpy(dtype=float) for g in reversed(names)]
            ax.boxplot(data, positions=list(range(len(names))), orientation="horizontal", widths=0.5, showfliers=False)
        for r in means.itertuples():
            if r.group not in y:
                continue
            if not np.isnan(r.ci_low):
                ax.plot([r.ci_low, r.ci_high], [y[r.group], y[r.group]], color="black", lw=2, zorder=3)
            ax.plot(r.mean, y[r.group], "D", color="black", ms=5, zorder=4)
        ax.set_xlim(0, 1)
        ax.set_title(o, fontsize=10)
        ax.set_xlabel("Share of the report's sentences")
        ax.grid(axis="y", visible=False)
    n_of = frames[0].set_index("group")["n_reports"]
    axes[0].set_yticks(list(y.values()), [f"{g} (n={int(n_of.get(g, 0))})" for g in reversed(names)])
    fig.suptitle(f"Temporal orientation by {view.group_by}: each report's shares, group means with bootstrap "
                 "intervals over reports", fontsize=11)
    fig.tight_layout()
    return with_data(fig, pd.concat(frames, ignore_index=True))
# --- group views of notebook 03 ---


def plot_group_theme_heatmap(means: pd.DataFrame, codebook: dict | None = None, title: str = "",
                             colorbar: str = "mean share of a report's directives", percent: bool = True,
                             cmap: str = "Blues", vmax: float | None = None):
    """Theme × group heatmap of group means over reports (:func:`analysis.questions.themes.group_theme_means`:
    ``theme, group, n_reports, mean, ci_low, ci_high``), each cell annotated with the mean, its bootstrap
    interval over reports and the number of reports. One column per group (at most the view's
    ``max_panels``, pooled before): the size does not depend on the number of reports."""
    codebook = codebook or load_codebook()
    ids = [t for t in theme_ids(codebook) if t in set(means["theme"])]
    names = theme_labels(codebook, "both")
    groups = list(dict.fromkeys(means["group"]))
    m = means.set_index(["theme", "group"])
    values = np.array([[m["mean"].get((t, g), np.nan) for g in groups] for t in ids], dtype=float)
    fig, ax = plt.subplots(figsize=(1.35 * len(groups) + 4.8, 0.5 * len(ids) + 2.0))
    top = vmax if vmax is not None else max(0.5, float(np.nanmax(values))) if np.isfinite(values).any() else 1.0
    im = ax.imshow(values, cmap=cmap, vmin=0, vmax=top, aspect="auto")

    def fmt(x):
        return f"{x:.0%}" if percent else f"{x:.2f}"

    for j, t in enumerate(ids):
        for i, g in enumerate(groups):
            v = values[j, i]
            if np.isnan(v):
                ax.text(i, j, "–", ha="center", va="center", fontsize=7)
                continue
            r = m.loc[(t, g)]
            interval = "" if pd.isna(r["ci_low"]) else f"\n[{fmt(r['ci_low'])}–{fmt(r['ci_high'])}]"
            ax.text(i, j, f"{fmt(v)}{interval}", ha="center", va="center", fontsize=6.5,
                    color="white" if v > 0.6 * top else "black")
    n = means.groupby("group", sort=False)["n_reports"].max()
    ax.set_yticks(range(len(ids)), [names[t] for t in ids], fontsize=8)
    ax.set_xticks(range(len(groups)), [f"{textwrap.shorten(str(g), 22)}\nn = {int(n[g])}" for g in groups],
                  fontsize=8, rotation=30 if len(groups) > 6 else 0, ha="left" if len(groups) > 6 else "center")
    ax.xaxis.tick_top()
    ax.grid(False)
    ax.set_ylabel("Theme (codebook)")
    ax.set_xlabel("Group (n = reports); cell: mean over the group's reports [95% bootstrap interval over reports]")
    ax.set_title(title, pad=48 if len(groups) > 6 else 34, fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01, label=colorbar)
    fig.tight_layout()
    return with_data(fig, means.set_index(["theme", "group"]).round(4))

# --- group views of notebook 05 ---


def _bounded_label(term: str, width: int = 40, max_lines: int = 4) -> str:
    """The glossary label of a term (``term (pinyin, gloss)``) wrapped at ``width`` characters over at
    most ``max_lines`` lines (the last ends in … when cut): a 100-character formula cannot widen the
    figure past the limits. Chinese is cut every ``width // 2`` characters (each is about two
    Latin characters wide)."""
    full = glossary_label(term, gloss=True)
    head = term if len(term) <= width // 2 else "\n".join(textwrap.wrap(term, width // 2))
    rest = full[len(term):].strip()
    lines = head.split("\n") + textwrap.wrap(rest, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, width - 1)] + "…"
    return "\n".join(lines)


def _group_panels_shape(n: int) -> tuple[int, int]:
    """Rows and columns of a grid of ``n`` group panels (three columns above six panels, so twelve
    panels stay under the figure limits)."""
    ncols = 1 if n <= 1 else 2 if n <= 6 else 3
    return max(1, math.ceil(n / ncols)), ncols


def plot_group_keyness(corpus: Corpus, view, width: int = 40, top: pd.DataFrame | None = None):
    """One panel per GROUP (at most ``view.max_panels``, the largest): log ratio of the group's top key
    terms on its pooled counts against the rest of the corpus (bar length), shaded by G² on one scale,
    hatched where the expected count is below 5; labels give the pooled counts and how many of the
    group's reports use the term. The size depends on the number of groups, not of reports. ``top``:
    the key terms (:func:`analysis.questions.compare.group_key_terms`, computed when not given)."""
    from analysis.questions.compare import group_key_terms, group_order

    top = group_key_terms(corpus, view) if top is None else top
    order = [g for g in group_order(view.groups.astype(str)) if g in set(top["group"])][: view.max_panels]
    top = top[top["group"].isin(order)]
    nrows, ncols = _group_panels_shape(len(order))
    n_top = max(1, int(top.groupby("group").size().max())) if len(top) else 1
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.6 * ncols, nrows * (0.42 * n_top + 1.1) + 1.3), squeeze=False)
    xmax = float(top["log_ratio"].max()) * 1.6 if len(top) else 1.0
    g2max = float(top["g2"].max()) if len(top) else 1.0
    norm = Normalize(vmin=0, vmax=g2max)
    cmap = plt.get_cmap("YlGnBu")
    shade = lambda g: cmap(0.15 + 0.85 * norm(g))  # noqa: E731  (the palest shade stays visible)
    by_group = dict(tuple(top.groupby("group", sort=False)))
    for ax, group in zip(axes.ravel(), order):
        sub = by_group[group]
        y = np.arange(len(sub))
        ax.barh(y, sub["log_ratio"], color=[shade(g) for g in sub["g2"]],
                hatch=["////" if f else "" for f in sub["low_expected"]], edgecolor="#555555", linewidth=0.5)
        ax.set_yticks(y, [_bounded_label(t, width) for t in sub["term"]], fontsize=7)
        ax.set_ylim(len(sub) - 0.5, -0.5)
        for i, r in enumerate(sub.itertuples()):
            ax.text(r.log_ratio, i, f" {r.count} vs {r.count_rest}; {r.n_reports_using}/{r.n_reports} reports",
                    va="center", fontsize=6.5)
        ax.set_xlim(0, xmax)
        n_rep = int(sub["n_reports"].iloc[0])
        ax.set_title(f"{group} ({n_rep} report{'' if n_rep == 1 else 's'})", fontsize=9.5)
        ax.set_xlabel("log ratio (pooled group vs the rest)", fontsize=8)
        ax.grid(axis="y", visible=False)
    for ax in axes.ravel()[len(order):]:
        ax.set_visible(False)
    n_groups = len(view.group_names)
    shown = f"the {len(order)} largest of {n_groups} groups" if len(order) < n_groups else f"{len(order)} groups"
    fig.suptitle(f"Distinctive vocabulary of each `{view.group_by}` group (pooled counts of its reports against the "
                 f"rest; {shown})\n(bar length = log ratio; shade = G², one scale; hatched = expected count < 5; "
                 "labels: count in group vs in the rest; reports of the group using the term)",
                 x=0.01, ha="left", fontsize=10)
    _g2_scale(fig, norm, shade, g2max, "G² (pooled group against the rest of the corpus)", bottom=0.04, height=0.010)
    data = top[["group", "term", "count", "n_tokens", "count_rest", "n_tokens_rest", "g2", "log_ratio",
                "n_reports_using", "n_reports", "expected", "low_expected"]].round(4)
    with_data(fig, data.set_index(["group", "term"]), source="keyness: pooled by group of reports")
    return fig


def _group_heatmap(ax, table: pd.DataFrame, vmax: float, fmt: str = "{:.2f}", cmap: str = "Blues",
                   show_rows: bool = True):
    """A groups × groups (or rows × groups) heatmap with its values written in the cells (blank: NaN)."""
    m = table.to_numpy(dtype=float)
    im = ax.imshow(m, cmap=cmap, vmin=0, vmax=vmax if vmax > 0 else 1.0, aspect="auto")
    ax.set_xticks(range(m.shape[1]), [str(c) for c in table.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(m.shape[0]), [str(i) for i in table.index] if show_rows else [""] * m.shape[0], fontsize=8)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if np.isfinite(m[i, j]):
                ax.text(j, i, fmt.format(m[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if m[i, j] > 0.6 * vmax else "black")
    ax.grid(False)
    return im


def plot_group_similarity(corpus: Corpus, view, sims: dict[str, pd.DataFrame] | None = None):
    """Groups × groups mean TF-IDF cosine between their reports in both views (within-group pairs on
    the diagonal), one colour scale; at most ``view.max_panels`` groups (the rest pooled as ``other``).
    ``sims``: ``{"tokens": table, "chars": table}`` of :func:`analysis.questions.compare.group_similarity`."""
    from analysis.questions.compare import group_similarity

    views = {"tokens": "TF-IDF cosine on word tokens", "chars": "TF-IDF cosine on character 2–3-grams"}
    sims = sims or {v: group_similarity(corpus, view, v) for v in views}
    g = len(next(iter(sims.values())))
    vmax = max((float(np.nanmax(s.to_numpy(dtype=float))) for s in sims.values()
                if np.isfinite(s.to_numpy(dtype=float)).any()), default=1.0)
    side = 0.55 * g + 2.6
    fig, axes = plt.subplots(1, 2, figsize=(2 * side + 1.5, side), squeeze=False)
    im = None
    for col, (v, title) in enumerate(views.items()):
        ax = axes[0, col]
        im = _group_heatmap(ax, sims[v], vmax, show_rows=col == 0)
        ax.set_title(title, fontsize=10)
    fig.suptitle(f"Mean similarity between the reports of two `{view.group_by}` groups (diagonal: pairs of "
                 "different reports within a group)", x=0.01, ha="left", fontsize=10)
    fig.tight_layout(rect=(0, 0, 0.92, 1))
    cax = fig.add_axes((0.935, 0.3, 0.012, 0.55))
    fig.colorbar(im, cax=cax, label="mean cosine over pairs of reports")
    data = pd.concat({v: s for v, s in sims.items()}, names=["view", "group"])
    return with_data(fig, data)


def plot_formula_groups(corpus: Corpus, formulas: pd.DataFrame, view, width: int = 48,
                        long: pd.DataFrame | None = None):
    """Formula × group: the share of each group's reports using each of the top formulas (whole
    words), at most ``view.max_panels`` groups (the rest pooled as ``other``) and compare.yaml's
    ``top_n`` formulas, every formula with its pinyin and gloss. ``long``: the shares
    (:func:`analysis.questions.compare.formula_group_shares`, computed when not given)."""
    from analysis.questions.compare import formula_group_shares

    long = formula_group_shares(corpus, formulas, view) if long is None else long
    wide = long.pivot(index="formula", columns="group", values="share")
    wide = wide.reindex(index=list(dict.fromkeys(long["formula"])), columns=list(dict.fromkeys(long["group"])))
    sizes = long.drop_duplicates("group").set_index("group")["n_reports"]
    wide.columns = [f"{c} (n={int(sizes[c])})" for c in wide.columns]
    labels = [_bounded_label(t, width, max_lines=3) for t in wide.index]
    n_lines = sum(label.count("\n") + 1 for label in labels)
    # at most 3 lines × top_n formulas: 25 formulas stay under 2,800 px high
    fig, ax = plt.subplots(figsize=(5.5 + 0.75 * wide.shape[1], 0.17 * n_lines + 0.12 * len(wide) + 2.2))
    im = _group_heatmap(ax, wide.rename(index=dict(zip(wide.index, labels))), 1.0, fmt="{:.0%}", cmap="Greens")
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel(f"group (`{view.group_by}`)")
    ax.set_ylabel("shared formula (ranked)")
    ax.set_title("Shared formulas: share of each group's reports that use them", pad=10)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02, label="share of the group's reports")
    fig.tight_layout()
    return with_data(fig, long.set_index(["formula", "group"]), source="shared_formulas: doc_ids by group")


def plot_group_pair_overlap(corpus: Corpus, view, long: pd.DataFrame | None = None):
    """Groups × groups: the share of pairs of reports whose shingle overlap reaches the LSH threshold
    (cells give the number of such pairs over the number of pairs); at most ``view.max_panels`` groups.
    ``long``: :func:`analysis.questions.compare.group_pair_overlap` (computed when not given)."""
    from analysis.questions.compare import group_pair_overlap, params

    long = group_pair_overlap(corpus, view) if long is None else long
    names = list(dict.fromkeys(list(long["group_a"]) + list(long["group_b"])))
    share = pd.DataFrame(np.nan, index=names, columns=names)
    count = pd.DataFrame("", index=names, columns=names)
    for r in long.itertuples():
        for a, b in ((r.group_a, r.group_b), (r.group_b, r.group_a)):
            share.at[a, b] = r.share_over
            count.at[a, b] = f"{r.n_over:,}/{r.n_pairs:,}" if r.n_pairs else ""
    side = 0.7 * len(names) + 2.8
    fig, ax = plt.subplots(figsize=(side + 2.2, side))
    m = share.to_numpy(dtype=float)
    vmax = float(np.nanmax(m)) if np.isfinite(m).any() and np.nanmax(m) > 0 else 1.0
    im = ax.imshow(m, cmap="Oranges", vmin=0, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(names)), names, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for i in range(len(names)):
        for j in range(len(names)):
            if count.iat[i, j]:
                ax.text(j, i, count.iat[i, j], ha="center", va="center", fontsize=6.5,
                        color="white" if m[i, j] > 0.6 * vmax else "black")
    ax.grid(False)
    t = params(corpus.lexicon)["formulas"]["lsh_threshold"]
    ax.set_title(f"Pairs of reports whose shingle Jaccard is at least {t}, by `{view.group_by}` group\n"
                 "(cells: such pairs / all pairs; diagonal: pairs within a group)", fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.045, pad=0.02, label="share of the pairs")
    fig.tight_layout()
    return with_data(fig, long.set_index(["group_a", "group_b"]), source="pair overlap (not a tidy table)")
