"""Sites for the site and browser tests, exported once per test process into temporary folders.

``stored_site()`` exports the stored notebooks as they are (no notebook is run), with a page per
bundled report. ``hostile_site()`` adds a sixth report full of markup and ``<script>`` to a copy of
the corpus, runs the first notebook on it (figures and site go to a temporary folder) and exports
that notebook and the six reports' pages.
"""

from __future__ import annotations

import atexit
import csv
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from analysis.loading.config import CORPUS_ENV, DATA_DIR, OUTPUT_ENV, PROJ_ROOT
from analysis.report.build import execute_notebook, notebook_paths

#: Markup a hostile report carries; none of it may reach a page as markup.
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
HOSTILE_TITLE = f"{SCRIPT}关于创建全国文明城市的<b>通知</b>{IMG}"
HOSTILE_BODY = (f"会议强调，要<b>坚持</b>不懈推进创建工作{SCRIPT}。"
                f"各级各部门要<iframe src=\"http://example.com/\"></iframe>持续巩固创建成果{IMG}。")
#: A report of the bundled corpus whose text the hostile report reuses.
BASE_FILE = "004_e77f2d2c435428d4.txt"


def _tmp(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


@lru_cache(maxsize=1)
def stored_site() -> Path:
    """The site of the stored notebooks (with the committed figures as thumbnails); returns its folder."""
    from analysis import load_corpus
    from analysis.report.site import export_site

    out = _tmp("analysis-site-")
    export_site(notebook_paths(), out=out, figures=PROJ_ROOT / "figures", corpus=load_corpus())
    return out


def hostile_corpus(root: Path) -> Path:
    """A copy of the bundled corpus in ``root`` plus a sixth report with ``<script>`` and markup."""
    (root / "raw").mkdir(parents=True)
    for p in (DATA_DIR / "raw").iterdir():
        shutil.copyfile(p, root / "raw" / p.name)
    lines = (DATA_DIR / "raw" / BASE_FILE).read_text(encoding="utf-8").splitlines()
    body = [line for line in lines if len(line) > 60]
    text = "\n\n".join([HOSTILE_TITLE, body[0] + HOSTILE_BODY, *body[1:]])
    (root / "raw" / "zz_hostile.txt").write_text(text + "\n", encoding="utf-8")
    with (DATA_DIR / "metadata.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    row = {k: "" for k in rows[0]}
    row.update(doc_id="hostile_2024", file="zz_hostile.txt", label=f"{SCRIPT} Hostile", city="<b>恶意</b>",
               meeting_date="2024-01-02", meeting_name=f"{IMG}创建动员会")
    with (root / "metadata.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, row])
    return root


@lru_cache(maxsize=1)
def hostile_site() -> tuple[Path, Path]:
    """Run notebook 01 on the hostile corpus and export it; returns (executed notebook, site folder)."""
    from analysis.report.site import export_site

    work = _tmp("analysis-hostile-")
    corpus = hostile_corpus(work / "corpus")
    first = notebook_paths()[0]
    executed = work / "notebooks" / first.name
    executed.parent.mkdir()
    execute_notebook(first, env={CORPUS_ENV: str(corpus), OUTPUT_ENV: str(work / "out")}, output=executed)
    from analysis import load_corpus

    export_site([executed], out=work / "site", figures=work / "out" / "figures", corpus=load_corpus(corpus))
    return executed, work / "site"


# --- the browser ------------------------------------------------------------------------------

#: Debian's chromium, driven by Playwright (no Playwright browser download).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL_SCRIPT = PROJ_ROOT / ".ci" / "install-browser.sh"
#: Screenshots and other files the browser tests keep (git-ignored).
ARTIFACTS = PROJ_ROOT / "test-artifacts"


def ensure_chromium() -> Path:
    """The chromium binary, installed with ``.ci/install-browser.sh`` (apt-get) if it is missing."""
    import subprocess

    if not CHROMIUM.is_file():
        result = subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=900)
        if result.returncode != 0 or not CHROMIUM.is_file():
            raise RuntimeError(f"could not install chromium with {INSTALL_SCRIPT.name}:\n"
                               f"{result.stdout}\n{result.stderr}")
    return CHROMIUM


def launch(playwright):
    """A headless chromium browser (Playwright's sync API)."""
    return playwright.chromium.launch(executable_path=str(ensure_chromium()), args=CHROMIUM_ARGS, headless=True)


class PageWatch:
    """Everything a page does that a test may object to: console errors, page errors, dialogs, requests."""

    LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

    def __init__(self, page):
        self.console, self.errors, self.dialogs, self.requests, self.failed = [], [], [], [], []
        page.on("console", lambda m: m.type in ("error", "assert") and self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url[:100]}: {r.failure}"))

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def remote_requests(self) -> list[str]:
        """Requests for anything that is not a local file or inline data."""
        return [u for u in self.requests if not u.startswith(self.LOCAL_SCHEMES)]
