"""The outline parser (measures.outline) and the measures built on it (rhetoric.parallel_across,
four_char_idioms, sensitivity), on sentences quoted from the bundled reports and from the
development corpus (``../shared/corpus_dev``, read from there and never copied into the repository)."""

from __future__ import annotations

import pytest

from analysis import load_corpus
from analysis.loading.config import PROJ_ROOT
from analysis.loading.lexicon import Lexicon
from analysis.measures import outline as ol
from analysis.questions import rhetoric as rh

DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"
DEV_FILES = ("d02_zhengzhou.txt", "d14_chaohu-zhonghan.txt", "d15_baicheng.txt", "d35_fuzhou.txt",
             "d38_shanghai-hongkou-jiaxinglu.txt", "d10_zhengzhou.txt")


@pytest.fixture(scope="module")
def dev(tmp_path_factory):
    """Six dev reports loaded from a temporary copy of their raw files (no metadata)."""
    from conftest import dev_copy

    root = dev_copy(tmp_path_factory.mktemp("dev_outline"), DEV_FILES)
    return load_corpus(root, use_cache=False)


@pytest.fixture(scope="module")
def items(corpus):
    return ol.outline(corpus)


def _of(items, doc_id):
    return items[items["doc_id"] == doc_id].reset_index(drop=True)


def test_markers_at_sentence_start_on_bundled_and_dev(items, dev):
    # 一要树牢创建为民的理念。 (xinyang_2015); 一是高度重视。 (d38)
    x = _of(items, "xinyang_2015")
    assert x.loc[x["heading"] == "一要树牢创建为民的理念。", ["style", "num", "level"]].values.tolist() == [["yi_yao", 1, 2]]
    d = _of(ol.outline(dev), "d38_shanghai-hongkou-jiaxinglu")
    assert d["heading"].tolist() == ["一是高度重视。", "二是专项整治。", "三是明确责任。"]
    assert d["level"].tolist() == [1, 1, 1] and d["n_items"].tolist() == [3, 3, 3]


def test_item_after_a_speech_frame(items, dev):
    # 会议强调，一要加强领导，高度重视。 (d14): the item opens inside the sentence, after the frame
    d = _of(ol.outline(dev), "d14_chaohu-zhonghan")
    first = d.iloc[0]
    assert first["heading"] == "一要加强领导，高度重视。" and first["marker"] == "一要"
    text = dev.text("d14_chaohu-zhonghan")
    assert text[first["start"]:first["start"] + 4] == "一要加强"
    # 郭瑞民强调，要凝聚共识抓创建。 (xinyang_2015): the headline item opens after the frame as well
    x = _of(items, "xinyang_2015")
    assert x.iloc[0]["heading"] == "要凝聚共识抓创建。"


def test_one_family_continues_its_numbering(dev):
    # d14: 一要… 二要… 三要各司其职，协同配合； 四是加强督导，细化责任清单。 is one list of four
    d = _of(ol.outline(dev), "d14_chaohu-zhonghan")
    assert d["marker"].tolist() == ["一要", "二要", "三要", "四是"]
    assert d["list_id"].nunique() == 1


def test_announced_count_with_items_after_the_colon(items):
    # 要着重理顺六大关系：处理好统与分的关系，… six 处理好 items; the first opens after the colon
    c = _of(items, "changsha_county_2022")
    assert len(c) == 6 and set(c["announced_count"]) == {6} and set(c["marker"]) == {"处理好"}
    assert c.iloc[0]["heading"].startswith("处理好统与分的关系")
    assert c.iloc[-1]["heading"].startswith("处理好城区与园区、农村的关系")


def test_announced_count_before_a_list(items, dev):
    # 陈敏从“四个方面”提出要求： then ——要立必胜之志。 … (pingxiang_city_2022)
    p = _of(items, "pingxiang_city_2022")
    assert p["heading"].tolist() == ["——要立必胜之志。", "——要下务实之功。", "——要聚全民之力。", "——要担千钧之责。"]
    assert set(p["announced_count"]) == {4}
    # 从七个方面努力： then 一是…七是 (d02); 杨岳强调五点意见。 then 一要…五要 (d35); 几点意见 states none (d15)
    d = ol.outline(dev)
    assert _of(d, "d02_zhengzhou")[["n_items", "announced_count"]].drop_duplicates().values.tolist() == [[7, 7]]
    assert _of(d, "d35_fuzhou")[["n_items", "announced_count"]].drop_duplicates().values.tolist() == [[5, 5]]
    assert set(_of(d, "d15_baicheng")["announced_count"]) == {0}
    assert ol.announced_count("会上，徐辉围绕创城工作提出了几点意见。", Lexicon()) is None


def test_headline_echo_and_three_levels(items, dev):
    """Xinyang: 凝聚共识，遵循规律，强化责任 heads 要凝聚共识抓创建 / 要遵循规律抓创建 / 要强化责任抓创建,
    each with 一要…; under 二要注重统筹推进 and 四要营造浓厚氛围 stand short 要 headings (level 3)."""
    x = _of(items, "xinyang_2015")
    top = x[(x["level"] == 1) & (x["speaker"] == "郭瑞民")]
    assert top["heading"].tolist() == ["要凝聚共识抓创建。", "要遵循规律抓创建。", "要强化责任抓创建。"]
    assert set(top["style"]) == {"headline_echo"} and set(top["announced_count"]) == {3}
    assert x["level"].max() == 3
    under = x[x["parent_id"] == x.loc[x["heading"] == "四要营造浓厚氛围。", "item_id"].iloc[0]]
    assert under["heading"].tolist() == ["要加强宣传。", "要搞好发动。", "要迅速行动。"]
    # 四要营造浓厚氛围 is ONE level-2 item, whatever the number of sentences it runs over
    four = x[x["heading"] == "四要营造浓厚氛围。"].iloc[0]
    assert (four["level"], four["first_sent"], four["last_sent"]) == (2, 32, 40)
    # no dev report has a headline that its speech echoes, nor short 要 headings: neither rule fires there
    d = ol.outline(dev)
    assert not d["style"].isin(["headline_echo", "yao_heading"]).any()


def test_headings_and_sequence_markers_nest(items):
    # pingxiang_suburb_2020: 二、坚持以人民为中心抓创建不懈怠 holds 一要坚持创建为民 …; 三、 holds 一方面/另一方面
    s = _of(items, "pingxiang_suburb_2020")
    two = s.loc[s["heading"] == "二、坚持以人民为中心抓创建不懈怠", "item_id"].iloc[0]
    assert s.loc[s["parent_id"] == two, "marker"].tolist() == ["一要", "二要", "三要"]
    three = s.loc[s["heading"] == "三、坚持完善健全常态化机制不放松", "item_id"].iloc[0]
    assert s.loc[s["parent_id"] == three, "marker"].tolist() == ["一方面", "另一方面"]
    # 吴国荣要求： is a new speaker's speech: his 一、…五、 is a new top-level list
    assert s.loc[s["speaker"] == "吴国荣", "level"].tolist() == [1] * 5


def test_speakers_and_no_outline(items, dev):
    assert set(_of(items, "changsha_county_2022")["speaker"]) == {"付旭明"}
    assert _of(items, "panjin_2023").empty          # Panjin's tasks are unnumbered sentences
    assert _of(ol.outline(dev), "d10_zhengzhou").empty


@pytest.mark.parametrize("text, style, num", [
    ("（二）加强组织领导。", "paren_heading", 2),         # not in the bundled or dev reports
    ("第三，强化督查考核。", "ordinal", 3),
    ("其次，要抓好宣传。", "shouxian", 2),
    ("把群众需求作为第一信号，", None, None),               # pingxiang_city_2022: 第一信号 is not an item
])
def test_other_marker_styles(text, style, num):
    lex = Lexicon()
    got = ol.sentence_openings(text, ol._compiled_markers(lex), ol.frame_re(lex))
    assert (got["style"], got["num"]) == (style, num) if style else got is None


def test_outline_is_memoised(corpus):
    ol.outline(corpus)
    n = corpus.computed.get("outline.outline", 0)
    ol.outline(corpus)
    assert corpus.computed.get("outline.outline", 0) == n


# --------------------------------------------------------------------------------------------
# parallelism across sentences


def test_panjin_parallels_run_across_sentences(corpus):
    pa = rh.parallel_across(corpus)
    p = pa[pa["doc_id"] == "panjin_2023"]
    assert p["n_members"].tolist() == [5, 5]
    assert p.iloc[0]["members"].split(" / ")[0] == "要让城市形象更加靓丽"
    # 会议要求，要统筹兼顾、系统推进，… heads the five 要X、Y tasks; it is not one of them
    assert p.iloc[1]["template"] == "要＿＿＿＿、＿＿＿＿" and "要统筹兼顾、系统推进" not in p.iloc[1]["members"]


def test_parallel_items_and_framed_sentences(corpus):
    pa = rh.parallel_across(corpus).set_index(["doc_id", "first_sent"])
    # sibling items: ——要立必胜之志 … (pingxiang_city_2022); 处理好…的关系 ×6 (changsha_county_2022)
    assert pa.loc[("pingxiang_city_2022", 9), "template"] == "要＿＿＿之＿"
    assert pa.loc[("changsha_county_2022", 14), ["unit", "n_members", "template"]].tolist() == ["items", 6, "处理好…的关系"]
    # framed sentences pair with framed ones: 付旭明指出，“创文巩卫”势在必行 … four paragraphs
    assert pa.loc[("changsha_county_2022", 4), "n_members"] == 4


def test_parallel_across_on_dev(dev):
    # d15: 一是…，提升城市凝聚力。 二是…，提高城市竞争力。 the openings differ: no template across items;
    # no plain-sentence run of three in these six dev reports shares a template by chance
    pa = rh.parallel_across(dev)
    assert pa.empty or (pa["n_members"] >= 3).all()
    assert rh.across_template(["要统一思想", "要专项整治", "要省市共建"]) is None     # d35: only 要 is shared
    assert rh.across_template(["坚持系统谋划", "坚持精准施策", "坚持联创共建"]) == "坚持＿＿＿＿"  # pingxiang_city_2022


# --------------------------------------------------------------------------------------------
# 四字格 on tokens


def test_four_char_idioms(corpus, sentence):
    fc = rh.four_char_idioms(corpus)
    s = sentence(corpus, "努力把萍乡打造成宜居宜业、精致精美、人见人爱之地，为奋力推进", "pingxiang_city_2022")
    got = fc[(fc["doc_id"] == "pingxiang_city_2022") & (fc["sent_id"] == s["sent_id"])]["phrase"].tolist()
    assert {"宜居宜业", "精致精美", "人见人爱"} <= set(got)
    s = sentence(corpus, "确保安全生产、社会稳定、生态环保等工作不出问题", "pingxiang_suburb_2020")
    got = fc[(fc["doc_id"] == "pingxiang_suburb_2020") & (fc["sent_id"] == s["sent_id"])]["phrase"].tolist()
    assert "社会稳定" not in got
    old = rh.four_char_phrases(corpus)
    assert "社会稳定" in set(old.loc[old["doc_id"] == "pingxiang_suburb_2020", "phrase"])
    assert not fc["phrase"].isin(["出席会议", "武装部长"]).any()


def test_four_char_idioms_on_dev(dev, sentence):
    # only dictionary idioms (tags i, l) of four characters count; d35: 齐心协力共同推进… has 齐心协力
    fc = rh.four_char_idioms(dev)
    idioms = rh.idiom_set(dev)
    assert set(fc["phrase"]) <= idioms and fc["phrase"].str.len().eq(4).all()
    s = sentence(dev, "齐心协力共同推", "d35_fuzhou")
    got = fc[(fc["doc_id"] == "d35_fuzhou") & (fc["sent_id"] == s["sent_id"])]["phrase"].tolist()
    assert "齐心协力" in got


# --------------------------------------------------------------------------------------------
# sensitivity and the claims of notebook 02


def test_sensitivity_ranks(corpus):
    s = rh.sensitivity(corpus)
    assert set(s.groupby("measure")["definition"].nunique()) == {2}
    assert s.groupby(["measure", "definition"])["rank"].min().eq(1).all()
    t = rh.sensitivity_table(corpus)
    assert "moves" in t.columns and len(t) == len(rh.SENSITIVITY_DEFINITIONS)


def test_bare_imperatives_are_a_third_of_pingxiangs_directives(corpus):
    m = rh.directive_markers(corpus)
    city = m[m["doc_id"] == "pingxiang_city_2022"]
    share = (city["kind"] == "imperative").mean()
    assert (len(city), int((city["kind"] == "imperative").sum())) == (31, 10)
    assert round(share, 2) == 0.32       # "loses a third", not half


def test_is_bundled(corpus, dev):
    assert rh.is_bundled(corpus) and not rh.is_bundled(dev)


def test_bundled_reading_states_the_corrected_claims(corpus, dev):
    """The reading's numbers come from the data: six relations, three levels, two runs of five, a third."""
    text = rh.bundled_reading(corpus)
    assert "announces 6 and the text gives 6 处理好" in text
    assert "Xinyang's speech is 3 levels deep" in text
    assert "2 constructions across sentences of 5 and 5 members" in text
    assert "lose 10 of its 31 directive markers (32%)" in text
    assert "not shown for this corpus" in rh.bundled_reading(dev)
    assert "Outline" in rh.computed_findings(dev)
