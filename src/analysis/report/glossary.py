"""A glossary for readers who do not read Chinese: term, pinyin, English gloss, source of the gloss.

``data/lexicon/glossary.csv`` has one row for every Chinese term shown in a figure or table of the
analysis notebooks (02 onwards) and for every lexicon or codebook term that carries a gloss.

* **pinyin** is generated, never typed: the term is segmented with jieba (the project's domain
  dictionary), and each word is read by pypinyin as a phrase, so polyphones follow the word
  (长效 chángxiào, 重要 zhòngyào). Readings pypinyin gets wrong are corrected by rows of
  ``data/lexicon/pinyin_fixes.csv`` (each with a note). Syllables of one word are joined, words
  are separated by spaces.
* **gloss** comes from the lexicon file that defines the term (``source`` names it: e.g.
  ``register.yaml``), or was written by hand for this glossary (``source`` = ``hand``); a term
  nobody has glossed yet has an empty gloss and ``source`` = ``missing``. Hand glosses survive
  regeneration (:func:`update` keeps them); lexicon glosses are re-read from their files.

``label(term)`` gives the form figures use, ``攻坚 (gōngjiān, storm a fortified position)``.
Regenerate and check with ``python -m analysis.glossary`` (add ``--check`` to only report problems).
"""

from __future__ import annotations

import csv
import re
import sys
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from analysis.loading.config import LEXICON_DIR, NOTEBOOKS_DIR, figures_dir
from analysis.loading.lexicon import read_yaml
from analysis.loading.tokenize import get_tokenizer
from analysis.measures.general import general_tokenizer

GLOSSARY_FILE = "glossary.csv"
PINYIN_FIXES_FILE = "pinyin_fixes.csv"
COLUMNS = ["term", "pinyin", "gloss", "source"]
#: A Chinese term: Han characters, possibly joined by 、 (横向到边、纵向到底); at most 16 characters.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
TERM_RE = re.compile(f"^[{_HAN}](?:[{_HAN}、]{{0,14}}[{_HAN}])?$")
#: Lexicon entry fields that hold the Chinese term an entry glosses.
ENTRY_FIELDS = ("term", "marker", "verb", "word", "phrase", "theme", "name", "label_zh", "zh")
#: Table and figure-data columns whose values are terms (rather than sentences or numbers).
TERM_COLUMNS = {"term", "formula", "theme", "theme_zh", "label_zh", "marker", "phrase", "word", "token",
                "category_zh", "template", "keyword", "verb", "register_term", "surface", "event"}
#: Columns whose cells list several terms (also split at 、).
LIST_COLUMNS = {"terms", "markers", "keywords", "top_words", "words", "cues"}
#: Analysis notebooks whose figures and tables the glossary covers (01 shows only metadata).
FIRST_NOTEBOOK = 2


# --------------------------------------------------------------------------------------------
# pinyin


@lru_cache(maxsize=4)
def _load_fixes(path: str, mtime: int) -> dict[str, list[list[str]]]:
    fixes = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            fixes[row["word"]] = [[s] for s in row["pinyin"].split()]
    return fixes


def pinyin_fixes(lexicon_dir: Path = LEXICON_DIR) -> dict[str, list[list[str]]]:
    """Word readings that override pypinyin (``pinyin_fixes.csv``), as pypinyin phrase entries."""
    path = lexicon_dir / PINYIN_FIXES_FILE
    if not path.is_file():
        return {}
    return _load_fixes(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _register_fixes(fixes: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
    """Load the fixes into pypinyin's phrase dictionary once per content (it retrains its segmenter)."""
    from pypinyin import load_phrases_dict

    load_phrases_dict({w: [[s] for s in syllables] for w, syllables in fixes})


def pinyin(term: str, lexicon_dir: Path = LEXICON_DIR) -> str:
    """Tone-marked pinyin of a term, word by word.

    ``横向到边、纵向到底`` -> ``héngxiàng dàobiān, zòngxiàng dàodǐ``.
    """
    from pypinyin import Style
    from pypinyin import pinyin as _pinyin

    fixes = pinyin_fixes(lexicon_dir)
    if fixes:
        _register_fixes(tuple(sorted((w, tuple(s[0] for s in r)) for w, r in fixes.items())))
    words: list[str] = []
    for word in get_tokenizer(lexicon_dir).lcut(term, HMM=True):
        if word == "、":
            if words:
                words[-1] += ","
            continue
        if not word.strip():
            continue
        if word in fixes:
            syllables = [s[0] for s in fixes[word]]
        else:
            syllables = [s[0] for s in _pinyin(word, style=Style.TONE, heteronym=False, errors="default")]
        words.extend(_group(word, syllables))
    return " ".join(words)


def _group(word: str, syllables: list[str]) -> list[str]:
    """Pinyin words for one jieba word: up to three syllables joined (gōngjiān); a four-character
    word as two pairs (zhēnzhuā shígàn); longer words (domain-dictionary phrases) by the words of
    jieba's general dictionary inside them (héngxiàng dào biān)."""
    if len(syllables) != len(word) or len(word) <= 3:
        return ["".join(syllables)]
    if len(word) == 4:
        return ["".join(syllables[:2]), "".join(syllables[2:])]
    parts = general_tokenizer().lcut(word, HMM=False)
    if len(parts) == 1:   # a long word of the general dictionary itself (a place or an organisation)
        return ["".join(syllables)]
    out, i = [], 0
    for part in parts:
        out.extend(_group(part, syllables[i : i + len(part)]))
        i += len(part)
    return out


# --------------------------------------------------------------------------------------------
# where terms come from


def lexicon_glosses(lexicon_dir: Path = LEXICON_DIR) -> dict[str, tuple[str, str]]:
    """``term -> (gloss, file name)`` for every YAML entry in ``data/lexicon/`` that has a ``gloss``
    (the term is the entry's first Chinese field among ``ENTRY_FIELDS``), and every codebook-style
    entry with ``label_zh`` and ``label_en`` (the English label is the gloss). Earlier files (by
    name) win when two files gloss the same term.
    """
    out: dict[str, tuple[str, str]] = {}

    def walk(node, source):
        if isinstance(node, dict):
            zh, en = node.get("label_zh"), node.get("label_en")
            if isinstance(zh, str) and isinstance(en, str) and TERM_RE.match(zh.strip()):
                out.setdefault(zh.strip(), (en.strip(), source))
            if isinstance(node.get("gloss"), str):
                for key in ENTRY_FIELDS:
                    value = node.get(key)
                    if isinstance(value, str) and TERM_RE.match(value.strip()):
                        out.setdefault(value.strip(), (node["gloss"].strip(), source))
                        break
            for value in node.values():
                walk(value, source)
        elif isinstance(node, list):
            for value in node:
                walk(value, source)

    for path in sorted(lexicon_dir.glob("*.yaml")):
        walk(read_yaml(path), path.name)
    return out


class _TableParser(HTMLParser):
    """Cells of the HTML tables in a notebook output: a list of tables, each a list of rows."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._cell: list[str] | None = None
        self._tag = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell, self._tag = [], tag

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append((self._tag, "".join(self._cell).strip()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _split_terms(value: str, is_list: bool = False) -> list[str]:
    """Chinese terms in one cell: pieces split at ``;``, ``/``, ``|``, commas and spaces (and at 、
    for a cell that lists terms); a label ``攻坚 (gōngjiān, …)`` gives its Chinese part."""
    value = re.sub(r"\s*\([^)]*\)", "", str(value))
    seps = r"[;；/|,，、\s]+" if is_list else r"[;；/|,，\s]+"
    return [p for p in (x.strip() for x in re.split(seps, value)) if TERM_RE.match(p)]


def terms_in_tables(tables: list[list[list[tuple[str, str]]]]) -> set[str]:
    """Terms in HTML tables: cells of columns named in ``TERM_COLUMNS``, index cells of a table whose
    index is so named, and header cells that are themselves Chinese terms."""
    found: set[str] = set()
    for table in tables:
        header_rows = [r for r in table if r and all(tag == "th" for tag, _ in r)]
        body = [r for r in table if r and not all(tag == "th" for tag, _ in r)]
        names: list[str] = []
        for r in header_rows:
            cells = [v for _, v in r]
            for v in cells:
                found.update(_split_terms(v))
            if any(v for v in cells):
                names = [v if v else (names[i] if i < len(names) else "") for i, v in enumerate(cells)]
        kinds = [n.strip().lower() for n in names]
        for r in body:
            for i, (_, v) in enumerate(r):
                if i < len(kinds) and kinds[i] in TERM_COLUMNS | LIST_COLUMNS:
                    found.update(_split_terms(v, kinds[i] in LIST_COLUMNS))
    return found


def terms_in_notebook(path: Path) -> set[str]:
    """Chinese terms in the stored table outputs (``text/html``) of one notebook."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    found: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html:
                parser = _TableParser()
                parser.feed(html if isinstance(html, str) else "".join(html))
                found |= terms_in_tables(parser.tables)
    return found


def terms_in_figure_data(path: Path) -> set[str]:
    """Chinese terms in a figure's data CSV: values of term columns (index levels included) and
    column names that are Chinese terms."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    found = {t for c in df.columns for t in _split_terms(c)}
    for col in df.columns:
        kind = col.strip().lower()
        if kind in TERM_COLUMNS | LIST_COLUMNS:
            for v in df[col]:
                found.update(_split_terms(v, kind in LIST_COLUMNS))
    return found


def analysis_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Notebooks ``02_*`` onwards, in order."""
    return sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb") if int(p.name[:2]) >= FIRST_NOTEBOOK)


def terms_shown(notebooks_dir: Path = NOTEBOOKS_DIR, fig_dir: Path | None = None) -> set[str]:
    """Every Chinese term shown in a table or figure of the analysis notebooks (stored outputs and
    the figures' data CSVs named after those notebooks)."""
    fig_dir = fig_dir or figures_dir()
    found: set[str] = set()
    for nb in analysis_notebooks(notebooks_dir):
        found |= terms_in_notebook(nb)
        for csv_path in sorted(fig_dir.glob(f"{nb.name[:2]}_*.csv")):
            found |= terms_in_figure_data(csv_path)
    return found


# --------------------------------------------------------------------------------------------
# the file


def read_glossary(lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """The glossary file as a table (``term, pinyin, gloss, source``); empty if it does not exist."""
    path = lexicon_dir / GLOSSARY_FILE
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    return _read(str(path), path.stat().st_mtime_ns).copy()


@lru_cache(maxsize=4)
def _read(path: str, mtime: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)[COLUMNS]


def build_glossary(terms: set[str], lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """Glossary rows for ``terms``, every glossed lexicon term and every existing row: hand-written
    glosses kept, lexicon glosses (re)read from the lexicon files, the rest marked missing; pinyin
    regenerated. Sorted by pinyin, then term."""
    existing = read_glossary(lexicon_dir).set_index("term")
    lex = lexicon_glosses(lexicon_dir)
    rows = []
    for term in sorted(set(terms) | set(lex) | set(existing.index)):
        if term in existing.index and existing.at[term, "source"] == "hand" and existing.at[term, "gloss"]:
            gloss, source = existing.at[term, "gloss"], "hand"
        elif term in lex:
            gloss, source = lex[term]
        else:
            gloss, source = "", "missing"
        rows.append({"term": term, "pinyin": pinyin(term, lexicon_dir), "gloss": gloss, "source": source})
    out = pd.DataFrame(rows, columns=COLUMNS)
    if len(out):
        out = out.assign(_key=out["pinyin"].str.lower()).sort_values(["_key", "term"], kind="mergesort")
        out = out.drop(columns="_key")
    return out.reset_index(drop=True)


def write_glossary(table: pd.DataFrame, lexicon_dir: Path = LEXICON_DIR) -> Path:
    """Write the glossary CSV (UTF-8, ``\\n`` line ends, stable order)."""
    path = lexicon_dir / GLOSSARY_FILE
    table[COLUMNS].to_csv(path, index=False, lineterminator="\n")
    return path


def update(extra_terms: set[str] | None = None, lexicon_dir: Path = LEXICON_DIR,
           notebooks_dir: Path = NOTEBOOKS_DIR, fig_dir: Path | None = None) -> pd.DataFrame:
    """Regenerate the glossary file from the terms the notebooks show (plus ``extra_terms``)."""
    terms = terms_shown(notebooks_dir, fig_dir) | set(extra_terms or ())
    table = build_glossary(terms, lexicon_dir)
    write_glossary(table, lexicon_dir)
    return table


def check_glossary(terms: set[str] | None = None, lexicon_dir: Path = LEXICON_DIR,
                   notebooks_dir: Path = NOTEBOOKS_DIR, fig_dir: Path | None = None) -> list[str]:
    """Problems with the glossary file: shown terms without a row, stale pinyin, a gloss marked
    missing that has one (or the reverse). Empty list = the file is up to date."""
    terms = terms_shown(notebooks_dir, fig_dir) if terms is None else terms
    table = read_glossary(lexicon_dir).set_index("term")
    problems = [f"{t}: no row in {GLOSSARY_FILE}" for t in sorted(set(terms) - set(table.index))]
    for term, row in table.iterrows():
        expected = pinyin(term, lexicon_dir)
        if row["pinyin"] != expected:
            problems.append(f"{term}: pinyin {row['pinyin']!r} should be {expected!r}")
        if bool(row["gloss"]) == (row["source"] == "missing"):
            problems.append(f"{term}: gloss {row['gloss']!r} does not match source {row['source']!r}")
    return problems


def gloss(term: str, lexicon_dir: Path = LEXICON_DIR) -> str:
    """The English gloss of a term ('' if it has none yet)."""
    table = read_glossary(lexicon_dir)
    hit = table.loc[table["term"] == term, "gloss"]
    return str(hit.iloc[0]) if len(hit) else ""


def label(term: str, gloss: bool = True, lexicon_dir: Path = LEXICON_DIR) -> str:
    """``攻坚 (gōngjiān, storm a fortified position)``: the term with its pinyin and (if ``gloss``
    and there is one) its gloss. Pinyin comes from the glossary file, or is generated for a term
    not in it yet."""
    table = read_glossary(lexicon_dir)
    hit = table[table["term"] == term]
    py = str(hit["pinyin"].iloc[0]) if len(hit) else pinyin(term, lexicon_dir)
    text = str(hit["gloss"].iloc[0]) if (gloss and len(hit)) else ""
    return f"{term} ({py}, {text})" if text else f"{term} ({py})"


def glossary_table(terms: set[str] | None = None, lexicon_dir: Path = LEXICON_DIR) -> pd.DataFrame:
    """The glossary for display (optionally only ``terms``), indexed by term."""
    table = read_glossary(lexicon_dir)
    if terms is not None:
        table = table[table["term"].isin(terms)]
    return table.set_index("term")


def main(argv: list[str] | None = None) -> int:
    """``python -m analysis.glossary [--check]``: regenerate the file, or list its problems."""
    argv = sys.argv[1:] if argv is None else argv
    if "--check" in argv:
        problems = check_glossary()
        print("\n".join(problems) or "glossary up to date")
        return 1 if problems else 0
    table = update()
    print(f"{GLOSSARY_FILE}: {len(table)} terms, {int((table['source'] == 'missing').sum())} without a gloss")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
