"""Requirements, lock and conda environment agree; versions that change results are pinned exactly."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.loading.config import PROJ_ROOT


def _pins(lines):
    out = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            out[re.sub(r"[-_.]+", "-", name.lower())] = version
    return out


def test_requirements_are_exact_pins():
    lines = [ln for ln in (PROJ_ROOT / "requirements.txt").read_text().splitlines() if ln.split("#")[0].strip()]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][0-9A-Za-z.]*", ln.strip()) for ln in lines)
    for pkg in ("jieba", "opencc", "pandas", "matplotlib", "wordcloud", "jupyterlab", "nbval"):
        assert pkg in _pins(lines)


def test_environment_yml_lists_the_same_pins():
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    requires = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f"python{requires}" in env["dependencies"]  # conda's spec is pip's: python>=3.11,<3.14
    assert _pins(pip) == _pins((PROJ_ROOT / "requirements.txt").read_text().splitlines())


def test_lock_agrees_with_requirements():
    lock = _pins((PROJ_ROOT / "requirements-lock.txt").read_text().splitlines())
    for name, version in _pins((PROJ_ROOT / "requirements.txt").read_text().splitlines()).items():
        assert lock.get(name) == version, name


def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    for name, pinned in _pins((PROJ_ROOT / "requirements.txt").read_text().splitlines()).items():
        assert version(name) == pinned, name


def test_makefile_accepts_the_versions_pyproject_allows():
    """The Makefile's version check and pyproject's requires-python name the same range, and the
    running Python is in it."""
    import sys

    requires = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low, high = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", requires).groups()
    makefile = (PROJ_ROOT / "Makefile").read_text()
    checks = re.findall(r"\(3, (\d+)\) <= sys\.version_info\[:2\] <= \(3, (\d+)\)", makefile)
    assert checks and set(checks) == {(low, str(int(high) - 1))}
    assert (3, int(low)) <= sys.version_info[:2] < (3, int(high))
