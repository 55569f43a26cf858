"""Metadata inference against the hand annotations of the development corpus (issue 12).

    PYTHONPATH=src python benchmarks/infer_eval.py [--corpus ../shared/corpus_dev] [--gold DIR] [--baseline] [--detail]

Prints JSON: per field right / wrong / unknown counts over the reports with a gold file, and the
list of misses. A date is right when it equals the gold at the gold's precision (YYYY, YYYY-MM or
YYYY-MM-DD); an ``unknown`` where the gold is null is right. ``stated_wrong`` counts dates shown
as ``stated`` that are wrong (the goal is 0). Place is right when province, city and county all
equal the gold's (for a province-level meeting only the province is compared, since the gold
sometimes names the venue city and sometimes not). Speakers compare names. ``--baseline`` scores
an inference that infers nothing (the state before issue 12).
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import yaml

from analysis.loading.clean import clean_text
from analysis.loading.config import PROJ_ROOT as ROOT
from analysis.loading.infer import FIELDS, field, infer_metadata


def _gold_dir() -> Path:
    return ROOT / "tests/data/corpus_dev_gold"


def date_right(value, gold) -> bool:
    if gold in (None, ""):
        return value in (None, "")
    gold = str(gold)
    return value is not None and str(value)[: len(gold)] == gold and len(str(value)) >= len(gold)


def main_name(g):
    return (g or {}).get("name") if isinstance(g, dict) else None


def evaluate(corpus: Path, gold_dir: Path, baseline: bool = False) -> dict:
    sources = {}
    if (corpus / "SOURCES.csv").exists():
        with open(corpus / "SOURCES.csv", encoding="utf-8") as f:
            sources = {r["file"]: r for r in csv.DictReader(f)}
    tally = {
        k: {"right": 0, "wrong": 0, "unknown": 0}
        for k in ("meeting_date", "place", "admin_level", "main_speaker", "chair", "publication_date")
    }
    officials = {"gold": 0, "found": 0, "extra": 0}
    stated_wrong, misses, bases = 0, [], {}
    golds = sorted(gold_dir.glob("d*.yaml"))
    for gpath in golds:
        gold = yaml.safe_load(gpath.read_text(encoding="utf-8"))
        raw_path = corpus / "raw" / gold["file"]
        if not raw_path.exists():
            continue
        if baseline:
            meta = {k: field() for k in FIELDS}
        else:
            res = clean_text(raw_path.read_text(encoding="utf-8"), gold["file"])
            meta = infer_metadata(res.title, res.text, res.audit.to_dict(), sources.get(gold["file"]))

        def mark(key, ok, unknown, got, want):
            tally[key]["right" if ok else "unknown" if unknown else "wrong"] += 1
            if not ok:
                misses.append({"file": gold["file"], "field": key, "got": got, "gold": want})  # noqa: B023

        md = meta["meeting_date"]
        ok = date_right(md["value"], gold.get("meeting_date"))
        mark("meeting_date", ok, md["value"] is None, f"{md['value']} ({md['basis']})", gold.get("meeting_date"))
        bases[md["basis"]] = bases.get(md["basis"], 0) + 1
        if md["basis"] == "stated" and not ok:
            stated_wrong += 1
        pd_ = meta["publication_date"]
        pv, gp = pd_["value"], gold.get("publication_date")
        # the gold records only dates read in the text: a date from the address alone is not a miss
        ok = date_right(pv, gp) if gp else (pv is None or pd_["basis"] == "source")
        mark("publication_date", ok, pv is None, f"{pv} ({pd_['basis']})", gp)
        lvl = gold.get("admin_level")
        got_place = tuple(meta[k]["value"] for k in ("province", "city", "county"))
        want_place = tuple(gold.get(k) for k in ("province", "city", "county"))
        if lvl == "province":
            ok = got_place[0] == want_place[0]
        else:
            ok = got_place == want_place
        mark("place", ok, got_place[0] is None, got_place, want_place)
        mark(
            "admin_level",
            meta["admin_level"]["value"] == lvl,
            meta["admin_level"]["value"] is None,
            meta["admin_level"]["value"],
            lvl,
        )
        for key in ("main_speaker", "chair"):
            want = main_name(gold.get(key))
            got = meta[key]["value"]
            mark(key, got == want, got is None, got, want)
        got_names = {o["name"] for o in meta["officials"]["value"] or []}
        want_names = set(gold.get("officials") or [])
        officials["gold"] += len(want_names)
        officials["found"] += len(got_names & want_names)
        officials["extra"] += len(got_names - want_names)
        if got_names ^ want_names:
            misses.append(
                {
                    "file": gold["file"],
                    "field": "officials",
                    "got": sorted(got_names - want_names),
                    "gold": sorted(want_names - got_names),
                }
            )
    n = sum(tally["meeting_date"].values())
    summary = {k: {**v, "share_right": round(v["right"] / n, 3) if n else None} for k, v in tally.items()}
    return {
        "reports": n,
        "gold_dir": str(gold_dir),
        "fields": summary,
        "meeting_date_bases": bases,
        "stated_wrong": stated_wrong,
        "officials": officials,
        "misses": misses,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus_dev")
    ap.add_argument("--gold", type=Path, default=None)
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--detail", action="store_true", help="list the misses")
    args = ap.parse_args(argv)
    out = evaluate(args.corpus, args.gold or _gold_dir(), args.baseline)
    if not args.detail:
        out.pop("misses")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
