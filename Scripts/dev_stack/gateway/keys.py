"""API keys and JWTs of the local stack (WIRE, "Routing and keys").

The anon and service_role keys are HS256 JWTs signed with the Supabase CLI's fixed local secret,
so they are the very keys `supabase start` prints. The two `sb_` keys stand in for Supabase's
new-style publishable/secret keys, which are not JWTs and travel in `apikey` only.
Run `python -m gateway.keys` to print them; stdlib only, so any python3 can."""
import base64
import hashlib
import hmac
import json
import sys
import time

JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
PUBLISHABLE_KEY = "sb_publishable_local_dev_stack_0000000000"
SECRET_KEY = "sb_secret_local_dev_stack_00000000000000"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict, secret: str = JWT_SECRET) -> str:
    """An HS256 JWT with compact JSON, as GoTrue and the CLI write them."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(mac)}"


ANON_KEY = sign({"iss": "supabase-demo", "role": "anon", "exp": 1983812996})
SERVICE_ROLE_KEY = sign({"iss": "supabase-demo", "role": "service_role", "exp": 1983812996})

# What the gateway accepts in `apikey`, and the role a key stands for when no JWT comes with it.
API_KEYS = {ANON_KEY: "anon", SERVICE_ROLE_KEY: "service_role",
            PUBLISHABLE_KEY: "anon", SECRET_KEY: "service_role"}


class JWTError(Exception):
    """kind: 'malformed', 'signature' or 'expired'; the message is PostgREST's wording."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind


def verify(token: str, now: float | None = None) -> dict:
    """Claims of a valid HS256 token signed with JWT_SECRET, else JWTError."""
    parts = token.split(".")
    if len(parts) != 3:
        raise JWTError("malformed", f"Expected 3 parts in JWT; got {len(parts)}")
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
        mac = _unb64(parts[2])
    except ValueError as e:
        raise JWTError("malformed", f"JWSError (CompactDecodeError {e})") from None
    if not isinstance(header, dict) or not isinstance(claims, dict) or header.get("alg") != "HS256":
        raise JWTError("signature", "JWSError JWSInvalidSignature")
    expected = hmac.new(JWT_SECRET.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(mac, expected):
        raise JWTError("signature", "JWSError JWSInvalidSignature")
    exp = claims.get("exp")
    if isinstance(exp, (int, float)) and exp <= (time.time() if now is None else now):
        raise JWTError("expired", "JWT expired")
    return claims


def user_token(sub: str, ttl: int = 3600, **extra) -> str:
    """A GoTrue-style access token for user `sub` (role authenticated), for tests and curl."""
    now = int(time.time())
    return sign({"aud": "authenticated", "role": "authenticated", "sub": sub,
                 "iat": now, "exp": now + ttl, **extra})


if __name__ == "__main__":
    if sys.argv[1:2] == ["user"] and len(sys.argv) == 3:
        print(user_token(sys.argv[2]))
    else:
        print(f"SUPABASE_ANON_KEY={ANON_KEY}")
        print(f"SUPABASE_SERVICE_ROLE_KEY={SERVICE_ROLE_KEY}")
        print(f"SUPABASE_PUBLISHABLE_KEY={PUBLISHABLE_KEY}")
        print(f"SUPABASE_SECRET_KEY={SECRET_KEY}")
        print(f"SUPABASE_JWT_SECRET={JWT_SECRET}")
