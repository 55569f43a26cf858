"""Directive extraction and theme classification, on sentences quoted from the reports."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import load_corpus
from analysis.loading.config import LEXICON_DIR, PROJ_ROOT
from analysis.questions import themes


@pytest.fixture(scope="module")
def directives(corpus):
    return themes.directives(corpus)


@pytest.fixture(scope="module")
def classified(directives):
    return themes.classify(directives)


def units_with(df: pd.DataFrame, doc_id: str, fragment: str) -> pd.DataFrame:
    return df[(df["doc_id"] == doc_id) & df["text"].str.contains(fragment, regex=False)]


def one_unit(df: pd.DataFrame, doc_id: str, fragment: str) -> pd.Series:
    rows = units_with(df, doc_id, fragment)
    assert len(rows) == 1, f"{fragment!r} is in {len(rows)} directives of {doc_id}"
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------
# codebook


def test_codebook_has_the_issue_themes_with_all_fields():
    book = themes.load_codebook()
    ids = themes.theme_ids(book)
    for required in ["sanitation", "urban_order", "infrastructure", "civic_morality", "publicity_mobilisation",
                     "accountability", "party_loyalty", "livelihood", "rule_of_law", "urban_rural",
                     "development", "institutionalisation"]:
        assert required in ids
    assert len(ids) == len(set(ids))
    table = themes.codebook_table(book)
    assert (table["n_examples"] >= 1).all() and table["definition"].str.len().gt(20).all()


def test_every_codebook_example_is_quoted_verbatim_from_its_report(corpus):
    found = themes.examples_in_corpus(corpus)
    assert len(found) >= len(themes.theme_ids())
    assert found["found"].all(), found[~found["found"]].to_dict("records")


def test_every_codebook_example_is_classified_under_its_theme():
    book = themes.load_codebook()
    for theme in book["themes"]:
        for ex in theme["examples"]:
            labels = themes.classify(pd.DataFrame({"text": [ex["text"]]}), book)["themes"].iloc[0]
            assert theme["id"] in labels, (theme["id"], ex["text"])


def test_a_malformed_codebook_names_the_file_and_the_problem(tmp_path):
    book = yaml.safe_load((LEXICON_DIR / themes.CODEBOOK_FILE).read_text(encoding="utf-8"))
    book["themes"][1]["id"] = book["themes"][0]["id"]
    bad = tmp_path / "codebook.yaml"
    bad.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    with pytest.raises(themes.CodebookError, match="duplicate theme id"):
        themes.load_codebook(bad)
    book["themes"][1]["id"] = "restored"
    del book["themes"][0]["definition"]
    bad.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    with pytest.raises(themes.CodebookError, match="lacks definition"):
        themes.load_codebook(bad)


def test_a_theme_added_to_the_codebook_flows_through_without_code(tmp_path, corpus):
    book = yaml.safe_load((LEXICON_DIR / themes.CODEBOOK_FILE).read_text(encoding="utf-8"))
    book["themes"].append({"id": "safety", "label_en": "Safety", "label_zh": "安全",
                           "definition": "Work safety and public safety as a task of the campaign.",
                           "keywords": ["安全生产", "安全意识"],
                           "examples": [{"doc_id": "changsha_county_2022", "text": "提升安全意识"}]})
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    edited = themes.load_codebook(path)
    shares = themes.theme_shares(corpus, edited)
    safety = shares[shares["theme"] == "safety"].set_index("doc_id")
    assert safety.at["changsha_county_2022", "n_directives_with_theme"] == 1   # 处理好文明与安全的关系…
    assert safety.at["pingxiang_suburb_2020", "n_directives_with_theme"] == 1  # 确保安全生产…


# --------------------------------------------------------------------------------------------
# directive extraction


def test_directives_have_the_promised_columns_and_positions(directives, corpus):
    assert list(directives.columns) == themes.DIRECTIVE_COLUMNS
    assert directives["directive_id"].is_unique
    assert directives["position"].between(0, 1).all()
    assert set(directives["doc_id"]) == set(corpus.doc_ids)
    for r in directives.itertuples():
        assert corpus.text(r.doc_id)[r.start:r.end] == r.text


def test_datelines_are_not_directives_even_with_markers(corpus, directives, sentence):
    # 确保 and 进一步 make these lead sentences look like directives
    for doc_id, fragment in [("changsha_county_2022", "10月24日下午，长沙县文明委2022年第三次会议"),
                             ("panjin_2023", "5月4日，我市召开文明委（扩大）会议"),
                             ("pingxiang_suburb_2020", "10月15日，党委书记吴国荣召开创建工作常态长效部署会")]:
        sentence(corpus, fragment, doc_id)
        assert units_with(directives, doc_id, fragment).empty
        assert themes.exclusion(fragment + "，深入学习贯彻") == "dateline"


def test_attendance_lists_and_proceedings_are_not_directives(corpus, directives, sentence):
    cases = [("pingxiang_city_2022", "市委书记、市文明委主任陈敏出席会议并讲话", "attendance"),
             ("pingxiang_city_2022", "萍乡经开区管委会主任等出席会议", "attendance"),
             ("changsha_county_2022", "区县领导赵文骄、郭瑞、莫金文", "attendance"),
             ("xinyang_2015", "市委常委、宣传部部长焦豫汝宣读了《信阳市创建全国文明城市工作实施方案》", "proceedings"),
             ("panjin_2023", "会议以电视电话会议形式召开", "attendance")]
    for doc_id, fragment, kind in cases:
        text = sentence(corpus, fragment, doc_id)["text"]
        assert units_with(directives, doc_id, fragment).empty, fragment
        assert themes.exclusion(text) in (kind, "attendance", "proceedings")


def test_thanks_with_a_noun_marker_is_not_a_directive(corpus, directives, sentence):
    # 付出艰苦努力: 努力 is a noun here, but the rhetoric markers count it
    fragment = "我代表市四大班子向在创卫工作中付出艰苦努力"
    sentence(corpus, fragment, "xinyang_2015")
    assert units_with(directives, "xinyang_2015", fragment).empty
    assert themes.exclusion("我代表市四大班子向…全市人民表示崇高的敬意。") == "thanks"


def test_statements_and_speech_frames_are_not_directives(corpus, directives, sentence):
    for doc_id, fragment in [("xinyang_2015", "充分发动是贯穿创建始终的关键环节"),        # opens with 充分 but states
                             ("pingxiang_city_2022", "陈敏从“四个方面”提出要求"),          # frame only
                             ("pingxiang_suburb_2020", "吴国荣要求："),
                             ("xinyang_2015", "全国文明城市是含金量最高、最有价值的城市品牌"),
                             ("changsha_county_2022", "是全国城市综合类评比中的最高荣誉")]:
        sentence(corpus, fragment, doc_id)
        assert units_with(directives, doc_id, fragment).empty, fragment


def test_bare_verb_instructions_under_a_heading_are_directives_with_speaker(directives):
    row = one_unit(directives, "pingxiang_city_2022", "坚持系统谋划")
    assert row["speaker"] == "陈敏" and row["task"] == "坚持系统谋划"
    row = one_unit(directives, "changsha_county_2022", "处理好条与块的关系")
    assert row["speaker"] == "付旭明"
    row = one_unit(directives, "panjin_2023", "要让法治精神更加彰显")
    assert row["speaker"] == "会议" and row["role"] == "meeting_paraphrase"


def test_semicolons_split_a_sentence_into_task_clauses(corpus, directives, sentence):
    # 督查考核要严明严格，…限时整改；对因责任不落实…追究；对…给予表彰奖励。
    sent = sentence(corpus, "^督查考核要严明严格", regex=True)
    parts = directives[(directives["doc_id"] == "changsha_county_2022") & (directives["sent_id"] == sent["sent_id"])]
    assert list(parts["clause_id"]) == [0, 1, 2]
    assert parts["text"].iloc[1] == "对因责任不落实、整改不到位的单位和个人，要实行责任倒查追究"
    assert parts["position"].is_monotonic_increasing


def test_a_list_of_tasks_joined_by_dunhao_is_split_but_a_list_of_nouns_is_not(directives, corpus):
    # 要压实责任、强化督考，… : two tasks, each opening with a task verb
    assert one_unit(directives, "panjin_2023", "要压实责任")["text"] == "要压实责任"
    assert one_unit(directives, "panjin_2023", "强化督考")["text"] == "强化督考"
    # 深入实施城市更新行动、乡村建设行动、老旧小区改造提升工程: one verb, a list of nouns
    row = one_unit(directives, "panjin_2023", "深入实施城市更新行动、乡村建设行动、老旧小区改造提升工程")
    assert row["text"].startswith("要让城市形象更加靓丽")
    assert themes.split_clauses("确保安全生产、社会稳定、生态环保等工作不出问题") == [
        (0, "确保安全生产、社会稳定、生态环保等工作不出问题")]


def test_strength_comes_from_the_rhetoric_implementation(directives):
    row = one_unit(directives, "changsha_county_2022", "必须下定决心")
    assert row["strength"] == 3 and "必须" in row["markers"]
    # a clause without a marker of its own keeps the sentence's strength apart
    row = one_unit(directives, "panjin_2023", "把握好硬度和温度的关系")
    assert row["strength"] == 0 and row["sentence_strength"] >= 2


def test_task_head_drops_frame_numbering_and_subject():
    assert themes.task_head("全县各级各部门要全力推进实施十项文明示范单元创建工程，根据相关指标", "要、全力") == \
        "全力推进实施十项文明示范单元创建工程"
    assert themes.task_head("付旭明指出，“创文巩卫”势在必行，必须下定决心、再鼓干劲", "必须") == "必须下定决心、再鼓干劲"
    assert themes.task_head("一要树牢创建为民的理念", "要") == "树牢创建为民的理念"
    # 要 inside 需要 is not the modal
    assert themes.task_head("创建是一项只有起点、没有终点的工作，需要事事遵循、日日相继、久久为功，要以制度机制保障为抓手",
                            "要") == "以制度机制保障为抓手"


# --------------------------------------------------------------------------------------------
# classification


def test_campaign_names_do_not_make_sanitation(classified):
    row = one_unit(classified, "xinyang_2015", "要认真总结创建国家卫生城市的成功经验")
    assert "sanitation" not in row["themes"]


def test_multi_label_classification_of_quoted_directives(classified):
    row = one_unit(classified, "panjin_2023", "要让城市形象更加靓丽")
    assert {"infrastructure", "sanitation", "urban_order", "urban_rural"} <= set(row["themes"])
    row = one_unit(classified, "pingxiang_suburb_2020", "针对城市硬件薄弱环节")
    assert {"infrastructure", "sanitation"} <= set(row["themes"])
    row = one_unit(classified, "panjin_2023", "市委、市政府督查部门要加大督查考核力度")
    assert "accountability" in row["themes"] and "督查" in row["evidence"].split("accountability: ")[1]


def test_yardstick_standards_are_not_the_assessment_system(classified):
    row = one_unit(classified, "pingxiang_city_2022", "把群众满意作为第一标准")
    assert "standards_assessment" not in row["themes"] and "livelihood" in row["themes"]
    row = one_unit(classified, "xinyang_2015", "各级各部门要认真学习研究《全国文明城市测评体系》")
    assert "standards_assessment" in row["themes"]


def test_theme_shares_have_counts_and_denominators(corpus, directives):
    shares = themes.theme_shares(corpus)
    assert list(shares.columns[:5]) == ["doc_id", "theme", "n_directives_with_theme", "n_directives", "share"]
    assert len(shares) == len(corpus.doc_ids) * len(themes.theme_ids())
    n = directives.groupby("doc_id").size()
    for doc_id, g in shares.groupby("doc_id"):
        assert (g["n_directives"] == n[doc_id]).all()
    # xinyang_2015: 2 of its 46 directives name sanitation. Share 2/46 = 0.04348; Wilson (z = 1.95996,
    # z² = 3.84146): centre (2/46 + 3.84146/92) / (1 + 3.84146/46) = 0.085233 / 1.083510 = 0.078664,
    # half-width z·sqrt(0.043478·0.956522/46 + 3.84146/8464) / 1.083510 = 1.95996·0.036850 / 1.083510
    # = 0.066658: [0.01201, 0.14532]
    cell = shares[(shares["doc_id"] == "xinyang_2015") & (shares["theme"] == "sanitation")].iloc[0]
    assert (cell["n_directives_with_theme"], cell["n_directives"]) == (2, 46)
    assert cell["share"] == pytest.approx(0.04348, abs=1e-5)
    assert (cell["ci_low"], cell["ci_high"]) == (pytest.approx(0.01201, abs=1e-5), pytest.approx(0.14532, abs=1e-5))
    assert (shares["ci_low"] <= shares["share"]).all() and (shares["share"] <= shares["ci_high"]).all()


def test_examples_per_report_and_theme_come_from_that_cell(classified):
    ex = themes.theme_examples(classified, per_cell=1)
    assert not ex.duplicated(["doc_id", "theme"]).any()
    labels = dict(zip(classified["directive_id"], classified["themes"]))
    assert all(t in labels[d] for d, t in zip(ex["directive_id"], ex["theme"]))


def _classify_texts(texts: list[str]) -> pd.DataFrame:
    return themes.classify(pd.DataFrame({"text": texts})).set_index("text")


DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"


def _dev_text(name: str) -> str:
    path = DEV / "raw" / f"{name}.txt"
    if not path.exists():
        pytest.skip(f"../shared/corpus_dev not found: {DEV} (the development corpus is not in the repository)")
    return path.read_text(encoding="utf-8")


def test_order_in_the_abstract_is_not_urban_order(classified):
    """CODING_RULES.md: 秩序 in the abstract (法治手段管出秩序) is not urban order; the order of streets is."""
    row = one_unit(classified, "pingxiang_city_2022", "用法治思维、法治手段管出秩序")
    assert "urban_order" not in row["themes"] and {"rule_of_law", "institutionalisation"} <= set(row["themes"])
    assert "urban_order" in one_unit(classified, "panjin_2023", "交通秩序、市场管理等问题整治")["themes"]
    assert "urban_order" in one_unit(classified, "xinyang_2015", "公共秩序提升")["themes"]
    quote = "加强城市秩序管理"  # d21_pingchang
    assert quote in _dev_text("d21_pingchang")
    assert "urban_order" in _classify_texts([quote]).loc[quote, "themes"]


def test_urban_construction_and_management_as_a_whole_is_not_infrastructure(classified):
    row = one_unit(classified, "xinyang_2015", "推动城市建设管理发展水平再上新台阶")
    assert "infrastructure" not in row["themes"]
    row = one_unit(classified, "xinyang_2015", "要着力构建现代城市建设管理常态化机制体制")
    assert "infrastructure" not in row["themes"] and "institutionalisation" in row["themes"]


def test_a_sense_of_responsibility_is_awareness_not_accountability(classified):
    """CODING_RULES.md: 责任感使命感 in an exhortation is awareness_resolve, not the assignment of responsibility."""
    for doc, fragment in [("panjin_2023", "进一步增强使命感责任感紧迫感"), ("xinyang_2015", "一要增强责任感使命感")]:
        row = one_unit(classified, doc, fragment)
        assert "awareness_resolve" in row["themes"] and "accountability" not in row["themes"], fragment
    assert "accountability" in one_unit(classified, "panjin_2023", "要压实责任")["themes"]
    for name, quote in [("d14_chaohu-zhonghan", "切实增强责任感和紧迫感"), ("d16_zaozhuang", "增强责任感、使命感和紧迫感")]:
        assert quote in _dev_text(name)
        row = _classify_texts([quote]).loc[quote]
        assert "awareness_resolve" in row["themes"] and "accountability" not in row["themes"], quote


def test_a_list_item_broken_into_sentences_is_one_task(corpus, directives):
    """Xinyang's 四要营造浓厚氛围。要加强宣传。…要搞好发动。… is one task: publicity counts once for it."""
    items = themes.directive_items(directives, corpus)
    head = one_unit(items, "xinyang_2015", "四要营造浓厚氛围")
    for fragment in ["要加强宣传", "开展丰富多彩的宣传活动", "要搞好发动", "通过层层动员"]:
        row = one_unit(items, "xinyang_2015", fragment)
        assert row["task_id"] == head["task_id"] and row["item_id"] != "", fragment
    assert one_unit(items, "xinyang_2015", "要加强宣传")["item_id"] != head["item_id"]  # its own sub-item
    # outside the outline a directive is its own task (Panjin's report has no outline item)
    panjin = items[items["doc_id"] == "panjin_2023"]
    assert (panjin["task_id"] == panjin["directive_id"]).all()
    classified = themes.classify(items)
    shares = themes.shares_table(classified, list(corpus.doc_ids))
    tasks = themes.task_shares(classified, list(corpus.doc_ids))
    both = themes.shares_by_unit(shares, tasks, "publicity_mobilisation", ["xinyang_2015", "pingxiang_city_2022"])
    got = {(r.doc_id, r.unit): (r.k, r.n) for r in both.itertuples()}
    assert got == {("xinyang_2015", "directive"): (9, 46), ("pingxiang_city_2022", "directive"): (4, 21),
                   ("xinyang_2015", "task"): (5, 23), ("pingxiang_city_2022", "task"): (3, 10)}


def test_an_item_over_two_sentences_is_one_task_in_a_dev_report():
    """d14: 会议强调，一要加强领导，高度重视。充分认识到…，切实增强责任感和紧迫感。 is one 一要 item, one task."""
    _dev_text("d14_chaohu-zhonghan")
    dev = load_corpus(DEV)
    items = themes.directive_items(themes.directives(dev), dev)
    first = one_unit(items, "d14_chaohu-zhonghan", "一要加强领导，高度重视")
    second = one_unit(items, "d14_chaohu-zhonghan", "切实增强责任感和紧迫感")
    assert first["sent_id"] != second["sent_id"] and first["task_id"] == second["task_id"] != ""


def test_examples_prefer_confirmed_directives_and_never_contradicted_ones():
    df = pd.DataFrame({"directive_id": ["a:1:0", "a:2:0", "a:3:0"], "doc_id": ["a"] * 3,
                       "text": ["加强宣传", "营造浓厚氛围", "用好媒体宣传"], "strength": [2, 3, 2], "start": [0, 5, 9]})
    classified = themes.classify(df)
    reference = pd.DataFrame({"directive_id": ["a:2:0", "a:3:0"], "themes": [(), ("publicity_mobilisation",)]})
    ex = themes.theme_examples(classified, per_cell=3, reference=reference)
    pub = ex[ex["theme"] == "publicity_mobilisation"]
    # a:3:0 confirmed first, a:1:0 not coded next, a:2:0 (coded without the theme) never shown
    assert dict(zip(pub["directive_id"], pub["hand_coded"])) == {"a:3:0": "confirmed", "a:1:0": "not coded"}
    top = themes.theme_examples(classified, per_cell=1, reference=reference)
    assert top.loc[top["theme"] == "publicity_mobilisation", "directive_id"].tolist() == ["a:3:0"]


# --------------------------------------------------------------------------------------------
# validation sample


def test_hand_coded_sample_matches_the_extraction_and_is_balanced(classified):
    ann = themes.load_annotations()
    assert 60 <= len(ann) <= 100
    assert themes.annotation_check(ann, classified).empty
    assert set(ann["split"]) == {"dev", "heldout"}
    per = ann.groupby(["doc_id", "split"]).size()
    assert (per >= 5).all() and ann["doc_id"].nunique() == classified["doc_id"].nunique()


def test_evaluate_counts_tp_fp_fn():
    classified = pd.DataFrame({"directive_id": ["a", "b", "c"],
                               "themes": [("x",), ("x", "y"), ()]})
    ann = pd.DataFrame({"directive_id": ["a", "b", "c"], "themes": [("x",), ("y",), ("y",)],
                        "split": ["heldout"] * 3})
    book = {"themes": [{"id": "x"}, {"id": "y"}]}
    ev = themes.evaluate(classified, ann, "heldout", book).set_index("theme")
    assert ev.loc["x", ["tp", "fp", "fn"]].tolist() == [1, 1, 0]
    assert ev.loc["y", ["tp", "fp", "fn"]].tolist() == [1, 0, 1]
    assert ev.loc["micro", "precision"] == pytest.approx(2 / 3) and ev.loc["micro", "recall"] == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------------
# topics and comparison


def test_nmf_topics_are_repeatable_and_free_of_names_and_markers(corpus, classified):
    t1, w1 = themes.nmf_topics(classified, corpus)
    t2, w2 = themes.nmf_topics(classified, corpus)
    pd.testing.assert_frame_equal(t1, t2)
    assert np.allclose(w1.to_numpy(), w2.to_numpy())
    words = {w for ws in t1["top_words"] for w in ws.split("、")}
    assert not words & {"付旭明", "陈敏", "必须", "二要", "三要", "全国文明城市", "创文巩卫"}
    assert t1["n_directives"].sum() <= len(classified)


def test_level_pairs_find_the_same_city_at_two_levels(corpus):
    pairs = themes.level_pairs(corpus)
    assert pairs[["higher", "lower"]].values.tolist() == [["pingxiang_city_2022", "pingxiang_suburb_2020"]]


def test_compare_levels_marks_repeats_drops_adds():
    shares = pd.DataFrame({"doc_id": ["hi"] * 3 + ["lo"] * 3, "theme": ["a", "b", "c"] * 2,
                           "n_directives_with_theme": [2, 0, 3, 1, 4, 0], "n_directives": [10] * 3 + [8] * 3})
    out = themes.compare_levels(shares, "hi", "lo").set_index("theme")
    assert out["status"].to_dict() == {"a": "repeats", "b": "adds", "c": "drops"}
    assert out.at["b", "difference"] == pytest.approx(0.5)


def test_a_sixth_report_flows_through(corpus_copy, monkeypatch):
    # a copy of the Panjin report as a county of another city: no code names a report
    meta = pd.read_csv(corpus_copy / "metadata.csv", dtype=str, keep_default_na=False)
    row = meta[meta["doc_id"] == "panjin_2023"].iloc[0].copy()
    shutil.copyfile(corpus_copy / "raw" / row["file"], corpus_copy / "raw" / "005_copy.txt")
    row["doc_id"], row["file"], row["label"] = "panjin_copy", "005_copy.txt", "盘锦副本 Panjin copy"
    row["admin_level"] = "county"
    meta = pd.concat([meta, row.to_frame().T], ignore_index=True)
    meta.to_csv(corpus_copy / "metadata.csv", index=False)
    six = load_corpus(corpus_copy)
    shares = themes.theme_shares(six)
    assert shares["doc_id"].nunique() == 6
    a = shares[shares["doc_id"] == "panjin_2023"].reset_index(drop=True)
    b = shares[shares["doc_id"] == "panjin_copy"].reset_index(drop=True)
    assert a["n_directives_with_theme"].tolist() == b["n_directives_with_theme"].tolist()
    pairs = themes.level_pairs(six)
    assert ["panjin_2023", "panjin_copy"] in pairs[["higher", "lower"]].values.tolist()


def test_modal_yao_uses_the_rhetoric_exclusions():
    from analysis.questions import themes

    assert themes.has_modal_yao("全县各级各部门要全力推进")
    assert not themes.has_modal_yao("是重要抓手，按照目标要求")      # 重要, 要求 (directives.yaml)
    assert themes.has_modal_yao("主要负责同志要切实负起责任")        # 主要 excluded, the modal 要 stays


def test_evaluation_summary_and_untagged(corpus):
    from analysis.questions import themes

    classified = themes.classify(themes.directives(corpus))
    text = themes.evaluation_summary(classified, themes.load_annotations())
    assert text.startswith("held-out: precision 54/60 = 0.90") and "recall 54/58 = 0.93" in text
    un = themes.untagged(classified, corpus.labels)
    assert len(un) == int((classified["n_themes"] == 0).sum()) and set(un["report"]) <= set(corpus.labels.values())


# --------------------------------------------------------------------------------------------
# criteria categories (secondary sources)


def test_every_theme_maps_to_known_criteria_categories():
    book = themes.load_codebook()
    themes.criteria_check(book)
    table = themes.criteria_table(book)
    assert set(table.columns) == {"id", "source", "code", "label_zh", "label_en", "title"}  # no stray YAML keys
    assert table.notna().all().all()
    assert set(table["source"]) == {s["id"] for s in book["criteria"]["sources"]}
    assert all(s["secondary"] for s in book["criteria"]["sources"])
    mapping = themes.theme_criteria(book)
    assert {"sanitation", "civic_morality"} <= set(mapping["theme"])
    unmapped = themes.criteria_unmapped_themes(book)
    assert set(unmapped["theme"]).isdisjoint(mapping["theme"])


def test_criteria_check_names_the_problem(tmp_path):
    book = themes.load_codebook()
    bad = {**book, "themes": [{**book["themes"][0], "criteria": ["wm_99"]}, *book["themes"][1:]]}
    with pytest.raises(themes.CodebookError, match="sanitation maps to unknown criteria category 'wm_99'"):
        themes.criteria_check(bad)


def test_criteria_labels_are_copied_from_the_reference_files():
    from analysis.loading.config import PROJ_ROOT

    ref = PROJ_ROOT.parent / "shared" / "reference"
    if not (ref / "criteria_2015_district_table.tsv").exists():
        pytest.skip(f"{ref} is absent: the criteria labels cannot be checked against their sources")
    table_text = (ref / "criteria_2015_district_table.tsv").read_text(encoding="utf-8").replace("\\r\\n", "")
    outline = (ref / "criteria_outline.md").read_text(encoding="utf-8")
    for c in themes.criteria_table().itertuples():
        if c.source == "wmcs_2015":
            assert f"{c.code}{c.label_zh}" in table_text, c
        else:
            assert c.label_zh in outline, c


def test_criteria_coverage_counts_directives_per_report(classified):
    docs = list(dict.fromkeys(classified["doc_id"]))
    cov = themes.criteria_coverage(classified, docs)
    assert list(cov.columns[-len(docs) - 1:-1]) == docs
    # a category's count is at most the report's directives and at least the count of any one mapped theme
    mapping = themes.theme_criteria()
    for row in cov.itertuples():
        for doc in docs:
            n = getattr(row, doc) if doc.isidentifier() else cov.loc[row.Index, doc]
            sub = classified[classified["doc_id"] == doc]
            assert n <= len(sub)
            for t in mapping.loc[mapping["category"] == row.category, "theme"]:
                assert n >= sum(t in ts for ts in sub["themes"])
    assert (cov["n_reports"] == (cov[docs] > 0).sum(axis=1)).all()


def test_unit_sensitivity_ranks_by_hand():
    from analysis.questions import themes as th

    book = {"themes": [{"id": "a", "label_en": "A", "label_zh": "甲"}, {"id": "b", "label_en": "B", "label_zh": "乙"}]}
    # directives: report x 2/4 and y 1/4 on a; tasks: x 1/3, y 2/3 -> a's ranks swap; b equal at both units
    shares = pd.DataFrame({"doc_id": ["x", "x", "y", "y"], "theme": ["a", "b", "a", "b"], "share": [0.5, 0.25, 0.25, 0.0]})
    tasks = pd.DataFrame({"doc_id": ["x", "x", "y", "y"], "theme": ["a", "b", "a", "b"], "share": [1 / 3, 1 / 3, 2 / 3, 0.0]})
    out = th.unit_sensitivity(shares, tasks, {"x": "X", "y": "Y"}, book).set_index("theme")
    assert out.at["A", "rank by directives"] == "1 2" and out.at["A", "rank by tasks"] == "2 1"
    assert out.at["A", "moves"] == "X、Y" and out.at["B", "moves"] == "none"
