"""Tests of Scripts/export_emotion.py: the committed Weights/emotion.bin is exactly the export of
Weights/emotion.tsv (so the table and the file cannot drift), the exporter's lists are the Swift
loader's (cue names, rule rows, layout version), and table mistakes fail with the line at fault."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXPORTER = REPO / "Scripts" / "export_emotion.py"
TABLE = REPO / "Weights" / "emotion.tsv"
MODEL = REPO / "Sources" / "Emotion" / "Model"

sys.path.insert(0, str(REPO / "Scripts"))
import export_emotion  # noqa: E402


def run(*args):
    return subprocess.run([sys.executable, str(EXPORTER), *map(str, args)], capture_output=True, text=True)


def test_committed_file_is_the_export_of_the_table(tmp_path):
    out = tmp_path / "emotion.bin"
    result = run(TABLE, out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (REPO / "Weights" / "emotion.bin").read_bytes(), \
        "Weights/emotion.bin is stale: run Scripts/export_emotion.py"


@pytest.mark.parametrize("line, message", [
    ("cue/speech/arousal/loudness_db\t-28 8\tJ&L\tx", "needs 3 values, has 2"),
    ("cue/speech/arousal/loudness_db\t-28 0 1\tJ&L\tx", "needs a positive scale"),
    ("cue/speech/pleasure/loudness_db\t-28 8 1\tJ&L\tx", "unknown tensor"),
    ("cue/music/arousal/tempo_bmp\t120 30 1\tEFB\tx", "names the unknown cue 'tempo_bmp'"),
    ("class/valence/Laughing gas\t1\tAudioSet\tx", "is not a YAMNet class"),
    ("bias/music/arousal\tnan\tdesign\tx", "non-finite"),
    ("bias/music/arousal\t0\tx", "expected 4 tab-separated fields"),
    ("bias/music/arousal\t0\tJ&K\tx", "unknown source 'J&K'"),
    ("rule/z_limt\t3\tdesign\tx", "unknown tensor 'rule/z_limt'"),
    ("layout_version\t2\tdesign\tx", "unknown tensor 'layout_version'"),
    ("prototype/calm\t0 0\tRussell\tagain", "appears twice"),
])
def test_table_mistakes_name_the_line(tmp_path, line, message):
    table = tmp_path / "emotion.tsv"
    table.write_text(TABLE.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    result = run(table, tmp_path / "out.bin")
    assert result.returncode == 1
    assert message in result.stderr and "emotion.tsv:" in result.stderr
    assert not (tmp_path / "out.bin").exists()


def test_missing_labels_are_named(tmp_path):
    table = tmp_path / "emotion.tsv"
    lines = [l for l in TABLE.read_text(encoding="utf-8").splitlines() if not l.startswith("prototype/tired")]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(table, tmp_path / "out.bin")
    assert result.returncode == 1 and "missing prototype/tired" in result.stderr


@pytest.mark.parametrize("row", ["rule/weak_evidence_cap", "rule/min_sound_s", "calibration/temperature"])
def test_missing_rules_are_named(tmp_path, row):
    table = tmp_path / "emotion.tsv"
    lines = [l for l in TABLE.read_text(encoding="utf-8").splitlines() if not l.startswith(row + "\t")]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(table, tmp_path / "out.bin")
    assert result.returncode == 1 and f"missing {row}" in result.stderr


# Table <-> code: the exporter checks the table against the same names the Swift loader reads.

def test_cue_names_are_the_swift_enum():
    swift = (MODEL / "EmotionCue.swift").read_text(encoding="utf-8")
    assert re.findall(r'^\s*case \w+ = "([a-z0-9_]+)"', swift, re.M) == export_emotion.CUES


def test_rule_rows_are_the_swift_loader_rows():
    swift = (MODEL / "EmotionModel.swift").read_text(encoding="utf-8")
    block = swift[swift.index("static let scalarRows"):]
    block = block[:block.index("]\n")]
    rows = {name: int(count) for name, count in re.findall(r'"([a-z_/]+)": (\d+)', block)}
    assert rows == export_emotion.SCALARS


def test_layout_version_is_the_swift_loader_version():
    swift = (MODEL / "EmotionModel.swift").read_text(encoding="utf-8")
    assert re.search(r"static let layoutVersion = (\d+)", swift).group(1) == str(export_emotion.LAYOUT_VERSION)
