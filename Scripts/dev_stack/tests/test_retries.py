"""Retries (supabase/migrations/*_job_retries.sql): the failure history, no claim at or past
max_attempts, and the queue's numbers (job_queue_depth, job_queue_stats)."""
import psycopg
import pytest

from support import DATABASE_URL, add_upload, as_role, call


def claim(db, worker="w1"):
    return db.execute("select id::text, attempts from claim_job(%s, 60)", (worker,)).fetchall()


def history(db, job_id):
    return [(e["attempt"], e["worker"], e["status"], e["error"])
            for e in db.execute("select errors from jobs where id = %s", (job_id,)).fetchone()[0]]


def expire(db, job_id):
    db.execute("update jobs set lease_expires_at = now() - interval '1 second' where id = %s", (job_id,))


def test_every_failure_is_kept_in_order(db):
    _, job_id = add_upload(db)
    claim(db)
    db.execute("select release_job(%s, 'w1', 'storage 503', 0)", (job_id,))
    claim(db, "w2")
    expire(db, job_id)
    claim(db, "w3")                                   # reclaims w2's expired lease
    db.execute("update jobs set status = 'failed', error = 'bad audio' where id = %s", (job_id,))
    assert history(db, job_id) == [(1, "w1", "queued", "storage 503"), (2, "w2", "reclaimed", "lease expired"),
                                   (3, "w3", "failed", "bad audio")]
    assert db.execute("select error from jobs where id = %s", (job_id,)).fetchone()[0] == "bad audio"


def test_completing_records_nothing(db):
    _, job_id = add_upload(db)
    claim(db)
    db.execute("update jobs set status = 'completed' where id = %s", (job_id,))
    assert history(db, job_id) == []


def test_a_queued_job_at_max_attempts_is_failed_not_claimed(db):
    _, job_id = add_upload(db)
    # A client that gave the job back by PATCH, bypassing release_job, left it queued at the limit.
    db.execute("update jobs set attempts = 3 where id = %s", (job_id,))
    assert claim(db) == []
    status, error = db.execute("select status, error from jobs where id = %s", (job_id,)).fetchone()
    assert (status, error) == ("failed", "attempts exhausted: 3 of 3")
    assert history(db, job_id) == [(3, None, "failed", "attempts exhausted: 3 of 3")]


def test_release_at_the_last_attempt_fails_and_never_exceeds(db):
    _, job_id = add_upload(db)
    for n in range(1, 4):
        assert claim(db) == [(job_id, n)]
        db.execute("select release_job(%s, 'w1', %s, 0)", (job_id, f"timeout {n}"))
    assert claim(db) == []
    status, attempts = db.execute("select status, attempts from jobs where id = %s", (job_id,)).fetchone()
    assert (status, attempts) == ("failed", 3)
    assert [h[2:] for h in history(db, job_id)] == [("queued", "timeout 1"), ("queued", "timeout 2"), ("failed", "timeout 3")]


def test_retrying_a_failed_job_resets_its_attempts_and_keeps_its_history(db):
    _, job_id = add_upload(db)
    claim(db)
    db.execute("update jobs set status = 'failed', error = 'bad audio' where id = %s", (job_id,))
    db.execute("update jobs set status = 'queued', attempts = 0, error = null, not_before = now() where id = %s", (job_id,))
    assert claim(db) == [(job_id, 1)]
    assert history(db, job_id) == [(1, "w1", "failed", "bad audio")]


def test_depth_and_stats(db):
    ids = [add_upload(db)[1] for _ in range(4)]
    claim(db)                                         # ids[0] processing
    db.execute("update jobs set not_before = now() + interval '1 hour' where id = %s", (ids[1],))
    db.execute("update jobs set created_at = now() - interval '90 seconds' where id = %s", (ids[2],))
    for job_id in ids[3:]:
        db.execute("update jobs set status = 'processing', locked_by = 'w9' where id = %s", (job_id,))
        db.execute("update jobs set status = 'failed', error = 'bad audio' where id = %s", (job_id,))
    depth = db.execute("select job_queue_depth()").fetchone()[0]
    assert {k: depth[k] for k in ("queued", "queued_due", "processing")} == {"queued": 2, "queued_due": 1, "processing": 1}
    assert 89 < depth["oldest_queued_seconds"] < 120
    stats = db.execute("select job_queue_stats(3600)").fetchone()[0]
    assert stats["counts"] == {"queued": 2, "processing": 1, "completed": 0, "failed": 1}
    assert [(f["error"], f["count"]) for f in stats["failures"]] == [("bad audio", 1)]
    assert db.execute("select job_queue_stats(0)").fetchone()[0]["failures"] == []


def test_stats_over_postgrest_for_the_service_role_only(db):
    add_upload(db)
    reply = call("POST", "/rest/v1/rpc/job_queue_depth", {})
    assert reply.status == 200 and reply.json()["queued"] == 1
    assert call("POST", "/rest/v1/rpc/job_queue_stats", {"window_seconds": 60}).json()["counts"]["queued"] == 1
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, "authenticated")
        for statement in ("select job_queue_depth()", "select job_queue_stats(60)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_kedas_query_as_a_role_granted_only_the_depth_function(db):
    """deploy/kubernetes/keda-scaledobject.yaml's query, run as the role its comment creates:
    claimable queued + processing jobs, through row-level security, and nothing else readable."""
    import pathlib
    import re
    text = (pathlib.Path(__file__).resolve().parents[3] / "deploy" / "kubernetes" / "keda-scaledobject.yaml").read_text()
    query = re.search(r'query: "(.*)"', text).group(1)
    ids = [add_upload(db)[1] for _ in range(3)]
    claim(db)
    db.execute("update jobs set not_before = now() + interval '1 hour' where id = %s", (ids[2],))
    db.execute("drop role if exists keda_reader")
    db.execute("create role keda_reader login password 'test'")
    try:
        for grant in re.findall(r"#   (grant .*;)", text):
            db.execute(grant)
        with psycopg.connect(DATABASE_URL.replace("postgres:postgres@", "keda_reader:test@"), autocommit=True) as conn:
            assert conn.execute(query).fetchone()[0] == 2          # one due + one processing
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("select count(*) from public.jobs")
    finally:
        db.execute("revoke all on function public.job_queue_depth() from keda_reader")
        db.execute("revoke usage on schema public from keda_reader")
        db.execute("drop role keda_reader")
