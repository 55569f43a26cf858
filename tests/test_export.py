"""The tidy tables: a fresh build writes them with the data dictionary; read back from Parquet, CSV
(plain and Excel's BOM form) and Stata, their ids and offsets match the corpus."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis.loading.config import DATA_DIR
from analysis.report import export


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the bundled corpus, processed as ``make all`` does (``build.write_processed``)."""
    from analysis import load_corpus
    from analysis.report.build import write_processed

    root = tmp_path_factory.mktemp("tidy") / "corpus"
    (root / "raw").mkdir(parents=True)
    for p in (DATA_DIR / "raw").iterdir():
        shutil.copyfile(p, root / "raw" / p.name)
    shutil.copyfile(DATA_DIR / "metadata.csv", root / "metadata.csv")
    corpus = load_corpus(root)
    written = write_processed(corpus)
    return corpus, root / "processed" / "tables", written


def test_build_writes_every_table_in_every_format_and_the_dictionary(built):
    corpus, folder, written = built
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dictionary_problems"] == []
    assert set(manifest["tables"]) == set(export.load_dictionary()["tables"])
    for name in manifest["tables"]:
        for ext in ("parquet", "csv", "excel.csv", "dta"):
            assert (folder / f"{name}.{ext}") in written, (name, ext)
    assert (folder / "DATA_DICTIONARY.md").read_text(encoding="utf-8") == export.dictionary_markdown()


def test_csv_forms_read_back_the_same_rows(built):
    _, folder, _ = built
    for name in ("directives", "temporal_expressions", "sentences"):
        pq = pd.read_parquet(folder / f"{name}.parquet")
        assert list(pq.columns)[0] != "Unnamed: 0" and "index" not in pq.columns  # no index artefacts
        plain = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        raw = (folder / f"{name}.excel.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and not (folder / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
        excel = pd.read_csv(folder / f"{name}.excel.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        pd.testing.assert_frame_equal(plain, excel)
        assert list(plain.columns) == list(pq.columns) and len(plain) == len(pq)
        assert plain["doc_id"].tolist() == pq["doc_id"].tolist()


def test_directives_point_at_their_sentence_and_text_in_every_format(built):
    corpus, folder, _ = built
    sents = corpus.sentences.set_index(["doc_id", "sent_id"])
    for df in (pd.read_parquet(folder / "directives.parquet"),
               pd.read_csv(folder / "directives.csv", keep_default_na=False),
               pd.read_stata(folder / "directives.dta").rename(columns={"end_": "end"})):
        assert len(df) > 0
        for r in df.itertuples():
            s = sents.loc[(r.doc_id, r.sent_id)]
            assert s.start <= r.start < r.end <= s.end
            assert corpus.text(r.doc_id)[r.start:r.end] == r.text
            assert r.directive_id == f"{r.doc_id}:{r.sent_id}:{r.clause_id}"


def test_located_units_slice_their_surface(built):
    corpus, folder, _ = built
    ex = pd.read_parquet(folder / "temporal_expressions.parquet")
    titles = dict(zip(corpus.documents["doc_id"], corpus.documents["title"]))
    body, headline = ex[ex["text_of"] == "body"], ex[ex["text_of"] == "headline"]
    assert len(body) and all(corpus.text(r.doc_id)[r.start:r.end] == r.surface for r in body.itertuples())
    assert all(titles[r.doc_id][r.start:r.end] == r.surface for r in headline.itertuples())
    marks = pd.read_stata(folder / "rhetoric_markers.dta").rename(columns={"end_": "end"})
    assert (marks["start"] >= 0).all()
    single = marks[marks["measure"] != "parallel"]
    assert all(corpus.text(r.doc_id)[r.start:r.end] == r.surface for r in single.itertuples())
    occ = pd.read_csv(folder / "formula_occurrences.csv", keep_default_na=False)
    assert all(corpus.text(r.doc_id)[r.start:r.end] == r.formula for r in occ.itertuples())
    tok = pd.read_parquet(folder / "tokens.parquet")
    assert tok.sample(200, random_state=0).apply(lambda r: corpus.text(r.doc_id)[r.start:r.end] == r.token, axis=1).all()


def test_every_row_names_a_report_and_sentence_of_the_corpus(built):
    corpus, folder, _ = built
    keys = set(zip(corpus.sentences["doc_id"], corpus.sentences["sent_id"]))
    for name in export.load_dictionary()["tables"]:
        df = pd.read_parquet(folder / f"{name}.parquet")
        if "doc_id" in df:
            assert set(df["doc_id"]) <= set(corpus.doc_ids), name
        if "sent_id" in df and "doc_id" in df:
            in_body = df[df["text_of"] == "body"] if "text_of" in df else df   # headline -1, dateline -2
            assert set(zip(in_body["doc_id"], in_body["sent_id"])) <= keys, name


def test_promises_tie_to_their_temporal_expression(built):
    _, folder, _ = built
    p = pd.read_parquet(folder / "dated_promises.parquet")
    ex = pd.read_parquet(folder / "temporal_expressions.parquet").set_index("expr_id")
    assert len(p) and (p["expr_id"] != "").all()
    for r in p.itertuples():
        assert ex.at[r.expr_id, "surface"] in r.surface.split("、") and ex.at[r.expr_id, "start"] == r.start


def test_stata_types_and_labels(built):
    _, folder, _ = built
    with pd.io.stata.StataReader(folder / "tokens.dta") as reader:
        labels = reader.variable_labels()
        tok = reader.read()
    assert labels["token"] == "Token text"
    assert set(tok["is_word"].unique()) <= {0, 1}


def test_dictionary_file_is_current_and_documents_every_column(corpus):
    assert (DATA_DIR / "DATA_DICTIONARY.md").read_text(encoding="utf-8") == export.dictionary_markdown(), \
        "run `python -m analysis.report.export --dictionary`"
    assert export.check_dictionary(export.tables(corpus)) == []


def test_dictionary_check_names_a_missing_column(corpus):
    tabs = export.tables(corpus)
    tabs["directives"] = tabs["directives"].assign(extra=1).drop(columns="task")
    problems = export.check_dictionary(tabs)
    assert "directives.extra: exported but not documented" in problems
    assert "directives.task: documented but not exported" in problems


def test_edtf_values():
    assert export.edtf("2025-12-31", "2025-12-31") == "2025-12-31"
    assert export.edtf("2025-01-01", "2025-12-31") == "2025"
    assert export.edtf("2025-12-01", "2025-12-31") == "2025-12"
    assert export.edtf("2021-01-01", None) == "2021-01-01/.."
    assert export.edtf("2023-01-01", "2025-12-31") == "2023/2025"
    assert export.edtf("2023-05-04", "2023-05-04", uncertain=True) == "2023-05-04?"
    assert export.edtf(None, None) == ""
    # 5月4日 in Panjin rests on the year inferred from 三年行动首战; 2023年 states its year
    assert export.certainty(True, "jionlp", "inferred", "5月4日") == "inferred_year"
    assert export.certainty(True, "jionlp", "inferred", "2023年") == "resolved"
    assert export.certainty(False, "rule:open_future", "inferred", "今后一个时期", "2015-04-24") == "open"


@pytest.mark.slow
def test_export_runs_on_the_dev_corpus(tmp_path):
    from analysis.loading.config import PROJ_ROOT

    dev = PROJ_ROOT.parent / "shared" / "corpus_dev"
    if not (dev / "raw").is_dir():
        pytest.skip("../shared/corpus_dev not beside this clone (the development corpus)")
    from analysis import load_corpus

    corpus = load_corpus(dev)
    export.export(corpus, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dictionary_problems"] == []
    prov = pd.read_parquet(tmp_path / "provenance.parquet").set_index("doc_id")
    assert prov.at["d02_zhengzhou", "outlet_type"] == "party_newspaper"
    d = pd.read_parquet(tmp_path / "directives.parquet")
    assert all(corpus.text(r.doc_id)[r.start:r.end] == r.text for r in d.itertuples())
