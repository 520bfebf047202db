"""The ways of installing pmkit agree: environment.yml (the conda route) and requirements.lock (what
`make setup` installs with uv or pip) stay in step with pyproject.toml; Quarto is found wherever a route
puts it, and its absence is said once."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"matplotlib": "matplotlib-base"}  # conda-forge's name where it differs


def test_every_pip_dependency_is_in_the_conda_environment():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    names = {re.split(r"[\[<>=! ]", spec, maxsplit=1)[0].lower() for spec in wanted}
    conda = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    have = {re.split(r"[<>=! ]", item, maxsplit=1)[0].lower() for item in conda if isinstance(item, str)}
    missing = sorted(n for n in names if CONDA_NAMES.get(n, n) not in have)
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"


def _pins() -> dict[str, str]:
    """requirements.lock's pins that apply on this machine's Python, by canonical name."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            (spec,) = req.specifier  # one exact version each: a lock, not a range
            assert spec.operator == "==", f"requirements.lock: {line!r} is not pinned with =="
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def test_the_lock_pins_every_dependency_at_a_version_pyproject_allows():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    assert len(pins) > 100  # the whole tree, not only what pyproject names
    for spec in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is in pyproject.toml but not pinned in requirements.lock: run uv pip compile"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {req.name} {pins[name]}, outside pyproject.toml's {req.specifier}"
        )


def test_the_conda_environment_allows_the_locked_versions():
    from packaging.specifiers import SpecifierSet
    from packaging.utils import canonicalize_name

    pins = _pins()
    conda_to_pip = {v: k for k, v in CONDA_NAMES.items()}
    conda = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    checked = 0
    for item in conda:
        if not isinstance(item, str) or item.startswith(("python", "pip", "nodejs", "quarto")):
            continue
        name, _, rest = re.match(r"([A-Za-z0-9_.-]+)(.*)", item).group(1, 0, 2)
        name = canonicalize_name(conda_to_pip.get(name, name))
        if name not in pins:
            continue  # conda-only parts (matplotlib-base's own name is mapped above)
        specifier = SpecifierSet(rest.split("#")[0].strip().replace(" ", ""))
        assert specifier.contains(pins[name], prereleases=True), (
            f"environment.yml asks {item!r}, but requirements.lock pins {pins[name]}"
        )
        checked += 1
    assert checked >= 30


def test_quarto_installed_into_pmkits_environment_is_found_without_activating_it(tmp_path, monkeypatch):
    from pmkit.runner import render

    (tmp_path / "python").touch()
    quarto = tmp_path / "quarto"
    quarto.write_text("#!/bin/sh\n")
    quarto.chmod(0o755)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    assert render.quarto_executable() == str(quarto)
    assert render.choose_engine("auto") == "quarto"
    quarto.unlink()
    assert render.quarto_executable() is None and render.choose_engine("auto") == "nbconvert"


def test_a_run_without_quarto_says_once_why_it_renders_with_nbconvert(monkeypatch, capsys):
    from pmkit import cli
    from pmkit.runner import render

    monkeypatch.setattr(render, "quarto_executable", lambda: None)
    cli._note_without_quarto.cache_clear()
    for _ in range(3):  # pmkit demo runs three report kinds
        cli._note_without_quarto()
    said = capsys.readouterr().err
    assert said.count("note: Quarto is not installed") == 1
    assert "nbconvert" in said and "conda-forge" in said and "make quarto" in said
    cli._note_without_quarto.cache_clear()
