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
from analysis.loading.config import LEXICON_DIR
from analysis.loading.corpus import Corpus
from analysis.measures import temporal as tm
from analysis.measures import text as text_measures
from analysis.questions import timeline as tl
from analysis.report import figures

# doc_id, sent_id, surface, kind, start, end, refers_to, resolved
EXPECTED = [
    # 萍乡 2022: meeting day, the year in the meeting's name, a named year's 最美人物, two events, a rhythm
    ("pingxiang_city_2022", 0, "6月17日", "point", "2022-06-17", "2022-06-17", "meeting", True),
    ("pingxiang_city_2022", 0, "2022年第一次", "point", "2022-01-01", "2022-12-31", "meeting", True),
    ("pingxiang_city_2022", 0, "2021年度", "point", "2021-01-01", "2021-12-31", "event", True),
    ("pingxiang_city_2022", 2, "视察江西重要讲话精神", "point", None, None, "event", False),
    ("pingxiang_city_2022", 2, "党的二十大", "interval", "2022-10-16", "2022-10-22", "event", True),
    ("pingxiang_city_2022", 14, "一年一年", "recurrence", None, None, "present", False),
    # 长沙县 2022: two targets, the first a deadline a year ahead of an October meeting
    ("changsha_county_2022", 0, "10月24日下午", "point", "2022-10-24", "2022-10-24", "meeting", True),
    ("changsha_county_2022", 0, "2022年第三次", "point", "2022-01-01", "2022-12-31", "meeting", True),
    ("changsha_county_2022", 0, "党的二十大", "interval", "2022-10-16", "2022-10-22", "event", True),
    ("changsha_county_2022", 0, "2023年", "deadline", "2022-10-24", "2023-12-31", "target", True),
    ("changsha_county_2022", 0, "2024年", "deadline", "2022-10-24", "2024-12-31", "target", True),
    ("changsha_county_2022", 6, "党的二十大", "interval", "2022-10-16", "2022-10-22", "event", True),
    ("changsha_county_2022", 12, "当前", "point", "2022-10-24", "2022-10-24", "present", True),
    # 萍乡城郊 2020: year from the dateline
    ("pingxiang_suburb_2020", 0, "10月15日", "point", "2020-10-15", "2020-10-15", "meeting", True),
    ("pingxiang_suburb_2020", 1, "当前", "point", "2020-10-15", "2020-10-15", "present", True),
    ("pingxiang_suburb_2020", 10, "日日", "recurrence", None, None, "present", False),
    ("pingxiang_suburb_2020", 38, "会后", "point", "2020-10-15", "2020-10-15", "present", True),
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
    # 信阳 2015: year inferred (2007 + 8); durations, a deadline three years ahead, an open horizon
    ("xinyang_2015", 0, "4月24日上午", "point", "2015-04-24", "2015-04-24", "meeting", True),
    ("xinyang_2015", 2, "今后一个时期", "interval", "2015-04-24", None, "target", False),
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
    for r in ex.itertuples():
        assert sents[(r.doc_id, r.sent_id)] == r.sentence
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


def test_rule_quotes_are_in_the_reports_and_match(corpus):
    lex = tl.load_temporal()
    text = "".join(corpus.documents["text"])
    for rule in lex["rules"] + lex["reject"]:
        if rule["seen"].startswith("genre"):
            continue
        for part in re.sub(r"\s*\([^)]*\)$", "", rule["seen"]).split(";"):
            quote = part.split(":", 1)[-1].strip()
            assert quote in text, (rule["id"], quote)
            assert rule["regex"].search(quote), (rule["id"], quote)


def test_every_event_has_a_source_and_is_referred_to(corpus):
    ev = tl.load_events()
    assert ev["source_note"].str.len().min() > 40
    text = "".join(corpus.documents["text"])
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
    # panjin_2023: 18 of its 23 sentences speak of the present. Share 18/23 = 0.78261; Wilson (z = 1.95996,
    # z² = 3.84146): centre (18/23 + 3.84146/46) / (1 + 3.84146/23) = 0.866119 / 1.167020 = 0.742163,
    # half-width z·sqrt(0.782609·0.217391/23 + 3.84146/2116) / 1.167020 = 1.95996·0.095981 / 1.167020
    # = 0.161196: [0.58097, 0.90336]
    present = o[(o["doc_id"] == "panjin_2023") & (o["orientation"] == "present")].iloc[0]
    assert (present["n_sentences"], present["n_total"]) == (18, 23)
    assert present["share"] == pytest.approx(0.78261, abs=1e-5)
    assert (present["ci_low"], present["ci_high"]) == (pytest.approx(0.58097, abs=1e-5), pytest.approx(0.90336, abs=1e-5))
    so = tl.sentence_orientation(corpus).set_index(["doc_id", "sent_id"])
    # 回顾八年的创卫历程… is about the past; 力争用三年时间… about the future; 要… a task now
    assert so.loc[("xinyang_2015", 51), "past"] and not so.loc[("xinyang_2015", 51), "future"]
    assert so.loc[("xinyang_2015", 10), "future"]
    assert not so.loc[("xinyang_2015", 56), "future"]            # 要全力争创: 全力 + 争创, not 力争
    assert not so.loc[("pingxiang_city_2022", 6), "past"]         # 共享改革发展成果 is not the campaign's past
    assert so.loc[("changsha_county_2022", 10), "present"]      # 要严格对标确保达标
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
