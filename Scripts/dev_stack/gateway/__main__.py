"""python -m gateway: serves the local Supabase API on 127.0.0.1:$DEV_STACK_API_PORT (54321).
Environment: DEV_STACK_API_PORT, DEV_STACK_DB_PORT (54322), DEV_STACK_DIR (storage root's parent),
DEV_STACK_POOL (connections, 10), DEV_STACK_PID_FILE (written once listening) and the DEV_STACK_FAULT* settings of faults.py."""
import os
import signal
import sys
import threading

from .db import Pool
from .faults import KINDS, Faults
from .server import App, Handler, Server
from .storage import Storage


def main():
    env = os.environ.get
    api_port, db_port = int(env("DEV_STACK_API_PORT", "54321")), int(env("DEV_STACK_DB_PORT", "54322"))
    pool = Pool(f"postgresql://authenticator:postgres@127.0.0.1:{db_port}/postgres",
                size=int(env("DEV_STACK_POOL", "10")))
    faults = Faults()
    faults.configure(rate=env("DEV_STACK_FAULTS", "0"), seed=env("DEV_STACK_FAULT_SEED", "0"),
                     kinds=env("DEV_STACK_FAULT_KINDS", ",".join(KINDS)).split(","),
                     slow_seconds=env("DEV_STACK_FAULT_SLOW_SECONDS", "2"))
    Handler.app = App(pool, Storage(os.path.join(env("DEV_STACK_DIR", ".dev-stack"), "storage")), faults)
    server = Server(("127.0.0.1", api_port), Handler)
    if env("DEV_STACK_PID_FILE"):
        with open(env("DEV_STACK_PID_FILE"), "w") as f:
            f.write(f"{os.getpid()}\n")
    # SIGTERM (Scripts/dev-stack down) stops accepting and lets the process exit.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"gateway listening on http://127.0.0.1:{api_port} (database port {db_port})", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
