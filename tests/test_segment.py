"""Paragraphs and sentences with offsets, on the real reports."""

from __future__ import annotations

import pytest
from conftest import SEED_FILES

from analysis.loading.segment import sentence_spans, split_sentences


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_offsets_point_into_the_cleaned_text(corpus, doc_id):
    text = corpus.text(doc_id)
    sents = corpus.sentences[corpus.sentences.doc_id == doc_id]
    assert all(text[r.start : r.end] == r.text for r in sents.itertuples())
    assert list(sents.sent_id) == list(range(len(sents)))
    # sentences cover every character of the body except line breaks
    assert "".join(sents.text) == text.replace("\n", "")


def test_sentences_end_at_chinese_stops_with_closing_quotes():
    spans = sentence_spans("要清醒认识到创建成果是不易的。永远保持创建的初心。")
    assert len(spans) == 2
    text = "树立“讲文明就是讲安全，讲安全就是讲文明。”的工作理念。下一句。"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["树立“讲文明就是讲安全，讲安全就是讲文明。”", "的工作理念。", "下一句。"]


def test_bullets_and_headings_are_sentences_of_their_own(corpus):
    city = corpus.sentences[corpus.sentences.doc_id == "pingxiang_city_2022"].text.tolist()
    assert "——要立必胜之志。" in city and "——要担千钧之责。" in city
    suburb = corpus.sentences[corpus.sentences.doc_id == "pingxiang_suburb_2020"].text.tolist()
    assert "一、坚持创建工作永远在路上不动摇" in suburb
    assert "吴国荣要求：" in suburb


def test_yi_yao_er_yao_list_items_split(corpus):
    suburb = corpus.sentences[corpus.sentences.doc_id == "pingxiang_suburb_2020"].text.tolist()
    assert "一要坚持创建为民。" in suburb and "二要坚持创建惠民。" in suburb and "三要坚持创建靠民。" in suburb
    xinyang = corpus.sentences[corpus.sentences.doc_id == "xinyang_2015"].text.tolist()
    assert "一要树牢创建为民的理念。" in xinyang and "四要营造浓厚氛围。" in xinyang


def test_list_item_after_semicolon_starts_a_sentence():
    rows = split_sentences("要做好三件事：一是抓宣传；二是抓整治；三是抓考核。")
    assert [r["text"] for r in rows] == ["要做好三件事：一是抓宣传；", "二是抓整治；", "三是抓考核。"]


def test_semicolon_without_list_marker_does_not_split():
    rows = split_sentences("确保人员、设施、工具、经费等基础保障到位；加强基层工作人员能力。")
    assert len(rows) == 1


def test_paragraph_ids(corpus):
    city = corpus.sentences[corpus.sentences.doc_id == "pingxiang_city_2022"]
    assert city.para_id.nunique() == 13 and city.para_id.is_monotonic_increasing
