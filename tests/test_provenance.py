"""Where each report comes from: metadata.csv's provenance columns, SOURCES.csv, outlet types by
the rules of data/lexicon/outlets.yaml (each rule tested on its examples, bundled and dev)."""

from __future__ import annotations

import re

import pytest
import yaml

from analysis.loading.config import DATA_DIR, LEXICON_DIR, PROJ_ROOT
from analysis.questions import overview

DEV = PROJ_ROOT.parent / "shared" / "corpus_dev"


@pytest.fixture(scope="module")
def dev():
    if not (DEV / "raw").is_dir():
        pytest.skip("../shared/corpus_dev not beside this clone (the development corpus)")
    from analysis import load_corpus

    return load_corpus(DEV)


def test_bundled_outlets_are_those_the_bylines_and_breadcrumbs_name(corpus):
    prov = overview.provenance(corpus).set_index("doc_id")
    raw = {d: (DATA_DIR / "raw" / f).read_text(encoding="utf-8") for d, f in zip(corpus.documents.doc_id, corpus.documents.file)}
    assert "来源: 长沙县文明网" in raw["changsha_county_2022"] and prov.at["changsha_county_2022", "outlet"] == "长沙县文明网"
    assert prov.at["changsha_county_2022", "outlet_type"] == "wenming_site"
    assert prov.at["pingxiang_suburb_2020", "outlet"].startswith("萍乡城事网")
    assert prov.at["pingxiang_suburb_2020", "outlet_type"] == "news_portal"
    # Panjin, Xinyang and the Pingxiang city report name no outlet: they stay unknown, never guessed
    for d in ("pingxiang_city_2022", "panjin_2023", "xinyang_2015"):
        assert prov.at[d, "outlet"] == "" and prov.at[d, "outlet_type"] == "unknown"
        assert "not identified" in prov.at[d, "rights"]
    assert "信阳消息 (记者 韩蕾)" in raw["xinyang_2015"].replace("（", "(").replace("）", ")")


def test_no_invented_addresses_or_dates(corpus):
    prov = overview.provenance(corpus)
    assert (prov["source_url"] == "").all() and (prov["retrieved"] == "").all()
    shown = overview.sources_table(corpus)
    assert (shown["source_url"] == "unknown").all()


def test_every_rights_note_says_the_text_is_not_the_projects(corpus):
    for note in overview.provenance(corpus)["rights"]:
        assert "not covered by the project's MIT licence" in note


def test_sources_csv_maps_into_the_provenance_columns(dev):
    prov = overview.provenance(dev).set_index("doc_id")
    assert prov.at["d02_zhengzhou", "source_url"] == "https://zzrb.zynews.cn/html/2008-04/18/content_459616.htm"
    assert prov.at["d02_zhengzhou", "retrieved_as"] == "web archive excerpt"
    assert prov.at["d02_zhengzhou", "outlet"] == "郑州日报 (zzrb.zynews.cn)"
    assert prov.at["d40_jinan-shizhong", "source_url"] == ""  # '(store returned no URL)' is not an address


def test_each_rule_classifies_its_examples(corpus, dev):
    rules = yaml.safe_load((LEXICON_DIR / "outlets.yaml").read_text(encoding="utf-8"))["rules"]
    prov = {**overview.provenance(dev).set_index("doc_id").to_dict("index"),
            **overview.provenance(corpus).set_index("doc_id").to_dict("index")}
    for rule in rules:
        assert rule["note"] and rule["examples"], rule["type"]
        assert any(re.match(r"d\d\d_", e) for e in rule["examples"]), f"{rule['type']}: no dev example"
        for ex in rule["examples"]:
            row = prov[ex]
            got, basis = overview.outlet_type(row["outlet"], row["source_url"])
            assert got == rule["type"], (ex, row["outlet"], got)


def test_outlet_type_rules_on_quoted_outlet_names():
    assert overview.outlet_type("长沙县文明网")[0] == "wenming_site"
    assert overview.outlet_type("营口日报, hosted at dazhouedu.com")[0] == "aggregator"
    assert overview.outlet_type("合江新闻网", "http://www.hjxtv.com/wenmingjiankang/31650.html")[0] == "county_media_centre"
    assert overview.outlet_type("", "") == ("unknown", "no outlet or address")
