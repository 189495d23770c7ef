"""Tests of the deployment files: the Dockerfile's runtime stage installs exactly
deploy/runtime-packages.txt (the list Scripts/verify-runtime-root installs), copies no secrets, and
runs `mood worker` as a non-root user; Scripts/deploy/check_dockerfile.py catches each kind of drift."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKER = REPO / "Scripts" / "deploy" / "check_dockerfile.py"
DOCKERFILE = (REPO / "Dockerfile").read_text()
INSTALL = "apt-get install -y --no-install-recommends $(sed -e 's/#.*//' /tmp/runtime-packages.txt)"


def run(*extra, dockerfile=None, packages=None, tmp_path=None):
    args = [sys.executable, str(CHECKER), *extra]
    if dockerfile is not None:
        path = tmp_path / "Dockerfile"
        path.write_text(dockerfile)
        args += ["--dockerfile", str(path)]
    if packages is not None:
        path = tmp_path / "runtime-packages.txt"
        path.write_text(packages)
        args += ["--packages", str(path)]
    return subprocess.run(args, capture_output=True, text=True)


def test_the_dockerfile_installs_exactly_the_list():
    result = run("--print-packages")
    assert result.returncode == 0, result.stderr
    listed = [line.split("#")[0].strip() for line in (REPO / "deploy" / "runtime-packages.txt").read_text().splitlines()]
    assert result.stdout.split() == [p for p in listed if p]
    assert {"libopenblas0-pthread", "libcurl4", "ca-certificates"} <= set(result.stdout.split())


def test_the_verification_script_installs_the_checkers_list():
    script = (REPO / "Scripts" / "verify-runtime-root").read_text()
    assert "Scripts/deploy/check_dockerfile.py --print-packages" in script
    assert "--no-install-recommends" in script


def test_the_build_context_excludes_secrets_and_state():
    ignored = (REPO / ".dockerignore").read_text().split()
    for pattern in ("**/.env", "**/.env.*", ".build*", ".venv*", ".dev-stack*", ".git"):
        assert pattern in ignored


@pytest.mark.parametrize("change, message", [
    (lambda d: d.replace(INSTALL, INSTALL + " curl"), "installs packages other than"),
    (lambda d: d.replace(INSTALL, "apt-get install -y --no-install-recommends libopenblas0 libcurl4"), "installs packages other than"),
    (lambda d: d.replace(INSTALL, INSTALL.replace(" --no-install-recommends", "")), "installs packages other than"),
    (lambda d: d.replace("USER 10001:10001", "USER root"), "non-root USER"),
    (lambda d: d.replace("USER 10001:10001", ""), "non-root USER"),
    (lambda d: d.replace('CMD ["worker"]', 'CMD ["analyze"]'), 'CMD ["worker"]'),
    (lambda d: d.replace("COPY Package.swift ./", "COPY Package.swift .env ./"), ".env"),
    (lambda d: d.replace("COPY Package.swift ./", "COPY . ."), ".env"),
    (lambda d: d.replace("ARG RUNTIME_IMAGE=debian:bookworm-slim", "ARG RUNTIME_IMAGE=debian:trixie-slim"), "not debian:bookworm-slim"),
    (lambda d: d + "RUN apt-get update && apt-get install -y ffmpeg\n", "installs packages other than"),
    (lambda d: d.replace("COPY deploy/runtime-packages.txt /tmp/runtime-packages.txt\n", ""), "does not COPY"),
])
def test_drift_is_caught(tmp_path, change, message):
    changed = change(DOCKERFILE)
    assert changed != DOCKERFILE
    result = run(dockerfile=changed, tmp_path=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr


@pytest.mark.parametrize("packages, message", [
    ("libcurl4 libopenblas0\n", "one package name a line"),
    ("libcurl4\nlibcurl4\n", "listed twice"),
    ("# nothing\n", "no packages"),
])
def test_bad_lists_are_refused(tmp_path, packages, message):
    result = run(packages=packages, tmp_path=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr


def test_the_verification_root_is_set_up_as_the_image():
    """The same user, working directory and environment as the runtime stage."""
    script = (REPO / "Scripts" / "verify-runtime-root").read_text()
    useradd = [line.split("useradd", 1)[1].strip() for line in DOCKERFILE.splitlines() if "useradd" in line]
    assert len(useradd) == 1
    assert f'chroot "$run" useradd {useradd[0]}'.replace("10001", "$uid") in script
    assert "uid=10001" in script and "USER 10001:10001" in DOCKERFILE
    assert "WORKDIR /opt/mood" in DOCKERFILE and "cd /opt/mood" in script
    env = [line.split(None, 1)[1] for line in DOCKERFILE.splitlines() if line.startswith("ENV ")]
    assert env == ["MOOD_YAMNET_WEIGHTS=/opt/mood/Weights/yamnet.bin MOOD_METRICS_PORT=9464 MOOD_METRICS_HOST=0.0.0.0"]
    assert env[0] in script
