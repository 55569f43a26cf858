"""Command line: ``python -m analysis {build,data,export,check-report,manifest,evaluate,coding-sheet,lab-setup,lab}``.

Bad input ends with a one-line message naming the file and the problem (exit code 2), never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.loading.errors import AnalysisError


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``analysis`` command."""
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="rebuild processed data, execute all notebooks, export the HTML site")
    b.add_argument("notebooks", nargs="*", type=Path, help="only these notebooks (default: all)")
    b.add_argument("--no-site", action="store_true", help="skip the HTML export")
    sub.add_parser("data", help="rebuild data/processed/ from data/raw/")
    x = sub.add_parser("export", help="write the tidy tables and data dictionary to <corpus>/processed/tables/")
    x.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: the corpus in force, data/)")
    x.add_argument("--out", type=Path, default=None, help="output folder (default: <corpus>/processed/tables/)")
    c = sub.add_parser("check-report", help="check a new report before it enters the corpus")
    c.add_argument("file", type=Path)
    c.add_argument("--corpus", type=Path, default=None, help="corpus folder whose metadata.csv to check against")
    sub.add_parser("manifest", help="rewrite <corpus>/MANIFEST.sha256 from <corpus>/raw/ (the corpus in force)")
    e = sub.add_parser("evaluate", help="compare the loader's output on a corpus folder with a hand annotation")
    e.add_argument("corpus", type=Path)
    e.add_argument("--gold", type=Path, default=None, help="folder of dNN_*.yaml annotations (default: tests/data/corpus_dev_gold)")
    e.add_argument("--details", action="store_true", help="also list every miss per report")
    s = sub.add_parser("coding-sheet", help="write the codebook and the hand-coding sample as OUT.xlsx and OUT.csv, "
                       "or check a filled-in sheet (--check)")
    s.add_argument("out", type=Path, help="output path (the suffix is replaced by .xlsx and .csv), or the sheet to check")
    s.add_argument("--all", action="store_true", help="every directive of the corpus, not only the sample")
    s.add_argument("--check", action="store_true", help="read OUT back as a filled-in sheet and report what it holds")
    ls = sub.add_parser("lab-setup", help="write the JupyterLab configuration that serves the project's CJK font")
    ls.add_argument("--dir", type=Path, default=None, help="folder to write (default: data/processed/jupyterlab)")
    lab = sub.add_parser("lab", help="lab-setup, then JupyterLab with that configuration (arguments go to jupyter lab)")
    lab.add_argument("lab_args", nargs=argparse.REMAINDER, help="arguments for jupyter lab")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            from analysis.report.build import build

            build(args.notebooks or None, site=not args.no_site)
        elif args.command == "data":
            from analysis import load_corpus
            from analysis.report.build import write_processed

            for p in write_processed(load_corpus()):
                print(p)
        elif args.command == "export":
            from analysis import load_corpus
            from analysis.report.export import export

            written = export(load_corpus(args.corpus), args.out)
            print(f"{len(written)} files in {written[-1].parent}")
        elif args.command == "check-report":
            from analysis.report.checks import check_report

            print(check_report(args.file, args.corpus))
        elif args.command == "evaluate":
            import json

            from analysis.report.evaluate import DEFAULT_GOLD, evaluate

            out = evaluate(args.corpus, args.gold or DEFAULT_GOLD)
            if not args.details:
                out["cleaning"].pop("details", None)
                out["cleaning"].pop("reports", None)
                out["metadata"].pop("misses", None)
            print(json.dumps(out, ensure_ascii=False, indent=1))
        elif args.command == "coding-sheet":
            from analysis import load_corpus
            from analysis.questions import themes
            from analysis.report.coding_sheet import read_coding_sheet, write_coding_sheet

            if args.check:
                coded = read_coding_sheet(args.out)
                n_coded = sum(bool(t) for t in coded["themes"])
                print(f"{args.out}: {len(coded)} directives, {n_coded} with at least one theme")
            else:
                found = themes.directives(load_corpus())
                for p in write_coding_sheet(found if args.all else themes.annotation_sample(found), args.out):
                    print(p)
        elif args.command == "manifest":
            from analysis.report.checks import write_manifest

            print(write_manifest())
        elif args.command == "lab-setup":
            import shlex

            from analysis.report.lab import lab_setup

            for name, value in lab_setup(args.dir).items():  # lines a shell can eval
                print(f"export {name}={shlex.quote(value)}")
        elif args.command == "lab":
            from analysis.report.lab import run_lab

            run_lab(args.lab_args)
    except AnalysisError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
