"""Helpers of the stack tests: addresses, keys, raw HTTP calls, rows and roles."""
import http.client
import json
import os
import sys
import uuid


sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from gateway import keys  # noqa: E402

API_PORT = int(os.environ.get("DEV_STACK_API_PORT", "54321"))
DB_PORT = int(os.environ.get("DEV_STACK_DB_PORT", "54322"))
API = f"http://127.0.0.1:{API_PORT}"
DATABASE_URL = f"postgresql://postgres:postgres@127.0.0.1:{DB_PORT}/postgres"
SERVICE = keys.SERVICE_ROLE_KEY
ANON = keys.ANON_KEY
ALICE, BOB = str(uuid.UUID(int=0xA11CE)), str(uuid.UUID(int=0xB0B))


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def call(method, path, body=None, headers=None, key=SERVICE, bearer="key", conn=None) -> Reply:
    """One request with `apikey: key` and `Authorization: Bearer <bearer>` (the key itself by
    default; None sends no Authorization). Dicts and lists are sent as JSON."""
    hdrs = {}
    if key is not None:
        hdrs["apikey"] = key
    if bearer is not None:
        hdrs["Authorization"] = f"Bearer {key if bearer == 'key' else bearer}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    c = conn or http.client.HTTPConnection("127.0.0.1", API_PORT, timeout=30)
    try:
        c.request(method, path, body=body, headers=hdrs)
        r = c.getresponse()
        return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        if conn is None:
            c.close()


def add_upload(db, user=ALICE, path=None, created_at=None) -> tuple:
    """Inserts an upload (its trigger queues a job); returns (upload_id, job_id)."""
    upload_id = db.execute("insert into uploads (user_id, audio_file_path) values (%s, %s) returning id",
                           (user, path or f"{user}/{uuid.uuid4()}.wav")).fetchone()[0]
    job_id = db.execute("select id from jobs where upload_id = %s", (upload_id,)).fetchone()[0]
    if created_at is not None:
        db.execute("update jobs set created_at = %s where id = %s", (created_at, job_id))
    return str(upload_id), str(job_id)


def as_role(conn, role, sub=None):
    """Switches a connection to an API role with JWT claims, as the gateway does per request."""
    claims = {"role": role, **({"sub": sub} if sub else {})}
    conn.execute("select set_config('role', %s, false), set_config('request.jwt.claims', %s, false)",
                 (role, json.dumps(claims)))
