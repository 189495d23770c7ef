"""Request and reply as the gateway's handlers see them."""
import dataclasses
from urllib.parse import parse_qsl


@dataclasses.dataclass
class Request:
    method: str
    path: str                       # raw path after the service prefix, still percent-encoded
    query: str                      # raw query string
    headers: dict                   # lower-cased names
    body: bytes
    role: str = "anon"              # from the verified JWT (server.authenticate)
    claims: dict = dataclasses.field(default_factory=dict)

    def params(self) -> list:
        """Query parameters in order. `+` decodes to a space (WIRE, "PostgREST requests")."""
        return parse_qsl(self.query, keep_blank_values=True)

    def prefer(self) -> dict:
        """Prefer values, comma-separated, e.g. {"return": "representation", "count": "exact"}."""
        out = {}
        for item in self.headers.get("prefer", "").split(","):
            key, _, value = item.strip().partition("=")
            if key:
                out[key] = value
        return out


@dataclasses.dataclass
class Response:
    status: int
    headers: dict = dataclasses.field(default_factory=dict)
    body: bytes = b""
    file: object = None             # (path, offset, length) streamed instead of body
