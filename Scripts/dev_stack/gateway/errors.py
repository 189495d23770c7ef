"""Error replies of the three layers the gateway imitates (WIRE, "PostgREST responses", "Storage",
"Routing and keys"). Each is raised as ApiError and rendered by the server."""
import json


class ApiError(Exception):
    def __init__(self, status: int, body: dict, headers: dict | None = None):
        super().__init__(body.get("message"))
        self.status, self.body, self.headers = status, body, headers or {}

    def payload(self) -> bytes:
        return json.dumps(self.body, separators=(",", ":")).encode()


def pgrst(status: int, code: str, message: str, details=None, hint=None, headers=None) -> ApiError:
    """PostgREST's shape: exactly code, message, details, hint (null when absent)."""
    return ApiError(status, {"code": code, "details": details, "hint": hint, "message": message}, headers)


def status_for_sqlstate(sqlstate: str, role: str) -> int:
    """WIRE, "PostgREST responses": 23505/23503 → 409; 42P01/42883 → 404; 42501 → 401 (anon) or
    403; P0001 → 400; 25006 → 405; 08* → 503; PTxyz → xyz; anything else → 400."""
    if sqlstate in ("23505", "23503"):
        return 409
    if sqlstate in ("42P01", "42883"):
        return 404
    if sqlstate == "42501":
        return 401 if role == "anon" else 403
    if sqlstate == "25006":
        return 405
    if sqlstate.startswith("08"):
        return 503
    if sqlstate.startswith("PT") and sqlstate[2:].isdigit():
        return int(sqlstate[2:])
    return 400


def from_postgres(err, role: str) -> ApiError:
    """A psycopg error as PostgREST reports it."""
    diag = err.diag
    code = diag.sqlstate or "08000"
    return pgrst(status_for_sqlstate(code, role), code, diag.message_primary or str(err).strip(),
                 diag.message_detail, diag.message_hint)


def gateway(message: str, hint: str) -> ApiError:
    """The API gateway's own 401, not PostgREST-shaped."""
    return ApiError(401, {"message": message, "hint": hint})


def storage(status_code: str, error: str, message: str, code: str | None = None) -> ApiError:
    """Storage's errors: HTTP 400 with the real status as a string in the body (WIRE, "Storage")."""
    body = {"statusCode": status_code, "error": error, "message": message}
    if code:
        body["code"] = code
    return ApiError(400, body)


def no_such_key() -> ApiError:
    return storage("404", "not_found", "Object not found", "NoSuchKey")


def no_such_bucket() -> ApiError:
    return storage("404", "Bucket not found", "Bucket not found", "NoSuchBucket")
