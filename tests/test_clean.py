"""Cleaning, tested on what is really in the five reports (quoted)."""

from __future__ import annotations

import re
from collections import Counter

import opencc
import pytest
from conftest import RAW, SEED_FILES

from analysis.loading.clean import LOST_CHAR, clean_text, normalise_punctuation, repair_debris, strip_annotations


def han(s: str) -> str:
    """Only the Han characters, letters and digits of a string."""
    return "".join(re.findall(r"[\u3400-\u9fffA-Za-z0-9〓]", s))


# --- pinyin annotations ---------------------------------------------------------------------


def test_pinyin_removed_after_characters():
    text, n, mismatches = strip_annotations("萍鄉(xiāng)城事網(wǎng)")
    assert text == "萍鄉城事網" and n == 2 and mismatches == []


def test_real_parentheses_kept_inside_annotated_text():
    text, n, _ = strip_annotations("我市召開文明委(擴(kuò)大)會(huì)議")
    assert text == "我市召開文明委(擴大)會議" and n == 2
    text, _, _ = strip_annotations("各村(社區(qū))相關(guān)負(fù)責(zé)人")
    assert text == "各村(社區)相關負責人"


def test_parenthesised_latin_that_is_not_pinyin_is_kept():
    assert strip_annotations("萍乡(Pingxiang)")[0] == "萍乡(Pingxiang)"
    assert strip_annotations("会议(PPT)")[0] == "会议(PPT)"


def test_full_pipeline_turns_annotated_traditional_into_simplified(cleaned):
    panjin = cleaned["panjin_2023"]
    assert panjin.title == "我市召开文明委（扩大）会议 暨争创全域全国文明城市推进会议"
    assert panjin.text.startswith("5月4日，我市召开文明委（扩大）会议暨争创全域全国文明城市推进会议，")
    suburb = cleaned["pingxiang_suburb_2020"]
    assert "全体班子成员，各村（社区）相关负责人，创建分管，相关工作人员等参会。" in suburb.text
    assert suburb.audit.annotations_removed == 379 and panjin.audit.annotations_removed == 347


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_no_latin_debris_or_question_marks_left(cleaned, doc_id):
    text = cleaned[doc_id].text
    assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text)
    assert not re.search(r"\([a-z]+\)|[a-z]+\)", text)
    assert "?" not in text and "？" not in text  # no report asks a question
    assert not re.search("[\ue000-\uf8ff]", text)


# --- characters lost to the injection -------------------------------------------------------


def test_lost_characters_repaired_with_evidence(cleaned):
    suburb = cleaned["pingxiang_suburb_2020"]
    assert "三、真正从责任上勇担当。" in suburb.text
    assert "真正形成“要我创建”到“我要创建”的转变。" in suburb.text
    assert [r["replacement"] for r in suburb.audit.repairs] == ["擔當", "創"]
    assert all(r["evidence"] for r in suburb.audit.repairs)
    assert suburb.audit.flagged == []


def test_unknown_debris_is_flagged_not_left_as_latin():
    text, done, flagged = repair_debris("真正從責任上勇?lián)\ue2fd?dāng)。", "another_file.txt", [])
    assert text == f"真正從責任上勇{LOST_CHAR}。" and done == []
    assert flagged[0]["debris"] == "?lián)?dāng)" and "no repair rule" in flagged[0]["problem"]


# --- script conversion ----------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_no_traditional_characters_remain(cleaned, doc_id):
    text = cleaned[doc_id].text
    assert opencc.OpenCC("t2s").convert(text) == text


def test_opencc_context_fix_for_zhe(cleaned):
    panjin = cleaned["panjin_2023"]
    assert "领着干、带着干" in panjin.text and "著干" not in panjin.text
    assert panjin.audit.script_detected == "traditional" and panjin.audit.chars_converted > 500
    assert cleaned["xinyang_2015"].audit.script_detected == "simplified"
    assert cleaned["xinyang_2015"].audit.chars_converted == 0


# --- furniture, titles, captions, summary ---------------------------------------------------

EXPECTED_TITLES = {
    "pingxiang_city_2022": "陈敏在市文明委2022年第一次全体（扩大）会议暨全市创建全国文明典范城市推进会、创建国家卫生城市动员会上强调 "
    "立必胜之志 下务实之功 聚全民之力 担千钧之责 努力把萍乡打造成宜居宜业精致精美人见人爱之地 刘烁主持 鲍峰庭吴运波聂晓葵出席",
    "changsha_county_2022": "坚定信心攻坚 全面对标达标 奋力夺取“创文巩卫”新胜利",
    "pingxiang_suburb_2020": "【再次敲响创建警钟】会议要求：常态长效，巩固提升",
    "panjin_2023": "我市召开文明委（扩大）会议 暨争创全域全国文明城市推进会议",
    "xinyang_2015": "创建国家卫生城市总结表彰暨创建全国文明城市动员大会召开，郭瑞民强调 凝聚共识 遵循规律 强化责任 确保如期实现创建全国文明城市目标",
}

EXPECTED_DROPPED = {
    "pingxiang_city_2022": [("furniture", "|")],
    "changsha_county_2022": [
        ("furniture", "今天是:"), ("furniture", "中国文明网总站"), ("furniture", "当前位置: 首页->幻灯"),
        ("byline", "2022-10-25作者: 蒋志斌 来源: 长沙县文明网"), ("furniture", "分享到:0"),
        ("caption", "会议现场。曾诗怡 摄"), ("furniture", "主题活动更多>>"), ("furniture", "公告公示更多>>"),
        ("furniture", "星沙时评更多>>"), ("furniture", "文明网联盟"),
    ],
    "pingxiang_suburb_2020": [
        ("furniture", "萍乡城事网—萍乡最具影响力门户网站 门户 城事资讯 城郊管委会 查看内容"),
        ("byline", "2020-10-16 09:43| 发布者: cs小编网网| 评论: 0|来自: 亮丽城郊"),
        ("summary", "摘要: 为全面总结创建工作经验,深入推进文明创建常态化,10月15日,党委书记吴国荣召开创建工作常态长效部署会,"
                    "全体班子成员,各村(社区)相关负责人,创建分管,相关工作人员等参会。 会上,吴国荣传达了市、区创建工 ..."),
        ("caption", "班子成员下点督导检查"), ("caption", "村民门前保洁"), ("caption", "清理临时便民疏导区环境卫生"),
        ("caption", "添置公益广告、清理杂草"), ("caption", "清理杂草、树枝"), ("caption", "打捞河道垃圾"),
        ("furniture", "鲜花"), ("furniture", "握手"), ("furniture", "雷人"), ("furniture", "路过"), ("furniture", "鸡蛋"),
        ("furniture", "相关分类"),
    ],
    "panjin_2023": [],
    "xinyang_2015": [("caption", "图为大会现场")],
}


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_title_set_apart(cleaned, doc_id):
    assert cleaned[doc_id].title == EXPECTED_TITLES[doc_id]
    assert not cleaned[doc_id].text.startswith(EXPECTED_TITLES[doc_id][:10])


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_exactly_the_furniture_is_dropped(cleaned, doc_id):
    got = [(d["kind"], d["text"]) for d in cleaned[doc_id].audit.dropped]
    assert got == EXPECTED_DROPPED[doc_id]
    assert all(d["rule"] for d in cleaned[doc_id].audit.dropped)


def test_inline_bylines_cut_from_body(cleaned):
    xinyang, changsha = cleaned["xinyang_2015"], cleaned["changsha_county_2022"]
    assert [d["text"] for d in xinyang.audit.inline_removed] == ["信阳消息 (记者 韩蕾)"]
    assert xinyang.text.startswith("4月24日上午，我市创建国家卫生城市总结表彰暨创建全国文明城市动员大会召开，")
    assert [d["text"] for d in changsha.audit.inline_removed] == ["(长沙县文明网 记者 蒋志斌)"]
    assert changsha.text.endswith("高标准、严要求推进创建工作，坚决打好“创文巩卫”攻坚战。")
    assert changsha.audit.byline == {"date": "2022-10-25", "作者": "蒋志斌", "来源": "长沙县文明网"}


def test_summary_kept_and_flagged_when_not_repeated():
    raw = "标题一行\n摘要: 这是一段正文里没有的话。 ...\n正文第一段说了别的事情。\n"
    result = clean_text(raw, "synthetic.txt")
    assert "这是一段正文里没有的话。" in result.text
    assert any("summary not found" in f["problem"] for f in result.audit.flagged)


def test_image_placeholders_split_the_report_without_line_breaks(cleaned):
    city = cleaned["pingxiang_city_2022"]
    raw = (RAW / SEED_FILES["pingxiang_city_2022"]).read_text(encoding="utf-8")
    assert "\n" not in raw and raw.count("![]()") == 15
    assert len(city.paragraphs) == 13
    assert ["——要立必胜之志。", "——要下务实之功。", "——要聚全民之力。", "——要担千钧之责。"] == [
        p for p in city.paragraphs if p.startswith("——")
    ]


# --- page breaks and punctuation ------------------------------------------------------------


def test_sentences_broken_across_page_breaks_rejoined(cleaned):
    text = cleaned["xinyang_2015"].text
    assert "创建全国文明城市的出发点和落脚点都是为了让我们的城市更好，让人民群众生活得更幸福。" in text
    assert "夯实创建全国文明城市的物质基础。要抓住关键。以践行社会主义核心价值观" in text
    assert "不折不扣地完成好每一项任务。" in text
    assert len(cleaned["xinyang_2015"].audit.rejoins) == 3
    for doc_id in SEED_FILES:
        if doc_id != "xinyang_2015":
            assert cleaned[doc_id].audit.rejoins == []


def test_headings_are_not_rejoined(cleaned):
    suburb = cleaned["pingxiang_suburb_2020"].paragraphs
    assert "传达区委书记康峰会上讲话精神" in suburb
    assert "一、坚持创建工作永远在路上不动摇" in suburb


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_punctuation_is_full_width_in_chinese_text(cleaned, doc_id):
    text = cleaned[doc_id].text
    assert not re.search(r"[\u3400-\u9fff][,:;()!]|[,:;()!][\u3400-\u9fff]", text)
    assert "  " not in text


def test_punctuation_normalisation_cases():
    assert normalise_punctuation("强化指挥调度,健全…的指挥体系, 坚持统一领导")[0] == "强化指挥调度，健全…的指挥体系，坚持统一领导"
    assert normalise_punctuation("2020-10-16 09:43")[0] == "2020-10-16 09:43"
    assert normalise_punctuation("开展好全市“美丽乡村 全域文明”城乡精神文明建设")[0] == "开展好全市“美丽乡村 全域文明”城乡精神文明建设"
    assert normalise_punctuation("深入落实我市“1+5”三年行动")[0] == "深入落实我市“1+5”三年行动"


# --- nothing is lost ------------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_trace_rebuilds_the_converted_input(cleaned, doc_id):
    """Body + title + every dropped piece, in order, is the whole converted report."""
    r = cleaned[doc_id]
    assert han("".join(t for _, t in r.trace)) == han(r.converted.replace("![]()", ""))
    body_in = Counter(han("".join(t for kind, t in r.trace if kind == "body")))
    inline = Counter(han("".join(d["text"] for d in r.audit.inline_removed)))
    assert body_in - Counter(han(r.text)) == inline
    assert Counter(han(r.text)) - body_in == Counter()


def _independent_sentences(raw: str) -> list[str]:
    """Sentences of a raw report by a method independent of clean.py: strip pinyin, convert, split."""
    text = re.sub(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", raw)
    text = opencc.OpenCC("t2s").convert(text).replace("著", "着")
    return [s for s in re.split(r"[。！？!\n]|!\[\]\(\)", text) if len(han(s)) >= 2]


@pytest.mark.parametrize("doc_id", SEED_FILES)
def test_every_body_sentence_survives(cleaned, doc_id):
    """Each sentence of the raw file is in the cleaned body, or was dropped and listed in the audit."""
    r = cleaned[doc_id]
    body = han(r.text.replace("著", "着"))
    removed = han(r.title + "".join(d["text"] for d in r.audit.dropped + r.audit.inline_removed))
    raw = (RAW / SEED_FILES[doc_id]).read_text(encoding="utf-8")
    debris, checked = [], 0
    for sentence in _independent_sentences(raw):
        if "?" in sentence:  # a character lost to the injection: covered by the repair log
            debris.append(sentence)
            continue
        h = han(sentence)
        for cut in r.audit.inline_removed:  # a dateline or credit cut from the sentence
            h = h.replace(han(cut["text"]), "")
        assert h in body or h in removed, sentence
        checked += 1
    assert checked > 20
    assert len(debris) == len(r.audit.repairs) + len(r.audit.flagged)
