"""``python -m analysis evaluate CORPUS``: the loader's output against a hand annotation.

Prints JSON with, per field and overall: furniture lines removed / kept and body sentences lost
(:mod:`analysis.report.evaluate_cleaning`); meeting date right / wrong / unknown (and wrong where
shown as stated), place and level, main speaker and chair (:mod:`analysis.report.evaluate_metadata`);
and how many annotated officials' names are single tokens wherever they occur in the loaded corpus.
The annotation is one YAML file per report (``tests/data/corpus_dev_gold/``, schema in its README).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from analysis.loading.config import PROJ_ROOT
from analysis.loading.corpus import load_corpus
from analysis.report import evaluate_cleaning, evaluate_metadata

DEFAULT_GOLD = PROJ_ROOT / "tests" / "data" / "corpus_dev_gold"

#: Goals of issue 12 on the development corpus, checked in the output's ``goals``.
GOALS = {"body_sentences_lost": 0, "furniture_removed_share": 0.95, "meeting_date_right_share": 0.90,
         "stated_dates_wrong": 0, "main_speaker_right_share": 0.95, "officials_single_token_share": 1.0}


def names_as_tokens(corpus_dir: Path, gold_dir: Path) -> dict:
    """Annotated officials whose every occurrence in the cleaned body is one token."""
    corpus = load_corpus(corpus_dir)
    by_file = dict(zip(corpus.documents["file"], corpus.documents["doc_id"]))
    tokens = corpus.tokens.groupby("doc_id")
    checked, single, split = 0, 0, []
    for path in sorted(gold_dir.glob("d*.yaml")):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        doc_id = by_file.get(gold["file"])
        if doc_id is None:
            continue
        text = corpus.text(doc_id)
        toks = tokens.get_group(doc_id)
        starts = dict(zip(toks["start"], toks["end"]))
        for name in dict.fromkeys(n for n in gold.get("officials") or [] if n and "*" not in n):
            spans = [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
            if not spans:
                continue
            checked += 1
            if all(starts.get(s) == e for s, e in spans):
                single += 1
            else:
                split.append(f"{gold['file']}: {name}")
    return {"officials_in_body": checked, "single_token": single, "split": split}


def evaluate(corpus_dir: Path, gold_dir: Path = DEFAULT_GOLD) -> dict:
    """Every figure of the evaluation, and whether each goal is met."""
    cleaning = evaluate_cleaning.evaluate(corpus_dir, gold_dir)
    metadata = evaluate_metadata.evaluate(corpus_dir, gold_dir)
    names = names_as_tokens(corpus_dir, gold_dir)
    fields = metadata["fields"]
    f = cleaning["furniture"]
    achieved = {"body_sentences_lost": cleaning["sentences"]["lost"],
                "furniture_removed_share": round(f["removed"] / f["gold"], 3) if f["gold"] else 1.0,
                "meeting_date_right_share": fields["meeting_date"]["share_right"],
                "stated_dates_wrong": metadata["stated_wrong"],
                "main_speaker_right_share": fields["main_speaker"]["share_right"],
                "officials_single_token_share": round(names["single_token"] / names["officials_in_body"], 3)
                if names["officials_in_body"] else 1.0}
    met = {k: (v <= GOALS[k] if k in ("body_sentences_lost", "stated_dates_wrong") else v >= GOALS[k])
           for k, v in achieved.items()}
    return {"goals": {"target": GOALS, "achieved": achieved, "met": met},
            "cleaning": cleaning, "metadata": metadata, "names": names}
