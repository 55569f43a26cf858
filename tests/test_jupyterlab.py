"""Every notebook runs in JupyterLab as researchers use it: opened in a real browser, Run All, no error.

The test starts JupyterLab headless on localhost (a free port, a random token, no browser) on a
temporary copy of ``notebooks/`` (the stored notebooks are never touched), with figures and the
site sent to a temporary folder (``ANALYSIS_OUTPUT_DIR``), and with everything that would reach
the network switched off: news and update checks, the PyPI extension manager. In chromium (driven
by Playwright) it opens each notebook, waits for the kernel, chooses Run ▸ Run All Cells, waits
until every cell has run, saves, and reads the saved notebook back: every code cell must have run
in order with no error and no traceback on stderr. The browser may talk only to this server. Every
step has a time limit, and the server and its kernels are always shut down.

The server runs as ``make lab`` runs it: with the configuration folder of ``analysis lab-setup``
(the project's CJK font served through JupyterLab's ``custom.css``) as ``JUPYTER_CONFIG_DIR`` and the
test's own settings as the user's configuration folder. A notebook with a table of Chinese text then
shows that every Chinese character of the table, a text output and the file browser is drawn with
the served font (the fonts chromium actually used, read through the DevTools protocol), not with a
font that lacks the glyph (a box).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from site_helpers import ARTIFACTS, PageWatch

from analysis.loading.chars import HAN_RE, count_han
from analysis.loading.config import OUTPUT_ENV
from analysis.report.build import notebook_paths
from analysis.report.lab import LAB_FAMILY, lab_setup

pytestmark = pytest.mark.slow

NOTEBOOKS = notebook_paths()
START_TIMEOUT = 90          # seconds for the server to answer
OPEN_TIMEOUT = 90_000       # ms for a notebook to open with an idle kernel
RUN_TIMEOUT = 300_000       # ms for all cells of one notebook to run
SAVE_TIMEOUT = 30           # seconds for the saved file to show the run
#: Settings that stop JupyterLab's front end from asking for news or updates (app-level overrides).
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}
#: Server settings: no news feed, no update check, no PyPI extension manager, no browser.
SERVER_CONFIG = {
    "ServerApp": {"open_browser": False, "ip": "127.0.0.1", "allow_remote_access": False},
    "LabApp": {"news_url": None, "extension_manager": "readonly",
               "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate"},
}
PROMPTS = "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'"
#: Run All has finished: every cell has run, or a cell failed (a traceback) and nothing is running.
RUN_OVER = """(n) => {
  const prompts = Array.from(document.querySelectorAll(%s));
  const failed = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) '
    + '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') !== null;
  const running = prompts.some(p => /\\[\\*\\]/.test(p.textContent));
  return (prompts.length === n && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))) || (failed && !running);
}""" % PROMPTS
#: No code cell has run yet (empty prompts after clearing outputs).
NONE_RUN = """() => Array.from(document.querySelectorAll(%s))
  .every(p => !/\\[[\\d*]+\\]/.test(p.textContent))""" % PROMPTS


def menu(page, title: str, command: str) -> None:
    """Choose a command from JupyterLab's main menu (as a user would); no dialog may be in the way."""
    dialogs = page.locator(".jp-Dialog")
    assert dialogs.count() == 0, f"JupyterLab shows a dialog: {dialogs.first.inner_text()}"
    page.locator(".lm-MenuBar-itemLabel", has_text=title).first.click()
    page.locator(f'li.lm-Menu-item[data-command="{command}"]').click()


def wait_for_kernel(base: str, token: str, name: str, timeout: float) -> dict:
    """Wait until the server runs an idle kernel for notebook ``name`` (the page started it)."""
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as r:
            sessions = [x for x in json.load(r) if x.get("path") == name and x.get("kernel")]
        if sessions and sessions[0]["kernel"].get("execution_state") == "idle":
            assert sessions[0]["kernel"]["name"] == "python3"
            return sessions[0]
        assert time.monotonic() < deadline, f"no idle kernel for {name} after {timeout:.0f}s: {sessions}"
        time.sleep(0.5)


def shut_down_kernels(base: str, token: str) -> None:
    """End every session (and its kernel), so notebooks do not pile up kernels on two cores."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as r:
        ids = [x["id"] for x in json.load(r)]
    for sid in ids:
        request = urllib.request.Request(f"{base}/api/sessions/{sid}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the notebooks; yields (base URL, token, notebook folder)."""
    work = tmp_path_factory.mktemp("jupyterlab")
    root, config, settings = work / "notebooks", work / "config", work / "app-settings"
    lab_env = lab_setup(work / "lab", user=config)  # what `make lab` does; `config` plays the user's folder
    root.mkdir()
    for nb in NOTEBOOKS:
        shutil.copyfile(nb, root / nb.name)
    config.mkdir()
    server_config = {**SERVER_CONFIG, "ServerApp": {**SERVER_CONFIG["ServerApp"], "allow_root": os.geteuid() == 0}}
    (config / "jupyter_server_config.json").write_text(json.dumps(server_config), encoding="utf-8")
    settings.mkdir()
    (settings / "overrides.json").write_text(json.dumps(OVERRIDES), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, OUTPUT_ENV: str(work / "output"), **lab_env,
           "JUPYTER_RUNTIME_DIR": str(work / "runtime"), "PYTHONHASHSEED": "0", "PYTHONNOUSERSITE": "1",
           "IPYTHONDIR": str(work / "ipython")}
    log = (work / "server.log").open("w")
    cmd = [sys.executable, "-m", "jupyterlab", f"--port={port}", "--port-retries=0", "--no-browser",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.app_settings_dir={settings}", f"--LabApp.user_settings_dir={work / 'user-settings'}",
           f"--LabApp.workspaces_dir={work / 'workspaces'}"]
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{(work / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log_text = (work / "server.log").read_text()
                raise RuntimeError(f"JupyterLab did not answer in {START_TIMEOUT}s:\n{log_text}")
            time.sleep(0.5)
        yield base, token, root
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and its kernels (its own process group)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(work / "server.log", ARTIFACTS / "jupyterlab-server.log")


def test_server_is_local_and_offline(lab):
    base, token, root = lab
    with urllib.request.urlopen(f"{base}/lab/api/news?token={token}", timeout=10) as r:
        assert json.load(r)["news"] == []
    with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10) as r:
        listed = sorted(item["name"] for item in json.load(r)["content"])
    assert listed == sorted(p.name for p in NOTEBOOKS)


def readable(path: Path) -> bool:
    """True once the file on disk is a whole notebook again (not half-written)."""
    try:
        nbformat.read(path, as_version=4)
    except Exception:
        return False
    return True


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_all_cells_in_jupyterlab(lab, browser, notebook):
    base, token, root = lab
    stored_bytes = notebook.read_bytes()
    stored = nbformat.read(root / notebook.name, as_version=4)  # the copy the server opens
    n_code = sum(c.cell_type == "code" for c in stored.cells)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = PageWatch(page)
    started = time.monotonic()
    try:
        page.goto(f"{base}/lab/tree/{notebook.name}?reset&token={token}", timeout=OPEN_TIMEOUT)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=OPEN_TIMEOUT)
        wait_for_kernel(base, token, notebook.name, OPEN_TIMEOUT / 1000)
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=OPEN_TIMEOUT)
        page.wait_for_selector(".jp-Toolbar-kernelName:has-text('Python 3')", timeout=OPEN_TIMEOUT)
        menu(page, "Edit", "editmenu:clear-all")  # the stored outputs go, so what follows is this run
        page.wait_for_function(NONE_RUN, timeout=OPEN_TIMEOUT, polling=200)
        menu(page, "Run", "runmenu:run-all")
        page.wait_for_function(RUN_OVER, arg=n_code, timeout=RUN_TIMEOUT, polling=500)
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=RUN_TIMEOUT)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{notebook.stem}.png"))
        before = (root / notebook.name).stat().st_mtime_ns
        menu(page, "File", "docmanager:save")
        deadline = time.monotonic() + SAVE_TIMEOUT
        while not ((root / notebook.name).stat().st_mtime_ns != before and readable(root / notebook.name)):
            assert time.monotonic() < deadline, "the notebook was not saved after Run All"
            time.sleep(0.5)
        stderr_outputs = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        in_page = page.locator(stderr_outputs).all_inner_texts()
    finally:
        context.close()
        shut_down_kernels(base, token)
    ran = nbformat.read(root / notebook.name, as_version=4)
    code = [c for c in ran.cells if c.cell_type == "code"]
    errors = [f"{o.get('ename', '')}: {o.get('evalue', '')}" for c in code for o in c.outputs
              if o.output_type == "error"]
    stderr = [o.text for c in code for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    assert errors == [] and stderr == [] and in_page == []
    assert [c.execution_count for c in code] == list(range(1, n_code + 1)), "cells ran in order, once each"
    assert watch.errors == [] and watch.dialogs == []
    assert [u for u in watch.requests if not u.startswith((base, "data:", "blob:", "about:"))] == []
    assert time.monotonic() - started < (OPEN_TIMEOUT + RUN_TIMEOUT) / 1000
    # the stored notebook is untouched; figures went to the temporary output folder
    assert notebook.read_bytes() == stored_bytes
    key = stored.metadata.get("analysis", {}).get("key_figure")
    assert not key or (root.parent / "output" / "figures" / f"{key}.png").is_file()


#: The font ``analysis lab-setup`` serves (PostScript name of Noto Sans CJK SC from mplfonts).
SERVED_FONT = "NotoSansCJKsc-Regular"
#: A notebook as a researcher opens it: a Chinese file name, a text output and a table of Chinese text.
GLYPH_NOTEBOOK = "中文表格.ipynb"
GLYPH_SOURCE = """import pandas as pd
print("国家卫生城市")
pd.DataFrame({"城市": ["萍乡", "武汉"], "指示": ["要坚持不懈", "必须巩固成果"]})"""
#: Where Chinese shows: table header and cells, the printed text, the file browser, the notebook's tab.
GLYPH_PLACES = {
    "table header": ".jp-OutputArea-output.jp-RenderedHTMLCommon thead th",
    "table cell": ".jp-OutputArea-output.jp-RenderedHTMLCommon tbody td",
    "text output": '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"] pre',
    "file browser": f'.jp-DirListing-item[title*="{GLYPH_NOTEBOOK}"] .jp-DirListing-itemText span',
    "tab": ".lm-TabBar-tab .lm-TabBar-tabLabel",
}


def drawn_fonts(cdp, node_id: int) -> dict[str, int]:
    """``{PostScript name: glyphs}`` of the fonts chromium used to draw the text of a node."""
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
    return {f["postScriptName"]: f["glyphCount"] for f in fonts}


def no_cjk_system_font() -> bool:
    """True when fontconfig knows no font for Chinese (a fresh server): the case this test proves."""
    fc = shutil.which("fc-list")
    return bool(fc) and subprocess.run([fc, ":lang=zh"], capture_output=True, text=True).stdout.strip() == ""


def test_chinese_text_shows_in_the_served_font(lab, browser):
    """Every Chinese character of a table, a text output and the file browser is drawn with the served
    font: the glyph count of that font equals the number of Chinese characters, and no other font draws
    a Chinese character (an element with only Chinese text uses no other font at all)."""
    base, token, root = lab
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(GLYPH_SOURCE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / GLYPH_NOTEBOOK)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    watch = PageWatch(page)
    try:
        page.goto(f"{base}/lab/tree/{GLYPH_NOTEBOOK}?reset&token={token}", timeout=OPEN_TIMEOUT)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=OPEN_TIMEOUT)
        wait_for_kernel(base, token, GLYPH_NOTEBOOK, OPEN_TIMEOUT / 1000)
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=OPEN_TIMEOUT)
        menu(page, "Run", "runmenu:run-all")
        page.wait_for_selector(GLYPH_PLACES["table cell"], timeout=OPEN_TIMEOUT)
        loaded = page.evaluate(f"""() => document.fonts.load('16px "{LAB_FAMILY}"', '国').then(f => f.length)""")
        assert loaded == 1, "the served font did not load"
        page.evaluate("() => document.fonts.ready.then(() => true)")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-chinese-glyphs.png"))
        # a control outside the served family: what this machine draws Chinese with on its own
        page.evaluate("""() => { const e = document.createElement('span'); e.id = 'glyph-control';
          e.style.fontFamily = 'sans-serif'; e.textContent = '国家卫生城市'; document.body.appendChild(e); }""")
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        document = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        problems, checked = {}, 0
        for place, selector in GLYPH_PLACES.items():
            ids = cdp.send("DOM.querySelectorAll", {"nodeId": document, "selector": selector})["nodeIds"]
            texts = page.locator(selector).all_text_contents()
            assert ids and len(ids) == len(texts), place
            for node, text in zip(ids, texts):
                han = count_han(text)
                if not han:
                    continue
                fonts = drawn_fonts(cdp, node)
                checked += han
                if fonts.get(SERVED_FONT) != han or (HAN_RE.sub("", text).strip() == "" and set(fonts) != {SERVED_FONT}):
                    problems[f"{place}: {text}"] = fonts
        control = cdp.send("DOM.querySelector", {"nodeId": document, "selector": "#glyph-control"})["nodeId"]
        control_fonts = drawn_fonts(cdp, control)
        assert watch.errors == [] and watch.dialogs == []
        assert [u for u in watch.requests if not u.startswith((base, "data:", "blob:", "about:"))] == []
    finally:
        context.close()
        shut_down_kernels(base, token)
        (root / GLYPH_NOTEBOOK).unlink(missing_ok=True)
    assert problems == {}
    assert checked >= len("国家卫生城市城市指示萍乡武汉要坚持不懈必须巩固成果") + len("中文表格") * 2
    if no_cjk_system_font():  # the check can fail: without the served font Chinese falls to a font without it
        assert SERVED_FONT not in control_fonts and control_fonts, control_fonts
