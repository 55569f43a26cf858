"""The domain dictionary keeps names, campaigns and formulas whole on the real sentences."""

from __future__ import annotations

import csv
from pathlib import Path

import jieba
import pytest

from analysis.loading.config import LEXICON_DIR
from analysis.loading.tokenize import cut, get_tokenizer, read_word_list, stopwords

CASES = list(csv.DictReader(open(Path(__file__).parent / "data" / "dictionary_cases.tsv", encoding="utf-8"), delimiter="\t"))


@pytest.fixture(scope="module")
def default_jieba():
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


@pytest.mark.parametrize("case", CASES, ids=[c["must_contain"] for c in CASES])
def test_dictionary_keeps_word_whole(case, corpus):
    assert case["must_contain"] in cut(case["sentence"])
    # the case is quoted from a report
    assert case["sentence"].strip("。") in "".join(corpus.documents.text) + "".join(corpus.documents.title)


@pytest.mark.parametrize("case", [c for c in CASES if c["default_splits_it"] == "yes"], ids=lambda c: c["must_contain"])
def test_default_jieba_splits_it(case, default_jieba):
    assert case["must_contain"] not in default_jieba.lcut(case["sentence"])


def test_most_cases_need_the_dictionary():
    assert sum(c["default_splits_it"] == "yes" for c in CASES) >= 25


def test_every_entry_has_a_frequency_that_holds():
    """jieba splits a user word whose frequency is below what its parts give; none of ours is."""
    tk = get_tokenizer()
    for line in (LEXICON_DIR / "domain_dict.txt").read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        assert tk.lcut(word, HMM=False) == [word], word
        assert tk.lcut(word, HMM=True) == [word], word


def test_officials_names_in_context(corpus):
    tokens = set(corpus.tokens.token)
    for name in ["陈敏", "刘烁", "付旭明", "陈永高", "吴国荣", "康峰", "王炳森", "邢鹏", "郭瑞民", "乔新江"]:
        assert name in tokens, name
    # 康峰 is not read as 康 + 峰会 (summit)
    assert cut("传达区委书记康峰会上讲话精神")[2:5] == ["康峰", "会上", "讲话"]


def test_stopword_lists_switch(corpus):
    with_b, without_b = stopwords(), stopwords(bureaucratic=False)
    assert "工作" in with_b and "工作" not in without_b
    assert "的" in with_b and "的" in without_b
    bureaucratic = read_word_list(LEXICON_DIR / "stopwords_bureaucratic.txt")
    flagged = corpus.tokens[corpus.tokens.is_bureaucratic].token.unique()
    assert set(flagged) <= bureaucratic and "工作" in flagged


def test_no_loading_message_on_stderr(capfd):
    get_tokenizer.cache_clear()
    get_tokenizer()
    assert "Loading model" not in capfd.readouterr().err
