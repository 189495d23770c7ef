"""Supabase Storage's object API subset (WIRE, "Storage"): upload (POST/PUT, x-upsert), download
(plain, /authenticated/, /public/; Range), info, delete, bucket list. Object rows live in
storage.objects and are read and written as the request's role, so RLS on storage.objects decides
what anon and authenticated callers may do, as in Supabase; the service role bypasses it.
Bytes live on disk at <root>/objects/<version>, one file per uploaded version."""
import email.utils
import hashlib
import json
import os
import re
import uuid
from datetime import timezone
from pathlib import Path
from urllib.parse import unquote

import psycopg

from .errors import no_such_bucket, no_such_key, storage
from .wire import Response

JSON_CT = "application/json; charset=utf-8"


def json_reply(value, status=200) -> Response:
    return Response(status, {"Content-Type": JSON_CT}, json.dumps(value).encode())


def parse_multipart(body: bytes, content_type: str) -> dict:
    """name → (content type, bytes) of each part of a multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise storage("400", "InvalidRequest", "multipart body without a boundary")
    parts = {}
    for chunk in body.split(b"--" + m.group(1).encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        name = re.search(r'name="([^"]*)"', headers.get("content-disposition", ""))
        if name:
            parts[name.group(1)] = (headers.get("content-type"), data.removesuffix(b"\r\n"))
    return parts


def byte_range(header: str | None, size: int):
    """(start, length) for `Range: bytes=a-b | a- | -n`, None for the whole object; raises 416."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    m = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    first, last = (m.group(1), m.group(2)) if m else ("", "")
    if m and first:
        start, end = int(first), (int(last) if last else size - 1)
    elif m and last:
        start, end = max(size - int(last), 0), size - 1
        if int(last) == 0:
            start = size
    else:
        start, end = size, 0
    end = min(end, size - 1)
    if start >= size or end < start:
        raise unsatisfiable(size)
    return start, end - start + 1


def unsatisfiable(size):
    err = storage("416", "InvalidRange", "The requested range is not satisfiable")
    err.status, err.headers = 416, {"Content-Range": f"bytes */{size}"}
    return err


class Storage:
    def __init__(self, root: str):
        self.files = Path(root) / "objects"
        self.files.mkdir(parents=True, exist_ok=True)

    # ---- routing ----
    def handle(self, pool, req) -> Response:
        try:
            return self.route(pool, req)
        except psycopg.OperationalError as e:  # the database is away: a real 5xx, not a 400
            err = storage("503", "DatabaseUnavailable", str(e).strip())
            err.status = 503
            raise err from None

    def route(self, pool, req) -> Response:
        try:
            segs = [unquote(s, errors="strict") for s in req.path.strip("/").split("/")]
        except UnicodeDecodeError:
            raise storage("400", "InvalidKey", "Invalid key: not UTF-8", "InvalidKey") from None
        method = req.method
        if segs[0] == "bucket" and method == "GET":
            return self.buckets(pool, req, segs[1] if len(segs) > 1 else None)
        if segs[0] != "object" or len(segs) < 2:
            raise storage("404", "not_found", "Route not found")
        rest = segs[1:]
        if rest[0] == "info" and method == "GET":
            mode = rest[1] if len(rest) > 1 and rest[1] in ("public", "authenticated") else None
            return self.download(pool, req, *self.target(rest[2:] if mode else rest[1:]),
                                 public=mode == "public", info=True)
        if rest[0] in ("public", "authenticated") and method in ("GET", "HEAD"):
            return self.download(pool, req, *self.target(rest[1:]), public=rest[0] == "public")
        if len(rest) == 1 and method == "DELETE":
            return self.remove_many(pool, req, rest[0])
        bucket, key = self.target(rest)
        if method in ("GET", "HEAD"):
            return self.download(pool, req, bucket, key)
        if method in ("POST", "PUT"):
            # PUT replaces (update); POST creates, or replaces with x-upsert: true.
            upsert = method == "PUT" or req.headers.get("x-upsert", "").lower() == "true"
            return self.upload(pool, req, bucket, key, upsert)
        if method == "DELETE":
            return self.remove_one(pool, req, bucket, key)
        raise storage("405", "InvalidRequest", f"{method} is not supported here")

    @staticmethod
    def target(segs):
        if len(segs) < 2:
            raise storage("400", "InvalidKey", "Invalid key: missing bucket or object name", "InvalidKey")
        key = "/".join(segs[1:])
        if any(s in ("", ".", "..") for s in segs[1:]):
            raise storage("400", "InvalidKey", f"Invalid key: {key}", "InvalidKey")
        return segs[0], key

    # ---- helpers ----
    @staticmethod
    def bucket(cur, req, bucket_id):
        """The bucket row, looked up with the service role (as Storage does), or NoSuchBucket."""
        cur.execute("select set_config('role', 'service_role', true)")
        cur.execute("select public, file_size_limit, allowed_mime_types from storage.buckets where id = %s",
                    (bucket_id,))
        row = cur.fetchone()
        cur.execute("select set_config('role', %s, true)", (req.role,))
        if row is None:
            raise no_such_bucket()
        return row

    def body(self, req):
        """(bytes, content type, cache control) of an upload: multipart `file` field or raw body."""
        content_type = req.headers.get("content-type", "application/octet-stream")
        cache = req.headers.get("cache-control", "max-age=3600")
        if content_type.lower().startswith("multipart/form-data"):
            parts = parse_multipart(req.body, content_type)
            if "file" not in parts:
                raise storage("400", "InvalidRequest", "The multipart body has no file field")
            part_type, data = parts["file"]
            if "cacheControl" in parts:
                cache = "max-age=" + parts["cacheControl"][1].decode()
            return data, part_type or "application/octet-stream", cache
        return req.body, content_type, cache

    @staticmethod
    def denied(err):
        if isinstance(err, psycopg.errors.UniqueViolation):
            return storage("409", "Duplicate", "The resource already exists")
        if isinstance(err, psycopg.errors.InsufficientPrivilege):
            return storage("403", "Unauthorized", "new row violates row-level security policy")
        return storage("500", "DatabaseError", err.diag.message_primary or str(err))

    def drop(self, version):
        if version:
            (self.files / version).unlink(missing_ok=True)

    # ---- operations ----
    def upload(self, pool, req, bucket_id, key, upsert) -> Response:
        data, content_type, cache = self.body(req)
        version = str(uuid.uuid4())
        etag = '"' + hashlib.md5(data).hexdigest() + '"'
        metadata = {"eTag": etag, "size": len(data), "mimetype": content_type, "cacheControl": cache,
                    "lastModified": email.utils.formatdate(usegmt=True), "contentLength": len(data),
                    "httpStatusCode": 200}
        tmp = self.files / (version + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, self.files / version)
        old = None
        try:
            with pool.transaction(req.role, req.claims, method=req.method, path=req.path) as cur:
                _, size_limit, mime_types = self.bucket(cur, req, bucket_id)
                if size_limit is not None and len(data) > size_limit:
                    raise storage("413", "Payload too large", "The object exceeded the maximum allowed size")
                if mime_types and content_type.split(";")[0].strip() not in mime_types:
                    raise storage("415", "invalid_mime_type", f"mime type {content_type} is not supported")
                owner = req.claims.get("sub")
                try:
                    if upsert:
                        cur.execute("select version from storage.objects where bucket_id = %s and name = %s",
                                    (bucket_id, key))
                        row = cur.fetchone()
                        old = row[0] if row else None
                        conflict = ("on conflict (bucket_id, name) do update set owner = excluded.owner, "
                                    "version = excluded.version, metadata = excluded.metadata, updated_at = now()")
                    else:
                        conflict = ""
                    cur.execute("insert into storage.objects (bucket_id, name, owner, version, metadata) "
                                "values (%s, %s, %s, %s, %s) " + conflict + " returning id",
                                (bucket_id, key, owner, version, json.dumps(metadata)))
                    object_id = cur.fetchone()[0]
                except psycopg.Error as e:
                    raise self.denied(e) from None
        except BaseException:
            self.drop(version)
            raise
        self.drop(old)
        return json_reply({"Id": str(object_id), "Key": f"{bucket_id}/{key}"})

    def download(self, pool, req, bucket_id, key, public=False, info=False) -> Response:
        with pool.transaction(req.role, req.claims, read_only=True, method=req.method, path=req.path) as cur:
            is_public = self.bucket(cur, req, bucket_id)[0]
            if public:
                if not is_public:
                    raise no_such_bucket()
                cur.execute("select set_config('role', 'service_role', true)")
            cur.execute("select id, version, metadata, created_at, updated_at from storage.objects "
                        "where bucket_id = %s and name = %s", (bucket_id, key))
            row = cur.fetchone()
        if row is None or not (self.files / row[1]).exists():
            raise no_such_key()
        object_id, version, meta, created, updated = row
        path = self.files / version
        size = path.stat().st_size
        if info:
            return json_reply({"id": str(object_id), "version": version, "name": key, "bucket_id": bucket_id,
                               "size": size, "content_type": meta.get("mimetype"),
                               "cache_control": meta.get("cacheControl"), "etag": meta.get("eTag"),
                               "metadata": {}, "last_modified": updated.isoformat(),
                               "created_at": created.isoformat()})
        headers = {"Content-Type": meta.get("mimetype") or "application/octet-stream",
                   "ETag": meta.get("eTag", ""), "Cache-Control": meta.get("cacheControl", "no-cache"),
                   "Last-Modified": email.utils.format_datetime(updated.astimezone(timezone.utc), usegmt=True),
                   "Accept-Ranges": "bytes"}
        span = byte_range(req.headers.get("range"), size)
        if span is None:
            return Response(200, headers, file=(path, 0, size))
        start, length = span
        headers["Content-Range"] = f"bytes {start}-{start + length - 1}/{size}"
        return Response(206, headers, file=(path, start, length))

    def remove_one(self, pool, req, bucket_id, key) -> Response:
        with pool.transaction(req.role, req.claims, method=req.method, path=req.path) as cur:
            self.bucket(cur, req, bucket_id)
            cur.execute("delete from storage.objects where bucket_id = %s and name = %s returning version",
                        (bucket_id, key))
            row = cur.fetchone()
        if row is None:
            raise no_such_key()
        self.drop(row[0])
        return json_reply({"message": "Successfully deleted"})

    def remove_many(self, pool, req, bucket_id) -> Response:
        try:
            prefixes = json.loads(req.body or b"null")["prefixes"]
            assert isinstance(prefixes, list) and all(isinstance(p, str) for p in prefixes)
        except (ValueError, KeyError, TypeError, AssertionError):
            raise storage("400", "InvalidRequest", "body must be {\"prefixes\": [names…]}") from None
        with pool.transaction(req.role, req.claims, method=req.method, path=req.path) as cur:
            self.bucket(cur, req, bucket_id)
            cur.execute("delete from storage.objects o where bucket_id = %s and name = any(%s) "
                        "returning o.version, row_to_json(o)::text", (bucket_id, prefixes))
            rows = cur.fetchall()
        for version, _ in rows:
            self.drop(version)
        return json_reply([json.loads(r) for _, r in rows])

    def buckets(self, pool, req, bucket_id) -> Response:
        with pool.transaction(req.role, req.claims, read_only=True, method=req.method, path=req.path) as cur:
            cur.execute("select coalesce(json_agg(b order by b.created_at), '[]')::text from storage.buckets b"
                        " where %s::text is null or b.id = %s", (bucket_id, bucket_id))
            rows = json.loads(cur.fetchone()[0])
        if bucket_id is None:
            return json_reply(rows)
        if not rows:
            raise no_such_bucket()
        return json_reply(rows[0])
