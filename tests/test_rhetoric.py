"""Rhetoric measures on sentences quoted from the reports (taken from corpus.sentences)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import Corpus
from analysis.loading.lexicon import Lexicon
from analysis.measures import speakers as speaker_measures
from analysis.questions import rhetoric as rh


@pytest.fixture
def directives_of(sentence):
    """``directives_of(corpus, doc_id, fragment)``: the sentence_directives row of the sentence quoted."""
    def get(corpus, doc_id: str, fragment: str) -> pd.Series:
        row = sentence(corpus, fragment, doc_id)
        sd = rh.sentence_directives(corpus)
        return sd[(sd["doc_id"] == doc_id) & (sd["sent_id"] == row["sent_id"])].iloc[0]
    return get


@pytest.fixture(scope="module")
def speakers(corpus):
    return rh.attribute_speakers(corpus)


@pytest.fixture
def speaker_of(sentence):
    """``speaker_of(corpus, speakers, doc_id, fragment)``: the attribution row of the sentence quoted."""
    def get(corpus, speakers, doc_id: str, fragment: str) -> pd.Series:
        row = sentence(corpus, fragment, doc_id)
        return speakers[(speakers["doc_id"] == doc_id) & (speakers["sent_id"] == row["sent_id"])].iloc[0]
    return get


# --------------------------------------------------------------------------------------------
# directives


@pytest.mark.parametrize("doc_id, fragment, n", [
    ("xinyang_2015", "提升城市文明水平是摆在我们面前的一项十分重要的任务。", 0),  # 重要
    ("xinyang_2015", "是持续提升城市综合竞争力的需要", 0),                        # 需要 ×3
    ("xinyang_2015", "把创建全国文明城市作为推动城市建设管理发展水平再上新台阶的主要抓手", 2),  # 主要 no; 要 and 力争 yes
    ("pingxiang_suburb_2020", "要清醒认识到创建成果是不易的。", 1),                  # the modal 要
])
def test_yao_inside_words_is_not_a_directive(corpus, doc_id, fragment, n, directives_of):
    assert directives_of(corpus, doc_id, fragment)["n_markers"] == n


def test_zhuyao_and_yaoqiu_are_not_counted(corpus, directives_of):
    # 各单位主要负责同志要切实负起责任: 主要 is not, the following 要 and 切实 are
    row = directives_of(corpus, "changsha_county_2022", "各联点县领导和各单位主要负责同志要切实负起责任")
    assert row["markers"] == "要、要、切实、要、努力"
    # 刘烁在主持会议时要求，…要把思想和行动统一…: 要求 is not a directive, 要 is
    row = directives_of(corpus, "pingxiang_city_2022", "刘烁在主持会议时要求")
    assert (row["n_markers"], row["markers"], row["strength"]) == (1, "要", 2)


def test_yiding_yao_counts_once_as_obligation(corpus, directives_of):
    row = directives_of(corpus, "xinyang_2015", "一定要正确研判形势")
    assert (row["markers"], row["strength"]) == ("一定要", 3)


def test_enumerated_yao_counts_however_jieba_cuts_it(corpus, directives_of):
    # jieba: 二要 is one token, 一要 is 一 | 要; both are the modal 要
    assert directives_of(corpus, "pingxiang_suburb_2020", "二要坚持创建惠民")["markers"] == "要"
    assert directives_of(corpus, "pingxiang_suburb_2020", "一要坚持创建为民")["markers"] == "要"


def test_yao_wo_chuangjian_is_excluded(corpus, directives_of):
    row = directives_of(corpus, "pingxiang_suburb_2020", "真正形成“要我创建”到“我要创建”的转变")
    assert row["markers"] == "要、进一步、积极、大力"


def test_obligation_strength_and_counts(corpus, directives_of):
    # the five 必须 are quoted past lessons (积累的“必须…”等好经验, directives.yaml context_exclusions);
    # the instruction is the bare imperative 借鉴和运用好
    row = directives_of(corpus, "xinyang_2015", "必须树立为民创建的理念")
    assert (row["n_markers"], row["strength"], row["markers"]) == (1, 2, "借鉴")
    hits = rh.directive_markers(corpus)
    assert hits.loc[hits["marker"] == "必须"].groupby("doc_id").size().to_dict() == {
        "changsha_county_2022": 5, "xinyang_2015": 1}
    assert (hits["marker"] == "必须").sum() == 6
    assert set(hits["grade"]) <= {1, 2, 3}


@pytest.mark.parametrize("doc_id, fragment, opener", [
    ("pingxiang_city_2022", "坚持系统谋划，把全国文明典范城市", "坚持"),
    ("pingxiang_city_2022", "把群众需求作为第一信号", "把"),
    ("changsha_county_2022", "处理好条与块的关系", "处理好"),           # jieba: 处理 | 好条
    ("pingxiang_suburb_2020", "一、坚持创建工作永远在路上不动摇", "坚持"),   # after a list marker
    ("pingxiang_suburb_2020", "三、真正从责任上勇担当。", "真正"),
    ("xinyang_2015", "充分利用各类新兴媒体手段", "充分利用"),
    # traps: statements with a copula, narration, a verb that is not sentence-initial
    ("xinyang_2015", "提升城市文明水平是摆在我们面前的一项十分重要的任务。", None),
    ("xinyang_2015", "充分发动是贯穿创建始终的关键环节。", None),
    ("xinyang_2015", "回顾八年的创卫历程", None),
    ("pingxiang_suburb_2020", "传达区委书记康峰会上讲话精神", None),
    ("xinyang_2015", "在创卫过程中，我们始终坚持把改善民生作为根本目的", None),
])
def test_bare_imperatives(corpus, doc_id, fragment, opener, sentence, directives_of):
    row = sentence(corpus, fragment, doc_id)
    hits = rh.directive_markers(corpus)
    got = hits[(hits["doc_id"] == doc_id) & (hits["sent_id"] == row["sent_id"]) & (hits["kind"] == "imperative")]
    assert got["marker"].tolist() == ([opener] if opener else [])
    if opener:
        assert directives_of(corpus, doc_id, fragment)["strength"] >= 2


def test_bare_imperative_counts(corpus):
    hits = rh.directive_markers(corpus)
    imp = hits[hits["kind"] == "imperative"].groupby("doc_id").size().to_dict()
    assert imp == {"pingxiang_city_2022": 10, "changsha_county_2022": 5, "pingxiang_suburb_2020": 9,
                   "xinyang_2015": 2}  # xinyang: 借鉴和运用好…积累的“必须…”等好经验 (its 必须 are past lessons)


def test_sentence_directives_on_any_sentences_table(corpus):
    """Reusable on a bare sentences table (tokens are cut on the fly): same result as on the corpus."""
    s = corpus.sentences
    subset = s[s["doc_id"] == "panjin_2023"][["doc_id", "sent_id", "text"]].iloc[3:8]
    bare = rh.sentence_directives(subset)
    full = rh.sentence_directives(corpus).merge(subset[["doc_id", "sent_id"]])
    assert len(bare) == 5
    assert bare[["n_markers", "strength", "markers"]].equals(full[["n_markers", "strength", "markers"]])
    one = pd.DataFrame({"doc_id": ["x"], "sent_id": [0], "text": ["这是重要的需要，主要要求是必须落实。"]})
    assert rh.sentence_directives(one).iloc[0][["n_markers", "strength", "markers"]].tolist() == [1, 3, "必须"]


def test_every_sentence_has_a_strength(corpus):
    sd = rh.sentence_directives(corpus)
    assert len(sd) == len(corpus.sentences)
    assert (sd["strength"] == 0).sum() > 0 and sd["strength"].max() == 3
    assert ((sd["n_markers"] == 0) == (sd["strength"] == 0)).all()


def test_directive_lexicon_seen_notes_hold(corpus):
    """A marker noted "not in the bundled reports" has no hit; every other marker has one."""
    lex = Lexicon().yaml(rh.DIRECTIVES_FILE)
    found = set(rh.directive_markers(corpus)["marker"])
    for m in lex["markers"]:
        absent = str(m["seen"]).startswith("not in the bundled reports")
        assert (m["marker"] not in found) == absent, m["marker"]
        assert m["gloss"] and m["grade"] in (1, 2, 3)
    imperatives = set(rh.directive_markers(corpus).query("kind == 'imperative'")["marker"])
    for v in lex["imperative_openers"]["verbs"]:
        absent = str(v["seen"]).startswith("not sentence-initial in the bundled reports")
        assert (v["verb"] not in imperatives) == absent, v["verb"]


# --------------------------------------------------------------------------------------------
# enumerations


@pytest.fixture(scope="module")
def lists(corpus):
    return rh.enumerations(corpus)


def test_dash_bullets_span_paragraphs(corpus, lists, sentence):
    city = lists[lists["doc_id"] == "pingxiang_city_2022"]
    assert len(city) == 1
    lst = city.iloc[0]
    assert (lst["style"], lst["n_items"], lst["depth"]) == ("dash_bullet", 4, 1)
    assert lst["items"] == "——要立必胜之志。 | ——要下务实之功。 | ——要聚全民之力。 | ——要担千钧之责。"
    assert lst["last_para"] - lst["first_para"] == 7  # four bullets, each followed by its paragraph
    # the list ends before 刘烁's speech
    assert lst["last_sent"] == sentence(corpus, "刘烁在主持会议时要求", "pingxiang_city_2022")["sent_id"] - 1


def test_headings_with_nested_lists(corpus, lists, sentence):
    sub = lists[lists["doc_id"] == "pingxiang_suburb_2020"].reset_index(drop=True)
    assert sub[["style", "n_items", "depth"]].values.tolist() == [
        ["heading", 3, 1], ["yi_yao", 3, 2], ["yi_fangmian", 2, 2], ["heading", 5, 1]]
    assert sub.loc[1, "parent"] == sub.loc[0, "list_id"] == sub.loc[2, "parent"]
    assert sub.loc[0, "first_sent"] == sentence(corpus, "一、坚持创建工作永远在路上不动摇", "pingxiang_suburb_2020")["sent_id"]
    assert sub.loc[0, "last_para"] > sub.loc[0, "first_para"]
    # 吴国荣's own list restarts at 一、 after 吴国荣要求：
    assert sub.loc[3, "items"].startswith("一、真正认识到创建工作的目的和意义。")


def test_yi_yao_lists_restart_at_yi(lists):
    xy = lists[lists["doc_id"] == "xinyang_2015"]
    assert xy["n_items"].tolist() == [3, 4, 3, 4] and set(xy["depth"]) == {1}
    assert lists[lists["doc_id"].isin(["panjin_2023", "changsha_county_2022"])].empty


def test_di_yi_as_number_one_is_not_a_list(corpus, sentence):
    items = rh.list_items(corpus)
    assert "把群众需求作为第一信号" in sentence(corpus, "第一信号", "pingxiang_city_2022")["text"]
    assert not (items["style"] == "ordinal").any()


# --------------------------------------------------------------------------------------------
# four-character phrases, parallelism, quotations


def test_four_char_phrases(corpus, sentence):
    row = sentence(corpus, "认清形势、提高认识、明确任务、狠抓落实", "panjin_2023")
    fc = rh.four_char_phrases(corpus)
    got = fc[(fc["doc_id"] == "panjin_2023") & (fc["sent_id"] == row["sent_id"])]["phrase"].tolist()
    # 进一步动员全市上下认清形势 is one longer segment: 认清形势 is not delimited on its left
    assert got[:3] == ["提高认识", "明确任务", "狠抓落实"] and "认清形势" not in got
    # quoted: “最好准备、最佳状态、最高标准、最严要求”
    row = sentence(corpus, "最好准备、最佳状态", "changsha_county_2022")
    got = fc[(fc["doc_id"] == "changsha_county_2022") & (fc["sent_id"] == row["sent_id"])]["phrase"].tolist()
    assert {"最佳状态", "最高标准", "最严要求"} <= set(got)
    assert not fc["phrase"].str.contains(r"[0-9A-Za-z]").any()


def test_names_titles_and_speech_frames_are_not_set_phrases(corpus):
    fc = rh.four_char_phrases(corpus)
    by_doc = fc.groupby("doc_id")["phrase"].agg(set)
    # 市委书记、市文明委主任陈敏出席会议并讲话 / 陈敏指出，… / 会议强调，… / 郭瑞民说，… / 县卫健局、城管局…
    for doc_id, phrase in [("pingxiang_city_2022", "市委书记"), ("pingxiang_city_2022", "陈敏指出"),
                           ("panjin_2023", "会议强调"), ("xinyang_2015", "郭瑞民说"), ("xinyang_2015", "市委常委"),
                           ("changsha_county_2022", "县卫健局"), ("pingxiang_suburb_2020", "康峰强调")]:
        assert phrase not in by_doc[doc_id], phrase
    # set phrases in the same reports stay
    assert {"齐抓共管", "以身作则"} <= by_doc["pingxiang_city_2022"]
    assert {"久久为功", "真抓实干", "胸中有数"} <= by_doc["pingxiang_suburb_2020"]
    assert len(fc) == 123


def test_formulas_lexicon_quotes_hold(corpus):
    lex = Lexicon().yaml(rh.FORMULAS_FILE)
    for entry in lex["not_set_phrases"]:
        doc_id, quote = entry["seen"].split(": ", 1)
        assert quote.rstrip("…") .split("…")[0] in corpus.text(doc_id), entry
        assert entry["phrase"] in corpus.text(doc_id)


@pytest.fixture(scope="module")
def parallels(corpus):
    return rh.parallel_constructions(corpus)


@pytest.mark.parametrize("doc_id, members, template", [
    ("pingxiang_city_2022", "立必胜之志、下务实之功、聚全民之力、担千钧之责", "＿＿＿之＿"),
    ("pingxiang_city_2022", "更加坚定的决心、更加饱满的热情、更加务实的举措、更加过硬的作风", "更加＿＿的＿＿"),
    ("pingxiang_city_2022", "人人关心创建、人人支持创建、人人参与创建", "人人＿＿创建"),
    ("pingxiang_suburb_2020", "认识务必再清醒、重点务必再突出、力量务必再倾斜、督导务必再经常、追责务必再严肃", "＿＿务必再＿＿"),
    ("pingxiang_suburb_2020", "心中有忧、胸中有数、眼中有活、手中有招", "＿中有＿"),
    ("changsha_county_2022", "进企业、进农村、进机关、进校园、进社区", "进＿＿"),
    ("xinyang_2015", "严格对照标准、严格依据标准、严格落实标准", "严格＿＿标准"),
])
def test_parallel_constructions(corpus, parallels, doc_id, members, template, sentence):
    pattern = "[、，；]".join(map(re.escape, members.split("、")))  # members are quoted as they stand
    row = sentence(corpus, pattern, doc_id, regex=True)
    got = parallels[(parallels["doc_id"] == doc_id) & (parallels["sent_id"] == row["sent_id"])]
    hit = got[got["members"] == members]
    assert len(hit) == 1, got["members"].tolist()
    assert hit.iloc[0]["template"] == template and hit.iloc[0]["n_members"] == members.count("、") + 1


def test_unrelated_four_char_runs_are_not_parallel():
    assert rh.find_parallel_runs("认清形势、提高认识、明确任务、狠抓落实") == []
    assert rh.parallel_template(["更加坚定的决心", "更加饱满的热情"]) == "更加＿＿的＿＿"


def test_quoted_phrases(corpus):
    q = rh.quoted_phrases(corpus)
    top = q[q["doc_id"] == "changsha_county_2022"].iloc[0]
    assert (top["phrase"], top["count"]) == ("创文巩卫", 19)
    city = q[q["doc_id"] == "pingxiang_city_2022"].set_index("phrase")["count"]
    assert city["最美转型城市"] == 3 and city["冲锋号"] == 1


# --------------------------------------------------------------------------------------------
# register


@pytest.fixture(scope="module")
def register(corpus):
    return rh.register_hits(corpus)


@pytest.fixture
def hits_in(sentence):
    """``hits_in(corpus, register, doc_id, fragment)``: ``(category, term) -> count`` in the sentence quoted."""
    def get(corpus, register, doc_id, fragment):
        row = sentence(corpus, fragment, doc_id)
        g = register[(register["doc_id"] == doc_id) & (register["sent_id"] == row["sent_id"])]
        return g.groupby(["category", "term"]).size().to_dict()
    return get


def test_register_military_metaphors(corpus, register, hits_in):
    got = hits_in(corpus, register, "pingxiang_city_2022", "全面吹响创建全国文明典范城市、国家卫生城市的“冲锋号”")
    got = {k: v for k, v in got.items() if k[0] == "military_campaign_metaphor"}
    assert got == {("military_campaign_metaphor", "吹响"): 1, ("military_campaign_metaphor", "冲锋号"): 1}
    got = hits_in(corpus, register, "panjin_2023", "坚决打赢争创攻坚战")
    assert {k[1] for k in got if k[0] == "military_campaign_metaphor"} == {"集中攻坚", "打赢", "攻坚战", "持久战"}


def test_register_substring_prefixes(corpus, register, hits_in):
    got = hits_in(corpus, register, "changsha_county_2022", "最好准备、最佳状态、最高标准、最严要求")
    assert got[("intensifiers_superlatives", "最")] == 4
    # 更 counts in 更舒适、更便利 but not in 城市更新行动, and 更加 counts on its own
    got = hits_in(corpus, register, "panjin_2023", "深入实施城市更新行动")
    assert got[("intensifiers_superlatives", "更")] == 2 and got[("intensifiers_superlatives", "更加")] == 1


def test_register_people_and_party(corpus, register, hits_in):
    got = hits_in(corpus, register, "panjin_2023", "不断增强群众的获得感、幸福感、安全感")
    assert {t for c, t in got if c == "people_centred"} >= {"获得感", "幸福感", "安全感", "群众", "人民城市人民建"}
    got = hits_in(corpus, register, "pingxiang_city_2022", "以习近平新时代中国特色社会主义思想为指导")
    assert ("party_ideology", "习近平新时代中国特色社会主义思想") in got and ("party_ideology", "党的二十大") in got


def test_register_seen_in_matches_hits(corpus, register):
    """Each term's seen_in in register.yaml is exactly where the matcher counts it."""
    lex = Lexicon().yaml(rh.REGISTER_FILE)
    assert set(lex["categories"]) == {"military_campaign_metaphor", "people_centred", "party_ideology",
                                      "state_programmes", "management_idioms", "intensifiers_superlatives"}
    where = register.groupby(["category", "term"])["doc_id"].agg(set).to_dict()
    for category, terms in lex["categories"].items():
        for t in terms:
            seen = t["seen_in"]
            expected = set() if isinstance(seen, str) else set(seen)
            assert where.get((category, t["term"]), set()) == expected, (category, t["term"])
            assert t["gloss"] and re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", t["pinyin"]), t["term"]
            assert t.get("match", "token") in ("token", "substring")


# --------------------------------------------------------------------------------------------
# speakers


def test_chair_requires_as_government_head(corpus, speakers, speaker_of):
    row = speaker_of(corpus, speakers, "pingxiang_city_2022", "刘烁在主持会议时要求")
    assert (row["speaker"], row["role"], row["attribution"], row["cue"]) == ("刘烁", "government_head", "explicit",
                                                                             "在主持会议时要求")
    # carried to the next sentence of his paragraph
    assert speaker_of(corpus, speakers, "pingxiang_city_2022", "要落实线片联创共建工作机制")["speaker"] == "刘烁"


def test_meeting_voice_is_the_leading_officials_paraphrase(corpus, speakers, speaker_of):
    row = speaker_of(corpus, speakers, "panjin_2023", "会议要求，要统筹兼顾、系统推进")
    assert (row["speaker"], row["role"]) == ("会议", "meeting_paraphrase")
    row = speaker_of(corpus, speakers, "panjin_2023", "要全员参与、形成合力")
    assert (row["speaker"], row["attribution"]) == ("会议", "carried")
    # 会议通报了… is narration and ends the collective voice
    assert pd.isna(speaker_of(corpus, speakers, "panjin_2023", "会议通报了我市争创工作情况")["speaker"])


def test_relayed_speech(corpus, speakers, speaker_of):
    head = speaker_of(corpus, speakers, "pingxiang_suburb_2020", "传达区委书记康峰会上讲话精神")
    assert pd.isna(head["speaker"])
    for fragment in ("康峰强调：要坚持以满足人民群众", "康峰指出，全区上下要深刻认识到", "一方面要夯实战斗力"):
        row = speaker_of(corpus, speakers, "pingxiang_suburb_2020", fragment)
        got = (row["speaker"], row["role"], row["relayed"], row["relayed_by"])
        assert got == ("康峰", "party_secretary", True, "吴国荣")
    row = speaker_of(corpus, speakers, "pingxiang_suburb_2020", "吴国荣要求：")
    assert (row["speaker"], row["relayed"]) == ("吴国荣", False)
    assert speaker_of(corpus, speakers, "pingxiang_suburb_2020", "五、真正从考核督导上问责处理")["speaker"] == "吴国荣"
    assert pd.isna(speaker_of(corpus, speakers, "pingxiang_suburb_2020", "李英通报当前创建工作存在问题")["speaker"])
    assert speakers.loc[speakers["relayed"], "doc_id"].unique().tolist() == ["pingxiang_suburb_2020"]


def test_pronoun_and_carry_across_paragraphs(corpus, speakers, speaker_of):
    row = speaker_of(corpus, speakers, "pingxiang_city_2022", "他强调，全市上下要以习近平新时代")
    assert (row["speaker"], row["role"]) == ("陈敏", "party_secretary")
    # 市委副书记、市长刘烁主持会议。 is narration
    assert pd.isna(speaker_of(corpus, speakers, "pingxiang_city_2022", "市委副书记、市长刘烁主持会议。")["speaker"])
    # 要遵循规律抓创建。 opens a new paragraph of 郭瑞民's speech
    row = speaker_of(corpus, speakers, "xinyang_2015", "要遵循规律抓创建。")
    assert (row["speaker"], row["attribution"]) == ("郭瑞民", "carried")
    row = speaker_of(corpus, speakers, "xinyang_2015", "市长乔新江在讲话中充分肯定了")
    assert (row["speaker"], row["role"]) == ("乔新江", "government_head")
    row = speaker_of(corpus, speakers, "changsha_county_2022", "就贯彻落实会议精神，陈永高指出")
    assert (row["speaker"], row["role"]) == ("陈永高", "government_head")
    assert pd.isna(speaker_of(corpus, speakers, "xinyang_2015", "参加会议的还有")["speaker"])


def test_speaker_role_rules():
    assert speaker_measures.speaker_role("市委副书记、市长") == "government_head"
    assert speaker_measures.speaker_role("长沙经开区党工委书记、长沙县委书记、长沙县文明委主任") == "party_secretary"
    assert speaker_measures.speaker_role("市委副书记") == "deputy_party_secretary"
    assert speaker_measures.speaker_role("副市长") == "deputy_government_head"
    assert speaker_measures.speaker_role("党委委员、武装部长") == "department_head"  # head of the armed-forces department
    assert speaker_measures.speaker_role("人大主席") == "other_official"
    assert speaker_measures.speaker_role("") == "unknown"


# --------------------------------------------------------------------------------------------
# profile, intervals, concordance


def test_profile_counts_rates_and_denominators(corpus):
    p = rh.profile(corpus)
    assert list(p.index) == corpus.doc_ids
    docs = corpus.documents.set_index("doc_id")
    assert (p["n_chars"] == docs["n_chars"]).all() and (p["n_sentences"] == docs["n_sentences"]).all()
    # pingxiang_city_2022 has 1,683 Han characters: 31 directive markers -> 31 / 1683 × 1000 = 18.42;
    # 16 military metaphors -> 9.507 = 9.51; 9 parallel constructions -> 5.348 = 5.35; 23 quotations -> 13.666 = 13.67
    city = p.loc["pingxiang_city_2022"]
    assert city["n_chars"] == 1683
    assert [city[c] for c in ("directive_markers", "military_campaign_metaphor", "parallel_constructions",
                              "quotations")] == [31, 16, 9, 23]
    assert [city[f"{c}_per_1k"] for c in ("directive_markers", "military_campaign_metaphor", "parallel_constructions",
                                          "quotations")] == [18.42, 9.51, 5.35, 13.67]
    assert p.loc["pingxiang_suburb_2020", "max_list_depth"] == 2
    # lists, items and depth come from the outline (measures.outline): Xinyang has 7 + 10 + 6 items on three levels
    assert p.loc["xinyang_2015", "enumeration_items"] == 23
    assert p.loc["xinyang_2015", "max_list_depth"] == 3
    assert p["directive_markers"].sum() == len(rh.directive_markers(corpus))


def test_profile_does_not_assume_five_reports(corpus):
    keep = ["panjin_2023", "xinyang_2015"]
    sub = Corpus(root=corpus.root, documents=corpus.documents[corpus.documents["doc_id"].isin(keep)],
                 sentences=corpus.sentences[corpus.sentences["doc_id"].isin(keep)],
                 tokens=corpus.tokens[corpus.tokens["doc_id"].isin(keep)], audits={})
    p = rh.profile(sub)
    assert list(p.index) == keep
    assert p.loc["panjin_2023", "directive_markers"] == rh.profile(corpus).loc["panjin_2023", "directive_markers"]


def test_bootstrap_rate_is_seeded(corpus):
    hits = rh.directive_markers(corpus)
    a = rh.bootstrap_rate(corpus, hits, n_boot=300, seed=7)
    b = rh.bootstrap_rate(corpus, hits, n_boot=300, seed=7)
    c = rh.bootstrap_rate(corpus, hits, n_boot=300, seed=8)
    assert a.equals(b) and not a["ci_low"].equals(c["ci_low"])
    assert ((a["ci_low"] <= a["rate_per_1k"]) & (a["rate_per_1k"] <= a["ci_high"])).all()
    assert (a["ci_low"] < a["ci_high"]).all()
    city = a.set_index("doc_id").loc["pingxiang_city_2022"]
    assert city["count"] == 31 and city["n_chars"] == 1683  # 21 modal markers + 10 bare imperatives


def test_bootstrap_rate_of_two_sentences_by_hand(corpus, sentence):
    # panjin_2023: 要把争创工作作为民心工程… has 1 marker (要) in 64 Han characters; 会议强调，要内外兼修… has
    # 4 (要、要、要、奋力) in 52. A replicate draws two sentences: AA 1/64 = 15.625, AB or BA 5/116 = 43.103,
    # BB 4/52 = 76.923 per 1,000, with probabilities 1/4, 1/2, 1/4. With 25% of the replicates at each end,
    # the 2.5% and 97.5% quantiles are the two ends themselves: [15.625, 76.923].
    a = sentence(corpus, "要把争创工作作为民心工程", "panjin_2023")
    b = sentence(corpus, "会议强调，要内外兼修", "panjin_2023")
    keep = corpus.sentences.index.isin([a.name, b.name])
    sub = Corpus(root=corpus.root, documents=corpus.documents[corpus.documents["doc_id"] == "panjin_2023"],
                 sentences=corpus.sentences[keep], tokens=corpus.tokens.iloc[:0], audits={})
    hits = rh.directive_markers(corpus)
    hits = hits[(hits["doc_id"] == "panjin_2023") & hits["sent_id"].isin([a["sent_id"], b["sent_id"]])]
    row = rh.bootstrap_rate(sub, hits, n_boot=2000, seed=1).iloc[0]
    assert (row["count"], row["n_chars"]) == (5, 116)
    assert row["rate_per_1k"] == pytest.approx(43.103, abs=1e-3)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(15.625), pytest.approx(76.923, abs=1e-3))


def test_kwic(corpus):
    k = rh.kwic(corpus, "冲锋号", width=6)
    assert len(k) == 1
    row = k.iloc[0]
    assert (row["doc_id"], row["left"], row["right"]) == ("pingxiang_city_2022", "卫生城市的“", "”。市委书记")
    assert corpus.text("pingxiang_city_2022")[row["start"] : row["start"] + 3] == "冲锋号"


# --------------------------------------------------------------------------------------------
# figures and tables of notebook 02


def test_rate_intervals_cover_every_measure_and_report(corpus):
    ri = rh.rate_intervals(corpus, n_boot=200)
    assert list(dict.fromkeys(ri["measure"])) == list(rh.measure_labels(corpus))
    assert len(ri) == len(rh.measure_labels(corpus)) * len(corpus.doc_ids)
    p = rh.profile(corpus)
    for measure in ("directive_markers", "quotations", "military_campaign_metaphor"):
        got = ri[ri["measure"] == measure].set_index("doc_id")["count"]
        assert (got == p[measure]).all(), measure
    assert ((ri["ci_low"] <= ri["rate_per_1k"]) & (ri["rate_per_1k"] <= ri["ci_high"])).all()


def test_directive_strength_shares(corpus):
    s = rh.directive_strength_shares(corpus)
    city = s.loc["pingxiang_city_2022"]
    # 8 sentences without a directive: the dateline sentence, attendance lists, 陈敏指出，…是…重要抓手 …
    # no obligation: its two grade-3 sentences were 确保 alone, which states a goal (grade 2, directives.yaml)
    assert (city["n_sentences"], city["strength_0"], city["strength_3"]) == (29, 8, 0)
    assert (s[[f"strength_{g}" for g in range(4)]].sum(axis=1) == s["n_sentences"]).all()


def test_role_profile(corpus):
    r = rh.role_profile(corpus).set_index(["doc_id", "role"])
    assert r.loc[("panjin_2023", "meeting_paraphrase"), "speakers"] == "会议"
    assert r.loc[("pingxiang_suburb_2020", "party_secretary"), "speakers"] == "康峰 (relayed)、吴国荣"
    assert r.loc[("pingxiang_city_2022", "government_head"), "n_sentences"] == 4  # 刘烁's closing requirements
    assert r["n_sentences"].groupby("doc_id").sum().to_dict() == corpus.documents.set_index("doc_id")["n_sentences"].to_dict()
    assert r["directive_markers"].sum() == len(rh.directive_markers(corpus))


def test_wordcloud_weights_are_distinctive(corpus):
    w = rh.wordcloud_weights(corpus)
    # every report repeats 工作 and 创建: they are never drawn; names and places are dropped
    assert not w["term"].isin(["工作", "创建", "陈敏", "萍乡", "长沙县文明委"]).any()
    assert (w["count"] >= 2).all() and w["term"].str.len().min() >= 2
    top = w.groupby("doc_id", sort=False)["term"].first().to_dict()
    assert top["changsha_county_2022"] == "创文巩卫" and top["xinyang_2015"] == "全国文明城市"
    assert (w["per_1k"] > w["per_1k_rest"]).all()


def test_register_terms_table(corpus):
    t = rh.register_terms(corpus, top=6)
    mil = t[t["category"] == "military_campaign_metaphor"].set_index("term")
    assert len(mil) == 6 and list(mil.columns) == ["category", "n", *corpus.doc_ids]
    assert (mil[corpus.doc_ids].sum(axis=1) == mil["n"]).all()
    hits = rh.register_hits(corpus)
    assert mil.loc["合力攻坚", "n"] == ((hits["term"] == "合力攻坚") & (hits["category"] == "military_campaign_metaphor")).sum()
    assert t.groupby("category", sort=False)["n"].apply(lambda s: s.is_monotonic_decreasing).all()
