"""The coding sheet: export (XLSX with the codebook on a second sheet, and CSV), read-back and validation."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.__main__ import main
from analysis.loading.config import ANNOTATIONS_DIR
from analysis.questions import themes
from analysis.report import coding_sheet as cs

# two clauses quoted from the reports (pingxiang_city_2022 and xinyang_2015)
SAMPLE = pd.DataFrame({
    "directive_id": ["pingxiang_city_2022:22:0", "xinyang_2015:33:0", "xinyang_2015:56:0"],
    "doc_id": ["pingxiang_city_2022", "xinyang_2015", "xinyang_2015"],
    "text": ["强化指挥调度，健全反应迅速、运转高效、执行有力的指挥体系，坚持统一领导、统一调度、统一行动",
             "要加强宣传", "乔新江强调，要全力争创全国文明城市"],
    "themes": [("coordination",), ("publicity_mobilisation",), ()],  # codes a sheet must NOT carry
})


@pytest.fixture
def sheet(tmp_path):
    return cs.write_coding_sheet(SAMPLE, tmp_path / "sheet")


def _fill(xlsx, marks: dict[int, list[str]], extra: dict | None = None):
    wb = load_workbook(xlsx)
    ws = wb["directives"]
    header = [c.value for c in ws[1]]
    for row, ids in marks.items():
        for t in ids:
            ws.cell(row=row, column=header.index(t) + 1, value=1)
    for (row, col), value in (extra or {}).items():
        ws.cell(row=row, column=header.index(col) + 1, value=value)
    wb.save(xlsx)


def test_export_writes_xlsx_with_codebook_sheet_and_csv_without_codes(sheet):
    xlsx, csv = sheet
    assert xlsx.suffix == ".xlsx" and csv.suffix == ".csv"
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["directives", "codebook", "instructions"]
    header = [c.value for c in wb["directives"][1]]
    ids = themes.theme_ids()
    assert header == ["directive_id", "report", "text", *ids, "note"]
    rows = list(wb["directives"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(SAMPLE["directive_id"])
    assert all(v in (None, "") for r in rows for v in r[3:])  # no codes of any coder
    defs = list(wb["codebook"].iter_rows(values_only=True))
    assert defs[0] == ("id", "label_en", "label_zh", "definition", "examples")
    assert [d[0] for d in defs[1:]] == ids
    book = {t["id"]: t for t in themes.load_codebook()["themes"]}
    sanitation = next(d for d in defs if d[0] == "sanitation")
    assert sanitation[3] == book["sanitation"]["definition"]
    assert book["sanitation"]["examples"][0]["text"] in sanitation[4]
    assert not any(kw in sanitation[3] + sanitation[4] for kw in ["keywords"])
    text = "\n".join(str(r[0]) for r in wb["instructions"].iter_rows(values_only=True) if r[0])
    assert "Code the task, not the vocabulary" in text
    # the CSV opens in Excel as UTF-8 (byte-order mark) and has the same table
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(back.columns) == header and list(back["text"]) == list(SAMPLE["text"])


def test_filled_xlsx_reads_back(sheet):
    xlsx, _ = sheet
    _fill(xlsx, {2: ["coordination"], 3: ["publicity_mobilisation", "sanitation"]}, {(4, "note"): "generic call"})
    back = cs.read_coding_sheet(xlsx, expected_ids=list(SAMPLE["directive_id"]))
    assert list(back["directive_id"]) == list(SAMPLE["directive_id"])
    # codebook order, whatever order the marks were made in
    assert list(back["themes"]) == [("coordination",), ("sanitation", "publicity_mobilisation"), ()]
    assert back["note"].iloc[2] == "generic call" and back["doc_id"].iloc[1] == "xinyang_2015"
    ann = cs.to_annotations(back, {"xinyang_2015:33:0": "dev"})
    assert list(ann.columns) == ["directive_id", "doc_id", "split", "themes", "text", "note"]
    assert ann["themes"].iloc[1] == "sanitation;publicity_mobilisation"


def test_csv_with_a_themes_column_reads_back(tmp_path):
    path = tmp_path / "coded.csv"
    SAMPLE.assign(themes=["coordination", "publicity_mobilisation; civic_morality", ""]).to_csv(path, index=False)
    back = cs.read_coding_sheet(path)
    assert list(back["themes"]) == [("coordination",), ("civic_morality", "publicity_mobilisation"), ()]


def test_unknown_theme_id_names_file_and_row(tmp_path):
    path = tmp_path / "coded.csv"
    SAMPLE.assign(themes=["coordination", "publicity", ""]).to_csv(path, index=False)
    with pytest.raises(cs.CodingSheetError, match=r"coded\.csv: row 3 \(xinyang_2015:33:0\): unknown theme id 'publicity'"):
        cs.read_coding_sheet(path)


def test_unknown_theme_column_and_bad_mark(sheet):
    xlsx, csv = sheet
    df = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.rename(columns={"sanitation": "sanitaton"}).to_csv(csv, index=False)
    with pytest.raises(cs.CodingSheetError, match=r"sheet\.csv: row 1: column\(s\) sanitaton are not theme ids"):
        cs.read_coding_sheet(csv)
    _fill(xlsx, {}, {(3, "livelihood"): "maybe"})
    with pytest.raises(cs.CodingSheetError, match=r"sheet\.xlsx: row 3 \(xinyang_2015:33:0\): column livelihood: 'maybe'"):
        cs.read_coding_sheet(xlsx)


def test_missing_duplicate_and_unexpected_ids(tmp_path):
    path = tmp_path / "coded.csv"
    base = SAMPLE.assign(themes="")
    base.assign(directive_id=["pingxiang_city_2022:22:0", "", "xinyang_2015:56:0"]).to_csv(path, index=False)
    with pytest.raises(cs.CodingSheetError, match=r"coded\.csv: row 3: missing directive_id"):
        cs.read_coding_sheet(path)
    base.assign(directive_id=["a:1:0", "b:1:0", "a:1:0"]).to_csv(path, index=False)
    with pytest.raises(cs.CodingSheetError, match=r"row 4: directive_id a:1:0 repeats row 2"):
        cs.read_coding_sheet(path)
    base.iloc[:2].to_csv(path, index=False)
    with pytest.raises(cs.CodingSheetError, match=r"coded\.csv: 1 directive\(s\) of the sample are missing: xinyang_2015:56:0"):
        cs.read_coding_sheet(path, expected_ids=list(SAMPLE["directive_id"]))
    with pytest.raises(cs.CodingSheetError, match=r"row 3: directive_id xinyang_2015:33:0 is not in the sample"):
        cs.read_coding_sheet(path, expected_ids=["pingxiang_city_2022:22:0"])


def test_unreadable_files(tmp_path):
    bad = tmp_path / "coded.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(cs.CodingSheetError, match="coded.xlsx: not a readable XLSX"):
        cs.read_coding_sheet(bad)
    (tmp_path / "coded.ods").write_text("x")
    with pytest.raises(cs.CodingSheetError, match="unknown coding-sheet format '.ods'"):
        cs.read_coding_sheet(tmp_path / "coded.ods")
    with pytest.raises(cs.CodingSheetError, match="absent.csv: no such file"):
        cs.read_coding_sheet(tmp_path / "absent.csv")


def test_command_writes_the_sample_sheet(tmp_path, capsys):
    assert main(["coding-sheet", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out.xlsx").exists() and (tmp_path / "out.csv").exists()
    assert "out.xlsx" in capsys.readouterr().out
    assert main(["coding-sheet", "--check", str(tmp_path / "out.xlsx")]) == 0
    assert "out.xlsx: 80 directives, 0 with at least one theme" in capsys.readouterr().out
    bad = tmp_path / "x.csv"
    bad.write_text("directive_id,themes\na:1:0,nonsense\n", encoding="utf-8")
    assert main(["coding-sheet", "--check", str(bad)]) == 2
    assert "x.csv: row 2 (a:1:0): unknown theme id 'nonsense'" in capsys.readouterr().err


def test_second_coding_is_the_read_back_sheet_on_the_first_coding_sample():
    first = themes.load_annotations()
    second = themes.load_annotations(ANNOTATIONS_DIR / "directives_coded_second.csv")
    assert list(second["directive_id"]) == list(first["directive_id"])
    assert list(second["text"]) == list(first["text"]) and list(second["split"]) == list(first["split"])
    sheet = cs.read_coding_sheet(ANNOTATIONS_DIR / "directives_coded_second_sheet.xlsx",
                                 expected_ids=list(first["directive_id"]))
    assert list(sheet["themes"]) == list(second["themes"])
    assert set(t for ts in second["themes"] for t in ts) <= set(themes.theme_ids())
