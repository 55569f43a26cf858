"""rjieba (jieba-rs) gives jieba 0.42.1's tokens with the project's dictionaries and HMM on.

Compared on the bundled corpus (``analysis.load_corpus``), on the dev corpus
(``../shared/corpus_dev/raw``, cleaned with ``analysis.clean.clean_text``) and on the inputs where
jieba-rs differs from jieba (see ``analysis/segmenter.py``).
"""

from __future__ import annotations

import difflib
import itertools

import numpy as np
import pytest

from analysis.loading import clean, segmenter
from analysis.loading.config import LEXICON_DIR, PROJ_ROOT
from analysis.loading.corpus import lexicon_fingerprint
from analysis.loading.decode import decode
from analysis.loading.tokenize import get_segmenter, get_tokenizer, tokenize_document

DEV_RAW = PROJ_ROOT.parent / "shared" / "corpus_dev" / "raw"

#: Where jieba-rs alone differs from jieba: symbol runs through the HMM, extra Han ranges, Latin.
EDGE_CASES = [
    "22.01.2015", "2016-04-08", "www.scol.com.cn", "2382.html", "rUWw_nzQFa9q.1080.810.0.JPEG",
    "海南文明网0.jpg海南文明网讯", "命名为2018-2020年全国计划生育", "0827-5188332", "WES-5.4.5", "K-12",
    "a_b", "5.5.5%", "abc.def%", "全市10%的目标", "12.5%的", "10.5万元", "C++语言", "AT&T公司", "c#和C#",
    "B超-3", "CEO-1", "IT.业", "PK.赛", "www.中国.cn", "http://www.gov.cn/a_b/1.html", "第三.五", "..",
    "㐀㐁中国人", "中国\u9fe0\u9fe1人", "豈中國", "𠀀𠀁中", "中\u3000国", "a\r\nb", "x\u00a0y", "\x1c中",
    "卡拉OK厅", "2015年12月", "“五小”等", "康峰会上", "传达区委书记康峰会上讲话精神",
]


@pytest.fixture(scope="module")
def jieba_tk():
    return get_tokenizer()


@pytest.fixture(scope="module")
def rj():
    return get_segmenter(name="rjieba")


def _compare(texts, jieba_tk, rj) -> tuple[int, list[str]]:
    tokens, diffs = 0, []
    for name, text in texts:
        a, b = jieba_tk.lcut(text, HMM=True), rj.cut(text)
        tokens += len(a)
        if a != b:
            ops = [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
            diffs += [f"{name}: jieba {a[i1:i2]} rjieba {b[j1:j2]}" for _, i1, i2, j1, j2 in ops[:3]]
    return tokens, diffs


def test_bundled_corpus_identical(corpus, jieba_tk, rj):
    texts = list(zip(corpus.documents.doc_id, corpus.documents.text))
    texts += [(f"{d} title", t) for d, t in zip(corpus.documents.doc_id, corpus.documents.title)]
    tokens, diffs = _compare(texts, jieba_tk, rj)
    print(f"bundled corpus: {len(texts)} texts, {tokens} jieba tokens, {len(diffs)} mismatches")
    assert tokens > 5000 and not diffs, diffs[:10]


def test_dev_corpus_identical(jieba_tk, rj):
    files = sorted(DEV_RAW.glob("*.txt")) if DEV_RAW.is_dir() else []
    if not files:
        pytest.skip(f"dev corpus not found at {DEV_RAW} (../shared/corpus_dev/raw from the repo root)")
    rules = clean.load_rules()
    texts = []
    for p in files:
        text, encoding = decode(p.read_bytes(), p)
        texts.append((p.name, clean.clean_text(text, p.name, rules, encoding=encoding).text))
    tokens, diffs = _compare(texts, jieba_tk, rj)
    print(f"dev corpus: {len(texts)} reports, {tokens} jieba tokens, {len(diffs)} mismatches, "
          f"{rj.fallbacks} blocks cut by jieba")
    assert tokens > 5000 and not diffs, diffs[:10]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_identical(text, jieba_tk, rj):
    assert rj.cut(text) == jieba_tk.lcut(text, HMM=True)


def test_ambiguous_latin_run_falls_back_to_jieba(tmp_path):
    """A user word of Latin letters (``PK``; jieba's dict.txt has none) in a block with a symbol cannot be
    told from joined single letters in jieba-rs's route: jieba cuts that block."""
    import jieba

    path = tmp_path / "dict.txt"
    path.write_text((LEXICON_DIR / "domain_dict.txt").read_text(encoding="utf-8") + "PK 5000 eng\n", encoding="utf-8")
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(path))
    seg = segmenter.RjiebaSegmenter(path, lambda: tk)
    for text in ("PK-赛", "B超.PK.3", "PK.1", "PK赛", "阿PK"):
        assert seg.cut(text) == tk.lcut(text, HMM=True), text
    assert seg.fallbacks == 3


def test_tokenize_document_same_with_either_segmenter(corpus, monkeypatch):
    doc = corpus.documents.iloc[0]
    sents = corpus.sentences[corpus.sentences.doc_id == doc.doc_id]
    out = {}
    for name in segmenter.SEGMENTERS:
        monkeypatch.setenv(segmenter.ENV_VAR, name)
        out[name] = tokenize_document(doc.text, sents.start.to_numpy(), sents.end.to_numpy())
    a, b = out["jieba"], out["rjieba"]
    assert a["vocab"] == b["vocab"]
    for k in ("code", "start", "sent_id"):
        assert np.array_equal(a[k], b[k]), k


def test_dictionary_total_matches_jieba(jieba_tk, rj):
    """jieba-rs is given jieba's total (duplicate lines, re-added user words): suggested frequencies of
    pairs of frequent words, which depend on the total, agree."""
    frequent = sorted((w for w, f in jieba_tk.FREQ.items() if f and len(w) == 1), key=jieba_tk.FREQ.get)[-40:]
    pairs = [a + b for a, b in itertools.product(frequent, repeat=2) if not jieba_tk.FREQ.get(a + b)]
    mismatches = [p for p in pairs if rj._rj.suggest_freq(p) != jieba_tk.suggest_freq(p, tune=False)]
    assert len(pairs) > 1000 and len(mismatches) <= len(pairs) // 100, mismatches[:10]


def test_every_dictionary_word_is_known(jieba_tk, rj):
    words = [w for w, f in jieba_tk.FREQ.items() if f]
    assert all(map(rj._rj.has_word, words))


def test_user_word_with_spaces_or_without_frequency(tmp_path, jieba_tk):
    path = tmp_path / "dict.txt"
    path.write_text("新词汇 50 n\n", encoding="utf-8")
    assert segmenter.read_userdict(path) == [("新词汇", 50, "n")]
    path.write_text("空 格 词 7\n", encoding="utf-8")  # jieba reads the word "空 格 词" (never in a block)
    assert segmenter.read_userdict(path) == [("空 格 词", 7, None)]
    path.write_text("无频词\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no frequency"):
        segmenter.RjiebaSegmenter(path)


def test_setting_selects_and_keys_the_cache(monkeypatch):
    keys = {}
    for name in segmenter.SEGMENTERS:
        monkeypatch.setenv(segmenter.ENV_VAR, name)
        assert segmenter.segmenter_name() == name
        assert type(get_segmenter()).name == name
        keys[name] = lexicon_fingerprint()
    assert keys["jieba"] != keys["rjieba"]
    monkeypatch.delenv(segmenter.ENV_VAR)
    assert segmenter.segmenter_name() == segmenter.DEFAULT_SEGMENTER
    monkeypatch.setenv(segmenter.ENV_VAR, "hanlp")
    with pytest.raises(ValueError, match="choose one of"):
        segmenter.segmenter_name()
