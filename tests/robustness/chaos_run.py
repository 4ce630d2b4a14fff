"""A chaos run against PostgreSQL, by hand (not part of the suite):

    CHAOS_PG=postgresql+psycopg://tracker:tracker@127.0.0.1:5432/tracker \
        .venv/bin/python -m tests.robustness.chaos_run

gunicorn (4 workers × 4 threads) and two schedulers reach the database through a TCP proxy; 12
writers log occasions, change statuses and edit activities for 60 s; the proxy is cut for 5 s
and again for 3 s; the scheduler holding the yearly compile (slowed to 1 s per promise) is killed
with SIGKILL once three drafts exist and a new one is started. It prints every answer's status,
the 5xx outside the outages, whether each acknowledged write is present exactly once, the
compile's job_run rows and the drafts. It works in the schema "chaos" of CHAOS_PG (dropped first).
"""
from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
from tests.conftest import PASSWORD, _url_with_schema, make_test_app, upgrade
from tests.factories import make_activity, make_commitment, make_promise, make_type
from tests.robustness.tcp_proxy import TcpProxy
from tracker.extensions import db
from tracker.formatting import local_today
from tracker.models import (
    AuditEvent,
    FollowUp,
    JobRun,
    LogEntry,
    Membership,
    Municipality,
    PoliceArea,
    Role,
)
from tracker.services import accounts

BASE = os.environ["CHAOS_PG"]
PROMISES, DURATION, THREADS, PORT = 12, 60, 12, 5321
STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOGDIR = Path(tempfile.mkdtemp(prefix="chaos-"))

SLOW_SCHEDULER = """
import sys, time
from flask.cli import main
from tracker.followups import compiler as followup_compiler
real = followup_compiler.compile_followup
def slow(promise_id, year, **kwargs):
    time.sleep(1.0)
    return real(promise_id, year, **kwargs)
followup_compiler.compile_followup = slow
sys.argv = ["flask", "scheduler", "run"]
main()
"""


def seed(url):
    app = make_test_app(url)
    upgrade(app)
    year = local_today().year
    with app.app_context():
        area = PoliceArea(name="Kaos")
        db.session.add(area)
        db.session.flush()
        town = Municipality(name="Kaosby", slug="kaosby", police_area_id=area.id)
        db.session.add(town)
        db.session.flush()
        coordinator = accounts.create_user("samordnare@kaos.se", "Sam", PASSWORD)
        officer = accounts.create_user("polis@kaos.se", "Olle", PASSWORD)
        db.session.add_all([Membership(user_id=coordinator.id, municipality_id=town.id,
                                       role=Role.COORDINATOR),
                            Membership(user_id=officer.id, municipality_id=town.id,
                                       role=Role.COORDINATOR)])
        kind = make_type()
        activities = []
        for _n in range(PROMISES):
            promise = make_promise(town, year=year, status="active")
            commitment = make_commitment(promise)
            for _ in range(2):
                activity = make_activity(commitment, kind, owner=officer)
                activities.append((activity.id, commitment.id))
        db.session.commit()
        return app, activities, kind.id


def env_for(url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(FLASK_APP="wsgi", TRACKER_ENV="testing", TRACKER_TEST_DATABASE_URL=url,
               TRACKER_MAIL_ENABLED="0", PYTHONPATH=str(ROOT))
    env.update({f"TRACKER_{k}": v for k, v in extra.items()})
    return env


def cron_in(seconds_from_now, window=30):
    first = datetime.now(STOCKHOLM).replace(microsecond=0) + timedelta(seconds=seconds_from_now)
    moments = [first + timedelta(seconds=n) for n in range(window)]
    fields = [",".join(dict.fromkeys(str(getattr(m, f)) for m in moments))
              for f in ("second", "minute", "hour", "day", "month")]
    return " ".join(fields) + " *"


class Writer(threading.Thread):
    def __init__(self, n, activities, type_id, stop, results):
        super().__init__(daemon=True)
        self.n, self.activities, self.type_id = n, activities, type_id
        self.stop, self.results = stop, results

    def call(self, kind, text, method, path, **kw):
        try:
            r = self.http.request(method, f"http://127.0.0.1:{PORT}{path}", timeout=30,
                                  allow_redirects=False, **kw)
            code = r.status_code
        except requests.RequestException as error:
            code, r = f"conn:{type(error).__name__}", None
        self.results.append((time.monotonic(), kind, text, code))
        return r

    def login(self):
        self.http = requests.Session()
        email = "polis@kaos.se" if self.n % 2 else "samordnare@kaos.se"
        while not self.stop.is_set():
            r = self.call("login", "", "POST", "/login",
                          data={"email": email, "password": PASSWORD})
            if r is not None and r.status_code == 302:
                return
            time.sleep(0.5)

    def run(self):
        self.login()
        i = 0
        while not self.stop.is_set():
            i += 1
            activity_id, commitment_id = random.choice(self.activities)
            text = f"kaos-{self.n}-{i}"
            roll = random.random()
            if roll < 0.5:
                self.call("log", text, "POST", f"/aktiviteter/{activity_id}/logga", data={
                    "occurred_on": local_today().isoformat(), "m_antal_poliser": "2",
                    "note": text})
                continue
            page = self.call("read", "", "GET", f"/aktiviteter/{activity_id}")
            if page is None or page.status_code != 200:
                continue
            match = re.search(r'name="version"[^>]*value="(\d+)"', page.text) or re.search(
                r'value="(\d+)"[^>]*name="version"', page.text)
            version = match[1] if match else ""
            if roll < 0.75:
                self.call("status", text, "POST", f"/aktiviteter/{activity_id}/status", data={
                    "status": random.choice(["in_progress", "done", "planned"]),
                    "reason": text, "version": version})
            else:
                self.call("edit", text, "POST", f"/aktiviteter/{activity_id}/redigera", data={
                    "commitment_id": commitment_id, "type_id": self.type_id,
                    "title": f"Rubrik {text}", "owner_id": "", "version": version})


def main():
    url = _url_with_schema(BASE, "chaos")
    app, activities, type_id = seed(url)
    real = make_url(url)
    proxy = TcpProxy(real.host, real.port).start()
    via = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    procs = {}

    def spawn(name, args, env):
        log = open(LOGDIR / f"{name}.log", "w")
        procs[name] = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log,
                                       stderr=subprocess.STDOUT)
        return procs[name]

    spawn("web", [sys.executable, "-m", "gunicorn", "-w", "4", "--threads", "4",
                  "-b", f"127.0.0.1:{PORT}", "wsgi:app"], env_for(via))
    sched_env = env_for(via, COMPILE_FOLLOWUPS_CRON=cron_in(15), JOB_LEASE_SECONDS="3",
                        JOB_RECOVERY_SECONDS="1")
    for n in (1, 2):
        spawn(f"scheduler{n}", [sys.executable, "-c", SLOW_SCHEDULER], sched_env)
    time.sleep(4)
    stop, results = threading.Event(), []
    writers = [Writer(n, activities, type_id, stop, results) for n in range(THREADS)]
    start = time.monotonic()
    for w in writers:
        w.start()
    outages = []

    def drafts():
        with app.app_context():
            try:
                return db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp))
            finally:
                db.session.remove()

    def holder_pid():
        with app.app_context():
            try:
                holder = db.session.scalar(sa.select(JobRun.holder).where(
                    JobRun.job == "compile_followups"))
            finally:
                db.session.remove()
        return int(holder.rsplit(":", 1)[1]) if holder else None

    killed = False
    while time.monotonic() - start < DURATION:
        t = time.monotonic() - start
        if 10 <= t < 11 and not outages:
            proxy.stop()
            down = time.monotonic()
            time.sleep(5)
            proxy = TcpProxy(real.host, real.port, port=proxy.port).start()
            outages.append((down, time.monotonic()))
        if not killed and drafts() >= 3:
            pid = holder_pid()
            for name, p in list(procs.items()):
                if name.startswith("scheduler") and p.pid == pid:
                    p.send_signal(signal.SIGKILL)
                    p.wait()
                    print(f"killed {name} (pid {pid}) with {drafts()} drafts at t={t:.0f}s")
                    spawn("scheduler3", [sys.executable, "-c", SLOW_SCHEDULER], sched_env)
                    killed = True
        if 40 <= t < 41 and len(outages) == 1:
            proxy.stop()
            down = time.monotonic()
            time.sleep(3)
            proxy = TcpProxy(real.host, real.port, port=proxy.port).start()
            outages.append((down, time.monotonic()))
        time.sleep(0.2)
    stop.set()
    for w in writers:
        w.join(timeout=60)
    deadline = time.monotonic() + 90
    while drafts() < PROMISES and time.monotonic() < deadline:
        time.sleep(1)
    for _name, p in procs.items():
        if p.poll() is None:
            p.terminate()
    for p in procs.values():
        p.wait(timeout=60)
    proxy.stop()

    def in_outage(moment):
        return any(a - 1 <= moment <= b + 5 for a, b in outages)

    codes = Counter(code for *_, code in results)
    bad = [(k, x, c) for m, k, x, c in results
           if not isinstance(c, int) or (c >= 500 and not (c == 503 and in_outage(m)))]
    acked = {kind: [x for _, k, x, c in results if k == kind and c == 302]
             for kind in ("log", "status", "edit")}
    with app.app_context():
        notes = Counter(db.session.scalars(sa.select(LogEntry.note)))
        events = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.entity == "activity", AuditEvent.action == "update")).all()
        reasons = Counter(e.changes["status_reason"][1] for e in events
                          if "status_reason" in e.changes)
        titles = Counter(e.changes["title"][1] for e in events if "title" in e.changes)
        runs = db.session.execute(sa.select(JobRun.job, JobRun.key, JobRun.outcome,
                                            JobRun.attempts)).all()
        followups = db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp))
        db.session.remove()
    print("logs of the processes:", LOGDIR)
    print("requests:", len(results), dict(codes))
    for a, b in outages:
        late = [m - b for m, *_, c in results if c == 503 and a - 1 <= m <= b + 5]
        print(f"outage of {b - a:.1f} s: {len(late)} answers 503, the last "
              f"{max(late or [0]):.1f} s after the database was back")
    print("5xx or connection errors outside the outages:", len(bad), bad[:10])
    for kind, texts in acked.items():
        seen = {"log": notes, "status": reasons, "edit": Counter(
            t.removeprefix("Rubrik ") for t in titles)}[kind]
        once = sum(1 for x in texts if seen[x] == 1)
        print(f"acknowledged {kind}: {len(texts)}, present exactly once: {once}")
    print("compile_followups runs:", [r for r in runs if r[0] == "compile_followups"])
    print(f"follow-ups drafted: {followups} of {PROMISES}")


if __name__ == "__main__":
    main()
