"""The loader's fast paths give exactly what the plain, obvious implementations give.

Each reference below is a straightforward version of a step, written independently of the loader
(the pinyin reference scans character by character, without the loader's regular expressions); the
fast version must agree with it on the bundled reports, on traps and on random strings.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter

import pytest
from conftest import RAW, SEED_FILES

from analysis.loading import clean, segment, tokenize
from analysis.loading.clean import normalise_punctuation, strip_annotations, to_simplified


def _pinyin_letters() -> frozenset[str]:
    """The letters of a pinyin syllable, spelled out (a-z, the tone-marked vowels, ü, ń ň ǹ ḿ)."""
    return frozenset("abcdefghijklmnopqrstuvwxyz" "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü" "ńňǹḿ")


def ref_strip_annotations(text: str):
    """Character by character, with no regular expression: a Han character, ``(``, one to seven
    pinyin letters and ``)`` lose the parenthesis when the letters spell a valid syllable."""
    per_char, syllables = clean._readings()
    letters = _pinyin_letters()
    out, removed, mismatches, i = [], 0, [], 0
    while i < len(text):
        c = text[i]
        if clean.count_han(c) and text[i + 1 : i + 2] == "(":
            j = i + 2
            while j < len(text) and text[j] in letters and j - (i + 2) < 8:
                j += 1
            py = text[i + 2 : j]
            if 1 <= len(py) <= 7 and text[j : j + 1] == ")" and py in syllables:
                out.append(c)
                removed += 1
                if py not in per_char.get(c, ()):
                    mismatches.append({"char": c, "pinyin": py, "offset": i})
                i = j + 1
                continue
        out.append(c)
        i += 1
    return "".join(out), removed, mismatches


def ref_normalise_punctuation(line: str):
    chars, changed = list(line), 0
    for i, c in enumerate(chars):
        if c in clean._ASCII_TO_FULL:
            prev, nxt = line[:i].rstrip()[-1:], line[i + 1 :].lstrip()[:1]
            if clean._is_chinese(prev) or clean._is_chinese(nxt):
                chars[i] = clean._ASCII_TO_FULL[c]
                changed += 1
    out = re.sub(r"[ \t\u00a0\u3000]+", " ", "".join(chars)).strip()
    return re.sub(r" ?([，。：；？！（）、“”‘’《》【】——…]) ?", r"\1", out), changed


def ref_rejoin(paragraphs: list[str]):
    joined, rejoins = [], []
    for par in paragraphs:
        if joined and joined[-1][-1] not in clean.PARAGRAPH_END and not clean.is_heading(joined[-1]):
            rejoins.append({"end": joined[-1][-12:], "start": par[:12]})
            joined[-1] += par
        else:
            joined.append(par)
    return joined, rejoins


def raw_texts() -> list[str]:
    return [(RAW / f).read_text(encoding="utf-8") for f in SEED_FILES.values()]


def random_strings(alphabet: str, n: int, length: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, length))) for _ in range(n)]


# --- pinyin annotations -----------------------------------------------------------------------


def test_strip_annotations_matches_reference_on_reports():
    for text in raw_texts():
        assert strip_annotations(text) == ref_strip_annotations(text)


def test_strip_annotations_matches_reference_on_traps():
    traps = ["萍鄉(xiāng)城事網(wǎng)", "文明委(擴(kuò)大)會(huì)議", "不(bu)是(shì)", "會(hui)議(yì)", "萍乡(Pingxiang)",
             "会议(PPT)", "中(zhōng)(zhōng)國", "中(zhōngg)", "中(abcdefgh)", "中()", "(ā)", "中(ā", "會(huì)" * 50 + "中(bu)"]
    for text in traps + random_strings("會(huì)議(yì)擴(kuò)大中(zhōng)(x)(abc)萍鄉(xiāng)不(bu)", 3000, 40):
        assert strip_annotations(text) == ref_strip_annotations(text), text


def test_strip_annotations_properties_on_reports():
    """On the real reports: no Han character is lost or added; each mismatch points at its
    annotation in the input; each removal deletes at least ``(`` + a letter + ``)``."""
    han = re.compile(f"[{clean.HAN}]")
    total = 0
    for text in raw_texts():
        out, removed, mismatches = strip_annotations(text)
        total += removed
        assert han.findall(out) == han.findall(text)
        assert len(text) - len(out) >= 3 * removed
        for m in mismatches:
            i = m["offset"]
            assert text[i] == m["char"] and text[i + 1 : i + 3 + len(m["pinyin"])] == f"({m['pinyin']})"
    assert total > 0  # some bundled reports carry the injected pinyin


def test_annotation_that_is_not_a_syllable_stays_and_one_that_is_not_a_reading_is_listed():
    assert strip_annotations("差不(bu)多(duō)會(hui)") == ("差不(bu)多會", 2, [{"char": "會", "pinyin": "hui", "offset": 12}])
    assert strip_annotations("會(yì)議(yì)") == ("會議", 2, [{"char": "會", "pinyin": "yì", "offset": 0}])


# --- script conversion ------------------------------------------------------------------------


def test_to_simplified_counts_every_changed_character():
    for text in raw_texts():
        out, changes = to_simplified(text)
        assert changes == Counter(f"{a}→{b}" for a, b in zip(text, out) if a != b)
    assert to_simplified("會議會議，领导") == ("会议会议，领导", Counter({"會→会": 2, "議→议": 2}))


def test_count_han_counts_the_han_ranges():
    for text in raw_texts() + ["𠀀㐀中\uf900a１。", ""]:
        assert clean.count_han(text) == len(re.findall(f"[{clean.HAN}]", text))


# --- punctuation and page breaks --------------------------------------------------------------


def test_normalise_punctuation_matches_reference():
    alphabet = " \t\u3000\u00a0\u2003,:;?!()，。abc12中文会议“”…—"
    lines = [ln for t in raw_texts() for ln in t.splitlines()] + random_strings(alphabet, 20000, 14)
    for line in lines:
        assert normalise_punctuation(line) == ref_normalise_punctuation(line), line


def test_rejoin_paragraphs_matches_reference():
    rng = random.Random(1)
    pieces = ["会议指出", "一二三四五", "要", "。", "；", "一、坚持", "——要立必胜之志", "第一，", "x" * 40, "第", "！”"]
    for _ in range(3000):
        pars = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(0, 8))]
        expected, expected_log = ref_rejoin(pars)
        log: list[dict] = []
        assert clean.rejoin_paragraphs(pars, log) == expected and log == expected_log, pars
    long_numerals = ["一" * 250, "要落实"]  # a list marker found only past the first 200 characters
    assert clean.rejoin_paragraphs(long_numerals, []) == ref_rejoin(long_numerals)[0]


def test_rejoining_many_broken_lines_takes_linear_time():
    """100,000 lines without closing punctuation become one paragraph (quadratic joining would hang)."""
    lines = ["这是一段没有句末标点的文字行，它比三十个字符更长，所以不会被当作标题"] * 100_000
    start = time.perf_counter()
    joined = clean.rejoin_paragraphs(lines, log := [])
    assert time.perf_counter() - start < 10
    assert joined == ["".join(lines)] and len(log) == len(lines) - 1


# --- tokens -----------------------------------------------------------------------------------


def _rows_from_document(text: str) -> list[tuple]:
    paras, starts, ends = segment.sentence_bounds(text)
    out = tokenize.tokenize_document(text, starts, ends)
    flags = tokenize.token_flags(out["vocab"])
    rows = []
    for i, (code, start, sent) in enumerate(zip(out["code"].tolist(), out["start"].tolist(), out["sent_id"].tolist())):
        token = out["vocab"][code]
        rows.append((sent, i, token, start, start + len(token), bool(flags["is_word"][code]),
                     bool(flags["is_stop"][code]), bool(flags["is_bureaucratic"][code])))
    return rows


def _rows_by_sentence(text: str) -> list[tuple]:
    return [tuple(r.values()) for r in tokenize.tokenize_sentences(segment.split_sentences(text))]


def test_whole_document_tokens_equal_sentence_by_sentence_tokens(corpus):
    for doc_id in corpus.doc_ids:
        text = corpus.text(doc_id)
        assert _rows_from_document(text) == _rows_by_sentence(text), doc_id


def test_long_reports_tokenized_in_pieces_give_the_same_tokens(corpus, monkeypatch):
    monkeypatch.setattr(tokenize, "CHUNK_CHARS", 40)
    assert len(list(tokenize._chunks(corpus.text(corpus.doc_ids[0])))) > 5
    for doc_id in corpus.doc_ids:
        text = corpus.text(doc_id)
        assert "".join(tokenize._chunks(text)) == text
        assert _rows_from_document(text) == _rows_by_sentence(text), doc_id


@pytest.mark.parametrize("text", [
    "会议要求abc。def要落实3.5%。", "他说：“好。”然后走了。", "抓宣传；二要抓整治；三是抓考核。", "a.b。c-d！e_f？g",
    "  首行有空格。 \n\n 第二段  没有句号", "2022-10-25作者: 蒋志斌", "全市“1+5”行动。C++和C#。", "。。。", "x",
])
def test_whole_document_tokens_equal_sentence_by_sentence_tokens_on_traps(text):
    assert _rows_from_document(text) == _rows_by_sentence(text)
