"""Scripts/check-graph fails on a forbidden edge, declared or imported, and passes the real graph's shape."""
import json
import pathlib
import subprocess
import sys

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "check-graph"


def run(tmp_path, targets, files=()):
    (tmp_path / "dump.json").write_text(json.dumps({"targets": targets}))
    for path, text in files:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return subprocess.run([sys.executable, str(SCRIPT), "--dump", str(tmp_path / "dump.json"), "--root", str(tmp_path)],
                          capture_output=True, text=True)


def target(name, *deps, kind="regular"):
    return {"name": name, "type": kind, "dependencies": [{"byName": [d, None]} for d in deps]}


def test_allowed_graph_passes(tmp_path):
    result = run(tmp_path, [target("DSP"), target("WeightFormat"), target("Emotion", "DSP", "WeightFormat"),
                            target("Worker", "_CCurl"), target("_CCurl", kind="system-target")],
                 [("Sources/Emotion/A.swift", "import DSP\nimport Foundation\n")])
    assert result.returncode == 0, result.stderr


def test_worker_to_yamnet_is_refused(tmp_path):
    result = run(tmp_path, [target("YAMNet"), target("Worker", "_CCurl", "YAMNet")])
    assert result.returncode == 1
    assert "Worker → YAMNet: forbidden edge" in result.stderr


def test_emotion_to_openblas_is_refused(tmp_path):
    result = run(tmp_path, [target("Emotion", "DSP", "_COpenBLAS"), target("DSP"), target("_COpenBLAS")])
    assert "Emotion → _COpenBLAS: forbidden edge" in result.stderr


def test_transitive_import_is_refused(tmp_path):
    # Analysis declares YAMNet, which depends on Tensor; importing Tensor needs its own edge.
    result = run(tmp_path, [target("Tensor"), target("YAMNet", "Tensor"), target("Analysis", "YAMNet")],
                 [("Sources/Analysis/X.swift", "@testable import Tensor\n")])
    assert "Sources/Analysis/X.swift: imports Tensor, which Analysis does not declare" in result.stderr


def test_new_module_needs_a_place(tmp_path):
    result = run(tmp_path, [target("Extras")])
    assert "Extras: a new module" in result.stderr
