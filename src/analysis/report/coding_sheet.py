"""A coding sheet: the codebook and a sample of directives in a form another coder can fill in.

:func:`write_coding_sheet` writes two files with the same stem:

- ``OUT.xlsx``: sheet ``directives``, one row per directive (``directive_id, report, text``, one empty
  column per theme id, ``note``); sheet ``codebook``, one row per theme (id, labels, definition and the
  codebook's verbatim examples); sheet ``instructions``, how to fill it in and the coding rules
  (``data/annotations/CODING_RULES.md``, section ``## Rules``).
- ``OUT.csv``: the ``directives`` sheet alone, UTF-8 with a byte-order mark so that Excel (including a
  Chinese-locale Excel) opens it with the right encoding.

A coder marks a theme by putting ``1`` (or ``x``, ``✓``, ``yes``) in its column and leaves the others
empty; a directive with no theme has every theme cell empty. A ``themes`` column (theme ids separated
by ``;``) is accepted instead of the theme columns. :func:`read_coding_sheet` reads either file back
and checks it (unknown theme ids, unreadable marks, missing, duplicated or unexpected directive ids):
every problem is a :class:`CodingSheetError` naming the file and the row.

The sheet carries no codes of any coder and no classifier output: a coder filling it in is blind to both.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from analysis.loading.config import ANNOTATIONS_DIR
from analysis.loading.errors import AnalysisError
from analysis.questions import themes

BASE_COLUMNS = ["directive_id", "report", "text"]
NOTE_COLUMN = "note"
THEMES_COLUMN = "themes"
#: cell values read as "the theme applies" (case-insensitive); empty cells and these read as "not"
YES_MARKS = frozenset({"1", "1.0", "x", "✓", "✔", "yes", "y", "true", "是"})
NO_MARKS = frozenset({"", "0", "0.0", "no", "n", "false", "否", "nan"})
RULES_FILE = "CODING_RULES.md"
#: fixed document timestamps, so the same sample writes the same workbook metadata
_FIXED_TIME = _dt.datetime(2000, 1, 1)


class CodingSheetError(AnalysisError):
    """A filled-in coding sheet that cannot be read: names the file, the row and the problem."""


# --------------------------------------------------------------------------------------------
# tables


def sheet_table(sample: pd.DataFrame, codebook: dict | None = None) -> pd.DataFrame:
    """The ``directives`` sheet: ``directive_id, report, text``, one empty column per theme id (codebook
    order), ``note``. ``sample`` needs ``directive_id, doc_id, text`` (as :func:`themes.annotation_sample`
    returns); any codes it carries are dropped."""
    ids = themes.theme_ids(codebook)
    out = pd.DataFrame({"directive_id": sample["directive_id"].to_numpy(), "report": sample["doc_id"].to_numpy(),
                        "text": sample["text"].to_numpy()})
    for tid in ids:
        out[tid] = ""
    out[NOTE_COLUMN] = ""
    return out


def definitions_table(codebook: dict | None = None) -> pd.DataFrame:
    """The ``codebook`` sheet: one row per theme with ``id, label_en, label_zh, definition, examples``
    (the codebook's verbatim examples, one a line, each prefixed with its report). Keywords are left out:
    they are the classifier's, not the coder's."""
    rows = []
    for t in (codebook or themes.load_codebook())["themes"]:
        examples = "\n".join(f"{e['doc_id']}: {e['text']}" for e in t["examples"])
        rows.append({"id": t["id"], "label_en": t["label_en"], "label_zh": t["label_zh"],
                     "definition": t["definition"], "examples": examples})
    return pd.DataFrame(rows)


def coding_rules(path: Path | None = None) -> str:
    """The ``## Rules`` section of ``data/annotations/CODING_RULES.md`` (the whole file if it has none)."""
    text = Path(path or ANNOTATIONS_DIR / RULES_FILE).read_text(encoding="utf-8")
    m = re.search(r"^## Rules\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    return (m.group(1) if m else text).strip()


def instructions(codebook: dict | None = None) -> list[str]:
    """Lines of the ``instructions`` sheet: how to fill in the sheet, then the coding rules."""
    ids = themes.theme_ids(codebook)
    head = [
        "How to code: read each directive (a task clause) in the sheet 'directives' and put 1 in the column of "
        "every theme it names, by the definitions in the sheet 'codebook' and the rules below.",
        "Leave a theme cell empty when the theme does not apply; a directive with no theme has all theme cells empty.",
        "Use the column 'note' for the reason of a decision that is not obvious. Do not change directive_id or text.",
        f"Theme columns: {', '.join(ids)}.",
        "",
        "Coding rules (data/annotations/CODING_RULES.md):",
    ]
    return head + coding_rules().splitlines()


# --------------------------------------------------------------------------------------------
# writing


def write_coding_sheet(sample: pd.DataFrame, out: Path, codebook: dict | None = None) -> list[Path]:
    """Write ``out`` with suffix ``.xlsx`` (three sheets) and ``.csv`` (the directives); return both paths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    out = Path(out)
    xlsx, csv = out.with_suffix(".xlsx"), out.with_suffix(".csv")
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    table = sheet_table(sample, codebook)
    defs = definitions_table(codebook)
    ids = themes.theme_ids(codebook)

    wb = Workbook()
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    wb.properties.creator = "analysis.report.coding_sheet"
    ws = wb.active
    ws.title = "directives"
    _write_rows(ws, table)
    ws.freeze_panes = "D2"
    widths = {"directive_id": 26, "report": 22, "text": 70, NOTE_COLUMN: 40}
    for j, col in enumerate(table.columns, start=1):
        letter = ws.cell(row=1, column=j).column_letter
        ws.column_dimensions[letter].width = widths.get(col, 6)
        if col in ids:
            ws.cell(row=1, column=j).alignment = Alignment(text_rotation=90)
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    if len(table):
        first = ws.cell(row=2, column=len(BASE_COLUMNS) + 1).coordinate
        last = ws.cell(row=len(table) + 1, column=len(BASE_COLUMNS) + len(ids)).coordinate
        marks = DataValidation(type="list", formula1='"1"', allow_blank=True,
                               error="Put 1 in a theme's column, or leave it empty.", showErrorMessage=True)
        marks.add(f"{first}:{last}")
        ws.add_data_validation(marks)

    wd = wb.create_sheet("codebook")
    _write_rows(wd, defs)
    for letter, width in zip("ABCDE", (24, 34, 26, 70, 90)):
        wd.column_dimensions[letter].width = width
    for row in wd.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    wi = wb.create_sheet("instructions")
    for i, line in enumerate(instructions(codebook), start=1):
        wi.cell(row=i, column=1, value=line)
    wi.column_dimensions["A"].width = 140
    for sheet in (ws, wd):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    wb.save(xlsx)
    table.to_csv(csv, index=False, encoding="utf-8-sig")
    return [xlsx, csv]


def _write_rows(ws, df: pd.DataFrame) -> None:
    """Header and rows of ``df`` into an openpyxl sheet (every value as text)."""
    ws.append(list(df.columns))
    for rec in df.itertuples(index=False):
        ws.append([str(v) for v in rec])


# --------------------------------------------------------------------------------------------
# reading back


def _read_raw(path: Path) -> pd.DataFrame:
    """The ``directives`` sheet of an XLSX (the first sheet if none is so named) or a CSV, as strings."""
    if not path.exists():
        raise CodingSheetError(path, "no such file")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # a corrupt or non-XLSX file: one line, not a traceback
            raise CodingSheetError(path, f"not a readable XLSX workbook ({type(e).__name__})") from e
        ws = wb["directives"] if "directives" in wb.sheetnames else wb.worksheets[0]
        rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        if not rows:
            raise CodingSheetError(path, "the sheet is empty")
        width = len(rows[0])
        return pd.DataFrame([(r + [""] * width)[:width] for r in rows[1:]], columns=[c.strip() for c in rows[0]])
    if path.suffix.lower() == ".csv":
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise CodingSheetError(path, f"not a readable UTF-8 CSV ({type(e).__name__})") from e
        df.columns = [c.strip() for c in df.columns]
        return df
    raise CodingSheetError(path, f"unknown coding-sheet format {path.suffix!r} (expected .xlsx or .csv)")


def read_coding_sheet(path: Path, codebook: dict | None = None, expected_ids: list[str] | None = None
                      ) -> pd.DataFrame:
    """A filled-in coding sheet (XLSX or CSV) as ``directive_id, doc_id, text, themes`` (tuple of theme
    ids in codebook order), ``note``, in the sheet's order.

    Raises :class:`CodingSheetError` naming the file and the row (the spreadsheet's row number, header =
    row 1) for: a missing ``directive_id`` column or cell, a duplicated id, a theme id the codebook does not
    have (in a ``themes`` cell or as a column that looks like a theme: lower-case ASCII with ``_``), a cell
    that is neither empty nor a mark of :data:`YES_MARKS` / :data:`NO_MARKS`, and, with ``expected_ids``, ids
    of the sample that are absent from the sheet or ids of the sheet that are not in the sample.
    """
    path = Path(path)
    ids = themes.theme_ids(codebook)
    raw = _read_raw(path)
    if "directive_id" not in raw.columns:
        raise CodingSheetError(path, "no column 'directive_id'")
    theme_cols = [c for c in raw.columns if c in ids]
    unknown_cols = [c for c in raw.columns
                    if c not in ids and c not in {*BASE_COLUMNS, NOTE_COLUMN, THEMES_COLUMN, "doc_id", "split"}
                    and re.fullmatch(r"[a-z][a-z0-9_]*", c)]
    if unknown_cols:
        raise CodingSheetError(path, f"row 1: column(s) {', '.join(unknown_cols)} are not theme ids of the codebook")
    if not theme_cols and THEMES_COLUMN not in raw.columns:
        raise CodingSheetError(path, "no theme columns and no 'themes' column")
    report_col = "report" if "report" in raw.columns else ("doc_id" if "doc_id" in raw.columns else None)
    rows, seen = [], {}
    for i, rec in enumerate(raw.to_dict("records"), start=2):
        did = str(rec.get("directive_id", "")).strip()
        if not did:
            if all(not str(v).strip() for v in rec.values()):
                continue  # a blank line at the end of a sheet
            raise CodingSheetError(path, f"row {i}: missing directive_id")
        if did in seen:
            raise CodingSheetError(path, f"row {i}: directive_id {did} repeats row {seen[did]}")
        seen[did] = i
        chosen = set()
        for c in theme_cols:
            mark = str(rec.get(c, "")).strip().lower()
            if mark in YES_MARKS:
                chosen.add(c)
            elif mark not in NO_MARKS:
                raise CodingSheetError(path, f"row {i} ({did}): column {c}: {rec[c]!r} is not a mark (use 1 or leave empty)")
        for t in (s.strip() for s in re.split(r"[;,；，\s]+", str(rec.get(THEMES_COLUMN, "")))):
            if not t:
                continue
            if t not in ids:
                raise CodingSheetError(path, f"row {i} ({did}): unknown theme id {t!r}")
            chosen.add(t)
        rows.append({"directive_id": did, "doc_id": str(rec.get(report_col, "")).strip() if report_col else "",
                     "text": str(rec.get("text", "")), "themes": tuple(t for t in ids if t in chosen),
                     "note": str(rec.get(NOTE_COLUMN, "")).strip()})
    if expected_ids is not None:
        missing = [d for d in expected_ids if d not in seen]
        if missing:
            raise CodingSheetError(path, f"{len(missing)} directive(s) of the sample are missing: {', '.join(missing[:5])}"
                                   + (" …" if len(missing) > 5 else ""))
        extra = [d for d in seen if d not in set(expected_ids)]
        if extra:
            raise CodingSheetError(path, f"row {seen[extra[0]]}: directive_id {extra[0]} is not in the sample")
    return pd.DataFrame(rows, columns=["directive_id", "doc_id", "text", "themes", "note"])


def to_annotations(coded: pd.DataFrame, split: pd.Series | None = None) -> pd.DataFrame:
    """A read-back sheet in the layout of ``data/annotations/directives_coded.csv``: ``directive_id, doc_id,
    split, themes`` (``;``-joined), ``text, note``. ``split`` maps directive ids to ``dev``/``heldout``."""
    out = coded.copy()
    out["split"] = out["directive_id"].map(split) if split is not None else ""
    out["themes"] = [";".join(t) for t in out["themes"]]
    return out[["directive_id", "doc_id", "split", "themes", "text", "note"]]
