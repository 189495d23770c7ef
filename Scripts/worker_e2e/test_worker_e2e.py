"""Issue #6's acceptance, end to end: the release `mood worker` as subprocesses against the local
stack (real PostgreSQL, the gateway's PostgREST + Storage), every outcome read from the database."""
import json
import os
import shutil
import signal
import subprocess
import time
import uuid

import jsonschema
import pytest

import e2e
from e2e import KEY, start_worker, run_worker, wait_for

HEADLINE = ["mood", "emotion", "energy_level", "confidence", "sound_classification",
            "yamnet_confidence", "emotion_confidence"]


def jobs(db, ids=None):
    rows = db.execute("select id::text, status, attempts, locked_by, error from jobs"
                      + (" where id = any(%s::uuid[])" if ids else ""), ([*ids],) if ids else ()).fetchall()
    return {r[0]: dict(status=r[1], attempts=r[2], locked_by=r[3], error=r[4]) for r in rows}


def job(db, job_id):
    return jobs(db, [job_id])[job_id]


def check_prediction(db, job_id, validator):
    rows = db.execute("select result, " + ", ".join(HEADLINE) + " from predictions where job_id = %s",
                      (job_id,)).fetchall()
    assert len(rows) == 1, f"job {job_id}: {len(rows)} predictions"
    result, *columns = rows[0]
    validator.validate(result)
    for name, value in zip(HEADLINE, columns):
        if isinstance(value, float) or isinstance(result.get(name), float):
            assert value == pytest.approx(result.get(name), abs=1e-6), name
        else:
            assert value == result.get(name), name
    return result


@pytest.fixture(scope="module")
def validator():
    with open(e2e.SCHEMA) as f:
        schema = json.load(f)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_formats_complete_with_a_valid_prediction(db, weights, validator, tmp_path):
    speech = os.path.join(e2e.SAMPLES, "speech.wav")
    files = [speech, os.path.join(e2e.SAMPLES, "tone.wav")]
    subprocess.run(["flac", "-s", "-f", "-o", tmp_path / "speech.flac", speech], check=True)
    subprocess.run(["lame", "--quiet", "-b", "64", speech, tmp_path / "speech.mp3"], check=True)
    files += [str(tmp_path / "speech.flac"), str(tmp_path / "speech.mp3")]
    if shutil.which("ffmpeg"):
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", speech, "-c:a", "libvorbis",
                        tmp_path / "speech.ogg"], check=True)
        files.append(str(tmp_path / "speech.ogg"))
    ids = [e2e.upload_file(f)[1] for f in files]
    rc, out = run_worker("--drain", "--weights", weights, "--worker-id", "formats", "--ffmpeg")
    assert rc == 0, out
    for job_id, file in zip(ids, files):
        j = job(db, job_id)
        assert j["status"] == "completed", (file, j, out)
        assert j["locked_by"] == "formats" and j["attempts"] == 1 and j["error"] is None
        result = check_prediction(db, job_id, validator)
        assert result["duration_s"] > 2, file


def test_bad_jobs_fail_with_their_reason_and_the_others_complete(db, tmp_path):
    good = [e2e.upload_file(os.path.join(e2e.SAMPLES, "tone.wav"))[1] for _ in range(2)]
    # A job whose upload row is gone: the foreign key cascades deletes, so insert the job with
    # the key's checks off (session_replication_role = replica skips FK triggers).
    ghost = str(uuid.uuid4())
    db.execute("set session_replication_role = replica")
    no_upload = str(db.execute("insert into jobs (upload_id) values (%s) returning id", (ghost,)).fetchone()[0])
    db.execute("set session_replication_role = default")
    no_object_path = f"{uuid.uuid4()}/{int(time.time() * 1000)}_never-stored.wav"
    no_object = e2e.add_upload(no_object_path)[1]
    corrupt = e2e.add_upload(e2e.put_object(b"RIFF\x24\x00\x00\x00WAVEjunk" + os.urandom(4000), "corrupt.wav"))[1]
    too_long = e2e.upload_file(e2e.make_wav(tmp_path / "long.wav", 30))[1]
    rc, out = run_worker("--drain", "--no-yamnet", "--max-duration", "20", "--worker-id", "bad")
    assert rc == 0, out
    got = jobs(db)
    for g in good:
        assert got[g]["status"] == "completed", (got[g], out)
    expected = {no_upload: f"Upload not found: {ghost}",
                no_object: "Failed to download audio file: ",
                corrupt: "",
                too_long: ""}
    for job_id, prefix in expected.items():
        assert got[job_id]["status"] == "failed", (job_id, got[job_id], out)
        assert got[job_id]["error"] and got[job_id]["error"].startswith(prefix), got[job_id]
    assert "404" in got[no_object]["error"] or "not found" in got[no_object]["error"].lower(), got[no_object]
    assert "corrupt.wav" in got[corrupt]["error"], got[corrupt]
    assert "20" in got[too_long]["error"] and ("duration" in got[too_long]["error"].lower()
                                               or "long" in got[too_long]["error"].lower()), got[too_long]
    assert db.execute("select count(*) from predictions").fetchone()[0] == 2
    print({k: v["error"] for k, v in got.items() if v["error"]})


AUDIT = """
create table if not exists public.e2e_job_audit (
  seq bigserial primary key, job_id uuid, status text, locked_by text, attempts int,
  at timestamptz default clock_timestamp());
create or replace function public.e2e_audit() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status or new.locked_by is distinct from old.locked_by
     or new.attempts is distinct from old.attempts then
    insert into public.e2e_job_audit (job_id, status, locked_by, attempts)
    values (new.id, new.status, new.locked_by, new.attempts);
  end if;
  return new;
end $$;
drop trigger if exists e2e_audit on public.jobs;
create trigger e2e_audit after insert or update on public.jobs for each row execute function public.e2e_audit();
truncate public.e2e_job_audit;
"""


def test_four_workers_run_200_jobs_exactly_once(db, tmp_path):
    db.execute(AUDIT)
    try:
        path = e2e.put_object(open(e2e.make_wav(tmp_path / "tiny.wav", 0.5), "rb").read(), "tiny.wav")
        db.execute("insert into uploads (user_id, audio_file_path) select %s, %s from generate_series(1, 200)",
                   (path.split("/")[0], path))
        assert db.execute("select count(*) from jobs where status = 'queued'").fetchone()[0] == 200
        workers = [start_worker("--drain", "--no-yamnet", "--worker-id", f"w{i}", "--poll-interval", "0.2",
                                log=tmp_path / f"w{i}.log") for i in range(4)]
        codes = [w.wait(timeout=180) for w in workers]
        logs = "\n".join((tmp_path / f"w{i}.log").read_text()[-2000:] for i in range(4))
        assert codes == [0] * 4, logs
        got = jobs(db)
        assert len(got) == 200
        assert {j["status"] for j in got.values()} == {"completed"}, logs
        assert {j["attempts"] for j in got.values()} == {1}
        assert db.execute("select count(*), count(distinct job_id) from predictions").fetchone() == (200, 200)
        # The audit: per job, one claim (processing by one worker), then completed by that worker.
        trail = {}
        for job_id, status, locked_by in db.execute(
                "select job_id::text, status, locked_by from e2e_job_audit order by seq").fetchall():
            trail.setdefault(job_id, []).append((status, locked_by))
        for job_id, steps in trail.items():
            assert [s for s, _ in steps] == ["queued", "processing", "completed"], (job_id, steps)
            assert steps[1][1] == steps[2][1] and steps[1][1] in {"w0", "w1", "w2", "w3"}, (job_id, steps)
        per_worker = {f"w{i}": sum(1 for j in got.values() if j["locked_by"] == f"w{i}") for i in range(4)}
        print("jobs per worker:", per_worker)
        assert sum(per_worker.values()) == 200
    finally:
        db.execute("drop trigger if exists e2e_audit on public.jobs")


def test_a_killed_workers_job_is_reclaimed_after_its_lease(db, weights, tmp_path):
    job_id = e2e.upload_file(e2e.make_wav(tmp_path / "slow.wav", 900))[1]
    a = start_worker("--weights", weights, "--lease", "3", "--worker-id", "doomed", log=tmp_path / "a.log")
    wait_for(lambda: job(db, job_id)["status"] == "processing", 30, what="the claim")
    time.sleep(1.0)
    a.send_signal(signal.SIGKILL)
    a.wait()
    assert job(db, job_id)["status"] == "processing"
    wait_for(lambda: db.execute("select lease_expires_at < now() from jobs where id = %s", (job_id,)).fetchone()[0],
             10, what="the lease to expire")
    rc, out = run_worker("--drain", "--weights", weights, "--lease", "3", "--worker-id", "rescuer", timeout=180)
    assert rc == 0, out
    j = job(db, job_id)
    assert j == dict(status="completed", attempts=2, locked_by="rescuer", error=None), (j, out)
    assert db.execute("select count(*) from predictions where job_id = %s", (job_id,)).fetchone()[0] == 1


def test_faults_lose_no_job_and_duplicate_no_prediction(db, tmp_path):
    clip = e2e.make_wav(tmp_path / "ten.wav", 10)
    ids = [e2e.upload_file(clip)[1] for _ in range(30)]
    workers = [start_worker("--drain", "--no-yamnet", "--worker-id", f"f{i}", "--poll-interval", "0.2",
                            "--lease", "3", log=tmp_path / f"f{i}.log") for i in range(2)]
    # Faults from the first claims on: the worker's start-up check (one request) does not retry,
    # so a fault there would end it before it claims anything (a supervisor restarts it).
    wait_for(lambda: db.execute("select count(distinct locked_by) from jobs where locked_by is not null")
             .fetchone()[0] == 2, 30, 0.02, "both workers' first claims")
    e2e.set_faults(0.2, seed=7, slow_seconds=1)
    codes = [w.wait(timeout=240) for w in workers]
    stats = e2e.http("GET", "/_dev/faults")
    e2e.set_faults(0)
    logs = "\n".join((tmp_path / f"f{i}.log").read_text()[-3000:] for i in range(2))
    assert codes == [0, 0], logs
    print("faults:", stats)
    # A claim whose reply was lost (a reset after the database committed it) leaves its job
    # `processing` under a worker that never saw it: not lost, reclaimed once its lease expires.
    orphans = {k: v for k, v in jobs(db, ids).items() if v["status"] != "completed"}
    print("held by lost claim replies:", orphans)
    assert all(v["status"] == "processing" for v in orphans.values()), orphans
    if orphans:
        wait_for(lambda: db.execute("select bool_and(lease_expires_at < now()) from jobs where status = 'processing'")
                 .fetchone()[0], 10, what="the orphans' leases to expire")
        rc, out = run_worker("--drain", "--no-yamnet", "--worker-id", "sweeper")
        assert rc == 0, out
    got = jobs(db)
    assert {got[i]["status"] for i in ids} == {"completed"}, ({i: got[i] for i in ids}, logs)
    assert db.execute("select count(*), count(distinct job_id) from predictions").fetchone() == (30, 30)
    assert "fault injected" in logs, "no fault reached the workers"


def test_sigterm_lets_the_job_in_flight_finish(db, weights, tmp_path):
    job_id = e2e.upload_file(e2e.make_wav(tmp_path / "mid.wav", 300))[1]
    w = start_worker("--weights", weights, "--worker-id", "term", "--grace-period", "60", log=tmp_path / "t.log")
    wait_for(lambda: job(db, job_id)["status"] == "processing", 30, what="the claim")
    time.sleep(0.5)
    w.send_signal(signal.SIGTERM)
    rc = w.wait(timeout=90)
    out = (tmp_path / "t.log").read_text()
    assert rc == 0, out
    j = job(db, job_id)
    assert j["status"] in ("completed", "queued"), (j, out)
    if j["status"] == "completed":
        assert db.execute("select count(*) from predictions where job_id = %s", (job_id,)).fetchone()[0] == 1


@pytest.mark.parametrize("case", ["no-url", "malformed-url", "no-key", "wrong-key"])
def test_bad_configuration_is_refused_without_printing_the_key(db, tmp_path, case):
    wrong = keys_wrong()
    env = e2e.worker_env()
    if case == "no-url":
        del env["SUPABASE_URL"]
    elif case == "malformed-url":
        env["SUPABASE_URL"] = "not a url://"
    elif case == "no-key":
        del env["SUPABASE_SERVICE_ROLE_KEY"]
    else:
        env["SUPABASE_SERVICE_ROLE_KEY"] = wrong
    rc, out = run_worker("--drain", "--no-yamnet", env=env, cwd=tmp_path, timeout=60)
    assert rc != 0, out
    words = {"no-url": "SUPABASE_URL", "malformed-url": "URL", "no-key": "SUPABASE_SERVICE_ROLE_KEY",
             "wrong-key": "401"}
    assert words[case] in out, out
    assert KEY not in out and wrong not in out, "the key was printed"
    print(case, "→", out.strip().splitlines()[-1])


def keys_wrong():
    """A well-formed service-role JWT signed with another secret: the gateway answers 401."""
    import base64, hashlib, hmac
    def b64(b):
        return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps({"iss": "supabase-demo", "role": "service_role", "exp": 1983812996}).encode())
    sig = b64(hmac.new(b"not-the-secret-of-this-stack-000000", f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"{head}.{body}.{sig}"
