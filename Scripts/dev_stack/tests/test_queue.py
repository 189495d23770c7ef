"""The job queue in SQL (supabase/migrations/*_job_queue.sql): the upload trigger, claim_job
under concurrency, lease expiry and reclaim, exhausted attempts, heartbeats, release, finishing."""
import threading
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from support import DATABASE_URL, add_upload, as_role

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def claim(conn, worker="w1", lease=60):
    return conn.execute("select id::text, attempts, locked_by, status from claim_job(%s, %s)",
                        (worker, lease)).fetchall()


def job(db, job_id):
    return db.execute("select status, attempts, locked_by, lease_expires_at, error, started_at, finished_at,"
                      " not_before from jobs where id = %s", (job_id,)).fetchone()


def expire(db, job_id):
    db.execute("update jobs set lease_expires_at = now() - interval '1 second' where id = %s", (job_id,))


def test_an_upload_queues_one_job(db):
    _, job_id = add_upload(db)
    status, attempts, locked_by, lease, error, started, finished, _ = job(db, job_id)
    assert (status, attempts, locked_by, lease, error, started, finished) == ("queued", 0, None, None, None, None, None)
    assert db.execute("select max_attempts from jobs where id = %s", (job_id,)).fetchone()[0] == 3


def test_status_is_one_of_four(db):
    _, job_id = add_upload(db)
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("update jobs set status = 'done' where id = %s", (job_id,))


def test_claim_takes_the_oldest_and_sets_the_lease(db):
    jobs = [add_upload(db, created_at=T0 + timedelta(minutes=m))[1] for m in (2, 0, 1)]
    [(job_id, attempts, locked_by, status)] = claim(db, "worker-a", 90)
    assert (job_id, attempts, locked_by, status) == (jobs[1], 1, "worker-a", "processing")
    _, _, _, lease, _, started, _, _ = job(db, job_id)
    now = db.execute("select now()").fetchone()[0]
    assert abs((lease - started).total_seconds() - 90) < 1 and abs((now - started).total_seconds()) < 5
    assert [claim(db)[0][0], claim(db)[0][0]] == [jobs[2], jobs[0]]
    assert claim(db) == []


def test_claim_rejects_an_empty_worker_id(db):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="worker_id must not be empty"):
        claim(db, "")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="lease_seconds"):
        claim(db, "w", 0)


def test_concurrent_claims_take_each_job_exactly_once(db):
    jobs = {add_upload(db)[1] for _ in range(40)}
    claimed, errors = [], []
    start = threading.Barrier(8)

    def worker(n):
        try:
            with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
                as_role(conn, "service_role")
                start.wait()
                while rows := claim(conn, f"w{n}"):
                    claimed.extend(rows)
        except Exception as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = [c[0] for c in claimed]
    assert len(ids) == len(set(ids)) == 40 and set(ids) == jobs
    assert {c[1] for c in claimed} == {1}
    assert db.execute("select count(*) from jobs where status = 'processing'").fetchone()[0] == 40


def test_a_live_lease_is_not_reclaimed(db):
    add_upload(db)
    assert len(claim(db, "w1")) == 1
    assert claim(db, "w2") == []


def test_an_expired_lease_is_reclaimed_and_the_old_holder_is_locked_out(db):
    _, job_id = add_upload(db)
    claim(db, "w1")
    expire(db, job_id)
    assert claim(db, "w2") == [(job_id, 2, "w2", "processing")]
    # The first worker comes back: heartbeat and finish are refused, the new holder's are not.
    assert db.execute("select extend_lease(%s, 'w1', 60)", (job_id,)).fetchone()[0] is False
    finished = db.execute("update jobs set status = 'completed' where id = %s and status = 'processing'"
                          " and locked_by = 'w1' returning id", (job_id,)).fetchall()
    assert finished == []
    assert db.execute("select extend_lease(%s, 'w2', 600)", (job_id,)).fetchone()[0] is True
    lease = job(db, job_id)[3]
    assert lease - db.execute("select now()").fetchone()[0] > timedelta(seconds=590)


def test_exhausted_attempts_end_in_failed(db):
    _, job_id = add_upload(db)
    db.execute("update jobs set max_attempts = 2 where id = %s", (job_id,))
    claim(db, "w1")
    expire(db, job_id)
    assert claim(db, "w2")[0][1] == 2
    expire(db, job_id)
    assert claim(db, "w3") == []
    status, attempts, locked_by, lease, error, _, finished, _ = job(db, job_id)
    assert (status, attempts, locked_by, lease) == ("failed", 2, "w2", None)
    assert error == "lease expired after 2 of 2 attempts (last worker w2)" and finished is not None


def test_release_requeues_while_attempts_remain_then_fails(db):
    _, job_id = add_upload(db)
    db.execute("update jobs set max_attempts = 2 where id = %s", (job_id,))
    claim(db, "w1")
    assert db.execute("select status, error from release_job(%s, 'w2', 'not mine')", (job_id,)).fetchall() == []
    assert db.execute("select status, error from release_job(%s, 'w1', 'storage 503')",
                      (job_id,)).fetchall() == [("queued", "storage 503")]
    claim(db, "w1")
    assert db.execute("select status, attempts from release_job(%s, 'w1', 'storage 503 again')",
                      (job_id,)).fetchall() == [("failed", 2)]
    assert job(db, job_id)[6] is not None  # finished_at


def test_release_with_a_delay_hides_the_job_until_then(db):
    _, job_id = add_upload(db)
    claim(db, "w1")
    db.execute("select release_job(%s, 'w1', 'rate limited', 3600)", (job_id,))
    assert claim(db, "w2") == []
    db.execute("update jobs set not_before = now() where id = %s", (job_id,))
    assert claim(db, "w2")[0][:2] == (job_id, 2)


def test_finishing_sets_finished_at_and_drops_the_lease(db):
    _, job_id = add_upload(db)
    claim(db, "w1")
    done = db.execute("update jobs set status = 'completed' where id = %s and status = 'processing'"
                      " and locked_by = 'w1' returning finished_at, lease_expires_at, locked_by", (job_id,)).fetchall()
    assert len(done) == 1 and done[0][0] is not None and done[0][1:] == (None, "w1")
    assert claim(db, "w2") == []


def test_one_prediction_per_job_belonging_to_its_upload(db):
    upload_id, job_id = add_upload(db)
    _, other_job = add_upload(db)
    upsert = ("insert into predictions (job_id, upload_id, result, mood, confidence) values (%s, %s, %s, %s, %s)"
              " on conflict (job_id) do update set result = excluded.result, mood = excluded.mood")
    db.execute(upsert, (job_id, upload_id, '{"mood": "calm"}', "calm", 0.9))
    db.execute(upsert, (job_id, upload_id, '{"mood": "happy"}', "happy", 0.9))
    assert db.execute("select mood, result->>'mood' from predictions").fetchall() == [("happy", "happy")]
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        db.execute("insert into predictions (job_id, upload_id, result) values (%s, %s, '{}')", (other_job, upload_id))
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("update predictions set confidence = 1.5")


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_queue_functions_are_for_the_service_role_only(db, role):
    _, job_id = add_upload(db)
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        as_role(conn, role)
        for statement in ("select claim_job('w', 60)", f"select extend_lease('{job_id}', 'w', 60)",
                          f"select release_job('{job_id}', 'w')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
