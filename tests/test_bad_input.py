"""Bad input in a corpus folder: every case ends in one CorpusError naming the file and the problem
(or loads correctly), nothing is skipped silently and nothing in raw/ is ever modified."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import SEED_FILES

from analysis import CorpusError, load_corpus

#: Pinyin injected after a character, as in raw/003 (``擴(kuò)``); Big5 has no tone-marked letters.
PINYIN_RE = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
UNDECODABLE = "cannot decode: not UTF-8 ({}), GB18030/GBK or Big5; save it as UTF-8"
#: (bytes, the problem users are told) for a report file that must be refused.
BAD_FILES = {
    "png": (PNG, "binary file (contains NUL bytes), not a text report (if it is UTF-16 text, add a byte-order mark or save it as UTF-8)"),
    "control-chars": (b"\x01\x02\x81\x30\x81\x30" * 20, "binary or corrupt file: decodes as gb18030 only to control characters"),
    "empty": (b"", "empty file (no text to analyse)"),
    "whitespace": (b" \t\r\n  \n\n\t ", "empty file (no text to analyse)"),
    "ascii-control": (bytes(range(1, 9)) * 20, "binary or corrupt file: decodes as utf-8 only to control characters"),
    "high-bytes": (b"\x81\xff" * 40, UNDECODABLE.format("invalid start byte at byte 0")),
    "utf16-garbage": (b"\xff\xfe" + b"\x01\xd8\x02\x00" * 40, "starts with a utf-16 byte-order mark but is not valid utf-16 (illegal UTF-16 surrogate at byte 2)"),
    "corrupt-tail": ("会议召开。".encode() + b"\xff\xfe\xff", UNDECODABLE.format("invalid start byte at byte 15")),
}


def raw_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "raw").iterdir())}


def read(root: Path, doc_id: str) -> str:
    return (root / "raw" / SEED_FILES[doc_id]).read_bytes().decode("utf-8")


def refusal(root: Path) -> str:
    """Load a broken corpus; return the error message, checking raw/ is untouched."""
    before = raw_bytes(root)
    with pytest.raises(CorpusError) as exc:
        load_corpus(root, use_cache=False)
    assert raw_bytes(root) == before
    return str(exc.value)


def reencoded(root: Path, doc_id: str, text: str, codec: str):
    """Load ``text`` as UTF-8, then as ``codec``; return (corpus, cleaned UTF-8 text)."""
    f = root / "raw" / SEED_FILES[doc_id]
    data = text.encode(codec)  # strict: fails if the codec cannot hold the text
    f.write_bytes(text.encode("utf-8"))
    expected = load_corpus(root).text(doc_id)
    f.write_bytes(data)
    before = raw_bytes(root)
    corpus = load_corpus(root)
    assert raw_bytes(root) == before
    assert corpus.doc_ids == list(SEED_FILES)
    return corpus, expected


def assert_encoding(corpus, doc_id: str, encoding: str) -> None:
    assert corpus.audits[doc_id]["encoding"] == encoding
    encodings = dict(zip(corpus.documents["doc_id"], corpus.documents["encoding"]))
    assert encodings == {d: encoding if d == doc_id else "utf-8" for d in SEED_FILES}


def edit_metadata(root: Path, change) -> None:
    path = root / "metadata.csv"
    meta = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    change(meta).to_csv(path, index=False)


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSIS_CORPUS_DIR": str(root)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, env=env, timeout=300)


# --- encodings that load ---------------------------------------------------------------------


def test_gbk_report_loads_as_gb18030_with_same_cleaned_text(corpus_copy):
    corpus, expected = reencoded(corpus_copy, "pingxiang_city_2022", read(corpus_copy, "pingxiang_city_2022"), "gbk")
    assert_encoding(corpus, "pingxiang_city_2022", "gb18030")
    assert corpus.text("pingxiang_city_2022") == expected


def test_gb18030_report_with_chars_outside_gbk_loads_with_same_cleaned_text(corpus_copy):
    text = read(corpus_copy, "pingxiang_city_2022").replace("陈敏出席会议并讲话", "陈敏𠀀㐀出席会议并讲话", 1)
    assert "𠀀㐀" in text
    for rare in "𠀀㐀":
        with pytest.raises(UnicodeEncodeError):
            rare.encode("gbk")
    corpus, expected = reencoded(corpus_copy, "pingxiang_city_2022", text, "gb18030")
    assert_encoding(corpus, "pingxiang_city_2022", "gb18030")
    assert corpus.text("pingxiang_city_2022") == expected
    assert "陈敏𠀀㐀出席会议并讲话" in expected


def test_big5_traditional_report_loads_as_big5_with_same_cleaned_text(corpus_copy):
    original = read(corpus_copy, "panjin_2023")
    text, n = PINYIN_RE.subn("", original)
    assert n == 347
    data = text.encode("big5", errors="strict")
    data.decode("gb18030")  # also valid GB18030: the loader has to choose, and must choose Big5
    corpus, expected = reencoded(corpus_copy, "panjin_2023", text, "big5")
    assert_encoding(corpus, "panjin_2023", "big5")
    assert corpus.text("panjin_2023") == expected
    assert corpus.audits["panjin_2023"]["script_detected"] == "traditional"


def test_utf8_with_bom_loads_as_utf8_sig_with_same_cleaned_text(corpus_copy):
    corpus, expected = reencoded(corpus_copy, "pingxiang_suburb_2020", read(corpus_copy, "pingxiang_suburb_2020"), "utf-8-sig")
    assert (corpus_copy / "raw" / SEED_FILES["pingxiang_suburb_2020"]).read_bytes().startswith(b"\xef\xbb\xbf")
    assert_encoding(corpus, "pingxiang_suburb_2020", "utf-8-sig")
    assert corpus.text("pingxiang_suburb_2020") == expected
    assert not expected.startswith("\ufeff")


# --- report files that are refused -------------------------------------------------------------


def test_undecodable_samples_fail_utf8_gb18030_and_big5():
    for name in ("high-bytes", "corrupt-tail"):
        for codec in ("utf-8", "gb18030", "big5"):
            with pytest.raises(UnicodeDecodeError):
                BAD_FILES[name][0].decode(codec)


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_report_file_is_refused_naming_file_and_problem(corpus_copy, kind):
    data, problem = BAD_FILES[kind]
    f = corpus_copy / "raw" / SEED_FILES["xinyang_2015"]
    f.write_bytes(data)
    assert refusal(corpus_copy) == f"{f.resolve()}: {problem}"


def test_report_of_fullwidth_spaces_only_is_refused(corpus_copy):
    f = corpus_copy / "raw" / SEED_FILES["xinyang_2015"]
    f.write_bytes("\u3000\u3000\n\u3000\n".encode())
    assert refusal(corpus_copy) == f"{f.resolve()}: no body text left after cleaning (only furniture, captions or a title)"


# --- HTML in a report is text ---------------------------------------------------------------


def test_html_and_script_in_body_paragraph_are_kept_as_text(corpus_copy):
    f = corpus_copy / "raw" / SEED_FILES["xinyang_2015"]
    sentence = "市委副书记刘国栋主持会议。"
    text = read(corpus_copy, "xinyang_2015")
    assert text.count(sentence) == 1
    f.write_bytes(text.replace(sentence, "市委副书记<b>刘国栋</b>主持会议<script>alert(1)</script>。").encode())
    before = raw_bytes(corpus_copy)
    corpus = load_corpus(corpus_copy, use_cache=False)
    assert raw_bytes(corpus_copy) == before
    assert corpus.doc_ids == list(SEED_FILES)
    body = corpus.documents.set_index("doc_id").at["xinyang_2015", "text"]
    # ASCII ")" before "<" is not between two ASCII letters/digits, so punctuation normalisation makes it full-width.
    assert "市长乔新江出席会议并作总结动员讲话。市委副书记<b>刘国栋</b>主持会议<script>alert(1)</script>。张国晖、" in body
    assert body.count("<") == 4 and body.count(">") == 4


# --- metadata -------------------------------------------------------------------------------


def test_metadata_without_city_column_is_refused(corpus_copy):
    edit_metadata(corpus_copy, lambda m: m.drop(columns="city"))
    assert refusal(corpus_copy) == (f"{corpus_copy.resolve() / 'metadata.csv'}: missing column(s): city "
                                    "(required: doc_id, file, label, city, meeting_date)")


@pytest.mark.parametrize("row, doc_id, value", [(2, "pingxiang_city_2022", "2022-13-45"), (5, "panjin_2023", "May 4")])
def test_meeting_date_that_is_not_iso_is_refused(corpus_copy, row, doc_id, value):
    edit_metadata(corpus_copy, lambda m: m.assign(meeting_date=m["meeting_date"].where(m["doc_id"] != doc_id, value)))
    assert refusal(corpus_copy) == (f"{corpus_copy.resolve() / 'metadata.csv'}: row {row} ({doc_id}): "
                                    f"meeting_date {value!r} is not a date YYYY-MM-DD")


def test_duplicate_doc_id_is_refused(corpus_copy):
    edit_metadata(corpus_copy, lambda m: m.assign(doc_id=m["doc_id"].replace("changsha_county_2022", "pingxiang_city_2022")))
    assert refusal(corpus_copy) == f"{corpus_copy.resolve() / 'metadata.csv'}: duplicate doc_id: pingxiang_city_2022"


def test_duplicate_file_is_refused(corpus_copy):
    edit_metadata(corpus_copy, lambda m: m.assign(file=m["file"].replace(SEED_FILES["changsha_county_2022"], SEED_FILES["pingxiang_city_2022"])))
    assert refusal(corpus_copy) == f"{corpus_copy.resolve() / 'metadata.csv'}: duplicate file: {SEED_FILES['pingxiang_city_2022']}"


def test_empty_doc_id_is_refused(corpus_copy):
    edit_metadata(corpus_copy, lambda m: m.assign(doc_id=m["doc_id"].replace("changsha_county_2022", "")))
    assert refusal(corpus_copy) == f"{corpus_copy.resolve() / 'metadata.csv'}: empty doc_id in row(s) 3"


def test_metadata_row_without_file_is_refused(corpus_copy):
    missing = SEED_FILES["xinyang_2015"]
    (corpus_copy / "raw" / missing).unlink()
    assert refusal(corpus_copy) == (f"{corpus_copy.resolve() / 'raw' / missing}: listed in metadata.csv but no such file "
                                    f"in raw/ (1 missing: {missing})")


def test_file_without_metadata_row_is_refused(corpus_copy):
    extra = corpus_copy / "raw" / "005_new_report.txt"
    extra.write_bytes((corpus_copy / "raw" / SEED_FILES["xinyang_2015"]).read_bytes())
    assert refusal(corpus_copy) == (f"{extra.resolve()}: file in raw/ has no row in metadata.csv "
                                    "(1 without a row: 005_new_report.txt)")


def test_missing_metadata_file_means_everything_is_inferred(corpus_copy):
    (corpus_copy / "metadata.csv").unlink()
    corpus = load_corpus(corpus_copy, use_cache=False)
    assert corpus.doc_ids == ["000_796734f808b55ccb", "001_1a2db557b43a5ede", "002_cca4f870a13f1f38",
                              "003_af7422f4b14b8af1", "004_e77f2d2c435428d4"]
    assert set(corpus.inferred["status"]) <= {"inferred", "unknown"}


def test_empty_raw_folder_without_metadata_is_refused(tmp_path):
    (tmp_path / "raw").mkdir()
    assert refusal(tmp_path) == f"{(tmp_path / 'raw').resolve()}: raw/ holds no report files"


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", BAD_FILES)
def test_check_report_on_bad_file_exits_2_with_one_line(corpus_copy, tmp_path, kind):
    data, problem = BAD_FILES[kind]
    f = tmp_path / "005_new_report.txt"
    f.write_bytes(data)
    before = raw_bytes(corpus_copy)
    r = cli(corpus_copy, "check-report", str(f))
    assert (r.returncode, r.stdout, r.stderr) == (2, "", f"error: {f}: {problem}\n")
    assert f.read_bytes() == data and raw_bytes(corpus_copy) == before


def test_check_report_on_missing_file_exits_2_with_one_line(corpus_copy, tmp_path):
    f = tmp_path / "no_such_report.txt"
    r = cli(corpus_copy, "check-report", str(f))
    assert (r.returncode, r.stdout, r.stderr) == (2, "", f"error: {f}: no such file\n")


def test_check_report_on_good_report_prints_encoding_script_pinyin_and_dropped_lines(corpus_copy):
    before = raw_bytes(corpus_copy)
    r = cli(corpus_copy, "check-report", str(corpus_copy / "raw" / SEED_FILES["pingxiang_suburb_2020"]))
    assert (r.returncode, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    for line in ("encoding: utf-8", "script: traditional (614 characters will be converted to simplified)",
                 "pinyin annotations: 379 removed, 0 not a reading of their character", "dropped lines: 15",
                 "  [caption] 班子成员下点督导检查", "  [furniture] 鲜花",
                 "metadata: row pingxiang_suburb_2020; empty fields: chair, chair_title, source_url, retrieved"):
        assert line in lines
    assert raw_bytes(corpus_copy) == before


def test_check_report_on_gbk_report_suggests_saving_as_utf8(corpus_copy, tmp_path):
    f = tmp_path / "005_new_report.txt"
    f.write_bytes(read(corpus_copy, "xinyang_2015").encode("gbk"))
    r = cli(corpus_copy, "check-report", str(f))
    assert (r.returncode, r.stderr) == (0, "")
    assert "encoding: gb18030 (will be decoded; consider saving as UTF-8)" in r.stdout.splitlines()
    assert f"metadata: no row for 005_new_report.txt in {corpus_copy.resolve() / 'metadata.csv'}" in r.stdout


# --- every legacy encoding, through the command line -------------------------------------------


@pytest.mark.parametrize("codec, shown", [("gbk", "gb18030 (will be decoded; consider saving as UTF-8)"),
                                          ("gb18030", "gb18030 (will be decoded; consider saving as UTF-8)"),
                                          ("big5", "big5 (will be decoded; consider saving as UTF-8)"),
                                          ("utf-8-sig", "utf-8-sig")])
def test_check_report_names_the_detected_encoding(corpus_copy, tmp_path, codec, shown):
    text = read(corpus_copy, "xinyang_2015")
    if codec == "big5":
        text = PINYIN_RE.sub("", read(corpus_copy, "panjin_2023"))
    f = tmp_path / "005_new_report.txt"
    f.write_bytes(text.encode(codec))
    before = raw_bytes(corpus_copy)
    r = cli(corpus_copy, "check-report", str(f))
    assert (r.returncode, r.stderr) == (0, "")
    assert f"encoding: {shown}" in r.stdout.splitlines()
    assert f.read_bytes() == text.encode(codec) and raw_bytes(corpus_copy) == before


# --- traditional script without pinyin -------------------------------------------------------


def test_traditional_report_without_pinyin_is_converted_and_flagged(corpus_copy):
    f = corpus_copy / "raw" / SEED_FILES["panjin_2023"]
    f.write_bytes(PINYIN_RE.sub("", read(corpus_copy, "panjin_2023")).encode())
    before = raw_bytes(corpus_copy)
    corpus = load_corpus(corpus_copy, use_cache=False)
    assert raw_bytes(corpus_copy) == before
    audit = corpus.audits["panjin_2023"]
    assert (audit["script_detected"], audit["annotations_removed"]) == ("traditional", 0)
    assert audit["chars_converted"] > 0.05 * corpus.documents.set_index("doc_id").at["panjin_2023", "n_chars"]
    assert audit["conversions"]["會→会"] > 0
    text = corpus.text("panjin_2023")
    assert "会议" in text and "會" not in text
    row = corpus.documents.set_index("doc_id").loc["panjin_2023"]
    assert (row.script_detected, row.encoding) == ("traditional", "utf-8")


def test_check_report_on_traditional_report_without_pinyin_says_it_will_be_converted(corpus_copy, tmp_path):
    f = tmp_path / "005_new_report.txt"
    f.write_bytes(PINYIN_RE.sub("", read(corpus_copy, "panjin_2023")).encode())
    r = cli(corpus_copy, "check-report", str(f))
    assert (r.returncode, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    script = next(ln for ln in lines if ln.startswith("script: "))
    assert re.fullmatch(r"script: traditional \(\d+ characters will be converted to simplified\)", script)
    assert "pinyin annotations: 0 removed, 0 not a reading of their character" in lines


# --- HTML in a report: literal text, reported by check-report --------------------------------


def test_check_report_reports_html_tags_kept_as_text(corpus_copy, tmp_path):
    f = tmp_path / "005_new_report.txt"
    sentence = "市委副书记刘国栋主持会议。"
    f.write_bytes(read(corpus_copy, "xinyang_2015").replace(
        sentence, '市委副书记<b>刘国栋</b>主持会议<script>alert("x")</script><img src=x onerror=alert(1)>。').encode())
    r = cli(corpus_copy, "check-report", str(f))
    assert (r.returncode, r.stderr) == (0, "")
    assert ("markup: 5 HTML tag(s) in the body (b, img, script), kept as literal text, never interpreted; "
            "if they are page markup, save the page as plain text before adding it") in r.stdout.splitlines()


def test_check_report_on_plain_report_finds_no_markup(corpus_copy):
    r = cli(corpus_copy, "check-report", str(corpus_copy / "raw" / SEED_FILES["changsha_county_2022"]))
    assert "markup: none" in r.stdout.splitlines()


# --- the same messages from a parallel load and from `python -m analysis data` -----------------


@pytest.mark.parametrize("kind", ["png", "empty", "high-bytes"])
def test_bad_report_in_parallel_load_gives_the_same_message(corpus_copy, kind):
    data, problem = BAD_FILES[kind]
    f = corpus_copy / "raw" / SEED_FILES["panjin_2023"]
    f.write_bytes(data)
    before = raw_bytes(corpus_copy)
    with pytest.raises(CorpusError) as exc:
        load_corpus(corpus_copy, use_cache=False, n_jobs=2)
    assert str(exc.value) == f"{f.resolve()}: {problem}"
    assert raw_bytes(corpus_copy) == before


BROKEN_METADATA = {
    "missing column": (lambda m: m.drop(columns="city"),
                       "missing column(s): city (required: doc_id, file, label, city, meeting_date)"),
    "bad date": (lambda m: m.assign(meeting_date=m["meeting_date"].where(m["doc_id"] != "panjin_2023", "2023-02-30")),
                 "row 5 (panjin_2023): meeting_date '2023-02-30' is not a date YYYY-MM-DD"),
    "duplicate id": (lambda m: m.assign(doc_id=m["doc_id"].replace("changsha_county_2022", "pingxiang_city_2022")),
                     "duplicate doc_id: pingxiang_city_2022"),
}


@pytest.mark.parametrize("case", BROKEN_METADATA)
def test_data_command_on_broken_metadata_exits_2_with_one_line(corpus_copy, case):
    change, problem = BROKEN_METADATA[case]
    edit_metadata(corpus_copy, change)
    before = raw_bytes(corpus_copy)
    r = cli(corpus_copy, "data")
    expected = f"error: {corpus_copy.resolve() / 'metadata.csv'}: {problem}\n"
    assert (r.returncode, r.stdout, r.stderr) == (2, "", expected)
    assert raw_bytes(corpus_copy) == before and not (corpus_copy / "processed").exists()


def test_data_command_on_row_without_file_and_file_without_row_names_each(corpus_copy):
    missing = SEED_FILES["xinyang_2015"]
    (corpus_copy / "raw" / missing).rename(corpus_copy / "raw" / "005_new_report.txt")
    r = cli(corpus_copy, "data")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (f"error: {corpus_copy.resolve() / 'raw' / missing}: listed in metadata.csv but no such file "
                        f"in raw/ (1 missing: {missing})\n")
    edit_metadata(corpus_copy, lambda m: m[m["file"] != missing])
    r = cli(corpus_copy, "data")
    assert r.stderr == (f"error: {corpus_copy.resolve() / 'raw' / '005_new_report.txt'}: file in raw/ has no row in "
                        "metadata.csv (1 without a row: 005_new_report.txt)\n")


def test_metadata_problem_is_reported_by_check_report_without_failing(corpus_copy):
    edit_metadata(corpus_copy, BROKEN_METADATA["duplicate id"][0])
    r = cli(corpus_copy, "check-report", str(corpus_copy / "raw" / SEED_FILES["xinyang_2015"]))
    assert (r.returncode, r.stderr) == (0, "")
    assert (f"metadata: cannot read ({corpus_copy.resolve() / 'metadata.csv'}: duplicate doc_id: pingxiang_city_2022)"
            in r.stdout.splitlines())


# --- raw/ is never modified --------------------------------------------------------------------


def test_loading_and_checking_never_touch_raw(corpus_copy):
    def state():
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted((corpus_copy / "raw").iterdir())}

    before = state()
    load_corpus(corpus_copy)  # cold, writes the cache
    load_corpus(corpus_copy)  # from the cache
    load_corpus(corpus_copy, use_cache=False, n_jobs=2)
    for name in SEED_FILES.values():
        assert cli(corpus_copy, "check-report", str(corpus_copy / "raw" / name)).returncode == 0
    assert cli(corpus_copy, "data").returncode == 0
    assert state() == before


# --- a 50 MB report ------------------------------------------------------------------------------

BIG_REPORT_RUN = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from analysis import load_corpus
corpus = load_corpus(sys.argv[1], use_cache=False)
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text().splitlines()
peak_mb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "sentences": len(corpus.sentences),
                  "tokens": len(corpus.tokens), "title": corpus.documents.title[0]}))
"""


@pytest.mark.slow
def test_single_50mb_report_loads_in_bounded_time_and_memory(corpus, tmp_path):
    """One 50 MB report (the five cleaned bodies, repeated): every copy is split and tokenized the
    same, in well under the 2 GB the issue allows (measured: about 50 s and 1.3 GB here)."""
    base = "\n".join(corpus.text(d) for d in corpus.doc_ids)
    copies = 50_000_000 // len(base.encode()) + 1
    root = tmp_path / "big"
    (root / "raw").mkdir(parents=True)
    data = ("关于巩固全国文明城市创建成果的汇编\n" + "\n".join([base] * copies) + "\n").encode()
    assert len(data) > 50_000_000
    (root / "raw" / "big.txt").write_bytes(data)
    (root / "metadata.csv").write_text("doc_id,file,label,city,meeting_date\nbig,big.txt,big report,somewhere,\n",
                                       encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", BIG_REPORT_RUN, str(root)], capture_output=True, text=True, timeout=900)
    assert (r.returncode, r.stderr) == (0, "")
    out = json.loads(r.stdout)
    assert (out["sentences"], out["tokens"]) == (copies * len(corpus.sentences), copies * len(corpus.tokens))
    assert out["title"] == "关于巩固全国文明城市创建成果的汇编"
    assert out["peak_mb"] < 2000 and out["seconds"] < 600, out
    assert (root / "raw" / "big.txt").read_bytes() == data


def test_corpus_error_survives_a_process_boundary():
    import pickle

    from analysis.loading.errors import CorpusError

    e = pickle.loads(pickle.dumps(CorpusError("raw/x.txt", "file is empty (0 bytes)")))
    assert (str(e), e.path, e.problem) == ("raw/x.txt: file is empty (0 bytes)", "raw/x.txt", "file is empty (0 bytes)")


def test_manifest_follows_the_corpus_in_force(corpus_copy, monkeypatch):
    from analysis.loading.config import CORPUS_ENV, DATA_DIR
    from analysis.report.checks import read_manifest, write_manifest

    before = (DATA_DIR / "MANIFEST.sha256").read_bytes()
    monkeypatch.setenv(CORPUS_ENV, str(corpus_copy))
    path = write_manifest()
    assert path == corpus_copy / "MANIFEST.sha256"
    assert read_manifest(path) == read_manifest(DATA_DIR / "MANIFEST.sha256")
    assert (DATA_DIR / "MANIFEST.sha256").read_bytes() == before
