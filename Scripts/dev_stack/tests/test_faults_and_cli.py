"""Fault injection (gateway/faults.py) and the Scripts/dev-stack commands themselves."""
import os
import subprocess
import time

import pytest

from support import API, DB_PORT, SERVICE, add_upload, call

DEV_STACK = os.path.join(os.path.dirname(__file__), "..", "..", "dev-stack")


def faults(**settings):
    r = call("POST", "/_dev/faults", settings, key=None, bearer=None)
    assert r.status == 200, r.body
    return r.json()


@pytest.fixture
def no_faults_after():
    yield
    faults(rate=0)


def statuses(n):
    return [call("GET", "/rest/v1/jobs?select=id").status for _ in range(n)]


def test_a_seed_repeats_the_same_faults(db, no_faults_after):
    faults(rate=0.4, seed=7, kinds=["503"])
    first = statuses(30)
    faults(rate=0.4, seed=7, kinds=["503"])
    assert statuses(30) == first
    assert set(first) == {200, 503} and 5 <= first.count(503) <= 20
    assert faults(rate=0.4, seed=7, kinds=["503"])["injected"] == {"503": 0, "reset": 0, "reset-after": 0, "slow": 0}
    statuses(30)
    assert call("GET", "/_dev/faults", key=None, bearer=None).json()["injected"]["503"] == first.count(503)


def test_reset_before_and_after_the_work(db, no_faults_after):
    faults(rate=1, kinds=["reset"])
    with pytest.raises(ConnectionError):
        call("POST", "/rest/v1/uploads", {"audio_file_path": "lost.wav"})
    faults(rate=1, kinds=["reset-after"])
    with pytest.raises(ConnectionError):
        call("POST", "/rest/v1/uploads", {"audio_file_path": "kept.wav"})
    faults(rate=0)
    assert [r["audio_file_path"] for r in call("GET", "/rest/v1/uploads").json()] == ["kept.wav"]


def test_slow_replies(db, no_faults_after):
    faults(rate=1, kinds=["slow"], slow_seconds=0.3)
    started = time.monotonic()
    assert call("GET", "/rest/v1/jobs").status == 200
    assert time.monotonic() - started >= 0.3


def test_bad_fault_settings_are_refused(no_faults_after):
    assert call("POST", "/_dev/faults", {"rate": 2}, key=None, bearer=None).status == 400
    assert call("POST", "/_dev/faults", {"rate": 0.1, "kinds": ["boom"]}, key=None, bearer=None).status == 400


def run(*args):
    return subprocess.run([DEV_STACK, *args], capture_output=True, text=True, timeout=120)


def test_up_is_idempotent_and_retunes_faults(no_faults_after):
    pid = run("status").stdout
    started = time.monotonic()
    r = run("up", "--faults", "0.25", "--seed", "9", "--fault-kinds", "503,slow")
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - started < 10 and "applied" not in r.stdout
    assert run("status").stdout.splitlines()[2] == pid.splitlines()[2]   # the same gateway process
    settings = call("GET", "/_dev/faults", key=None, bearer=None).json()
    assert (settings["rate"], settings["seed"], settings["kinds"]) == (0.25, 9, ["503", "slow"])


def test_status_and_env():
    r = run("status")
    assert r.returncode == 0 and "postgres: running" in r.stdout and '"database": "ok"' in r.stdout
    env = dict(line.split("=", 1) for line in run("env").stdout.splitlines())
    assert env["SUPABASE_URL"] == API and env["SUPABASE_SERVICE_ROLE_KEY"] == SERVICE
    assert env["DATABASE_URL"] == f"postgresql://postgres:postgres@127.0.0.1:{DB_PORT}/postgres"


def test_token_command_makes_a_user_token(db):
    add_upload(db)
    token = run("token", "00000000-0000-0000-0000-0000000a11ce").stdout.strip()
    assert call("GET", "/rest/v1/uploads?select=id", bearer=token).json() != []
