#!/usr/bin/env python3
"""Round-trip time of small requests on one reused (keep-alive) connection to the local stack's
gateway: `GET /rest/v1/jobs?limit=1` and `POST /rest/v1/rpc/claim_job` on an empty queue, the
calls a worker repeats. Measures the Nagle/delayed-ACK stall (~40 ms a request) the gateway had
before it set TCP_NODELAY.
    Scripts/bench/gateway_latency.py [--port 54321] [-n 200]"""
import argparse, http.client, json, os, statistics, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=int(os.environ.get("DEV_STACK_API_PORT", "54321")))
ap.add_argument("-n", type=int, default=200)
a = ap.parse_args()
sys.path.insert(0, os.path.join(here, "..", "dev_stack"))
from gateway import keys  # noqa: E402

key = keys.SERVICE_ROLE_KEY
hdrs = {"apikey": key, "Authorization": f"Bearer {key}", "Content-Type": "application/json"}
conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
for name, method, path, body in [
        ("GET jobs?limit=1", "GET", "/rest/v1/jobs?select=id&limit=1", None),
        ("POST rpc/claim_job (empty queue)", "POST", "/rest/v1/rpc/claim_job",
         json.dumps({"worker_id": "latency-probe", "lease_seconds": 1}))]:
    times = []
    for _ in range(a.n):
        t = time.perf_counter()
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        r.read()
        assert r.status == 200, (r.status, path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"{name}: n={a.n} median {statistics.median(times):.1f} ms, p90 {times[int(0.9 * len(times))]:.1f} ms")
