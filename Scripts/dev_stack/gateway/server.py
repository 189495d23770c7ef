"""The HTTP side: routing as Supabase's gateway does it (WIRE, "Routing and keys"), key and JWT
checks, fault injection, and writing replies (keep-alive HTTP/1.1, ranged file bodies)."""
import json
import socket
import struct
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

import psycopg

from . import keys, postgrest
from .errors import ApiError, from_postgres, gateway, pgrst, storage
from .faults import Faults
from .wire import Request, Response

JSON_CT = "application/json; charset=utf-8"
MAX_BODY = 1 << 30


class App:
    def __init__(self, pool, store, faults: Faults):
        self.pool, self.store, self.faults = pool, store, faults

    def route(self, req: Request) -> Response:
        if req.path.startswith("/_dev/"):
            return self.dev(req)
        if req.path.startswith("/rest/v1/"):
            req.path = req.path[len("/rest/v1"):]
            authenticate(req, storage_layer=False)
            return self.rest(req)
        if req.path.startswith("/storage/v1/"):
            req.path = req.path[len("/storage/v1"):]
            if not req.path.startswith("/object/public/"):   # public objects need no key
                authenticate(req, storage_layer=True)
            return self.store.handle(self.pool, req)
        raise ApiError(404, {"message": "no Route matched with those values"})

    def rest(self, req: Request) -> Response:
        parts = req.path.strip("/").split("/")
        if parts == [""]:
            raise pgrst(404, "PGRST125", "Invalid path specified in request URL")
        try:
            with self.pool.transaction(req.role, req.claims, read_only=req.method in ("GET", "HEAD")
                                       and parts[0] != "rpc", method=req.method, path=req.path) as cur:
                if parts[0] == "rpc" and len(parts) == 2:
                    return postgrest.rpc_request(cur, req, parts[1])
                if len(parts) == 1:
                    return postgrest.table_request(cur, req, parts[0])
                raise pgrst(404, "PGRST125", "Invalid path specified in request URL")
        except psycopg.Error as e:
            if e.diag.sqlstate is None:
                raise pgrst(503, "PGRST001", "Database client error. Retrying the connection.",
                            str(e).strip()) from None
            raise from_postgres(e, req.role) from None

    def dev(self, req: Request) -> Response:
        if req.path == "/_dev/health":
            try:
                with self.pool.transaction("service_role", {}, read_only=True) as cur:
                    cur.execute("select 1")
                return json_reply({"gateway": "ok", "database": "ok"})
            except (ApiError, psycopg.Error) as e:
                return json_reply({"gateway": "ok", "database": str(e)}, 503)
        if req.path == "/_dev/faults":
            if req.method == "POST":
                try:
                    self.faults.configure(**json.loads(req.body or b"{}"))
                except (ValueError, TypeError) as e:
                    return json_reply({"message": str(e)}, 400)
            return json_reply(self.faults.describe())
        raise ApiError(404, {"message": "no Route matched with those values"})


def json_reply(value, status=200) -> Response:
    return Response(status, {"Content-Type": JSON_CT}, json.dumps(value).encode())


def authenticate(req: Request, storage_layer: bool):
    """The gateway checks `apikey` (header or ?apikey=) against the known keys; then the service
    verifies the Bearer JWT (or the legacy key itself when no Authorization is sent) and runs as
    its role. sb_ keys are not JWTs: they map to a role and must not be sent as Bearer."""
    params = parse_qsl(req.query, keep_blank_values=True)
    key = req.headers.get("apikey") or next((v for k, v in params if k == "apikey"), None)
    if any(k == "apikey" for k, _ in params):
        req.query = urlencode([(k, v) for k, v in params if k != "apikey"])
    if not key:
        raise gateway("No API key found in request", "No `apikey` request header or url param was found.")
    if key not in keys.API_KEYS:
        raise gateway("Invalid API key", "Double check your Supabase `anon` or `service_role` API key.")
    auth = req.headers.get("authorization")
    if auth is None and key.startswith("sb_"):
        req.role, req.claims = keys.API_KEYS[key], {"role": keys.API_KEYS[key]}
        return
    token = key if auth is None else (auth[7:].strip() if auth[:7].lower() == "bearer " else "")
    try:
        claims = keys.verify(token)
    except keys.JWTError as e:
        if storage_layer:
            words = {"malformed": "jwt malformed", "signature": "invalid signature", "expired": "jwt expired"}
            raise storage("403", "Unauthorized", words[e.kind]) from None
        code, message = ("PGRST303" if e.kind == "expired" else "PGRST301"), str(e)
        raise pgrst(401, code, message, headers={
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{message}"'}) from None
    req.role = claims.get("role") or "anon"
    req.claims = claims


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: a reply is written in pieces (headers, body); with Nagle on, the body waits for
    # the client's delayed ACK, ~40 ms per request on a kept-alive connection.
    disable_nagle_algorithm = True
    server_version = "dev-stack"
    app: App = None

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def do_OPTIONS(self):
        self.read_body()
        self.send(Response(200, {"Access-Control-Allow-Origin": "*",
                                 "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
                                 "Access-Control-Allow-Headers": "*"}))

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ApiError(413, {"message": "Request body too large"})
        return self.rfile.read(length) if length else b""

    def dispatch(self):
        started = time.monotonic()
        path, _, query = self.path.partition("?")
        try:
            body = self.read_body()
        except ApiError as e:
            self.close_connection = True
            return self.send(Response(e.status, {"Content-Type": JSON_CT}, e.payload()))
        fault = None if path.startswith("/_dev/") else self.app.faults.draw()
        if fault == "reset":
            return self.reset(started, fault)
        if fault == "slow":
            time.sleep(self.app.faults.slow_seconds)
        if fault == "503":
            reply = Response(503, {"Content-Type": JSON_CT, "X-Dev-Stack-Fault": "503"},
                             b'{"message":"Service Unavailable (fault injected by dev-stack)"}')
        else:
            req = Request(self.command, path, query, {k.lower(): v for k, v in self.headers.items()}, body)
            try:
                reply = self.app.route(req)
            except ApiError as e:
                reply = Response(e.status, {"Content-Type": JSON_CT, **e.headers}, e.payload())
            except Exception as e:  # a bug here must not look like a Supabase reply
                traceback.print_exc()
                reply = Response(500, {"Content-Type": JSON_CT},
                                 json.dumps({"message": f"dev-stack gateway error: {e!r}"}).encode())
        if fault == "reset-after":
            return self.reset(started, fault)
        self.send(reply)
        self.log(started, reply.status, fault)

    def reset(self, started, fault):
        """Abort the connection with a TCP RST, replying nothing."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
        self.log(started, "RST", fault)

    def send(self, reply: Response):
        self.send_response(reply.status)
        length = reply.file[2] if reply.file else len(reply.body)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status not in (204, 304):
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD" or reply.status in (204, 304):
            return
        if reply.file:
            path, offset, remaining = reply.file
            with open(path, "rb") as f:
                f.seek(offset)
                while remaining > 0:
                    chunk = f.read(min(remaining, 1 << 16))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    remaining -= len(chunk)
        else:
            self.wfile.write(reply.body)

    def log(self, started, status, fault):
        ms = (time.monotonic() - started) * 1000
        sys.stderr.write(f"{time.strftime('%H:%M:%S')} {self.command} {self.path[:200]} {status} "
                         f"{ms:.0f}ms{' fault=' + fault if fault else ''}\n")

    def log_message(self, format, *args):  # the stdlib's per-request line; ours is log()
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
