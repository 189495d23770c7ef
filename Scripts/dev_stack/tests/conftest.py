"""Fixtures: the running stack (Scripts/dev-stack-test starts it) and a superuser database
connection that empties the tables before each test."""
import psycopg
import pytest

from support import API, DATABASE_URL, call


@pytest.fixture(scope="session", autouse=True)
def stack():
    try:
        if call("GET", "/_dev/health", key=None, bearer=None).status != 200:
            raise OSError("unhealthy")
    except OSError as e:
        pytest.exit(f"no dev stack on {API} ({e}): run Scripts/dev-stack-test", returncode=2)


@pytest.fixture
def db():
    """Autocommit superuser connection; the app tables and storage rows start empty."""
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("truncate public.uploads cascade")
        conn.execute("delete from storage.objects")
        conn.execute("delete from storage.buckets where id <> 'audio_files'")
        yield conn
