"""Seeded fault injection, so clients can be tested against a flaky Supabase.

On a fraction `rate` of requests (one draw per request from a Random(seed), so a given seed and
request order give the same faults) the gateway does one of `kinds`:
  503          replies 503 without touching the database
  reset        reads the request, then resets the connection (nothing was done)
  reset-after  carries the request out (and commits), then resets instead of replying
  slow         sleeps `slow_seconds`, then serves the request normally
Configured by DEV_STACK_FAULTS / DEV_STACK_FAULT_SEED / DEV_STACK_FAULT_KINDS /
DEV_STACK_FAULT_SLOW_SECONDS at start, or at run time by POST /_dev/faults with the same fields
as JSON: {"rate": 0.2, "seed": 7, "kinds": ["503", "reset"], "slow_seconds": 2}."""
import random
import threading

KINDS = ("503", "reset", "reset-after", "slow")


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self.configure(rate=0.0)

    def configure(self, rate=0.0, seed=0, kinds=KINDS, slow_seconds=2.0):
        rate, slow_seconds = float(rate), float(slow_seconds)
        kinds = tuple(kinds)
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")
        if not kinds or any(k not in KINDS for k in kinds):
            raise ValueError(f"kinds must be a non-empty subset of {', '.join(KINDS)}")
        if slow_seconds < 0:
            raise ValueError("slow_seconds must not be negative")
        with self._lock:
            self.rate, self.seed, self.kinds, self.slow_seconds = rate, int(seed), kinds, slow_seconds
            self._rng = random.Random(self.seed)
            self.injected = {k: 0 for k in KINDS}

    def draw(self):
        """The fault for the next request, or None."""
        with self._lock:
            if self.rate <= 0.0:
                return None
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    def describe(self):
        with self._lock:
            return {"rate": self.rate, "seed": self.seed, "kinds": list(self.kinds),
                    "slow_seconds": self.slow_seconds, "injected": dict(self.injected)}
