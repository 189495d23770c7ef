"""Fixtures of the worker's end-to-end tests: the stack Scripts/worker-e2e-test started (its ports
in DEV_STACK_API_PORT / DEV_STACK_DB_PORT), a superuser connection that empties the tables before
each test, the release `mood` binary ($MOOD_BIN) and the seeded test YAMNet."""
import os
import shutil
import subprocess
import sys

import psycopg
import pytest

import e2e


@pytest.fixture(scope="session", autouse=True)
def stack():
    try:
        e2e.http("GET", "/_dev/health")
    except OSError as e:
        pytest.exit(f"no dev stack on {e2e.API} ({e}): run Scripts/worker-e2e-test", returncode=2)
    if not os.access(e2e.MOOD, os.X_OK):
        pytest.exit(f"no mood binary at {e2e.MOOD}: swift build -c release", returncode=2)


@pytest.fixture(scope="session")
def weights(tmp_path_factory):
    """The golden tests' seeded YAMNet (full size, random values): the real model's work."""
    out = tmp_path_factory.mktemp("weights") / "yamnet.bin"
    subprocess.run([sys.executable, os.path.join(e2e.REPO, "Scripts", "deploy", "make_test_weights.py"), str(out)],
                   check=True, capture_output=True)
    for name in ("yamnet_class_map.csv", "emotion.bin"):      # found beside the weights
        shutil.copy(os.path.join(e2e.REPO, "Weights", name), out.parent / name)
    return str(out)


@pytest.fixture
def db():
    with psycopg.connect(e2e.DATABASE_URL, autocommit=True) as conn:
        e2e.set_faults(0)
        conn.execute("truncate public.uploads cascade")
        conn.execute("delete from storage.objects")
        yield conn
        e2e.set_faults(0)
