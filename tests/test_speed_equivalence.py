"""The corpus-wide passes of measures.outline and measures.speakers on small hand-made cases: the
report slices, the item extents (next item at the same level or above, found in one backward pass),
the column types of the table as if built report by report, and the segmenter's dictionary stamp."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd

from analysis.loading import tokenize
from analysis.loading.config import LEXICON_DIR
from analysis.loading.lexicon import Lexicon
from analysis.measures import outline as ol


def _report(texts: list[str]) -> dict[str, list]:
    """One paragraph of sentences as the column lists :func:`outline._outline_doc` reads."""
    starts = np.cumsum([0] + [len(t) for t in texts[:-1]]).tolist()
    return {"sent_id": list(range(len(texts))), "para_id": [0] * len(texts), "text": texts,
            "start": starts, "end": [s + len(t) for s, t in zip(starts, texts)]}


def test_doc_slices_keep_first_appearance_and_row_order():
    ids = pd.Series(["b", "a", "b", "c", "a"])
    got = [(d, idx.tolist()) for d, idx in ol._doc_slices(ids)]
    assert got == [("b", [0, 2]), ("a", [1, 4]), ("c", [3])]


def test_items_end_before_the_next_item_at_their_level_or_above():
    lex = Lexicon(LEXICON_DIR)
    texts = ["一、提高认识。", "一是加强领导。", "二是压实责任。", "二、狠抓落实。", "各单位抓好落实。"]
    sents = _report(texts)
    spk = {"attribution": dict.fromkeys(range(5), "carried"), "speaker": dict.fromkeys(range(5), "会议"),
           "role": dict.fromkeys(range(5), None)}
    mins = {m["style"]: int(m.get("min_items", 1)) for m in lex.yaml(ol.OUTLINE_FILE)["markers"]}
    rows = ol._outline_doc("r", sents, spk, ol._compiled_markers(lex), ol.frame_re(lex), mins, lex)
    got = [(r["marker"], r["level"], r["num"], r["n_items"], r["first_sent"], r["last_sent"], r["parent_id"])
           for r in rows]
    # 一、 runs to 二是's sentence (the next level-1 item is 二、); 一是 stops before 二是; 二是 at the
    # end of its list (closed by 二、); 二、 to the report's end
    assert [g[:4] for g in got] == [("一、", 1, 1, 2), ("一是", 2, 1, 2), ("二是", 2, 2, 2), ("二、", 1, 2, 2)]
    assert [g[4:6] for g in got] == [(0, 2), (1, 1), (2, 2), (3, 4)]
    assert [g[6] for g in got] == ["", "r:1", "r:1", ""]
    assert rows[0]["text"] == "".join(texts[:3]) and rows[3]["start"] == sum(map(len, texts[:3]))
    assert rows[0]["speaker"] == "会议" and rows[0]["role"] is None


def test_column_types_as_if_concatenated_report_by_report():
    rows = [{"doc_id": "a", "speaker": "甲"}, {"doc_id": "a", "speaker": None}, {"doc_id": "b", "speaker": None}]
    spans = [(0, 2), (2, 3), (3, 3)]   # report c has no rows
    out = ol._as_concatenated(pd.DataFrame(rows), rows, spans)
    pieces = [pd.DataFrame(rows[a:b], columns=["doc_id", "speaker"]) for a, b in spans]
    pd.testing.assert_frame_equal(out, pd.concat(pieces, ignore_index=True), check_exact=True)
    # NaN where report a's table had a text column, None where report b's had only empty cells
    assert out["speaker"].dtype == object and pd.isna(out.at[1, "speaker"]) and out.at[1, "speaker"] is not None
    assert out.at[2, "speaker"] is None


def test_segmenter_follows_a_changed_dictionary(tmp_path):
    lex = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, lex)
    first = tokenize.get_segmenter(lex)
    assert tokenize.get_segmenter(lex) is first   # unchanged: the same segmenter
    with open(lex / tokenize.DICTIONARY_FILE, "a", encoding="utf-8") as f:
        f.write("\n提高认识一要 100\n")
    assert tokenize.get_segmenter(lex) is not first
