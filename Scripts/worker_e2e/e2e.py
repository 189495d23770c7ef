"""Helpers: addresses and keys of the stack, uploads as a client makes them, the worker as a
subprocess, waits on the database."""
import http.client as httpclient
import json
import mimetypes
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "Scripts", "dev_stack"))
from gateway import keys  # noqa: E402

API_PORT = int(os.environ.get("DEV_STACK_API_PORT", "54321"))
DB_PORT = int(os.environ.get("DEV_STACK_DB_PORT", "54322"))
API = f"http://127.0.0.1:{API_PORT}"
DATABASE_URL = f"postgresql://postgres:postgres@127.0.0.1:{DB_PORT}/postgres"
KEY = keys.SERVICE_ROLE_KEY
MOOD = os.environ.get("MOOD_BIN", os.path.join(REPO, ".build", "release", "mood"))
SCHEMA = os.path.join(REPO, "Schemas", "mood-result.schema.json")
SAMPLES = os.path.join(REPO, "Samples")


def http(method, path, body=None, content_type="application/json", headers=None):
    hdrs = {"apikey": KEY, "Authorization": f"Bearer {KEY}", **(headers or {})}
    if body is not None:
        hdrs["Content-Type"] = content_type
    c = httpclient.HTTPConnection("127.0.0.1", API_PORT, timeout=30)
    try:
        c.request(method, path, body=body, headers=hdrs)
        r = c.getresponse()
        data = r.read()
        if r.status >= 300:
            raise OSError(f"{method} {path}: {r.status} {data[:200]!r}")
        return json.loads(data or b"null")
    finally:
        c.close()


def set_faults(rate, seed=7, kinds=("503", "reset", "reset-after", "slow"), slow_seconds=1):
    http("POST", "/_dev/faults", json.dumps({"rate": rate, "seed": seed, "kinds": list(kinds),
                                              "slow_seconds": slow_seconds}).encode())


def put_object(data: bytes, name=None, user=None) -> str:
    """Stores `data` at <user>/<ms>_<name> in audio_files; returns the object's name."""
    user = user or str(uuid.uuid4())
    name = f"{user}/{int(time.time() * 1000)}_{name or 'audio.wav'}"
    quoted = "/".join(urllib.parse.quote(s, safe="") for s in name.split("/"))
    # The bucket takes audio types only (allowed_mime_types).
    http("POST", f"/storage/v1/object/audio_files/{quoted}", data, mimetypes.guess_type(name)[0] or "audio/wav")
    return name


def add_upload(path, filename=None) -> tuple:
    """A client's uploads row through the API (its trigger queues a job): (upload_id, job_id)."""
    row = http("POST", "/rest/v1/uploads", json.dumps({"user_id": path.split("/")[0], "audio_file_path": path,
               "original_filename": filename or path.rsplit("/", 1)[-1]}).encode(),
               headers={"Prefer": "return=representation"})[0]
    job = http("GET", f"/rest/v1/jobs?upload_id=eq.{row['id']}&select=id")
    assert len(job) == 1, job
    return row["id"], job[0]["id"]


def upload_file(file, filename=None) -> tuple:
    with open(file, "rb") as f:
        path = put_object(f.read(), filename or os.path.basename(file))
    return add_upload(path, filename or os.path.basename(file))


def worker_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPABASE_", "MOOD_"))}
    env.update(SUPABASE_URL=API, SUPABASE_SERVICE_ROLE_KEY=KEY,
               MOOD_EMOTION_WEIGHTS=os.path.join(REPO, "Weights", "emotion.bin"))
    env.update(extra)
    return env


def start_worker(*args, env=None, cwd=None, log=None):
    """`mood worker ARGS` in the background, stdout+stderr to `log` (a path) or a pipe."""
    out = open(log, "wb") if log else subprocess.PIPE
    return subprocess.Popen([MOOD, "worker", *args], env=env or worker_env(), cwd=cwd or HERE,
                            stdout=out, stderr=subprocess.STDOUT)


def run_worker(*args, env=None, cwd=None, timeout=120):
    p = subprocess.run([MOOD, "worker", *args], env=env or worker_env(), cwd=cwd or HERE,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


def wait_for(check, timeout=60, every=0.1, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def make_wav(path, seconds, rate=16000):
    """`seconds` of Samples/speech.wav repeated (Scripts/bench/make_clip.py)."""
    subprocess.run([sys.executable, os.path.join(REPO, "Scripts", "bench", "make_clip.py"), str(path),
                    "--seconds", str(seconds)], check=True, capture_output=True)
    return str(path)
