"""Issue #15 end to end: the release `mood worker`'s /metrics, /healthz and /readyz after real
jobs, `mood jobs status|retry|show` on the outcome, and the installed `mood` (Scripts/install)
analysing from an unrelated directory with no MOOD_* settings."""
import http.client
import json
import os
import signal
import socket
import subprocess

import e2e
from e2e import start_worker, wait_for


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read().decode()
    finally:
        c.close()


def samples(text):
    """{'name{labels}': value} of a Prometheus text exposition."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def mood(*args, cwd=None, env=None):
    p = subprocess.run([e2e.MOOD, *args], env=env or e2e.worker_env(), cwd=cwd or e2e.HERE,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def test_metrics_count_real_jobs_then_jobs_commands_retry_the_failure(db, tmp_path):
    good = [e2e.upload_file(os.path.join(e2e.SAMPLES, "tone.wav"))[1] for _ in range(3)]
    bad = e2e.add_upload(e2e.put_object(b"not audio at all", "notes.wav"))[1]
    port = free_port()
    worker = start_worker("--no-yamnet", "--worker-id", "metrics", "--poll-interval", "0.2", "--max-poll-interval", "0.5",
                          "--metrics-port", str(port), log=tmp_path / "worker.log")
    try:
        wait_for(lambda: db.execute("select count(*) from jobs where status in ('completed', 'failed')").fetchone()[0] == 4,
                 120, 0.2, "the four jobs to end")
        # The last job's end is counted just after its row is written.
        wait_for(lambda: samples(get(port, "/metrics")[1]).get("mood_job_duration_seconds_count") == 4, 10, 0.1, "the count")
        status, text = get(port, "/metrics")
        m = samples(text)
        log = (tmp_path / "worker.log").read_text()
        assert status == 200, log
        assert m['mood_jobs_total{outcome="completed"}'] == 3 and m['mood_jobs_total{outcome="failed"}'] == 1, text
        assert m['mood_jobs_total{outcome="requeued"}'] == 0 and m['mood_jobs_total{outcome="lease_lost"}'] == 0
        assert m["mood_jobs_in_flight"] == 0
        assert m['mood_job_stage_duration_seconds_count{stage="analyze"}'] == 3
        assert m['mood_job_stage_duration_seconds_count{stage="download"}'] == 4
        assert m['mood_job_stage_duration_seconds_count{stage="claim"}'] == 4
        assert m["mood_last_claim_timestamp_seconds"] > 1.7e9
        assert m["mood_queue_depth"] == 0 and m["mood_queue_processing"] == 0
        assert get(port, "/healthz")[0] == 200 and get(port, "/readyz") == (200, "ready\n")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, (tmp_path / "worker.log").read_text()

    # mood jobs status: the counts and the failure grouped by its error.
    rc, out, err = mood("jobs", "status", "--json")
    assert rc == 0, err
    stats = json.loads(out)
    assert stats["counts"] == {"queued": 0, "processing": 0, "completed": 3, "failed": 1}
    [failure] = stats["failures"]
    assert failure["count"] == 1 and failure["error"] == e2e.http("GET", f"/rest/v1/jobs?id=eq.{bad}&select=error")[0]["error"]
    rc, out, err = mood("jobs", "status")
    assert rc == 0 and "failed     1" in out and failure["error"] in out, out + err

    # mood jobs retry --failed: only failed jobs (of --id, since --since), attempts reset, history kept.
    assert mood("jobs", "retry", "--failed", "--since", "2099-01-01T00:00:00Z", "--json")[1].strip() == '{"requeued":[]}'
    rc, out, err = mood("jobs", "retry", "--failed", "--since", "1h", "--id", good[0], "--id", bad, "--json")
    assert rc == 0, err
    assert [j["id"] for j in json.loads(out)["requeued"]] == [bad]
    rc, out, err = mood("jobs", "show", bad, "--json")
    assert rc == 0, err
    shown = json.loads(out)
    assert shown["job"]["status"] == "queued" and shown["job"]["attempts"] == 0 and shown["job"]["error"] is None
    assert [(e["attempt"], e["worker"], e["status"]) for e in shown["job"]["errors"]] == [(1, "metrics", "failed")]
    assert shown["prediction"] is None
    rc, out, err = mood("jobs", "show", good[0])
    assert rc == 0 and "status: completed" in out and "errors (0):" in out and '"mood"' in out, out + err
    assert mood("jobs", "retry")[0] != 0                          # --failed is required
    rc, _, err = mood("jobs", "show", "00000000-0000-0000-0000-000000000000")
    assert rc != 0 and "no job" in err


def test_transient_failures_are_requeued_with_backoff_then_fail_at_max_attempts(db, tmp_path):
    # Every prediction write fails as a lost database connection would (08006: PostgREST's 503),
    # so each attempt ends transiently after its step retries: given back through release_job
    # with a backoff, until the third, which fails. The history keeps all three.
    db.execute("""create function public.e2e_fail_predictions() returns trigger language plpgsql as $$
                  begin raise exception 'injected: connection lost' using errcode = '08006'; end $$""")
    db.execute("create trigger e2e_fail_predictions before insert on public.predictions"
               " for each row execute function public.e2e_fail_predictions()")
    try:
        job_id = e2e.upload_file(os.path.join(e2e.SAMPLES, "tone.wav"))[1]
        port = free_port()
        worker = start_worker("--no-yamnet", "--worker-id", "backoff", "--poll-interval", "0.2", "--max-poll-interval", "0.5",
                              "--retry-delay", "2", "--retry-max-delay", "2", "--metrics-port", str(port),
                              log=tmp_path / "worker.log")
        try:
            wait_for(lambda: db.execute("select status from jobs where id = %s", (job_id,)).fetchone()[0] == "failed",
                     180, 0.2, "the job to fail at its last attempt")
            wait_for(lambda: samples(get(port, "/metrics")[1]).get('mood_jobs_total{outcome="failed"}') == 1, 10, 0.1, "the count")
            m = samples(get(port, "/metrics")[1])
            assert m['mood_jobs_total{outcome="requeued"}'] == 2 and m['mood_jobs_total{outcome="completed"}'] == 0
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0
        log = (tmp_path / "worker.log").read_text()
        attempts, errors = db.execute("select attempts, errors from jobs where id = %s", (job_id,)).fetchone()
        assert attempts == 3, log
        assert [(e["attempt"], e["status"]) for e in errors] == [(1, "queued"), (2, "queued"), (3, "failed")], errors
        assert all("injected: connection lost" in e["error"] for e in errors)
        assert "claimable again in" in log
        assert len([line for line in log.splitlines() if "Processing job" in line]) == 3, log
        # The backoff held each retry back: at least the delay between a give-back and the next failure.
        times = db.execute("select (e->>'at')::timestamptz from jobs, jsonb_array_elements(errors) e where id = %s",
                           (job_id,)).fetchall()
        assert all((b[0] - a[0]).total_seconds() >= 1.0 for a, b in zip(times, times[1:])), times
    finally:
        db.execute("drop trigger e2e_fail_predictions on public.predictions")
        db.execute("drop function public.e2e_fail_predictions()")


def test_installed_mood_analyzes_from_an_unrelated_directory(weights, tmp_path):
    prefix, elsewhere, home = tmp_path / "prefix", tmp_path / "elsewhere", tmp_path / "home"
    elsewhere.mkdir()
    home.mkdir()
    p = subprocess.run([os.path.join(e2e.REPO, "Scripts", "install"), str(prefix), "--bin", e2e.MOOD, "--weights", weights],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}                       # no MOOD_*, no XDG_*
    installed = str(prefix / "bin" / "mood")
    p = subprocess.run([installed, "analyze", os.path.join(e2e.SAMPLES, "speech.wav"), "--json"],
                       cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["sound_classification"] and "no YAMNet weights" not in p.stderr
    p = subprocess.run([installed, "--version"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    share = prefix / "share" / "mood"
    assert f"yamnet weights: {share / 'yamnet.bin'} (share) crc32:" in p.stdout
    assert f"class map: {share / 'yamnet_class_map.csv'} (beside the weights)" in p.stdout
    assert f"emotion model: {share / 'emotion.bin'} (beside the weights)" in p.stdout
    crc = (share / "yamnet.bin").read_bytes()[-4:][::-1].hex()
    assert f"crc32:{crc}" in p.stdout
    assert result["model"]["yamnet_weights"] == f"crc32:{crc}"
