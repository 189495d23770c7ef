"""Migrations as a whole: names, order, what they created, and row-level security per user."""
import os
import re

import psycopg
import pytest

from support import ALICE, BOB, DATABASE_URL, add_upload, as_role

MIGRATIONS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "supabase", "migrations")


def test_migrations_are_named_for_the_supabase_cli_and_all_applied(db):
    names = sorted(f[:-4] for f in os.listdir(MIGRATIONS) if f.endswith(".sql"))
    assert names and all(re.fullmatch(r"\d{14}_[a-z0-9_]+", n) for n in names)
    applied = db.execute("select version || '_' || name from supabase_migrations.schema_migrations"
                         " order by version").fetchall()
    assert [a[0] for a in applied] == names


def test_the_audio_files_bucket_is_private(db):
    assert db.execute("select public from storage.buckets where id = 'audio_files'").fetchall() == [(False,)]


def test_rls_is_on_for_every_app_table(db):
    rows = db.execute("select relname, relrowsecurity from pg_class where relname in "
                      "('uploads', 'jobs', 'predictions') and relnamespace = 'public'::regnamespace").fetchall()
    assert sorted(rows) == [("jobs", True), ("predictions", True), ("uploads", True)]


@pytest.fixture
def two_users(db):
    """Alice and Bob, each with an upload, its job and a prediction."""
    for user in (ALICE, BOB):
        upload_id, job_id = add_upload(db, user)
        db.execute("insert into predictions (job_id, upload_id, result, mood) values (%s, %s, '{}', %s)",
                   (job_id, upload_id, f"mood of {user}"))
    return db


@pytest.mark.parametrize("claims_guc", ["request.jwt.claims", "request.jwt.claim.sub"])
def test_a_user_sees_only_their_own_rows(two_users, claims_guc):
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        if claims_guc == "request.jwt.claims":
            as_role(conn, "authenticated", ALICE)
        else:  # the older per-claim setting, which auth.uid() also reads
            conn.execute("select set_config('role', 'authenticated', false),"
                         " set_config('request.jwt.claim.sub', %s, false)", (ALICE,))
        assert conn.execute("select auth.uid()::text").fetchone()[0] == ALICE
        assert conn.execute("select user_id::text from uploads").fetchall() == [(ALICE,)]
        assert conn.execute("select count(*) from jobs").fetchone()[0] == 1
        assert conn.execute("select mood from predictions").fetchall() == [(f"mood of {ALICE}",)]
        assert conn.execute("update jobs set status = 'failed' returning id").fetchall() == []


def test_anon_sees_nothing(two_users):
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, "anon")
        for table in ("uploads", "jobs", "predictions"):
            assert conn.execute(f"select count(*) from {table}").fetchone()[0] == 0


def test_a_user_uploads_for_themselves_only_and_gets_a_job(db):
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, "authenticated", ALICE)
        conn.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (ALICE, f"{ALICE}/x.wav"))
        assert conn.execute("select status from jobs").fetchall() == [("queued",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("insert into uploads (user_id, audio_file_path) values (%s, %s)", (BOB, f"{BOB}/x.wav"))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("insert into jobs (upload_id) select id from uploads")


def test_the_service_role_sees_everything(two_users):
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, "service_role")
        assert conn.execute("select count(*) from uploads").fetchone()[0] == 2
        assert conn.execute("select count(*) from predictions").fetchone()[0] == 2
