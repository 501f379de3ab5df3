"""Shared pieces of the benchmarks: a scratch platform in subprocesses, wrk, memory."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def scratch_env(workdir: Path, database_url: str | None = None, **extra: str) -> dict:
    """Environment of a throw-away platform: its own database and var directory."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env["CERTGUARD_VAR_DIR"] = str(workdir / "var")
    # One audit key for every process of the scratch platform, the production-mode server
    # included (which refuses to start without one): entries signed by one verify in all.
    env.setdefault("AUDIT_KEY", hashlib.sha256(f"certguard bench {workdir}".encode()).hexdigest())
    # The tip-off store's encryption key (a Fernet key), which production mode requires.
    env.setdefault("TIPS_KEYS", base64.urlsafe_b64encode(
        hashlib.sha256(f"certguard bench tips {workdir}".encode()).digest()).decode())
    env.update(extra)
    return env


def server_env(env: dict, **extra: str) -> dict:
    """The environment of a production-mode server on the scratch platform: a random key
    (production refuses guessable ones), loopback only and plain HTTP (production otherwise
    redirects to HTTPS), and the limits lifted for the bench's one client address."""
    import secrets

    return {**env, "SECRET_KEY": secrets.token_urlsafe(48), "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false", "VERIFY_RATE_ANONYMOUS_API": str(10**9),
            "VERIFY_DAILY_ADDRESS": str(10**9), **extra}


def certguard(*args: str, env: dict, capture: bool = True) -> str:
    """Run a certguard command in a subprocess; raise with its stderr when it fails."""
    result = subprocess.run([sys.executable, "-m", "certguard", *args], env=env,
                            capture_output=capture, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"certguard {' '.join(args)} failed: {result.stderr[-2000:]}")
    return result.stdout


def last_json_line(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no JSON in output: {text[-500:]}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start within {timeout:.0f} s")


def wait_for_answer(port: int, path: str, body: bytes, *, timeout: float = 90.0) -> None:
    """Until every worker has loaded the application a listening port is not an answer."""
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            if connection.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"server on port {port} gave no answer within {timeout:.0f} s")


class Server:
    """A server process on loopback, stopped (with its children) when the block ends."""

    def __init__(self, command: list[str], *, env: dict, port: int) -> None:
        self.command, self.env, self.port = command, env, port
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


WRK_SCRIPT = """
local bodies = {}
for line in io.lines("%(keys)s") do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "%(path)s", {["Content-Type"] = "application/json"}, bodies[i])
end
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(*, url_path: str, port: int, keys_file: Path, seconds: int, connections: int,
        threads: int = 2) -> dict:
    """Closed-loop load from wrk (C, little CPU); returns requests, rate and latency (ms)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: apt-get install wrk (or make bench-deps)")
    script = keys_file.with_suffix(".lua")
    script.write_text(WRK_SCRIPT % {"keys": keys_file, "path": url_path})
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                          "-s", str(script), f"http://127.0.0.1:{port}{url_path}"],
                         capture_output=True, text=True, check=True).stdout
    latency = {p: _ms(v, u) for p, v, u in re.findall(r"\s(50|75|90|99)%\s+([\d.]+)(us|ms|s)",
                                                        out)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": latency.get("50"), "p90_ms": latency.get("90"),
            "p99_ms": latency.get("99"), "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": errors.group(1) if errors else ""}


def _ms(value: str, unit: str) -> float:
    return round(float(value) * _UNITS[unit], 2)
