"""Scripts/venv: extras expand their self-references, an unknown extra is refused, pip runs only
when something changed, and pyproject.toml's extras can share one environment."""
import importlib.machinery
import importlib.util
import pathlib
import re
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
loader = importlib.machinery.SourceFileLoader("venv_script", str(ROOT / "Scripts" / "venv"))
spec = importlib.util.spec_from_loader("venv_script", loader)
venv_script = importlib.util.module_from_spec(spec)
loader.exec_module(venv_script)

PROJECT = {"name": "p", "optional-dependencies": {
    "a": ["x==1"],
    "b": ["p[a]", "y==2", "x==1"],
    "c": ["p[b, a]", "z==3"],
}}


def test_self_references_expand_once_in_order():
    assert venv_script.requirements(PROJECT, ["c"]) == ["x==1", "y==2", "z==3"]
    assert venv_script.requirements(PROJECT, ["a", "b"]) == ["x==1", "y==2"]


def test_unknown_extra_is_named():
    with pytest.raises(KeyError, match="no extra 'd'.*a, b, c"):
        venv_script.requirements(PROJECT, ["d"])


def test_pip_runs_only_when_something_changed():
    stamp = {"pyproject": "h1", "extras": ["a", "b"]}
    assert venv_script.plan(stamp, "h1", ["a"], {"a", "b", "c"}) == []
    # a new extra: it is installed alongside the ones there
    assert venv_script.plan(stamp, "h1", ["c"], {"a", "b", "c"}) == ["a", "b", "c"]
    # pyproject.toml changed: the installed extras follow the new pins too
    assert venv_script.plan(stamp, "h2", ["a"], {"a", "b", "c"}) == ["a", "b"]
    # no stamp (a new or failed environment), or an extra since removed from pyproject.toml
    assert venv_script.plan({}, "h1", ["a"], {"a"}) == ["a"]
    assert venv_script.plan(stamp, "h2", ["a"], {"a"}) == ["a"]


def test_every_extra_pins_exactly_and_one_version_per_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert {"test", "stack", "stack-test", "e2e", "bench", "golden"} <= set(extras)
    versions = {}
    for extra in extras:
        for req in venv_script.requirements(project, [extra]):
            m = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([0-9][0-9A-Za-z.]*)", req)
            assert m, f"{extra}: '{req}' is not pinned with =="
            name = m.group(1).lower().replace("_", "-")
            versions.setdefault(name, set()).add(m.group(3))
    assert {n: v for n, v in versions.items() if len(v) > 1} == {}
