"""Tests of Scripts/export_emotion.py: the committed Weights/emotion.bin is exactly the export of
Weights/emotion.tsv (so the table and the file cannot drift), and table mistakes fail with the
line at fault."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXPORTER = REPO / "Scripts" / "export_emotion.py"
TABLE = REPO / "Weights" / "emotion.tsv"


def run(*args):
    return subprocess.run([sys.executable, str(EXPORTER), *map(str, args)], capture_output=True, text=True)


def test_committed_file_is_the_export_of_the_table(tmp_path):
    out = tmp_path / "emotion.bin"
    result = run(TABLE, out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (REPO / "Weights" / "emotion.bin").read_bytes(), \
        "Weights/emotion.bin is stale: run Scripts/export_emotion.py"


@pytest.mark.parametrize("line, message", [
    ("cue/speech/arousal/loudness_db\t-28 8\tx", "needs 3 values, has 2"),
    ("cue/speech/arousal/loudness_db\t-28 0 1\tx", "needs a positive scale"),
    ("cue/speech/pleasure/loudness_db\t-28 8 1\tx", "unknown tensor"),
    ("class/valence/Laughing gas\t1\tx", "is not a YAMNet class"),
    ("bias/music/arousal\tnan\tx", "non-finite"),
    ("bias/music/arousal\t0", "expected 3 tab-separated fields"),
    ("prototype/calm\t0 0\tagain", "appears twice"),
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
