"""Connections to PostgreSQL and the per-request transaction, as PostgREST runs it: log in as
`authenticator`, then inside each transaction switch to the JWT's role and publish its claims
(request.jwt.claims, read by auth.uid()), so anon and authenticated requests obey RLS and the
service role bypasses it."""
import contextlib
import json
import queue

import psycopg

from .errors import pgrst


class Pool:
    def __init__(self, dsn: str, size: int = 10, wait_seconds: float = 10.0):
        self.dsn, self.wait_seconds = dsn, wait_seconds
        self._idle = queue.LifoQueue()
        for _ in range(size):
            self._idle.put(None)  # a slot; connected on first use

    def _connect(self):
        try:
            return psycopg.connect(self.dsn, autocommit=False, options="-c TimeZone=UTC")
        except psycopg.OperationalError as e:
            raise pgrst(503, "PGRST000", "Could not connect with the database due to an incorrect "
                        "connection string or due to the PostgreSQL server not running.",
                        str(e).strip()) from None

    @contextlib.contextmanager
    def transaction(self, role: str, claims: dict, read_only: bool = False,
                    method: str = "GET", path: str = "/"):
        """A cursor inside one transaction run as `role`; committed when the block succeeds."""
        try:
            conn = self._idle.get(timeout=self.wait_seconds)
        except queue.Empty:
            raise pgrst(504, "PGRST003", "Timed out acquiring connection from connection pool.") from None
        try:
            if conn is None or conn.closed or conn.broken:
                conn = self._connect()
            with conn.cursor() as cur:
                if read_only:
                    cur.execute("set transaction read only")
                cur.execute(
                    "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true),"
                    " set_config('request.method', %s, true), set_config('request.path', %s, true)",
                    (role, json.dumps(claims), method, path))
                yield cur
            conn.commit()
        except BaseException:
            if conn is not None and not conn.closed and not conn.broken:
                conn.rollback()
            raise
        finally:
            self._idle.put(conn if conn is not None and not conn.closed and not conn.broken else None)
