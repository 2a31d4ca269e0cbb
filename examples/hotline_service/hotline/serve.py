"""Run the service in a ``uvicorn`` process on a free port, for as long as a block.

>>> with running(Path("hotline.sqlite3")) as base:  # doctest: +SKIP
...     httpx.get(f"{base}/health").json()["status"]
'ok'

The process is what ``uvicorn hotline.app:app`` starts (the README's command), with
``HOTLINE_DB`` and the other settings in its environment. Readiness is polled on
``GET /health`` until a deadline; the process is stopped (SIGTERM, then SIGKILL) when
the block ends, also when it raises. The server's own output goes to
``DB.server.log`` beside the database. A port another process takes between
:func:`free_port` and uvicorn's bind is retried on a new port (twice).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = ["HERE", "free_port", "running"]

HERE = Path(__file__).resolve().parent.parent
"""``examples/hotline_service``: the working directory ``uvicorn`` is started in."""


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _PortTakenError(Exception):
    """Another process bound the free port first (a race between free_port and bind)."""


@contextmanager
def running(
    db: Path, *, env: Mapping[str, str] | None = None, ready_within: float = 60.0
) -> Iterator[str]:
    """Start the service on ``db`` and yield its base URL (``http://127.0.0.1:PORT``)."""
    settings = {**os.environ, **(env or {}), "HOTLINE_DB": str(db)}
    paths = [str(HERE), *filter(None, settings.get("PYTHONPATH", "").split(os.pathsep))]
    settings["PYTHONPATH"] = os.pathsep.join(paths)
    log = db.with_name(f"{db.name}.server.log")
    for attempt in range(3):
        try:
            process, base = _start(settings, log, ready_within)
            break
        except _PortTakenError:
            if attempt == 2:
                raise
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start(
    settings: Mapping[str, str], log: Path, within: float
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "hotline.app:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]  # fmt: skip
    with log.open("ab") as out:
        start = out.tell()
        process = subprocess.Popen(command, cwd=HERE, env=settings, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            with log.open("rb") as f:
                f.seek(start)
                said = f.read().decode("utf-8", errors="replace")
            if "address already in use" in said.lower():
                raise _PortTakenError(port)
            raise RuntimeError(f"the service exited with {process.returncode}:\n{said}")
        try:
            if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # polling for readiness, with a deadline
    process.kill()
    process.wait()
    raise TimeoutError(f"the service at {base} was not ready within {within} s")
