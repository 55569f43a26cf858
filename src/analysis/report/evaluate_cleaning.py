"""Measure furniture removal on the development corpus against the hand annotations.

    PYTHONPATH=src python benchmarks/furniture_eval.py [--corpus ../shared/corpus_dev] [--gold DIR] [--details]

Reads each report of ``<corpus>/raw/`` that has a gold file ``tests/data/corpus_dev_gold/dNN_*.yaml``,
cleans it with :func:`analysis.clean.clean_text` and prints JSON with:

* ``furniture``: gold furniture texts ``removed`` from the body and ``kept`` in it;
* ``body_first`` / ``body_last``: gold first/last words of the body ``found`` in the cleaned body,
  and how often the body starts (ends) with them, i.e. nothing before (after) them was kept;
* ``sentences``: sentences of the raw text outside the gold furniture and headline (the gold body)
  ``total`` and ``lost`` (not found in the cleaned body).

Every comparison is made on the cleaned, simplified text with punctuation and whitespace ignored:
both sides keep only Han characters, Latin letters and digits (after pinyin removal and OpenCC).
With ``--details`` each report's kept furniture, missing first/last words and lost sentences are
listed too. The texts stay in ``../shared/``: nothing here copies them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

from analysis.loading.config import PROJ_ROOT as ROOT

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus_dev"
DEFAULT_GOLD = ROOT / "tests" / "data" / "corpus_dev_gold"
_KEEP_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9〓]")
_SENTENCE_RE = re.compile(r"[。！？!?;；\n]")


def simplify(text: str) -> str:
    """A raw string as cleaning sees it: pinyin removed, simplified script, context fixes applied."""
    from analysis.loading import clean

    rules = clean.load_rules()
    text = clean.strip_annotations(text)[0]
    text = clean.repair_debris(text, "", rules.repairs)[0]
    text = clean.to_simplified(text)[0]
    return clean.apply_script_fixes(text, rules.script_fixes)[0]


def squash(text: str) -> str:
    """Only the Han characters, Latin letters and digits (punctuation and whitespace ignored)."""
    return "".join(_KEEP_RE.findall(text))


def norm(text: str) -> str:
    """:func:`simplify` then :func:`squash`: the form every comparison uses."""
    return squash(simplify(text))


def gold_files(gold_dir: Path) -> list[Path]:
    """The annotation files, in report order."""
    return sorted(gold_dir.glob("d[0-9][0-9]_*.yaml"))


def gold_body_text(raw: str, gold: dict) -> str:
    """The raw text once the gold headline lines and furniture texts are taken out (line breaks kept).

    A whole-line furniture text takes out only the lines equal to it: a caption that repeats a
    sentence of the lead (dev d27) leaves that sentence in the body.
    """
    furniture = gold.get("furniture") or []
    whole = {h.strip() for h in gold.get("headline") or []}
    whole |= {f["text"].strip() for f in furniture if not f.get("inline")}
    lines = raw.replace("\r\n", "\n").split("\n")
    text = "\n".join(ln for ln in lines if ln.strip() not in whole)
    for item in sorted(furniture, key=lambda f: -len(f["text"])):
        if item.get("inline"):
            text = text.replace(item["text"], "\n", 1)
    return text


def gold_body_sentences(raw: str, gold: dict) -> list[str]:
    """Sentences of the gold body (:func:`gold_body_text`), of at least two characters."""
    return [s for s in _SENTENCE_RE.split(gold_body_text(raw, gold)) if len(squash(s)) >= 2]


def furniture_kept(raw: str, gold: dict, body: str) -> list[str]:
    """Gold furniture texts still in the cleaned (squashed) ``body``.

    A text counts as kept when it occurs more often in the cleaned body than in the gold body: a
    photo caption that repeats a sentence of the report (``省创卫会主任、副省长何力出席会议并讲话``)
    or a short mark (``(完)``, ``1#``) is also found inside real sentences.
    """
    expected = squash(simplify(gold_body_text(raw, gold)))
    kept = []
    for item in gold.get("furniture") or []:
        n = norm(item["text"])
        if n and body.count(n) > expected.count(n):
            kept.append(item["text"])
    return kept


def evaluate_report(raw: str, name: str, gold: dict) -> dict:
    """Figures for one report (counts plus the texts behind the failures)."""
    from analysis.loading.clean import clean_text

    result = clean_text(raw, name)
    body = squash(result.text)
    kept = furniture_kept(raw, gold, body)
    missing = [k for k in ("body_first", "body_last") if gold.get(k) and norm(gold[k]) not in body]
    off_edge = [
        k
        for k, at in (("body_first", body.startswith), ("body_last", body.endswith))
        if gold.get(k) and not at(norm(gold[k]))
    ]
    sentences = gold_body_sentences(raw, gold)
    lost = [s.strip() for s in sentences if norm(s) not in body]
    return {
        "file": name,
        "furniture": len(gold.get("furniture") or []),
        "kept": kept,
        "missing": missing,
        "off_edge": off_edge,
        "sentences": len(sentences),
        "lost": lost,
    }


def evaluate(corpus: Path = DEFAULT_CORPUS, gold_dir: Path = DEFAULT_GOLD) -> dict:
    """Totals over every annotated report, plus the per-report lists."""
    reports = []
    for path in gold_files(gold_dir):
        gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        raw_path = corpus / "raw" / gold["file"]
        if raw_path.is_file():
            reports.append(evaluate_report(raw_path.read_text(encoding="utf-8"), raw_path.name, gold))
    n_fur = sum(r["furniture"] for r in reports)
    n_kept = sum(len(r["kept"]) for r in reports)
    firsts = sum("body_first" not in r["missing"] for r in reports)
    lasts = sum("body_last" not in r["missing"] for r in reports)
    starts = sum("body_first" not in r["off_edge"] for r in reports)
    ends = sum("body_last" not in r["off_edge"] for r in reports)
    return {
        "reports": len(reports),
        "furniture": {"gold": n_fur, "removed": n_fur - n_kept, "kept": n_kept},
        "body_first": {"found": firsts, "missing": len(reports) - firsts, "body_starts_with_it": starts},
        "body_last": {"found": lasts, "missing": len(reports) - lasts, "body_ends_with_it": ends},
        "sentences": {"total": sum(r["sentences"] for r in reports), "lost": sum(len(r["lost"]) for r in reports)},
        "details": [r for r in reports if r["kept"] or r["missing"] or r["off_edge"] or r["lost"]],
    }


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--details", action="store_true", help="list each report's failures")
    args = ap.parse_args(argv)
    if not (args.corpus / "raw").is_dir():
        print(f"{args.corpus}/raw not found", file=sys.stderr)
        return 2
    out = evaluate(args.corpus, args.gold)
    if not args.details:
        out.pop("details")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
