"""A worker killed mid-job (kill -9): the job's lease runs out, a live worker fails it with a
Chinese reason within a minute, the roster upload follows, and the employer can start the
check again, which then runs from a clean state. ``rundemo`` stops its worker on SIGTERM.

Real processes on a database of their own (a SQLite file in a temporary directory): the test
reads that file with the standard library only.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ROWS = 8_000  # enough for the check to be caught mid-way

SETUP = textwrap.dedent("""
    import os, sys
    from datetime import date
    import django
    django.setup()
    from certguard import ids
    from certguard.orgs.models import Membership, Organisation, User
    from certguard.selfcheck.services import upload_confirm, upload_create

    ent = Organisation.objects.create(kind="enterprise", name="沁水县X煤业有限公司",
                                      region_id="140521", sector="coal_mine",
                                      credit_code=ids.make_credit_code("140521", 1))
    boss = User.objects.create(username="boss", display_name="安全科")
    Membership.objects.create(user=boss, organisation=ent, role="enterprise_user")
    lines = ["姓名,身份证号,证书编号"]
    for i in range(int(sys.argv[1])):
        born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        lines.append(f"工人{i},{ids.make_id_no('140521', born, i % 999)},T{i:012d}")
    upload = upload_create(by=boss, employer=ent, file_name="roster.csv",
                           data="\\n".join(lines).encode())
    upload = upload_confirm(by=boss, upload=upload, confirm_leaving=True)
    print(upload.pk, upload.job_id)
""")

RECONFIRM = textwrap.dedent("""
    import sys
    import django
    django.setup()
    from certguard.core.errors import AppError
    from certguard.orgs.models import User
    from certguard.selfcheck.models import RosterUpload
    from certguard.selfcheck.services import upload_confirm

    upload = RosterUpload.objects.get(pk=int(sys.argv[1]))
    try:
        upload = upload_confirm(by=User.objects.get(username="boss"), upload=upload,
                                confirm_leaving=True)
    except AppError as exc:
        print("refused", exc.code)
    else:
        print("confirmed", upload.job_id)
""")


def _env(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS"))}
    env.update(CERTGUARD_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
               DJANGO_SETTINGS_MODULE="certguard.settings", JOB_LEASE_SECONDS="3",
               PYTHONPATH=str(PROJECT), CERTGUARD_PRODUCTION="0")
    return env


def _python(env: dict, *args: str, timeout: float = 300) -> str:
    done = subprocess.run([sys.executable, *args], env=env, cwd=PROJECT, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "certguard", "worker", "--interval", "0.2"],
                            env=env, cwd=PROJECT, stdout=log.open("ab"),
                            stderr=subprocess.STDOUT)


def _row(db: Path, sql: str, *params) -> tuple:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as con:
        return con.execute(sql, params).fetchone()


def _wait(what, *, timeout: float, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    return what()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    var = tmp_path_factory.mktemp("crash")
    env = _env(var)
    _python(env, "-m", "certguard", "migrate", "--verbosity", "0", timeout=600)
    return var, env


def test_a_killed_worker_s_job_is_failed_and_can_be_started_again(world):
    var, env = world
    db = var / "db.sqlite3"
    (var / "setup.py").write_text(SETUP)
    (var / "reconfirm.py").write_text(RECONFIRM)
    upload_id, job_id = map(int, _python(env, str(var / "setup.py"), str(ROWS)).split())

    first = _worker(env, var / "worker1.log")
    try:
        running = _wait(lambda: _row(
            db, "SELECT 1 FROM core_job WHERE id = ? AND status = 'running' AND done > 0",
            job_id), timeout=180)
        assert running, _row(db, "SELECT status, done, error FROM core_job WHERE id = ?",
                             job_id)
        os.kill(first.pid, signal.SIGKILL)  # mid-job, no chance to clean up
        first.wait(timeout=30)
        killed_at = time.monotonic()
    finally:
        _stop(first)
    # The bug this guards against: the job and the upload stay "running" / 核验中 forever.
    assert _row(db, "SELECT status FROM core_job WHERE id = ?", job_id) == ("running",)
    assert _row(db, "SELECT status FROM selfcheck_rosterupload WHERE id = ?",
                upload_id) == ("verifying",)

    second = _worker(env, var / "worker2.log")
    try:
        failed = _wait(lambda: _row(db, "SELECT status FROM core_job WHERE id = ?",
                                    job_id) == ("failed",), timeout=60)
        detected_after = time.monotonic() - killed_at
        assert failed, (var / "worker2.log").read_text()[-3000:]
        assert detected_after < 60
        error, = _row(db, "SELECT error FROM core_job WHERE id = ?", job_id)
        assert "意外中断" in error and "请重新发起" in error
        status, upload_error = _row(
            db, "SELECT status, error FROM selfcheck_rosterupload WHERE id = ?", upload_id)
        assert (status, upload_error) == ("failed", error)
        assert _row(db, "SELECT count(*) FROM selfcheck_workerresult WHERE upload_id = ?",
                    upload_id) == (0,)  # nothing of the half-done check was kept

        # The employer starts it again: not "already_confirmed", and it runs to its end.
        answer = _python(env, str(var / "reconfirm.py"), str(upload_id)).split()
        assert answer[0] == "confirmed", answer
        new_job = int(answer[1])
        assert new_job != job_id
        ended = _wait(lambda: _row(db, "SELECT status FROM core_job WHERE id = ?",
                                   new_job)[0] in ("succeeded", "failed"), timeout=600,
                      every=0.5)
        assert ended
        assert _row(db, "SELECT status, error FROM core_job WHERE id = ?",
                    new_job) == ("succeeded", "")
        assert _row(db, "SELECT status FROM selfcheck_rosterupload WHERE id = ?",
                    upload_id)[0] in ("verified", "held")
        assert _row(db, "SELECT count(*) FROM selfcheck_workerresult WHERE upload_id = ?",
                    upload_id) == (ROWS,)
        # The lost job stays failed: its outcome never overwrites the reason.
        assert _row(db, "SELECT status FROM core_job WHERE id = ?", job_id) == ("failed",)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) is not None
    finally:
        _stop(second)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_rundemo_stops_its_worker_on_sigterm(world):
    var, env = world
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = subprocess.Popen([sys.executable, "-m", "certguard", "rundemo", "--addrport",
                             f"127.0.0.1:{port}"], env=env, cwd=PROJECT,
                            stdout=(var / "rundemo.log").open("ab"), stderr=subprocess.STDOUT)
    workers: list[int] = []
    try:
        workers = _wait(lambda: _children(demo.pid), timeout=60)
        assert workers, (var / "rundemo.log").read_text()[-2000:]
        served = _wait(lambda: _port_open(port), timeout=120, every=0.3)
        assert served, (var / "rundemo.log").read_text()[-2000:]
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
        assert _wait(lambda: not any(_alive(w) for w in workers), timeout=30)
    finally:
        _stop(demo)
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
