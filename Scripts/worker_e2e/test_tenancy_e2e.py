"""Issue #12, end to end: the app's own flow as user A against user B with the official client;
crafted audio_file_path rows (as if they predated the schema's rule) refused by the worker, with
the gateway's request log showing nothing outside /storage/v1/object/audio_files/<own folder>
was asked for; an analysis killed at its deadline while the worker carries on; no secret in the
analysis process's environment."""
import os
import re
import time
import uuid

import pytest
from storage3.exceptions import StorageApiError
from supabase import ClientOptions, create_client

import e2e
from e2e import run_worker, wait_for

GATEWAY_LOG = os.path.join(os.environ.get("DEV_STACK_DIR", os.path.join(e2e.REPO, ".dev-stack")), "gateway.log")


def user_client(sub):
    token = e2e.keys.user_token(sub)
    return create_client(e2e.API, e2e.keys.ANON_KEY, ClientOptions(headers={"Authorization": f"Bearer {token}"}))


def requests_since(offset):
    """(method, path) of each request the gateway logged after byte `offset` of its log."""
    with open(GATEWAY_LOG, "rb") as f:
        f.seek(offset)
        lines = f.read().decode("utf-8", "replace").splitlines()
    return [tuple(m.groups()) for m in (re.match(r"\S+ (\S+) (\S+) ", line) for line in lines) if m]


def log_size():
    return os.path.getsize(GATEWAY_LOG)


def test_user_a_uploads_the_worker_analyses_only_a_reads_it(db, weights):
    alice, bob = str(uuid.uuid4()), str(uuid.uuid4())
    a, b = user_client(alice), user_client(bob)
    with open(os.path.join(e2e.SAMPLES, "speech.wav"), "rb") as f:
        a.storage.from_("audio_files").upload(f"{alice}/speech.wav", f.read(), {"content-type": "audio/wav"})
    upload = a.table("uploads").insert({"user_id": alice, "audio_file_path": f"{alice}/speech.wav",
                                        "original_filename": "speech.wav"}).execute().data[0]
    start = log_size()
    rc, out = run_worker("--drain", "--weights", weights, "--worker-id", "app-flow")
    assert rc == 0, out
    storage = [p for _, p in requests_since(start) if p.startswith("/storage/")]
    assert storage == [f"/storage/v1/object/audio_files/{alice}/speech.wav"], storage     # the worker's one download
    mine = wait_for(lambda: a.table("predictions").select("mood, upload_id").execute().data, what="A's prediction")
    assert mine[0]["upload_id"] == upload["id"] and mine[0]["mood"]
    assert b.table("predictions").select("id").execute().data == []
    assert b.table("uploads").select("id").execute().data == []
    with pytest.raises(StorageApiError):
        b.storage.from_("audio_files").download(f"{alice}/speech.wav")


CRAFTED = ["{bob}/secret.wav", "{alice}/../{bob}/secret.wav", "../../../../rest/v1/uploads",
           "{alice}/%2e%2e/%2e%2e/rest/v1/uploads", "/{bob}/secret.wav", "{alice}//secret.wav",
           "{alice}/x\n.wav", "{alice}/./..", "{alice}/" + "x" * 1100]


def test_crafted_paths_are_refused_before_any_request(db):
    alice, bob = str(uuid.uuid4()), str(uuid.uuid4())
    e2e.put_object(b"RIFF" + os.urandom(64), "secret.wav", user=bob)
    # Rows from before the schema's rule: the constraint is dropped for the inserts, put back after.
    db.execute("alter table uploads drop constraint uploads_audio_file_path_valid")
    try:
        ids = {}
        for template in CRAFTED:
            path = template.format(alice=alice, bob=bob)
            upload_id = db.execute("insert into uploads (user_id, audio_file_path) values (%s, %s) returning id",
                                   (alice, path)).fetchone()[0]
            ids[path] = str(db.execute("select id from jobs where upload_id = %s", (upload_id,)).fetchone()[0])
    finally:
        db.execute("alter table uploads add constraint uploads_audio_file_path_valid"
                   " check (public.audio_path_is_valid(audio_file_path)) not valid")
    start = log_size()
    rc, out = run_worker("--drain", "--no-yamnet", "--worker-id", "crafted")
    assert rc == 0, out
    for path, job_id in ids.items():
        status, error = db.execute("select status, error from jobs where id = %s", (job_id,)).fetchone()
        assert status == "failed" and error.startswith("Invalid audio_file_path: "), (path, status, error)
    requested = requests_since(start)
    assert not [p for _, p in requested if p.startswith("/storage/")], requested
    # Only the queue's own calls: no bare /rest/v1/uploads (what ../../../../rest/v1/uploads would become).
    assert all(p.startswith(("/rest/v1/rpc/", "/rest/v1/jobs?", "/rest/v1/uploads?select=")) for _, p in requested), requested
    assert "\n.wav" not in out and "x\\u{A}.wav" in out


def test_an_analysis_past_its_deadline_fails_and_the_worker_goes_on(db, weights):
    ids = [e2e.upload_file(os.path.join(e2e.SAMPLES, "speech.wav"))[1] for _ in range(2)]
    started = time.monotonic()
    rc, out = run_worker("--drain", "--weights", weights, "--job-timeout", "0.001", "--concurrency", "2",
                         "--worker-id", "deadline")
    assert rc == 0, out
    assert time.monotonic() - started < 60
    for job_id in ids:
        assert db.execute("select status, error from jobs where id = %s", (job_id,)).fetchone() \
            == ("failed", "analysis timed out after 0.001 s")
    # The same worker, with the default deadline, completes the next one.
    job_id = e2e.upload_file(os.path.join(e2e.SAMPLES, "speech.wav"))[1]
    rc, out = run_worker("--drain", "--weights", weights, "--worker-id", "after")
    assert rc == 0, out
    assert db.execute("select status from jobs where id = %s", (job_id,)).fetchone() == ("completed",)


def test_the_analysis_process_is_not_given_the_key(db, tmp_path):
    """A stand-in ffmpeg (the worker's child runs it for an Ogg file with --ffmpeg) records the
    environment it was given: PATH and the locale, no SUPABASE_* value."""
    fake = tmp_path / "bin"
    fake.mkdir()
    seen = tmp_path / "env.txt"
    (fake / "ffmpeg").write_text(f"#!/bin/sh\nenv > {seen}\nexit 1\n")
    (fake / "ffmpeg").chmod(0o755)
    job_id = e2e.add_upload(e2e.put_object(b"OggS" + bytes(200), "x.ogg"))[1]
    env = e2e.worker_env(PATH=f"{fake}:{os.environ['PATH']}", LANG="C.UTF-8", SOME_TOKEN="t0ken")
    rc, out = run_worker("--drain", "--no-yamnet", "--ffmpeg", "--worker-id", "env", env=env)
    assert rc == 0, out
    assert db.execute("select status from jobs where id = %s", (job_id,)).fetchone() == ("failed",)
    names = {line.split("=", 1)[0] for line in seen.read_text().splitlines()}
    assert "PATH" in names and not names & {"SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_URL", "SOME_TOKEN"}, names
    assert e2e.KEY not in seen.read_text()
