"""The outline of a speech: its numbered and bulleted items at any depth.

A report of a meeting sets out the instructions as an outline (一、二、 headings, 一要…二要…,
一是…二是…, ——要… bullets, 一方面…另一方面, 首先…其次…, short 要X。 headings). :func:`outline` reads
every item, with its level, its parent item, the list it belongs to, its sentences and character
offsets, its speaker and, where the speech states it (要着重理顺六大关系：), the announced count.
The markers and rules live in ``data/lexicon/outline.yaml``; speech frames come from speakers.yaml.

The unit is the **item**: a marker-opened span of one or more sentences (Xinyang's 四要营造浓厚氛围。
要加强宣传。… is one level-2 item with three level-3 items under it). Rhetoric (lists, depth,
parallel items) and themes read the outline from here.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import numpy as np
import pandas as pd

from analysis.loading.chars import HAN_RE
from analysis.loading.corpus import Corpus
from analysis.loading.memo import memoised
from analysis.measures.speakers import SPEAKERS_FILE, attribute_speakers
from analysis.measures.text import numeral

OUTLINE_FILE = "outline.yaml"
OUTLINE_COLUMNS = ["doc_id", "item_id", "parent_id", "list_id", "level", "style", "marker", "num", "n_items",
                   "announced_count", "first_sent", "last_sent", "start", "end", "heading", "text", "speaker",
                   "role"]
#: Delimiters of the segments of a headline (凝聚共识，遵循规律，强化责任).
SEGMENT_RE = re.compile(r"[、，；,;]")
EDGE_RE = re.compile(r"^[^\w]+|[^\w]+$")


def frame_re(lexicon) -> re.Pattern:
    """A speech frame opening a sentence (``会议强调，``, ``郭瑞民强调，``): subject, speech verb, ，/：."""
    spk = lexicon.yaml(SPEAKERS_FILE)
    cfg = lexicon.yaml(OUTLINE_FILE)["frame"]
    verbs = sorted([v["verb"] for v in spk["speech_verbs"]] + [f["frame"] for f in spk["speech_frames"]],
                   key=len, reverse=True)
    return re.compile(f"^[^。！？，；：,;:]{{0,{int(cfg['max_subject'])}}}?(?:{'|'.join(map(re.escape, verbs))})[，：,:]")


def _compiled_markers(lexicon) -> list[tuple[dict, re.Pattern]]:
    return [(m, re.compile(m["pattern"])) for m in lexicon.yaml(OUTLINE_FILE)["markers"]]


def _marker_at(text: str, pos: int, markers) -> dict | None:
    """The first marker style matching ``text`` at ``pos``: ``{style, family, scope, num, marker}``."""
    for style, rx in markers:
        m = rx.match(text, pos)
        if not m:
            continue
        raw = m.groupdict().get("num")
        num = 0 if raw is None else (style["sequence"].index(raw) + 1 if "sequence" in style else numeral(raw))
        marker = raw + text[m.end("num"):m.end()] if raw is not None else m.group(0)
        if style["style"] == "yao_heading":
            marker = "要"
        return {"style": style["style"], "family": style["family"], "scope": style["scope"], "num": num,
                "marker": marker, "offset": pos}
    return None


def sentence_openings(text: str, markers, frame: re.Pattern) -> dict | None:
    """The item a sentence opens, at its start or right after a speech frame (``X强调，一是…``)."""
    lead = len(text) - len(text.lstrip(" \u3000"))
    found = _marker_at(text, lead, markers)
    if found:
        return found
    m = frame.match(text)
    return _marker_at(text, m.end(), markers) if m else None


def announced_count(text: str, lexicon, pattern: re.Pattern | None = None) -> tuple[int, int] | None:
    """``(count, end)`` of a stated count (``要着重理顺六大关系：`` -> ``(6, offset after ：)``);
    ``pattern``: outline.yaml's ``announced_count`` pattern, if already compiled."""
    rx = pattern or re.compile(lexicon.yaml(OUTLINE_FILE)["announced_count"]["pattern"])
    m = rx.search(text)
    return (numeral(m.group("count")), m.end()) if m else None


def headline_echoes(sents: pd.DataFrame, frame: re.Pattern, lexicon) -> dict[int, dict]:
    """Items opened by a headline's members (see outline.yaml ``headline_echo``): ``sent_id -> item``."""
    cfg = lexicon.yaml(OUTLINE_FILE)["headline_echo"]
    lo, hi, need = int(cfg["min_chars"]), int(cfg["max_chars"]), int(cfg["min_members"])
    ids, texts = list(sents["sent_id"]), list(sents["text"])
    bodies = []
    for t in texts:
        m = frame.match(t)
        b = t[m.end():] if m else t
        bodies.append((len(t) - len(b), b[1:] if b.startswith("要") else b, 1 if b.startswith("要") else 0))
    found = {}
    for k, text in enumerate(texts):
        segs = [EDGE_RE.sub("", s) for s in SEGMENT_RE.split(text)]
        for a in range(len(segs)):
            b = a
            while b < len(segs) and len(segs[b]) == len(segs[a]) and lo <= len(segs[a]) <= hi and \
                    len(HAN_RE.findall(segs[b])) == len(segs[b]):
                b += 1
            if b - a < need:
                continue
            echo, j = [], k + 1
            for member in segs[a:b]:
                while j < len(texts) and not bodies[j][1].startswith(member):
                    j += 1
                if j == len(texts):
                    break
                echo.append(j)
                j += 1
            if len(echo) == b - a and not any(ids[j] in found for j in echo):
                for n, j in enumerate(echo, start=1):
                    off, _, yao = bodies[j]
                    found[ids[j]] = {"style": "headline_echo", "family": f"echo@{ids[k]}", "scope": "paragraph",
                                     "num": n, "marker": ("要" if yao else "") + segs[a + n - 1], "offset": off,
                                     "announced": b - a}
            break
    return found


def _announced_items(sents: pd.DataFrame, markers, lexicon) -> tuple[dict[int, dict], dict[int, int]]:
    """Items after a stated count with no marker (``…六大关系：处理好…``) and the counts that a list
    opening in the same or the next sentence takes: ``(sent_id -> item, sent_id -> count)``."""
    cfg = lexicon.yaml(OUTLINE_FILE)["announced_count"]
    n_open, pattern = int(cfg["opener_chars"]), re.compile(cfg["pattern"])   # read once per report, not per sentence
    ids, texts = list(sents["sent_id"]), list(sents["text"])
    items, counts = {}, {}
    for k, text in enumerate(texts):
        got = announced_count(text, lexicon, pattern)
        if not got:
            continue
        count, end = got
        rest = text[end:]
        if not rest.strip() or _marker_at(text, end, markers):
            counts[ids[k]] = count
            if k + 1 < len(ids):
                counts.setdefault(ids[k + 1], count)
            continue
        opener = rest[:n_open]
        family = f"announced@{ids[k]}"
        items[ids[k]] = {"style": "announced", "family": family, "scope": "sentence", "num": 1,
                         "marker": opener, "offset": end, "announced": count}
        n, j = 1, k + 1
        while n < count and j < len(texts):
            if texts[j].startswith(opener):
                n += 1
                items[ids[j]] = {"style": "announced", "family": family, "scope": "sentence", "num": n,
                                 "marker": opener, "offset": 0, "announced": count}
            j += 1
    return items, counts


@memoised(OUTLINE_FILE, SPEAKERS_FILE)
def outline(corpus: Corpus) -> pd.DataFrame:
    """One row per outline item of every report (columns :data:`OUTLINE_COLUMNS`).

    ``level`` 1 is the top; ``parent_id`` the item it stands under (empty at the top); ``list_id``
    the list of its siblings, ``n_items`` that list's length and ``announced_count`` the count the
    speech stated for it (0 when none). ``first_sent``/``last_sent`` and ``start``/``end`` (character
    offsets in the cleaned text) delimit the item: from its marker to the next item of its level or
    above, its list's end, or, for sentence-scope styles, its paragraph's end. ``heading`` is the
    item's first sentence from the marker on, ``text`` all of it. ``speaker``/``role`` come from
    :func:`analysis.measures.speakers.attribute_speakers` (the item's first sentence).
    """
    speech = attribute_speakers(corpus)
    markers = _compiled_markers(corpus.lexicon)
    frame = frame_re(corpus.lexicon)
    mins = {m["style"]: int(m.get("min_items", 1)) for m in corpus.lexicon.yaml(OUTLINE_FILE)["markers"]}
    # every table read once as plain arrays, split by report in first-appearance order (no filter of
    # a table per report, no DataFrame built per report)
    sentences = corpus.sentences
    cols = {c: sentences[c].to_numpy(dtype=object) for c in ("sent_id", "para_id", "text", "start", "end")}
    spk_cols = {c: speech[c].to_numpy(dtype=object) for c in ("sent_id", "attribution", "speaker", "role")}
    spk_by_doc = dict(_doc_slices(speech["doc_id"]))
    rows: list[dict] = []
    spans: list[tuple[int, int]] = []   # each report's rows
    for doc_id, idx in _doc_slices(sentences["doc_id"]):
        sents = {c: v[idx].tolist() for c, v in cols.items()}
        sidx = spk_by_doc.get(doc_id, idx[:0])
        sid = spk_cols["sent_id"][sidx].tolist()
        spk = {c: dict(zip(sid, spk_cols[c][sidx].tolist())) for c in ("attribution", "speaker", "role")}
        got = _outline_doc(doc_id, sents, spk, markers, frame, mins, corpus.lexicon)
        spans.append((len(rows), len(rows) + len(got)))
        rows += got
    out = _as_concatenated(pd.DataFrame(rows, columns=OUTLINE_COLUMNS), rows, spans)
    ints = ["level", "num", "n_items", "announced_count", "first_sent", "last_sent", "start", "end"]
    return out[OUTLINE_COLUMNS].astype({c: "int64" for c in ints})


def _as_concatenated(out: pd.DataFrame, rows: list[dict], spans: list[tuple[int, int]]) -> pd.DataFrame:
    """``out`` with the column types and empty cells of the table as built report by report and
    concatenated: a text column is of type object when some report's table has it as object (a report
    with no items, or one whose items all lack the value), its empty cells None in those reports and
    NaN in the others; otherwise it is a string column."""
    empty_doc = any(a == b for a, b in spans)
    for col in out.columns:
        if not (pd.api.types.is_string_dtype(out[col]) and out[col].dtype != object):
            continue
        whole = [a == b or all(rows[k][col] is None for k in range(a, b)) for a, b in spans]
        if not (empty_doc or any(whole)):
            continue
        values = []
        for (a, b), none_kept in zip(spans, whole):
            values += [rows[k][col] if rows[k][col] is not None or none_kept else np.nan for k in range(a, b)]
        out[col] = pd.Series(values, index=out.index, dtype=object)
    return out


def _doc_slices(doc_ids: pd.Series):
    """``(doc_id, row positions)`` per report, reports in order of first appearance, rows in table order
    (what ``groupby("doc_id", sort=False)`` gives), from one stable sort."""
    codes, uniques = pd.factorize(doc_ids, sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes[codes >= 0], minlength=len(uniques)))])
    for k, doc_id in enumerate(uniques):
        yield doc_id, order[bounds[k]:bounds[k + 1]]


def _openings(sents, markers, frame, lexicon) -> tuple[dict[int, dict], dict[int, int]]:
    """``sent_id -> item opened there`` (headline echoes first, then markers, then stated counts)."""
    echoes = headline_echoes(sents, frame, lexicon)
    announced, counts = _announced_items(sents, markers, lexicon)
    opened = {}
    for sid, text in zip(sents["sent_id"], sents["text"]):
        item = echoes.get(sid) or sentence_openings(text, markers, frame) or announced.get(sid)
        if item:
            opened[sid] = item
    return opened, counts


def _outline_doc(doc_id, sents, spk, markers, frame, mins, lexicon) -> list[dict]:
    """The rows of the items of one report (see :func:`outline`): a stack of open lists, as in a reader's
    head. ``sents``: the report's sentences as column lists (``sent_id, para_id, text, start, end``);
    ``spk``: ``attribution``, ``speaker``, ``role`` as ``sent_id -> value`` dicts."""
    opened, counts = _openings(sents, markers, frame, lexicon)
    para_of = dict(zip(sents["sent_id"], sents["para_id"]))
    para_end = {}
    for sid, pid in para_of.items():
        para_end[pid] = max(sid, para_end.get(pid, sid))
    boundary = {sid for sid, a in spk["attribution"].items() if a != "carried"}
    stack, lists, items = [], [], []

    def close(upto: int, keep: int) -> None:
        while len(stack) > keep:
            lst = stack.pop()
            lst["end_sent"] = upto - 1
            lists.append(lst)

    for sid in sents["sent_id"]:
        it = opened.get(sid)
        if it is None:
            if sid in boundary and stack:
                close(sid, 0)
            continue
        pos = next((k for k in range(len(stack) - 1, -1, -1) if _continues(stack[k], it)), None)
        if pos is None and it["num"] not in (0, 1):
            continue  # a stray number (三是 with no 一是 open) opens nothing
        if pos is None:
            same = next((k for k, lst in enumerate(stack) if lst["family"] == it["family"]), None)
            if same is not None:
                close(sid, same)
            parent = stack[-1]["items"][-1] if stack else None
            lst = {"list_id": f"{doc_id}:L{len(lists) + len(stack) + 1}", "family": it["family"],
                   "style": it["style"], "parent": parent, "items": [], "last_num": 0,
                   "announced": it.get("announced") or counts.get(sid, 0)}
            stack.append(lst)
            pos = len(stack) - 1
        close(sid, pos + 1)
        item = {**it, "sent": sid, "list": stack[pos], "item_id": f"{doc_id}:{len(items) + 1}"}
        stack[pos]["items"].append(item)
        stack[pos]["last_num"] = it["num"]
        items.append(item)
    close(int(max(sents["sent_id"])) + 1, 0)
    keep = [it for it in items if len(it["list"]["items"]) >= mins.get(it["style"], 1)]
    return _item_rows(doc_id, sents, keep, para_of, para_end, spk)


def _continues(lst: dict, item: dict) -> bool:
    """Whether ``item`` is the next item of the open list ``lst`` (same family, next number)."""
    if lst["family"] != item["family"]:
        return False
    return item["num"] == 0 or item["num"] == lst["last_num"] + 1


def _item_rows(doc_id, sents, items, para_of, para_end, spk) -> list[dict]:
    """Rows of :func:`outline` for the kept items: levels from the parent chain, extents. Linear in the
    items: the next item at the same level or above comes from one backward pass with a stack."""
    kept = {id(it) for it in items}

    def parent_of(it):
        p = it["list"]["parent"]
        while p is not None and id(p) not in kept:
            p = p["list"]["parent"]
        return p

    parents = [parent_of(it) for it in items]
    level = {}
    for it, p in zip(items, parents):  # parents come before their children
        level[id(it)] = 1 if p is None else level[id(p)] + 1
    levels = [level[id(it)] for it in items]
    nxt_of: list[dict | None] = [None] * len(items)
    stack: list[int] = []
    for k in range(len(items) - 1, -1, -1):
        while stack and levels[stack[-1]] > levels[k]:
            stack.pop()
        nxt_of[k] = items[stack[-1]] if stack else None
        stack.append(k)
    n_kept, rank = {}, {}
    for it in items:
        n_kept[id(it["list"])] = n_kept.get(id(it["list"]), 0) + 1
    for it in {id(it["list"]): it["list"] for it in items}.values():
        for n, o in enumerate(it["items"], start=1):
            rank[id(o)] = n
    ids = list(sents["sent_id"])
    texts = list(sents["text"])
    pos_of = {sid: k for k, sid in enumerate(ids)}
    ordered = all(a < b for a, b in zip(ids, ids[1:]))
    start_of = dict(zip(ids, sents["start"]))
    end_of = dict(zip(ids, sents["end"]))
    speaker_of, role_of = spk.get("speaker", {}), spk.get("role", {})
    rows = []
    for k, it in enumerate(items):
        nxt = nxt_of[k]
        last = it["list"]["end_sent"] if nxt is None else min(nxt["sent"] - 1, it["list"]["end_sent"])
        if nxt is not None and nxt["sent"] == it["sent"]:
            last = it["sent"]
        if it["scope"] == "sentence":
            last = min(last, para_end[para_of[it["sent"]]])
        last = max(last, it["sent"])
        start = int(start_of[it["sent"]]) + it["offset"]
        if ordered:   # sentences from the item's to ``last`` (ids ascending: one slice)
            a = pos_of[it["sent"]]
            b = bisect_right(ids, last, lo=a)
            text = "".join(texts[a:b])[it["offset"]:]
        else:
            text = "".join(t for sid, t in zip(ids, texts) if it["sent"] <= sid <= last)[it["offset"]:]
        p = parents[k]
        speaker, role = speaker_of.get(it["sent"]), role_of.get(it["sent"])
        rows.append({"doc_id": doc_id, "item_id": it["item_id"], "parent_id": p["item_id"] if p else "",
                     "list_id": it["list"]["list_id"], "level": levels[k], "style": it["style"],
                     "marker": it["marker"], "num": it["num"] or rank[id(it)],
                     "n_items": n_kept[id(it["list"])], "announced_count": int(it["list"]["announced"] or 0),
                     "first_sent": it["sent"], "last_sent": last, "start": start,
                     "end": int(end_of[last]), "heading": texts[pos_of[it["sent"]]][it["offset"]:], "text": text,
                     "speaker": None if speaker is None or pd.isna(speaker) else speaker,
                     "role": None if role is None or pd.isna(role) else role})
    return rows


@memoised(OUTLINE_FILE, SPEAKERS_FILE)
def outline_summary(corpus: Corpus) -> pd.DataFrame:
    """Per report: ``n_lists, n_items, n_top_items, depth`` (deepest level, 0 without an outline),
    ``items_per_level`` (``3 / 10 / 6``) and ``announced`` (``6 stated, 6 found``). Computed by
    group-bys over the corpus-wide outline (no pass over the table per report)."""
    items = outline(corpus)
    idx = pd.Index(corpus.doc_ids, name="doc_id")
    by = items.groupby("doc_id", sort=False)
    per_level = items.groupby(["doc_id", "level"]).size()
    levels = {d: " / ".join(str(int(n)) for n in g.to_numpy())
              for d, g in per_level.groupby(level="doc_id", sort=False)}
    stated = items.drop_duplicates("list_id")
    stated = stated[stated["announced_count"] > 0]
    announced = {d: "; ".join(f"{a} stated, {n} found" for a, n in zip(g["announced_count"], g["n_items"]))
                 for d, g in stated.groupby("doc_id", sort=False)}
    zero = dict(fill_value=0)
    out = pd.DataFrame({
        "n_lists": by["list_id"].nunique().reindex(idx, **zero).astype("int64"),
        "n_items": by.size().reindex(idx, **zero).astype("int64"),
        "n_top_items": (items["level"] == 1).groupby(items["doc_id"], sort=False).sum().reindex(idx, **zero)
        .astype("int64"),
        "depth": by["level"].max().reindex(idx, **zero).astype("int64"),
        "items_per_level": [levels.get(d, "") for d in idx],
        "announced": [announced.get(d, "") for d in idx]}, index=idx)
    return out
