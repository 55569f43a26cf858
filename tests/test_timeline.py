"""Timelines (issue 5): every temporal expression of the five reports, quoted and normalised.

The table EXPECTED lists every temporal expression found by reading the cleaned texts
(``load_corpus().text(doc_id)``); the extractor must find exactly these, with these dates. Where
jionlp is wrong on these texts a test below documents what it says, so a change in jionlp shows up.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import load_corpus
from analysis.loading.config import LEXICON_DIR, PROJ_ROOT
from analysis.loading.corpus import Corpus
from analysis.measures import temporal as tm
from analysis.measures import text as text_measures
from analysis.questions import timeline as tl
from analysis.report import figures

# doc_id, sent_id, surface, kind, start, end, refers_to, resolved
# sent_id -2 is the publication date (byline row), -1 the headline; body sentences count from 0.
# Issue 13 added (by reading the headlines and the sentences again): the publication dates of the two
# reports that carry one; the headline year of Pingxiang's meeting name and Xinyang's headline 如期;
# 第五届 (an ordinal round); 限时, 关键时间节点, 特定阶段, 定期, 平时 (temporal, no date); 新一轮 and 以往
# (open intervals); 如期 in Xinyang's sentence 2 (tied to 力争用三年时间); 会后 became an open interval
# after the meeting; 日日 of 日日相继 was dropped (an idiom, as are 久久为功 and 与时俱进).
EXPECTED = [
    # 萍乡 2022: meeting day, the year in the meeting's name (headline and body), an ordinal round,
    # a named year's 最美人物, two events, a yearly rhythm
    ("pingxiang_city_2022", -1, "2022年第一次", "point", "2022-01-01", "2022-12-31", "meeting", True),
    ("pingxiang_city_2022", 0, "6月17日", "point", "2022-06-17", "2022-06-17", "meeting", True),
    ("pingxiang_city_2022", 0, "2022年第一次", "point", "2022-01-01", "2022-12-31", "meeting", True),
    ("pingxiang_city_2022", 0, "第五届", "interval", None, None, "event", False),
    ("pingxiang_city_2022", 0, "2021年度", "point", "2021-01-01", "2021-12-31", "event", True),
    ("pingxiang_city_2022", 2, "视察江西重要讲话精神", "point", None, None, "event", False),
    ("pingxiang_city_2022", 2, "党的二十大", "interval", "2022-10-16", "2022-10-22", "event", True),
    ("pingxiang_city_2022", 14, "一年一年", "recurrence", None, None, "present", False),
    # 长沙县 2022: published the next day; two targets, the first a deadline a year ahead of an
    # October meeting; three temporal words that fix no date
    ("changsha_county_2022", -2, "2022-10-25", "point", "2022-10-25", "2022-10-25", "publication", True),
    ("changsha_county_2022", 0, "10月24日下午", "point", "2022-10-24", "2022-10-24", "meeting", True),
    ("changsha_county_2022", 0, "2022年第三次", "point", "2022-01-01", "2022-12-31", "meeting", True),
    ("changsha_county_2022", 0, "党的二十大", "interval", "2022-10-16", "2022-10-22", "event", True),
    ("changsha_county_2022", 0, "2023年", "deadline", "2022-10-24", "2023-12-31", "target", True),
    ("changsha_county_2022", 0, "2024年", "deadline", "2022-10-24", "2024-12-31", "target", True),
    ("changsha_county_2022", 6, "党的二十大", "interval", "2022-10-16", "2022-10-22", "event", True),
    ("changsha_county_2022", 11, "关键时间节点", "point", None, None, "target", False),
    ("changsha_county_2022", 12, "当前", "point", "2022-10-24", "2022-10-24", "present", True),
    ("changsha_county_2022", 16, "特定阶段", "interval", None, None, "present", False),
    ("changsha_county_2022", 24, "限时", "deadline", None, None, "target", False),
    # 萍乡城郊 2020: year from the dateline; a new round and an after-the-meeting, both open-ended
    ("pingxiang_suburb_2020", -2, "2020-10-16", "point", "2020-10-16", "2020-10-16", "publication", True),
    ("pingxiang_suburb_2020", 0, "10月15日", "point", "2020-10-15", "2020-10-15", "meeting", True),
    ("pingxiang_suburb_2020", 1, "当前", "point", "2020-10-15", "2020-10-15", "present", True),
    ("pingxiang_suburb_2020", 33, "新一轮", "interval", "2020-10-15", None, "target", False),
    ("pingxiang_suburb_2020", 38, "会后", "interval", "2020-10-15", None, "after_meeting", False),
    ("pingxiang_suburb_2020", 39, "当前", "point", "2020-10-15", "2020-10-15", "present", True),
    # 盘锦 2023: year inferred; the province's three-year action is a plan, not a duration
    ("panjin_2023", 0, "5月4日", "point", "2023-05-04", "2023-05-04", "meeting", True),
    ("panjin_2023", 0, "全国文明办主任会议", "point", None, None, "event", False),
    ("panjin_2023", 0, "全省精神文明建设工作会议", "point", None, None, "event", False),
    ("panjin_2023", 0, "全面振兴新突破三年行动", "interval", "2023-01-01", "2025-12-31", "event", True),
    ("panjin_2023", 0, "首战告捷", "interval", "2023-01-01", "2023-12-31", "event", True),
    ("panjin_2023", 4, "全面振兴新突破三年行动", "interval", "2023-01-01", "2025-12-31", "event", True),
    ("panjin_2023", 4, "三年行动", "interval", "2023-01-01", "2025-12-31", "event", True),
    ("panjin_2023", 4, "三年行动", "interval", "2023-01-01", "2025-12-31", "event", True),
    ("panjin_2023", 13, "每日", "recurrence", None, None, "present", False),
    ("panjin_2023", 13, "以往", "interval", None, "2023-05-04", "past", False),
    ("panjin_2023", 13, "平时", "recurrence", None, None, "present", False),
    ("panjin_2023", 16, "定期", "recurrence", None, None, "present", False),
    # 信阳 2015: year inferred (2007 + 8); durations, a deadline three years ahead that 如期 (in the
    # headline and in sentence 2) refers to, an open horizon
    ("xinyang_2015", -1, "如期", "deadline", "2015-04-24", "2018-04-24", "target", True),
    ("xinyang_2015", 0, "4月24日上午", "point", "2015-04-24", "2015-04-24", "meeting", True),
    ("xinyang_2015", 2, "今后一个时期", "interval", "2015-04-24", None, "target", False),
    ("xinyang_2015", 2, "如期", "deadline", "2015-04-24", "2018-04-24", "target", True),
    ("xinyang_2015", 10, "力争用三年时间", "deadline", "2015-04-24", "2018-04-24", "target", True),
    ("xinyang_2015", 19, "党的群众路线教育实践活动", "interval", "2013-06-18", "2014-10-08", "event", True),
    ("xinyang_2015", 25, "现在", "point", "2015-04-24", "2015-04-24", "present", True),
    ("xinyang_2015", 27, "现阶段", "point", "2015-04-24", "2015-04-24", "present", True),
    ("xinyang_2015", 44, "“四个全面”战略布局", "interval", "2014-12-13", "2015-02-25", "event", True),
    ("xinyang_2015", 46, "年度工作计划", "recurrence", None, None, "present", False),
    ("xinyang_2015", 50, "自2007年正式创建“国家卫生城市”以来", "interval", "2007-01-01", "2015-04-24", "past_start", True),
    ("xinyang_2015", 50, "持续八年", "interval", "2007-04-24", "2015-04-24", "achievement", True),
    ("xinyang_2015", 51, "回顾八年", "interval", "2007-04-24", "2015-04-24", "achievement", True),
    ("xinyang_2015", 59, "今年", "interval", "2015-01-01", "2015-12-31", "present", True),
    ("xinyang_2015", 62, "当前", "point", "2015-04-24", "2015-04-24", "present", True),
]
COLUMNS = ["doc_id", "sent_id", "surface", "kind", "start", "end", "refers_to", "resolved"]


DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"
#: The dev reports the rules of temporal.yaml quote (loaded raw-only from a copy, as a new corpus would be).
DEV_FILES = ["d02", "d05", "d10", "d11", "d18", "d19", "d21", "d22", "d24", "d26", "d27", "d29", "d30", "d32"]


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    from conftest import dev_copy

    root = dev_copy(tmp_path_factory.mktemp("dev_time"), lambda name: name[:3] in DEV_FILES, sources=True)
    return load_corpus(root, use_cache=False)


@pytest.fixture(scope="module")
def dev_ex(dev):
    return tl.expressions(dev, include_rejected=True)


@pytest.fixture(scope="module")
def ex(corpus):
    return tl.expressions(corpus)


def _row(ex, doc_id, surface, sent_id=None):
    g = ex[(ex["doc_id"] == doc_id) & (ex["surface"] == surface)]
    if sent_id is not None:
        g = g[g["sent_id"] == sent_id]
    assert len(g) >= 1, (doc_id, surface)
    return g.iloc[0]


def test_every_temporal_expression_in_the_five_reports(ex):
    got = ex[COLUMNS].astype(object).where(ex[COLUMNS].notna(), None)
    got = [tuple(r) for r in got.itertuples(index=False)]
    assert got == EXPECTED


def test_each_expression_quotes_its_sentence(corpus, ex):
    sents = corpus.sentences.set_index(["doc_id", "sent_id"])["text"]
    titles = corpus.documents.set_index("doc_id")["title"]
    for r in ex.itertuples():
        if r.part == "byline":
            continue
        assert (titles[r.doc_id] if r.part == "title" else sents[(r.doc_id, r.sent_id)]) == r.sentence
        assert r.sentence[r.start_char:r.end_char] == r.surface


def test_year_only_inferable_from_context(ex):
    # 信阳: "4月24日上午" and "今年" carry no year; 2015 comes from metadata (2007 + 持续八年)
    meeting = _row(ex, "xinyang_2015", "4月24日上午")
    assert (meeting["start"], meeting["base_basis"]) == ("2015-04-24", "inferred")
    this_year = _row(ex, "xinyang_2015", "今年")   # 并写进了今年的政府工作报告
    assert (this_year["start"], this_year["end"]) == ("2015-01-01", "2015-12-31")
    # 盘锦: "5月4日" resolves to 2023 from the 三年行动首战 inference
    assert _row(ex, "panjin_2023", "5月4日")["start"] == "2023-05-04"
    assert _row(ex, "panjin_2023", "5月4日")["base_basis"] == "inferred"


def test_deadline_a_year_ahead(ex):
    # 长沙县 2022-10-24: 确保长沙县2023年成功创建全国文明城市、2024年顺利通过国家卫生城市复审
    r = _row(ex, "changsha_county_2022", "2023年")
    assert (r["kind"], r["start"], r["end"], r["refers_to"]) == ("deadline", "2022-10-24", "2023-12-31", "target")
    assert (date.fromisoformat(r["end"]) - date.fromisoformat(r["start"])).days < 366 + 70


def test_durations_resolved_against_the_meeting(ex):
    # 力争用三年时间实现创建全国文明城市的目标: jionlp gives only a 3-year delta
    r = _row(ex, "xinyang_2015", "力争用三年时间")
    assert (r["kind"], r["end"], r["source"]) == ("deadline", "2018-04-24", "rule:effort_years")
    assert "time_delta" in r["jionlp"]
    # 经过全市上下持续八年的艰苦奋斗 ends at the meeting
    r = _row(ex, "xinyang_2015", "持续八年")
    assert (r["start"], r["end"], r["refers_to"]) == ("2007-04-24", "2015-04-24", "achievement")


def test_open_horizon_is_kept_unresolved(ex):
    r = _row(ex, "xinyang_2015", "今后一个时期")   # 把创建全国文明城市作为今后一个时期的一件大事来抓
    assert not r["resolved"] and r["start"] == "2015-04-24" and pd.isna(r["end"])
    assert "open-ended" in r["note"]


def test_undated_events_are_kept_not_guessed(ex):
    r = _row(ex, "panjin_2023", "全国文明办主任会议")
    assert not r["resolved"] and pd.isna(r["start"])


def test_event_anchor_depends_on_the_meeting(ex):
    future = _row(ex, "pingxiang_city_2022", "党的二十大")    # 迎接党的二十大胜利召开 (June 2022)
    past = _row(ex, "changsha_county_2022", "党的二十大", 6)   # 贯彻落实党的二十大精神 (October 24)
    assert future["start"] > future["base_date"] and past["end"] < past["base_date"]


# --- where jionlp is wrong on these texts: documented, then fixed by a rule


def test_jionlp_reads_san_nian_xingdong_as_a_duration():
    hits = tm.jionlp_times("按照省全面振兴新突破三年行动部署", date(2023, 5, 4))
    assert [(h["surface"], h["type"]) for h in hits] == [("三年", "time_delta")]
    fixed = tm.sentence_expressions("按照省全面振兴新突破三年行动部署", date(2023, 5, 4), "辽宁")
    assert [(x["surface"], x["refers_to"], x["end"]) for x in fixed] == [("全面振兴新突破三年行动", "event", "2025-12-31")]


def test_san_nian_xingdong_outside_its_province_is_not_liaonings():
    out = tm.sentence_expressions("深入实施城市更新三年行动", date(2023, 5, 4), "江西")
    assert [(x["surface"], x["kind"], x["resolved"]) for x in out] == [("三年", "duration", False)]


def test_province_names_match_with_or_without_suffix():
    assert tm.province_name("辽宁省") == tm.province_name("辽宁") == "辽宁"
    assert tm.province_name("广西壮族自治区") == "广西" and tm.province_name(None) == ""
    with_suffix = tm.sentence_expressions("全面振兴新突破三年行动", date(2023, 5, 4), "辽宁省")
    without = tm.sentence_expressions("全面振兴新突破三年行动", date(2023, 5, 4), "辽宁")
    assert with_suffix == without and any(x["source"].startswith("event") for x in without)


def test_jionlp_finds_xianzai_inside_faxianzai(corpus):
    text = corpus.sentences.set_index(["doc_id", "sent_id"]).at[("pingxiang_suburb_2020", 38), "text"]
    assert "问题发现在一线" in text
    assert "现在" in [h["surface"] for h in tm.jionlp_times(text, date(2020, 10, 15))]
    kept = tm.sentence_expressions(text, date(2020, 10, 15))
    assert "现在" not in [x["surface"] for x in kept]
    rejected = tm.sentence_expressions(text, date(2020, 10, 15), include_rejected=True)
    assert [x["source"] for x in rejected if x["surface"] == "现在"] == ["reject:fa_xian_zai"]


def test_jionlp_misses_open_horizon_and_reads_2021_without_du():
    assert tm.jionlp_times("把创建全国文明城市作为今后一个时期的一件大事来抓", date(2015, 4, 24)) == []
    hits = tm.jionlp_times("暨2021年度“最美人物”发布仪式", date(2022, 6, 17))
    assert [h["surface"] for h in hits] == ["2021年"]


def test_jionlp_since_year_gives_only_the_year():
    text = "他说，我市自2007年正式创建“国家卫生城市”以来，经过全市上下持续八年的艰苦奋斗，圆满完成了创建任务。"
    assert [h["surface"] for h in tm.jionlp_times(text, date(2015, 4, 24))] == ["2007年", "八年"]


def test_rules_on_genre_phrases():
    base = date(2021, 3, 1)
    year_end = tm.sentence_expressions("年底前完成背街小巷改造", base)
    assert [(x["kind"], x["start"], x["end"]) for x in year_end] == [("deadline", "2021-03-01", "2021-12-31")]
    within = tm.sentence_expressions("两年内实现创建目标", base)
    assert [(x["surface"], x["end"]) for x in within] == [("两年内", "2023-03-01")]


def test_stated_year_end_and_month_end_deadlines():
    # from the synthetic sixth report (tests/data/sixth_report): a meeting of 2024-03-05
    base = date(2024, 3, 5)
    got = tm.sentence_expressions("全市上下必须坚决扛起政治责任，力争到2025年底成功创建全国文明城市。", base)
    assert [(x["surface"], x["kind"], x["end"], x["refers_to"]) for x in got] == [
        ("2025年底", "deadline", "2025-12-31", "target")]
    got = tm.sentence_expressions("各地各部门要迅速行动，于6月底前完成第一轮问题整改。", base)
    assert [(x["surface"], x["kind"], x["start"], x["end"]) for x in got] == [
        ("6月底前", "deadline", "2024-03-05", "2024-06-30")]
    # a month already past at the meeting means next year's
    got = tm.sentence_expressions("二月底前完成", base)
    assert [(x["kind"], x["end"]) for x in got] == [("deadline", "2025-02-28")]


def test_no_meeting_date_keeps_expressions_unresolved():
    out = tm.sentence_expressions("力争用三年时间实现目标，并写进了今年的政府工作报告，确保2023年成功创建", None)
    assert [(x["surface"], x["resolved"]) for x in out] == [("力争用三年时间", False), ("今年", False),
                                                            ("2023年", True)]


def test_no_meeting_date_keeps_the_year_a_report_states():
    got = tm.sentence_expressions("力争到2025年底成功创建全国文明城市，自2021年启动创建以来成效明显", None)
    assert [(x["surface"], x["start"], x["end"], x["resolved"]) for x in got] == [
        ("2025年底", None, "2025-12-31", False), ("自2021年启动创建以来", "2021-01-01", None, False)]


def test_numerals_via_cn2an():
    assert [text_measures.numeral(s) for s in ["八", "两", "十", "3"]] == [8, 2, 10, 3]


# --- lexicon files


def _texts(c):
    return "".join(c.documents["text"]) + "".join(c.documents["title"].fillna(""))


def test_rule_quotes_are_in_the_reports_and_match(corpus, dev):
    """Every quote of temporal.yaml is in the report it names (a bundled one, or dNN of the dev
    corpus) and is matched by its rule; every rule is quoted from a bundled and a dev report or
    from the genre."""
    lex = tl.load_temporal()
    bundled = _texts(corpus)
    dev_text = {d: t + ti for d, t, ti in zip(dev.documents["doc_id"].str[:3], dev.documents["text"],
                                               dev.documents["title"].fillna(""))}
    for rule in lex["rules"] + lex["reject"] + lex["idioms"]:
        if rule["seen"].startswith("genre"):
            continue
        for part in re.sub(r"\s*\([^)]*\)$", "", rule["seen"]).split(";"):
            if part.strip().startswith("genre"):
                continue
            if ":" in part:   # a part without a report name continues the previous report's quotes
                where, quote = (x.strip() for x in part.split(":", 1))
            else:
                quote = part.strip()
            assert quote in (dev_text[where] if re.fullmatch(r"d\d\d", where) else bundled), (rule.get("id"), quote)
            if "regex" in rule:
                assert rule["regex"].search(quote), (rule["id"], quote)


def test_every_event_has_a_source_and_is_referred_to(corpus, dev):
    ev = tl.load_events()
    assert ev["source_note"].str.len().min() > 40
    text = _texts(corpus) + _texts(dev)
    for r in ev.itertuples():
        assert re.search(r.pattern, text), r.event_id
        assert bool(r.start) == bool(r.end)


def test_stage_cues_quoted_from_reports(corpus):
    lex = yaml.safe_load((LEXICON_DIR / "stages.yaml").read_text(encoding="utf-8"))
    names = "".join(corpus.documents["meeting_name"])
    for st in lex["stages"]:
        assert any(c in names for c in st["cues"]), st["stage"]


# --- stages, promises, orientation


def test_meeting_stage_with_evidence(corpus):
    st = tl.meeting_stage(corpus).set_index("doc_id")
    assert list(st.columns[:2]) == ["stage", "evidence"]
    assert st["stage"].to_dict() == {
        "pingxiang_city_2022": "push", "changsha_county_2022": "review_defence",
        "pingxiang_suburb_2020": "permanence", "panjin_2023": "push", "xinyang_2015": "mobilisation"}
    assert "「巩固」" in st.at["changsha_county_2022", "evidence"]
    assert "commendation_summary" in st.at["xinyang_2015", "all_stages"]   # 总结表彰暨…动员大会: both kept


def test_dated_promises(corpus):
    p = tl.dated_promises(corpus)
    assert list(p.columns[:5]) == ["doc_id", "what", "by_when", "speaker", "sentence"]
    rows = {(r.doc_id, r.what, r.by_when, r.speaker) for r in p.itertuples()}
    assert ("changsha_county_2022", "确保长沙县2023年成功创建全国文明城市", "2023-12-31", "narration") in rows
    assert ("changsha_county_2022", "2024年顺利通过国家卫生城市复审", "2024-12-31", "narration") in rows
    assert ("xinyang_2015", "力争用三年时间实现创建全国文明城市的目标", "2018-04-24", "郭瑞民") in rows
    assert ("xinyang_2015", "把创建全国文明城市作为今后一个时期的一件大事来抓", "open", "郭瑞民") in rows
    assert ("pingxiang_city_2022", "以实际行动和优异成绩迎接党的二十大胜利召开", "2022-10-22", "陈敏") in rows
    assert ("panjin_2023", "为全省文明城市创建、实施好三年行动提供盘锦经验、作出盘锦贡献", "2025-12-31", "会议") in rows
    # a frame is not a promise: 按照省全面振兴新突破三年行动部署
    assert not p["what"].str.startswith("按照").any()
    # a past event studied is not a promise: 深入学习贯彻落实党的二十大精神
    assert not ((p["doc_id"] == "changsha_county_2022") & (p["surface"] == "党的二十大")).any()


def test_wilson_interval():
    lo, hi = tl.wilson(2, 29)
    assert round(lo, 4) == 0.0191 and round(hi, 4) == 0.2196
    assert tl.wilson(0, 10)[0] == 0.0
    assert all(pd.isna(v) for v in tl.wilson(0, 0))


def test_orientation_counts_and_denominators(corpus):
    o = tl.orientation(corpus)
    assert len(o) == 3 * len(corpus.doc_ids)
    n = corpus.sentences.groupby("doc_id").size()
    for r in o.itertuples():
        assert r.n_total == n[r.doc_id]
        assert r.ci_low <= r.share <= r.ci_high
    # panjin_2023: 18 of its 23 sentences are about the future (every one an instruction: 要…, 会议要求，要…;
    # sentence 0 only through its directive marker; read in the table of sentence_orientation). Share 18/23 = 0.78261; Wilson (z = 1.95996,
    # z² = 3.84146): centre (18/23 + 3.84146/46) / (1 + 3.84146/23) = 0.866119 / 1.167020 = 0.742163,
    # half-width z·sqrt(0.782609·0.217391/23 + 3.84146/2116) / 1.167020 = 1.95996·0.095981 / 1.167020
    # = 0.161196: [0.58097, 0.90336]
    future = o[(o["doc_id"] == "panjin_2023") & (o["orientation"] == "future")].iloc[0]
    assert (future["n_sentences"], future["n_total"]) == (18, 23)
    assert future["share"] == pytest.approx(0.78261, abs=1e-5)
    assert (future["ci_low"], future["ci_high"]) == (pytest.approx(0.58097, abs=1e-5), pytest.approx(0.90336, abs=1e-5))
    # present is no longer "carries a directive": Panjin has no sentence in the progressive or about the
    # state now, and its two past sentences are 以往积累的 (13) and 会议通报了…审议了 (20)
    pj = o[o["doc_id"] == "panjin_2023"].set_index("orientation")["n_sentences"]
    assert (pj["present"], pj["past"]) == (0, 2)
    so = tl.sentence_orientation(corpus).set_index(["doc_id", "sent_id"])
    # 回顾八年的创卫历程… is about the past; 力争用三年时间… about the future; 要… an instruction: future
    assert so.loc[("xinyang_2015", 51), "past"] and not so.loc[("xinyang_2015", 51), "future"]
    assert so.loc[("xinyang_2015", 10), "future"]
    assert "力争" not in so.loc[("xinyang_2015", 56), "cues"]     # 要全力争创: 全力 + 争创, not 力争
    assert not so.loc[("pingxiang_city_2022", 6), "past"]         # 共享改革发展成果 is not the campaign's past
    assert so.loc[("changsha_county_2022", 10), "future"]       # 要严格对标确保达标
    assert not so.loc[("changsha_county_2022", 10), "present"]
    assert not so.loc[("xinyang_2015", 71)][["past", "present", "future"]].any()   # attendance list


def test_timeline_points_and_figure(corpus):
    from analysis.report.plotting import setup_style

    setup_style()
    pts = tl.timeline_points(corpus)
    assert set(pts.loc[pts["what"] == "meeting", "doc_id"]) == set(corpus.doc_ids)
    assert pts["start"].min() == "2007-01-01" and pts["end"].max() == "2025-12-31"
    lanes = pts.drop_duplicates("doc_id").set_index("doc_id")["lane"]
    assert lanes["pingxiang_city_2022"] == lanes["pingxiang_suburb_2020"] == "萍乡"
    fig = figures.plot_swimlanes(corpus, pts)
    assert len(fig.axes[0].get_yticks()) == len(corpus.doc_ids)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_subset_does_not_assume_five_reports(corpus, ex):
    keep = ["panjin_2023", "xinyang_2015"]
    sub = Corpus(root=corpus.root, documents=corpus.documents[corpus.documents["doc_id"].isin(keep)],
                 sentences=corpus.sentences[corpus.sentences["doc_id"].isin(keep)],
                 tokens=corpus.tokens[corpus.tokens["doc_id"].isin(keep)], audits={})
    got = tl.expressions(sub)
    want = ex[ex["doc_id"].isin(keep)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert list(tl.meeting_stage(sub)["doc_id"]) == keep


def test_a_sixth_report_with_its_own_dates_appears_on_the_axis(corpus_copy):
    (corpus_copy / "raw" / "005_sixth.txt").write_text(
        "3月2日，我县召开创建国家卫生城市动员大会。县委书记张三出席会议并讲话。\n"
        "张三强调，要力争用两年时间成功创建国家卫生城市，确保2029年通过国家卫生城市考核验收。\n"
        "我县自2019年启动创建工作以来，取得了明显成效。\n", encoding="utf-8")
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    row = {c: "" for c in meta.columns}
    row.update(doc_id="sixth_2027", file="005_sixth.txt", label="六县 Sixth County", city="六县",
               admin_level="county", meeting_date="2027-03-02", date_basis="stated",
               meeting_name="创建国家卫生城市动员大会", main_speaker="张三", main_speaker_title="县委书记")
    pd.concat([meta, pd.DataFrame([row])]).to_csv(corpus_copy / "metadata.csv", index=False)
    c6 = load_corpus(corpus_copy)
    ex6 = tl.expressions(c6)
    mine = ex6[ex6["doc_id"] == "sixth_2027"].set_index("surface")
    assert mine.at["力争用两年时间", "end"] == "2029-03-02"
    assert mine.at["2029年", "kind"] == "deadline"
    assert mine.at["自2019年启动创建工作以来", "start"] == "2019-01-01"
    pts = tl.timeline_points(c6)
    assert "六县" in set(pts["lane"]) and pts["end"].max() == "2029-12-31"
    assert tl.meeting_stage(c6).set_index("doc_id").at["sixth_2027", "stage"] == "mobilisation"
    p = tl.dated_promises(c6)
    assert set(p.loc[p["doc_id"] == "sixth_2027", "speaker"]) == {"张三"}


def test_expression_counts_and_orientation_table(corpus, ex):
    counts = tl.expression_counts(ex, corpus)
    assert list(counts.index) == [corpus.labels[d] for d in corpus.doc_ids]
    assert counts["total"].sum() == len(ex)
    assert counts["unresolved"].sum() == int((~ex["resolved"].astype(bool)).sum())
    table = tl.orientation_table(tl.orientation(corpus))
    assert len(table) == len(corpus.doc_ids) and ("share", "past") in table.columns


def test_one_wilson_interval_for_all_measures():
    from analysis.measures.stats import wilson_interval

    lo, hi = wilson_interval([0, 10, 3], [7, 10, 0])
    assert lo[0] == 0.0 and hi[1] == 1.0 and np.isnan(lo[2])  # clipped to [0, 1]; nan without trials
    assert tl.wilson(13, 72) == (float(wilson_interval(13, 72)[0]), float(wilson_interval(13, 72)[1]))


# --- issue 13: time read in full (headlines, datelines, news words, events by ordinal, open and
# unresolvable expressions, idioms), one promise per row, stages per campaign, orientation by aspect


def _dev_row(dev_ex, doc_prefix, surface):
    g = dev_ex[dev_ex["doc_id"].str.startswith(doc_prefix) & (dev_ex["surface"] == surface)]
    assert len(g) >= 1, (doc_prefix, surface)
    return g.iloc[0]


def test_news_words_resolve_against_the_publication_date(dev_ex):
    # d30 (published 2017-09-30): 昨天上午，我市召开全市创城工作领导小组会议 -> the 29th, the meeting day
    r = _dev_row(dev_ex, "d30", "昨天上午")
    assert (r["start"], r["published"], r["source"], r["refers_to"]) == ("2017-09-29", "2017-09-30",
                                                                        "rule:yesterday", "meeting")
    # d19 (published 2018-10-17): 近日，合江县全县爱国卫生和健康城市建设现场推进会…召开 -> open start, ends at publication
    r = _dev_row(dev_ex, "d19", "近日")
    assert (r["start"], r["end"], r["resolved"]) == (None, "2018-10-17", False) or \
        (pd.isna(r["start"]) and r["end"] == "2018-10-17" and not r["resolved"])
    # without a publication date the word stays unresolved, not read against the meeting
    got = tm.sentence_expressions("昨日上午，市委理论学习中心组扩大会议召开", date(2020, 5, 18))
    assert [(x["surface"], x["resolved"]) for x in got] == [("昨日上午", False)]
    got = tm.sentence_expressions("昨日上午，市委理论学习中心组扩大会议召开", None, published=date(2020, 5, 19))
    assert [(x["start"], x["end"]) for x in got] == [("2020-05-18", "2020-05-18")]


def test_publication_date_is_an_input_and_never_a_promise(corpus, ex):
    pub = ex[ex["part"] == "byline"].set_index("doc_id")
    assert pub["surface"].to_dict() == {"changsha_county_2022": "2022-10-25", "pingxiang_suburb_2020": "2020-10-16"}
    assert set(pub["refers_to"]) == {"publication"}
    # a full date in the text equal to the publication date (and not the meeting's) is the dateline
    got = tm.sentence_expressions("2020年10月16日 来自：亮丽城郊", date(2020, 10, 15), published=date(2020, 10, 16))
    assert [(x["refers_to"], x["note"]) for x in got] == [("publication", "dateline: the publication date")]
    p = tl.dated_promises(corpus)
    assert not p["surface"].str.contains("2022-10-25|2020-10-16").any()


def test_headlines_are_read(ex, dev_ex):
    # 信阳 2015 headline: …确保如期实现创建全国文明城市目标 (如期 ties to 力争用三年时间)
    r = ex[(ex["doc_id"] == "xinyang_2015") & (ex["part"] == "title")].iloc[0]
    assert (r["surface"], r["end"], r["note"]) == ("如期", "2018-04-24", "如期 ties to 「力争用三年时间」 (sentence 10)")
    # d26 headline: 西藏力争2022年创成3个国家卫生城市 -> a target
    t = dev_ex[dev_ex["doc_id"].str.startswith("d26") & (dev_ex["part"] == "title")]
    assert [(x.surface, x.refers_to, x.end) for x in t.itertuples()] == [("2022年", "target", "2022-12-31")]


def test_a_year_in_a_meetings_name_is_the_meeting(ex, dev_ex):
    assert _row(ex, "pingxiang_city_2022", "2022年第一次")["refers_to"] == "meeting"
    # d05: 我局于5月18日下午召开2020年创建全国文明城市宣传工作推进会 (jionlp alone: "present")
    r = _dev_row(dev_ex, "d05", "2020年")
    assert (r["refers_to"], r["source"]) == ("meeting", "rule:meeting_name_year_plain")
    # d18: 州2018年度文明委全会暨… is the meeting, not an award year
    assert _dev_row(dev_ex, "d18", "2018年度")["refers_to"] == "meeting"


def test_plenums_and_congresses_by_ordinal_are_events(ex, dev_ex):
    # dated by events.csv
    r = _dev_row(dev_ex, "d26", "党的十九大")          # 党的十九大以来，西藏卫生城镇创建工作开局良好
    assert (r["start"], r["end"], r["source"]) == ("2017-10-18", "2017-10-24", "event:cpc_19th_congress")
    r = _dev_row(dev_ex, "d32", "十三届全国人大一次会议")
    assert r["start"] == "2018-03-05"
    # not in events.csv: kept, unresolved
    r = _dev_row(dev_ex, "d11", "市委十一届十一次全会")   # 传达了温州市委十一届十一次全会审议通过的…
    assert (r["refers_to"], r["resolved"], r["source"]) == ("event", False, "rule:plenum")
    for text, surface in [("学习贯彻省委十四届九次全会精神", "省委十四届九次全会"),
                          ("迎接市第八次党代会胜利召开", "市第八次党代会"),
                          ("深入学习党的二十大精神", "党的二十大")]:
        got = tm.sentence_expressions(text, date(2022, 6, 1))
        assert [(x["surface"], x["refers_to"]) for x in got] == [(surface, "event")], text
    # 十大提升行动 ('ten major actions') is not a congress
    assert tm.sentence_expressions("全力抓好文明城市创建“十大提升行动”", date(2017, 3, 7)) == []
    # 第五届: an ordinal round (萍乡 2022 第五届萍乡市道德模范; d21 创建第五届四川省文明城市)
    assert _row(ex, "pingxiang_city_2022", "第五届")["source"] == "rule:ordinal_round"
    assert _dev_row(dev_ex, "d21", "第五届")["refers_to"] == "event"


def test_unresolvable_open_and_recurring_expressions_are_kept(ex, dev_ex):
    for doc, surface in [("changsha_county_2022", "限时"), ("panjin_2023", "定期"), ("panjin_2023", "平时"),
                         ("changsha_county_2022", "关键时间节点"), ("changsha_county_2022", "特定阶段")]:
        r = _row(ex, doc, surface)
        assert not r["resolved"] and r["note"] == "temporal, but the text fixes no date", surface
    assert _dev_row(dev_ex, "d10", "时间节点")["source"] == "rule:key_moments"   # 把握时间节点
    # open intervals: 新一轮 and 会后 open at the end, 以往 at the start
    r = _row(ex, "pingxiang_suburb_2020", "新一轮")
    assert r["start"] == "2020-10-15" and pd.isna(r["end"])
    assert _dev_row(dev_ex, "d32", "新一轮")["source"] == "rule:new_round"
    r = _row(ex, "panjin_2023", "以往")
    assert pd.isna(r["start"]) and r["end"] == "2023-05-04"
    assert _dev_row(dev_ex, "d24", "过去")["source"] == "rule:in_the_past"   # 会议总结了过去的创建经验
    r = _dev_row(dev_ex, "d22", "会后")
    assert (r["kind"], r["start"], r["refers_to"]) == ("interval", "2019-07-22", "after_meeting") and pd.isna(r["end"])
    # recurrences carry their period
    assert _row(ex, "pingxiang_city_2022", "一年一年")["period"] == "P1Y"
    assert _row(ex, "panjin_2023", "每日")["period"] == "P1D"


def test_idioms_are_not_time(ex):
    # 萍乡城郊 2020: 需要事事遵循、日日相继、久久为功，…与时俱进打造创建工作升级版
    assert not ex["surface"].isin(["日日", "日日相继", "久久为功", "与时俱进"]).any()
    got = tm.sentence_expressions("需要事事遵循、日日相继、久久为功", date(2020, 10, 15), include_rejected=True)
    assert [(x["surface"], x["source"]) for x in got] == [("日日相继", "reject:idiom"), ("久久为功", "reject:idiom")]


def test_partial_meeting_dates_give_joined_readings(dev_ex):
    # d21: meeting known only to 2018 (published 2018-11-08); 近日 reads against the publication date
    r = _dev_row(dev_ex, "d21", "近日")
    assert r["base_date"] == "2018" and r["end"] == "2018-11-08"
    got = tm.sentence_expressions("今年要完成", date(2019, 1, 1)), tm.sentence_expressions("今年要完成", date(2019, 12, 31))
    assert got[0][0]["start"] == got[1][0]["start"] == "2019-01-01"


def test_one_promise_is_one_row(corpus):
    """Claim 9: Panjin's 为实现全面振兴新突破三年行动首战告捷提供坚强保障 names two horizons (the first
    year, 2023, of a plan to 2025): one promise, by 2023, with both dates; the profile card lists it once."""
    from analysis.report.profiles import profiles

    p = tl.dated_promises(corpus)
    assert not p.duplicated(["doc_id", "sent_id", "what"]).any()
    pj = p[(p["doc_id"] == "panjin_2023") & (p["what"] == "为实现全面振兴新突破三年行动首战告捷提供坚强保障")]
    assert len(pj) == 1
    assert (pj.iloc[0]["by_when"], pj.iloc[0]["n_horizons"]) == ("2023-12-31", 2)
    assert pj.iloc[0]["horizons"] == "全面振兴新突破三年行动 → 2025-12-31; 首战告捷 → 2023-12-31"
    card = profiles(corpus).at["panjin_2023", "dated promises"]
    assert card.count("首战告捷") == 1
    # 如期 restates Xinyang's three-year target (headline and sentence 2): no new row
    xy = p[p["doc_id"] == "xinyang_2015"].set_index("what")
    assert "如期 in sentence 2" in xy.at["力争用三年时间实现创建全国文明城市的目标", "restated"]
    assert not p["surface"].str.contains("如期").any()
    # Changsha's two clauses are two promises (two campaigns, two dates)
    assert (p["doc_id"] == "changsha_county_2022").sum() == 2


def test_stage_per_campaign(corpus, dev):
    """Claim 11: Changsha is creating the civilised city (target 2023) and defending the health city
    at its re-review (target 2024): one stage per campaign, each with its evidence."""
    cs = tl.campaign_stages(corpus).set_index(["doc_id", "campaign"])
    ch = cs.loc["changsha_county_2022"]
    assert ch.at["全国文明城市", "stage"] == "creation" and ch.at["全国文明城市", "target"] == "2023-12-31"
    assert ch.at["国家卫生城市", "stage"] == "review_defence" and ch.at["国家卫生城市", "target"] == "2024-12-31"
    assert "巩固国家卫生城市成果工作推进会" in ch.at["国家卫生城市", "evidence"]
    # Xinyang: 创建国家卫生城市总结表彰暨创建全国文明城市动员大会 closes one campaign and opens the other
    xy = cs.loc["xinyang_2015"]
    assert (xy.at["国家卫生城市", "stage"], xy.at["全国文明城市", "stage"]) == ("commendation_summary", "mobilisation")
    words = tl.stages_in_words(corpus)["changsha_county_2022"]
    assert words == ("全国文明城市: campaigning for the title (target 2023-12-31); "
                     "国家卫生城市: review and defence (target 2024-12-31)")
    # d21 (dev): 创建第五届四川省文明城市动员大会暨国家卫生县城推进会: two campaigns, two stages
    d21 = tl.campaign_stages(dev)
    d21 = d21[d21["doc_id"].str.startswith("d21")].set_index("campaign")["stage"].to_dict()
    assert d21 == {"省级文明城市": "mobilisation", "国家卫生县城": "push"}


def test_orientation_is_not_the_directive_markers(corpus):
    """Present is no longer "carries a directive": in no report do the two agree on more than half
    the sentences (they agreed on 64–90% before issue 13)."""
    t = tl.orientation_against_directives(corpus)
    assert (t["present_equals_directive"] < 0.5).all()
    assert (t["future"] >= t["n_directive"]).all()   # every instruction is about the future
    # aspect: 会议通报了我市争创工作情况 (盘锦 20) is past; 为了 is not aspect
    so = tl.sentence_orientation(corpus).set_index(["doc_id", "sent_id"])
    assert so.loc[("panjin_2023", 20), "past"] and not so.loc[("panjin_2023", 20), "future"]
    lex = tl.load_temporal()["orientation"]
    past = re.compile("|".join(lex["past"]))
    assert not past.search("为了解决问题") and past.search("会议通报了情况")
    assert not past.search("通过国家卫生城市复审")


def test_swimlane_leaves_off_trivial_items_and_ends_at_the_data(corpus):
    import matplotlib.pyplot as plt

    from analysis.report.plotting import setup_style

    setup_style()
    pts = tl.timeline_points(corpus)
    items = pts[pts["what"] != "meeting"]
    assert not items.duplicated(["doc_id", "start", "end"]).any()     # same dates: drawn once
    pj = items[items["doc_id"] == "panjin_2023"].set_index("surface")
    assert pj.at["全面振兴新突破三年行动", "n_mentions"] == 4             # with 三年行动 ×2 of sentence 4
    assert "2021年度" not in set(items["surface"])                     # an honour list's year
    meeting = pts[(pts["doc_id"] == "changsha_county_2022") & (pts["what"] == "meeting")].iloc[0]
    assert "review and defence" in meeting["surface"] and "_" not in meeting["surface"]
    fig = figures.plot_swimlanes(corpus, pts)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "自2007年正式创建“国家卫生城市”以来" in texts and not any(t.endswith("…") for t in texts)
    lo, hi = ax.get_xlim()
    assert hi - figures._year_float("2025-12-31") < 0.5 and figures._year_float("2007-01-01") - lo < 0.5
    plt.close(fig)


def test_notebook_04_bundled_readings_match_the_data(corpus):
    """The written readings of notebook 04 (shown only on the bundled corpus) against the numbers."""
    o = tl.orientation(corpus)
    wide = o.pivot(index="doc_id", columns="orientation", values="share")
    assert (wide["future"] > wide[["past", "present"]].max(axis=1)).all()     # future the largest everywhere
    assert wide["past"].idxmax() == "xinyang_2015"                            # the one real retrospective
    p = tl.dated_promises(corpus)
    title = p[p["what"].str.contains("创建全国文明城市|国家卫生城市复审") & p["by_when"].str[:1].str.isdigit()]
    assert sorted(zip(title["doc_id"], title["by_when"])) == [
        ("changsha_county_2022", "2023-12-31"), ("changsha_county_2022", "2024-12-31"), ("xinyang_2015", "2018-04-24")]
    assert set(p.loc[p["doc_id"] == "changsha_county_2022", "speaker"]) == {"narration"}
    pts = tl.timeline_points(corpus)
    assert not ((pts["doc_id"] == "pingxiang_suburb_2020") & (pts["what"] != "meeting")).any()
    assert set(pts.loc[(pts["doc_id"] == "pingxiang_city_2022") & (pts["what"] != "meeting"), "end"]) == {"2022-10-22"}
    assert "蝉联全国文明城市" in corpus.documents.set_index("doc_id").at["panjin_2023", "text"]
    assert not p.loc[p["doc_id"] == "panjin_2023", "what"].str.contains("蝉联|全国文明城市").any()   # its title never dated
