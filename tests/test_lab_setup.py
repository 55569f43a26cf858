"""``analysis lab-setup`` writes a JupyterLab configuration folder that serves the project's CJK font."""

from __future__ import annotations

import json

from analysis.__main__ import main
from analysis.report.lab import LAB_FAMILY, UNICODE_RANGE, custom_css, lab_setup
from analysis.report.plotting import cjk_font


def test_lab_setup_writes_font_css_and_config(tmp_path):
    env = lab_setup(tmp_path / "lab", user=tmp_path / "home-jupyter")
    custom = tmp_path / "lab" / "custom"
    _, font = cjk_font()
    assert (custom / font.name).read_bytes() == font.read_bytes()
    css = (custom / "custom.css").read_text(encoding="utf-8")
    assert f'src: url("{font.name}")' in css and f"unicode-range: {UNICODE_RANGE};" in css
    assert f'--jp-ui-font-family: "{LAB_FAMILY}", ' in css and f'--jp-content-font-family: "{LAB_FAMILY}", ' in css
    config = json.loads((tmp_path / "lab" / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert config["LabApp"]["custom_css"] is True
    assert config["LabApp"]["user_settings_dir"] == str(tmp_path / "home-jupyter" / "lab" / "user-settings")
    assert env["JUPYTER_CONFIG_DIR"] == str(tmp_path / "lab")
    assert env["JUPYTER_CONFIG_PATH"].split(":")[0] == str(tmp_path / "home-jupyter")


def test_unicode_range_covers_han_and_cjk_punctuation_only():
    ranges = [tuple(int(x, 16) for x in r.strip()[2:].split("-")) for r in UNICODE_RANGE.split(",")]
    covered = lambda ch: any(lo <= ord(ch) <= hi for lo, hi in ranges)  # noqa: E731
    assert all(covered(ch) for ch in "萍乡市创建全国文明城市。，、：（）《》")
    # curly quotes (U+201C) stay with the Latin fonts, which have them
    assert not any(covered(ch) for ch in "Pingxiang 2024 (a) - e é \u201c")


def test_css_names_the_served_family_before_the_theme_fonts():
    css = custom_css("font.otf")
    assert css.count(f'"{LAB_FAMILY}"') == 5  # the @font-face and four font variables
    assert "html:root {" in css  # outranks the theme's :root, which loads after custom.css


def test_lab_setup_command_prints_shell_exports(tmp_path, capsys):
    assert main(["lab-setup", "--dir", str(tmp_path / "lab")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"export JUPYTER_CONFIG_DIR={tmp_path / 'lab'}"
    assert out[1].startswith("export JUPYTER_CONFIG_PATH=")
