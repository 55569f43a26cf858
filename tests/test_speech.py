"""Who really speaks, and measures that mean what they say: sentences quoted from the bundled
reports and from the development corpus (../shared/corpus_dev, read from there, never copied)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.loading.config import PROJ_ROOT
from analysis.loading.corpus import load_corpus
from analysis.loading.lexicon import Lexicon
from analysis.loading.tokenize import get_tokenizer
from analysis.measures import speakers as sp
from analysis.measures.directives import directive_markers
from analysis.questions import compare as cp
from analysis.questions import rhetoric as rh

DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"


@pytest.fixture(scope="module")
def dev():
    if not (DEV / "raw").is_dir():
        pytest.skip(f"development corpus not found at {DEV} (../shared/corpus_dev relative to the repository root)")
    return load_corpus(DEV)


@pytest.fixture(scope="module")
def spk(corpus):
    return sp.attribute_speakers(corpus)


@pytest.fixture(scope="module")
def dev_spk(dev):
    return sp.attribute_speakers(dev)


def row_of(c, table, doc_id, fragment):
    """The row of ``table`` (keyed by doc_id, sent_id) for the one sentence of ``doc_id`` quoting ``fragment``."""
    s = c.sentences[(c.sentences["doc_id"] == doc_id) & c.sentences["text"].str.contains(fragment, regex=False)]
    assert len(s) == 1, (doc_id, fragment, len(s))
    return table[(table["doc_id"] == doc_id) & (table["sent_id"] == s.iloc[0]["sent_id"])]


# ------------------------------------------------------------------------- offices, levels, ranks


def test_office_and_level_from_titles():
    assert sp.speaker_office("市委副书记、市长") == ("government_head", "市长")
    assert sp.speaker_office("区委书记、区长") == ("party_secretary", "区委书记")          # d33_chongqing-qijiang
    assert sp.speaker_office("市委常委、宣传部部长") == ("department_head", "宣传部部长")  # d02_zhengzhou
    assert sp.speaker_office("长沙经开区党工委书记、长沙县委书记、长沙县文明委主任")[1] == "长沙县委书记"
    assert sp.office_level("区委书记", "township-level management committee") == "district"
    assert sp.office_level("党委书记", "township-level management committee") == "township-level management committee"
    assert sp.office_level("市委书记", "county-level city") == "county-level city"        # d06_feicheng
    assert sp.office_level("中央文明办一局副局长", "province") == "national"               # d36_qionghai


def test_titles_are_read_in_the_text(corpus, dev):
    assert sp.title_in_text("传达区委书记康峰会上讲话精神", "康峰") == "区委书记"
    assert sp.title_in_text(corpus.text("changsha_county_2022"), "陈永高") == "长沙县委副书记、县长、长沙县文明委第一副主任"
    assert sp.title_in_text(dev.text("d38_shanghai-hongkou-jiaxinglu"), "李森") == "街道党工委副书记"
    people = sp.known_speakers(corpus)
    assert (people["changsha_county_2022"]["陈永高"].role, people["changsha_county_2022"]["陈永高"].level) == \
        ("government_head", "county")
    assert "speech relayed by 吴国荣)" not in people["pingxiang_suburb_2020"]  # a note inside (…) is no name


def test_dev_main_speakers_get_the_role_of_their_gold_title(dev):
    """For every dev report whose hand-annotated main speaker the metadata finds, the role read from
    the text is the role of the gold title."""
    import yaml

    people = sp.known_speakers(dev)
    checked = 0
    for path in sorted((PROJ_ROOT / "tests" / "data" / "corpus_dev_gold").glob("d*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        main = gold.get("main_speaker") or {}
        doc = people.get(path.stem, {})
        if main.get("name") in doc and main.get("title"):
            assert doc[main["name"]].role == sp.speaker_role(main["title"]), (path.stem, main)
            checked += 1
    assert checked >= 20


# ------------------------------------------------------------------------- relayed speech


def test_relayed_speech_has_the_speakers_level_and_both_ranks(corpus, spk):
    row = row_of(corpus, spk, "pingxiang_suburb_2020", "康峰指出，全区上下要深刻认识到").iloc[0]
    assert (row["speaker"], row["speaker_level"], row["relayed_by"]) == ("康峰", "district", "吴国荣")
    assert row["speaker_rank"] == "district party_secretary"
    assert row["relayer_rank"] == "township-level management committee party_secretary"
    own = row_of(corpus, spk, "pingxiang_suburb_2020", "吴国荣要求：").iloc[0]
    assert (own["speaker_level"], own["relayed"]) == ("township-level management committee", False)


def test_relaying_a_meetings_spirit_attributes_nothing(dev, dev_spk):
    # d38: 李森传达了区创文工作会议精神，… names no speaker of that meeting: nothing is relayed
    row = row_of(dev, dev_spk, "d38_shanghai-hongkou-jiaxinglu", "李森传达了区创文工作会议精神").iloc[0]
    assert pd.isna(row["speaker"])
    assert not dev_spk["relayed"].any()


def test_directives_by_speaker_level(corpus):
    t = sp.directives_by_speaker_level(corpus).set_index(["doc_id", "speaker_level"])
    district = t.loc[("pingxiang_suburb_2020", "district")]
    own = t.loc[("pingxiang_suburb_2020", "township-level management committee")]
    assert district["n_directive_sentences"] > own["n_directive_sentences"]
    assert district["n_directive_sentences"] + own["n_directive_sentences"] <= district["n_report_directive_sentences"]
    assert "relayed by 吴国荣" in district["speakers"]
    assert t.loc[("pingxiang_city_2022", "prefecture-level city"), "share"] > 0.9


# ------------------------------------------------------------------------- the meeting's voice


def test_meeting_voice_is_the_paraphrase_of_the_leading_official(corpus, spk, dev, dev_spk):
    row = row_of(corpus, spk, "panjin_2023", "会议指出，要充分认识争创全域全国文明城市").iloc[0]
    assert (row["role"], row["paraphrase_of"], row["office"]) == ("meeting_paraphrase", "王炳森", "市委书记")
    assert row["speaker_rank"] == "prefecture-level city party_secretary"
    row = row_of(dev, dev_spk, "d25_urumqi", "会议指出，创建全国文明城市是推动社会主义精神文明建设").iloc[0]
    assert (row["role"], row["paraphrase_of"]) == ("meeting_paraphrase", "徐海荣")


# ------------------------------------------------------------------------- narration


def test_chairing_and_attendance_are_narration(corpus, spk, dev, dev_spk):
    assert pd.isna(row_of(corpus, spk, "pingxiang_city_2022", "市委副书记、市长刘烁主持会议。").iloc[0]["speaker"])
    assert pd.isna(row_of(dev, dev_spk, "d01_anqing", "市委书记虞爱华主持会议并讲话").iloc[0]["speaker"])
    assert pd.isna(row_of(dev, dev_spk, "d12_xingning-ningzhong", "会议由人大主席罗建新同志主持。").iloc[0]["speaker"])


def test_bylines_and_datelines_are_narration():
    patterns = [re.compile(p["pattern"]) for p in Lexicon().yaml("speakers.yaml")["non_speech"]]
    for line in ("(安庆新闻网记者 路欣)", "安庆新闻网讯:11月17日上午", "本网讯(记者熊东华)9月18日", "2015-11-17 10:20"):
        assert any(p.search(line) for p in patterns), line   # d01_anqing, d03_yichang
    assert not any(p.search("会议指出，创建全国文明城市是推动社会主义精神文明建设的重要载体") for p in patterns)


# ------------------------------------------------------------------------- directive grades


def test_ensure_states_a_goal(corpus, dev):
    m = directive_markers(corpus)
    hit = row_of(corpus, m, "pingxiang_city_2022", "确保各项任务不折不扣落实到位")
    assert set(hit.loc[hit["marker"] == "确保", "grade"]) == {2}
    hit = row_of(dev, directive_markers(dev), "d25_urumqi", "确保圆满顺利通过")
    assert set(hit.loc[hit["marker"] == "确保", "grade"]) == {2}


def test_must_quoted_from_past_lessons_is_not_imposed(corpus, dev):
    hit = row_of(corpus, directive_markers(corpus), "xinyang_2015", "必须营造全民参与的氛围")
    assert "必须" not in set(hit["marker"])
    # the speaker's own 必须 stays an obligation (d06_feicheng)
    hit = row_of(dev, directive_markers(dev), "d06_feicheng", "必须以“时不我待”的高度自觉来对待")
    assert set(hit.loc[hit["marker"] == "必须", "grade"]) == {3}


# ------------------------------------------------------------------------- register


def test_register_measures_one_thing_each(corpus):
    reg = rh.register_hits(corpus)
    got = set(map(tuple, row_of(corpus, reg, "panjin_2023", "乡村振兴、新型城镇化等工作相结合")[["category", "term"]].values))
    assert {("state_programmes", "乡村振兴"), ("state_programmes", "新型城镇化")} <= got
    assert not any(c == "party_ideology" and t in ("乡村振兴", "新型城镇化") for c, t in got)
    got = set(map(tuple, row_of(corpus, reg, "xinyang_2015", "牢固树立“一盘棋”思想")[["category", "term"]].values))
    assert ("management_idioms", "一盘棋") in got


def test_names_of_meetings_and_documents_are_not_the_reports_register(corpus, dev):
    reg = rh.register_hits(corpus)
    got = set(row_of(corpus, reg, "panjin_2023", "创建全国文明城市攻坚动员会精神")["term"])
    assert "攻坚" not in got and "习近平" in got        # the name's 攻坚 is out, the report's framing in
    got = set(row_of(corpus, reg, "panjin_2023", "《盘锦市争创全域全国文明城市包保工作机制》")["term"])
    assert "精神文明建设" not in got
    patterns = [re.compile(e["pattern"]) for e in Lexicon().yaml("register.yaml")["scope"]["exclude_spans"]]
    text = dev.sentences.query("doc_id == 'd03_yichang'")["text"].iloc[0]
    spans = sp.name_spans(text, patterns)
    assert any(text[a:b].endswith("工作推进会") for a, b in spans), text


# ------------------------------------------------------------------------- shared formulas


def test_formulas_match_whole_words(corpus, dev):
    tk = get_tokenizer(corpus.lexicon.root)
    for clause, span, n in [("以最高标准最严要求", "高标准", 0), ("高标准严要求", "高标准", 1)]:
        bounds = [(a, b) for _, a, b in tk.tokenize(clause, HMM=True)]
        assert cp.whole_word_count(clause, span, [a for a, _ in bounds], [b for _, b in bounds]) == n
    f = cp.shared_formulas(corpus).set_index("formula")
    assert "pingxiang_city_2022" not in f.at["高标准", "doc_ids"].split(";")
    assert "pingxiang_city_2022" in f.at["最高标准", "doc_ids"].split(";")
    assert cp.word_count(dev.text("d03_yichang"), "常态长效", dev.lexicon) >= 1


def test_formulas_without_fragments_or_titles(corpus):
    f = set(cp.shared_formulas(corpus)["formula"])
    assert "形成人人" not in f and "市委副书记、市长" not in f and "市委书记" not in f
    assert "形成横向到边、纵向到底" in f and "深入贯彻习近平总书记" in f
    assert sp.is_official_title("市委常委、宣传部部长")     # d02_zhengzhou's speaker
    assert not sp.is_official_title("深入贯彻习近平总书记")
    assert "not a probability" in cp.SCORE_DESCRIPTION
