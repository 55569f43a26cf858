"""Furniture removal on real reports from other outlets: the development corpus in ``../shared/corpus_dev/``.

The reports are read from there (never copied into the repository); the hand annotations are in
``tests/data/corpus_dev_gold/``. Each rule of furniture.yaml added for the genre is tested here on
at least two reports (quoted a line at a time). Comparisons are made on the cleaned, simplified
text with punctuation and whitespace ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from analysis.loading import clean
from analysis.loading.clean import clean_text, load_rules, rejoin_paragraphs
from analysis.loading.config import PROJ_ROOT
from analysis.report.checks import check_report, suspect_lines

DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"
GOLD = Path(__file__).parent / "data" / "corpus_dev_gold"
GOLD_FILES = sorted(GOLD.glob("d[0-9][0-9]_*.yaml"))
#: Gold furniture that cleaning leaves in the body on purpose: HTML tags are text (clean.py's
#: module docstring; check-report counts them and asks for the page to be saved as plain text).
MARKUP_RE = re.compile(r"^(?:\s*</?[A-Za-z][A-Za-z0-9]*>\s*)+$")


def _need_dev() -> None:
    if not (DEV / "raw").is_dir():
        pytest.skip(f"../shared/corpus_dev not found: {DEV} (the development corpus is not in the repository)")


def squash(text: str) -> str:
    """Only the Han characters, Latin letters and digits."""
    return "".join(re.findall(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9〓]", text))


def simplified(text: str) -> str:
    """A raw string as cleaning sees it: pinyin removed, simplified script."""
    rules = load_rules()
    text = clean.strip_annotations(text)[0]
    text = clean.to_simplified(text)[0]
    return clean.apply_script_fixes(text, rules.script_fixes)[0]


_CACHE: dict = {}


def cleaned(name: str) -> clean.CleanResult:
    """The cleaned dev report ``name`` (``d08`` or a file name), cleaned once per session."""
    _need_dev()
    path = next((DEV / "raw").glob(f"{name}*"))
    if path.name not in _CACHE:
        _CACHE[path.name] = clean_text(path.read_text(encoding="utf-8"), path.name)
    return _CACHE[path.name]


def removed_texts(r: clean.CleanResult) -> dict[str, str]:
    """``text -> rule note`` of everything cleaning set aside (dropped lines and inline cuts)."""
    out = {d["text"]: d["rule"] for d in r.audit.inline_removed}
    out.update({d["text"]: d["rule"] for d in r.audit.dropped})
    return out


def gold_body(raw: str, gold: dict) -> str:
    """The raw text without the gold headline and furniture (whole lines; inline parts once)."""
    whole = {h.strip() for h in gold.get("headline") or []}
    whole |= {f["text"].strip() for f in gold.get("furniture") or [] if not f.get("inline")}
    text = "\n".join(ln for ln in raw.split("\n") if ln.strip() not in whole)
    for f in gold.get("furniture") or []:
        if f.get("inline"):
            text = text.replace(f["text"], "\n", 1)
    return text


# --- against the hand annotations -----------------------------------------------------------


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_body_first_and_last_words_are_in_the_body(gold_file):
    gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    body = squash(cleaned(gold["file"]).text)
    for key in ("body_first", "body_last"):
        assert squash(simplified(gold[key])) in body, f"{key} {gold[key]!r} lost"


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_furniture_is_not_in_the_body(gold_file):
    """Each furniture text occurs no more often in the body than in the gold body (a caption that
    repeats a sentence of the lead, or ``(完)``, is also found inside real sentences)."""
    gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    r = cleaned(gold["file"])
    body = squash(r.text)
    expected = squash(simplified(gold_body((DEV / "raw" / gold["file"]).read_text(encoding="utf-8"), gold)))
    kept = [f["text"] for f in gold.get("furniture") or []
            if not MARKUP_RE.match(f["text"]) and body.count(squash(simplified(f["text"]))) > expected.count(
                squash(simplified(f["text"])))]
    assert kept == []


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_trace_rebuilds_the_dev_report(gold_file):
    """Nothing is lost: body + title + dropped pieces are the converted input, in order."""
    r = cleaned(yaml.safe_load(gold_file.read_text(encoding="utf-8"))["file"])
    assert squash("".join(t for _, t in r.trace)) == squash(r.converted)
    body_in = Counter(squash("".join(t for kind, t in r.trace if kind == "body")))
    inline = Counter(squash("".join(d["text"] for d in r.audit.inline_removed)))
    assert body_in - Counter(squash(r.text)) == inline
    assert Counter(squash(r.text)) - body_in == Counter()


# --- each rule on at least two reports ------------------------------------------------------

#: ``(words of the rule's note, report, furniture text as cleaning sees it)``: at least two
#: reports per rule, at least one outside the bundled five.
RULE_CASES = [
    ("E-paper page stamp", "d10", "第01版:封面 PDF版阅读"),
    ("E-paper page stamp", "d06", "当前:B2(2017年03月11日) 上一版 下一版"),
    ("page widget's label", "d11", "赞赏"),
    ("page widget's label", "d13", "—分享—"),
    ("page widget's label", "d23", "推荐阅读:"),
    ("page widget's label", "d28", "字体:【"),
    ("page widget's label", "d28", "分享:"),
    ("page widget's label", "d30", "打印网页 关闭"),
    ("page widget's label", "d25", "1#"),
    ("Copyright, reprint", "d11", "转载请注明:http://www.mahuatengg.com/kpldl/2382.html"),
    ("Copyright, reprint", "d13", "本文为湖南频道原创文章,转载请附上原文出处链接和本声明。"),
    ("Contact details", "d16", "zzlncm@163.com"),
    ("Contact details", "d21", "(四川在线巴中频道新闻热线 0827-5188332 官方微信:巴中舆论场)"),
    ("bare web or image address", "d20", "http://qn.jwshq.cn/rUWw_nzQFaNN.800.600.0.JPEG/2"),
    ("bare web or image address", "d36", "0.jpg"),
    ("opening with a label and a colon", "d09", "责任编辑: 赵立强"),
    ("opening with a label and a colon", "d14", "来源:本站   编辑:admin"),
    ("opening with a label and a colon", "d28", "浏览次数:4203"),
    ("opening with a label and a colon", "d37", "发布时间:2022-12-09 来源:昌平区广播电视网 发布开发区:中关村科技园昌平园"),
    ("A publication stamp", "d08", "22.01.2015  12:45"),
    ("A publication stamp", "d29", "20.08.2015  16:16"),
    ("A publication stamp", "d16", "2014年03月04日 15:15:06"),
    ("A publication stamp", "d19", "0 不详 2018年10月17日"),
    ("A publication stamp", "d32", "2018-08-09 16:21 内蒙古新闻网-《内蒙古日报》"),
    ("bracketed credit or source", "d15", "(记者 张风 实习生 郭梓钦 报道)"),
    ("bracketed credit or source", "d19", "(合江县卫计局:王蓉)"),
    ("opening with a label and a colon", "d23", "(来源:中国盐城网)"),
    ("News dateline opening the lead", "d02", "本报讯(记者 李瑞蕊)"),
    ("News dateline opening the lead", "d13", "红网长沙4月8日讯(时刻新闻记者 黄飞飞 通讯员 庹锋)"),
    ("News dateline opening the lead", "d17", "大西北网5月8日讯"),
    ("News dateline opening the lead", "d29", "新华网黑龙江频道8月20日电(记者 管建涛 )"),
    ("News dateline opening the lead", "d30", "本报讯记者代庚寒 龙云泽报道"),
    ("News dateline opening the lead", "d39", "昆明信息港讯 通讯员王丽华 郭武辉"),
    ("News dateline opening the lead", "d01", "安庆新闻网讯:"),
    ("after the last sentence of a paragraph", "d08", "(本站编辑 刘娟摘编)"),
    ("after the last sentence of a paragraph", "d18", "【来源:楚雄日报 作者:徐美玉】"),
    ("after the last sentence of a paragraph", "d29", "(完)"),
    ("Between the headline and the lead", "d17", "全力冲刺 力争创建工作取得新突破"),
    ("Between the headline and the lead", "d27", "委党组副书记、副主任黄平主持会议"),
    ("Between the headline and the lead", "d13", "会议现场"),
    ("Between the headline and the lead", "d36", "中央文明办深化海南省文明城市创建工作座谈会在琼海召开"),
    ("summary block", "d31", "摘要:7月6日,全盟创建文明城市调度会议在锡林浩特召开。同时,对照胶州市2021年网报资料,"
                             "对锡林郭勒盟各地区网报资料失分原因及改进措施作了分析。"),
]


@pytest.mark.parametrize("note, report, text", RULE_CASES, ids=[f"{r}:{t[:12]}" for _, r, t in RULE_CASES])
def test_rule_removes_its_pattern(note, report, text):
    r = cleaned(report)
    removed = removed_texts(r)
    assert text in removed, f"{text!r} not removed; removed: {list(removed)}"
    assert note in removed[text]
    assert all(squash(p) != squash(simplified(text)) for p in r.paragraphs)


def test_every_genre_rule_is_tested_on_two_reports():
    """The summary rule's second report is bundled (test_bundled_summary_and_captions_still_dropped)."""
    reports = {note: {r for n, r, _ in RULE_CASES if n == note} for note, _, _ in RULE_CASES}
    assert all(len(r) >= 2 for note, r in reports.items() if note != "summary block"), reports


def test_bundled_summary_and_captions_still_dropped(cleaned):
    """The rules generalised here keep working on the bundled reports they came from."""
    suburb = cleaned["pingxiang_suburb_2020"]
    assert [d["kind"] for d in suburb.audit.dropped].count("caption") == 6
    assert any(d["kind"] == "summary" for d in suburb.audit.dropped)


def test_a_single_short_last_line_is_not_a_gallery():
    """dev d33 is cut off after `姜天波`, the first words of a paragraph: kept (a gallery is a run)."""
    assert cleaned("d33").paragraphs[-1] == "姜天波"


def test_continuation_note_cut_and_kind_recorded():
    r = cleaned("d10")
    cut = {d["text"]: d.get("kind") for d in r.audit.inline_removed}
    assert cut["(下转二版)"] == "continuation" and r.text.endswith("要持续开展市容环境卫生整治，")
    synthetic = clean_text("标题一行\n(上接一版)会议强调，要巩固创建成果。\n", "synthetic.txt")
    assert synthetic.text == "会议强调，要巩固创建成果。"


def test_wechat_prompt_cut():
    r = cleaned("d11")
    assert r.text.startswith("昨日上午，市委理论学习中心组扩大会议召开")
    assert clean_text("点击上方蓝字关注我们 3月5日，我市召开创城推进会。\n", "x.txt").text == "3月5日，我市召开创城推进会。"


# --- audit: datelines and bylines are kept for a later step ---------------------------------


def test_inline_datelines_recorded_with_kind():
    for report, text in (("d02", "本报讯(记者 李瑞蕊)"), ("d23", "中国园林网8月31日消息:"), ("d35", "福州新闻网讯")):
        entries = [d for d in cleaned(report).audit.inline_removed if d["text"] == text]
        assert entries and entries[0]["kind"] == "dateline" and entries[0]["rule"]


def test_publication_stamps_parsed_into_the_byline():
    assert cleaned("d08").audit.byline == {"date": "2015-01-22", "time": "12:45"}
    assert cleaned("d16").audit.byline == {"date": "2014-03-04", "time": "15:15"}
    assert cleaned("d13").audit.byline == {"date": "2016-04-08", "time": "15:41", "来源": "红网", "作者": "黄飞飞",
                                           "编辑": "王娉娉"}
    assert cleaned("d12").audit.byline["date"] == "2017-04-19"
    assert "作者" not in cleaned("d12").audit.byline  # `作者: 信息来源: 转自本网`: no author given


# --- datelines are never rejoined -----------------------------------------------------------


def test_dateline_never_rejoined_to_the_lead():
    fur = load_rules().furniture
    for stamp in ("22.01.2015 12:45", "2021-09-08 10:20", "发布时间:2021-09-08"):
        rejoins: list = []
        out = rejoin_paragraphs([stamp, "1月21日，全国爱卫会召开爱国卫生工作电视电话会议。"], rejoins, fur)
        assert len(out) == 2 and rejoins == []
        out = rejoin_paragraphs(["会议强调，要持续开展市容环境卫生整治", stamp], rejoins, fur)
        assert len(out) == 2 and rejoins == []
    for report in ("d08", "d29"):  # the stamp used to be glued to the lead
        assert all(not re.match(r"\d{2}\.\d{2}\.\d{4}", p) for p in cleaned(report).paragraphs)


# --- thresholds live in furniture.yaml ------------------------------------------------------


def test_thresholds_and_list_markers_read_from_the_lexicon():
    fur = load_rules().furniture
    for name in ("heading_max_chars", "title_max_chars", "traditional_share", "subhead_max_chars",
                 "suspect_max_chars", "suspect_stamp_max_chars"):
        assert fur["thresholds"][name]["note"]
    assert fur["list_markers"]["note"]
    line = "一二三四五六七八九十一二三四五六七八九十一二三四五"  # 25 characters, no punctuation
    assert clean.is_heading(line, fur)
    tighter = {**fur, "thresholds": {**fur["thresholds"], "heading_max_chars": {"value": 20, "note": ""}}}
    assert not clean.is_heading(line, tighter)


# --- check-report lists what it kept ---------------------------------------------------------


def test_suspect_lines_listed():
    fur = load_rules().furniture
    paragraphs = ["3月5日，我市召开创城推进会。", "联系人：张三", "会议现场照片", "一、提高站位",
                  "2021年3月5日 市创城办供稿 第3期", "会议要求，各单位要立即行动。"]
    got = [p for p, _ in suspect_lines(paragraphs, fur)]
    assert got == ["联系人：张三", "会议现场照片", "2021年3月5日 市创城办供稿 第3期"]


def test_check_report_lists_short_kept_lines(tmp_path):
    report = tmp_path / "x.txt"
    report.write_text("我市召开创城推进会\n3月5日，我市召开创城推进会。\n会议要求，各单位要立即行动。\n联系人:张三 电话未公布\n",
                      encoding="utf-8")
    out = check_report(report, corpus=tmp_path)
    assert "short lines kept in the body that may be furniture: 1" in out
    assert "[kept] 联系人：张三 电话未公布" in out


def test_check_report_lists_a_dev_report_s_kept_short_line():
    _need_dev()
    out = check_report(next((DEV / "raw").glob("d33*")))
    assert "[kept] 姜天波 (short line that ends no sentence)" in out
