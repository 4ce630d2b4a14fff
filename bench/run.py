"""`make bench`: generate S and L on PostgreSQL, compile follow-ups, load-test pages with wrk.

Environment: TRACKER_DATABASE_URL (a PostgreSQL database to use; else the local cluster is
started and a `tracker_bench` database created, as .ci/run does), BENCH_SCALES ("S L"),
BENCH_DURATION (30 s per page), BENCH_CONNECTIONS (32), BENCH_WORKERS (gunicorn workers, 4),
BENCH_THREADS (wrk threads, 2), BENCH_REUSE (1: keep an earlier run's data). Each scale gets its own schema (bench_s, bench_l), dropped
and recreated, so a run never reads an earlier run's rows. Results: bench/results/<UTC>.json.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLASK = str(BIN / "flask")
GUNICORN = str(BIN / "gunicorn")
LUA = ROOT / "bench" / "wrk" / "report.lua"
LOCAL_URL = "postgresql+psycopg://tracker:tracker@127.0.0.1:5432/tracker_bench"
TARGETS = {  # issue 7
    "compile_s_ms": 200, "compile_l_s": 60, "compile_l_peak_mb": 500, "p95_ms": 100,
    "log_post_rps": 150, "list_vs_floor": 0.5, "generate_l_s": 600,
}


def say(text: str) -> None:
    print(text, flush=True)


def ensure_database() -> str:
    """TRACKER_DATABASE_URL if set; else start the local PostgreSQL 15 and create the database."""
    url = os.environ.get("TRACKER_DATABASE_URL", "")
    if url:
        if not url.startswith("postgresql"):
            sys.exit("TRACKER_DATABASE_URL must point at PostgreSQL for the benchmark.")
        return url
    if os.geteuid() == 0:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"],
                       check=False, capture_output=True)
        for _ in range(30):
            ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"],
                                   check=False)
            if ready.returncode == 0:
                break
            time.sleep(1)
        sql = """DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tracker') THEN
            CREATE ROLE tracker LOGIN PASSWORD 'tracker';
          END IF; END $$;"""
        subprocess.run(["su", "postgres", "-c", "psql -q -v ON_ERROR_STOP=1"], input=sql,
                       text=True, check=True)
        exists = subprocess.run(
            ["su", "postgres", "-c",
             "psql -Atc \"SELECT 1 FROM pg_database WHERE datname = 'tracker_bench'\""],
            capture_output=True, text=True, check=False).stdout.strip()
        if not exists:
            subprocess.run(["su", "postgres", "-c", "createdb -O tracker tracker_bench"], check=True)
    return LOCAL_URL


def fresh_schema(url: str, schema: str) -> str:
    """Drop and create `schema`; the URL's connections use it (like tests/conftest.py)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


def flask(url: str, *args: str) -> dict:
    """Run `flask ...` against the database; its last output line is JSON."""
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "FLASK_APP": "wsgi"}
    done = subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def prepare(url: str, scale: str) -> dict:
    flask(url, "db", "upgrade")
    say(f"[{scale}] generating ...")
    generated = flask(url, "bench", "generate", "--scale", scale)
    say(f"[{scale}] generated in {generated['seconds']} s: {generated}")
    return generated


# --- load test -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on loopback, the same settings for the app and the floor."""

    def __init__(self, app: str, url: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_ENV": "development",
               "TRACKER_LOGIN_RATE_LIMIT": "100000 per minute"}
        workers = os.environ.get("BENCH_WORKERS", "4")
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", workers, "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--backlog", "2048",
             "--no-control-socket",  # two servers run side by side
             app],
            cwd=ROOT, env=env)

    def wait(self, path: str) -> None:
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + path, timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Session:
    """A logged-in browser: cookie jar, CSRF tokens read from the forms."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as error:
            return error.code

    def csrf(self, path: str) -> str:
        status, html = self.get(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return match.group(1)

    def login(self, email: str, password: str) -> None:
        token = self.csrf("/login")
        status = self.post("/login", {"csrf_token": token, "email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"login failed ({status})")

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def wrk(url: str, *, method: str = "GET", body: str = "", cookie: str = "",
        expect: int = 200, once_field: str = "") -> dict:
    """`once_field`: the form's one-time key, a new one in every request (bench/wrk/report.lua)."""
    duration = os.environ.get("BENCH_DURATION", "30")
    connections = os.environ.get("BENCH_CONNECTIONS", "32")
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body, "BENCH_COOKIE": cookie,
           "BENCH_EXPECT": str(expect), "BENCH_ONCE_FIELD": once_field}
    done = subprocess.run(
        ["wrk", "-t", os.environ.get("BENCH_THREADS", "2"), "-c", connections,
         "-d", f"{duration}s", "--timeout", "10s", "-s", str(LUA), url],
        env=env, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = (raw["errors_connect"] + raw["errors_read"] + raw["errors_write"]
              + raw["errors_timeout"] + raw["unexpected_status"])
    return {"rps": round(raw["requests"] / seconds, 1), "requests": raw["requests"],
            "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000,
            "errors": errors, "non_2xx_3xx": raw["non_2xx_3xx"], "raw": raw}


def process_cpu(servers: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each named server (its gunicorn master and the workers whose
    parent it is) and by PostgreSQL's processes on this machine, from /proc (Linux)."""
    hz = os.sysconf("SC_CLK_TCK")
    owners = {pid: name for name, pid in servers.items()}
    used: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue  # the process ended meanwhile
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        name = (owners.get(int(pid)) or owners.get(int(fields[1]))
                or ("postgres" if command.startswith("postgres") else None))
        if name:
            used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / hz
    return used


def measured(server: Server, url: str, **options) -> dict:
    """A wrk run, with the CPU milliseconds per request of the server and of PostgreSQL."""
    name = {"server": server.process.pid}
    before = process_cpu(name)
    result = wrk(url, **options)
    after = process_cpu(name)
    result["cpu_ms_per_request"] = {
        key: round((after[key] - before.get(key, 0.0)) * 1000 / max(result["requests"], 1), 2)
        for key in after}
    return result


def load_test(url: str, targets: dict) -> dict:
    """Every page under load, and the floor right before and right after the activity list.

    The machine's speed drifts over minutes (a shared 2-core VM: the floor alone has measured
    277-383 req/s in different runs), so the ratio compares the list with the floor measured
    on either side of it, not with one floor run minutes later."""
    from bench.pages import PAGES

    results = {}
    server = Server("wsgi:app", url)
    floor = Server("bench.floor_app:app", url)  # idle while the app's pages run
    floor_path = PAGES[1][2].format(mid=targets["municipality_id"], year=targets["year"])
    floor_runs = []
    try:
        server.wait("/login")
        floor.wait(floor_path)
        for name, method, template in PAGES:
            path = template.format(mid=targets["municipality_id"], aid=targets["activity_id"],
                                   fid=targets["followup_id"], year=targets["year"],
                                   slug=targets["slug"], pid=targets["promise_id"])
            browser = Session(server.base)
            browser.login(targets["email"], targets["password"])  # fresh: idle timeout is 30 min
            body, expect, once_field = "", 200, ""
            if method == "POST":
                once_field = "once_key"  # every request a first sending, as from a phone
                form = dict(targets["log_form"], csrf_token=browser.csrf(path))
                body, expect = urllib.parse.urlencode(form), 302
                status = browser.post(path, form)
            else:
                status = browser.get(path)[0]
            if status != expect:
                raise RuntimeError(f"{name}: {method} {path} answered {status}, not {expect}")
            if name == "activity_list":
                floor_runs.append(_floor_run(floor, floor_path, "before"))
            say(f"  wrk {name}: {method} {path}")
            load = os.getloadavg()
            results[name] = measured(server, server.base + path, method=method, body=body,
                                     cookie=browser.cookie(), expect=expect,
                                     once_field=once_field)
            results[name]["loadavg_before"] = load
            say(f"    {fmt(results[name])}")
            if name == "activity_list":
                floor_runs.append(_floor_run(floor, floor_path, "after"))
    finally:
        server.stop()
        floor.stop()
    results["floor"] = _mean_of(floor_runs)
    say(f"  floor, mean of the runs before and after the list:\n    {fmt(results['floor'])}")
    return results


def _floor_run(floor: Server, path: str, when: str) -> dict:
    say(f"  wrk floor ({when} the activity list): GET {path}")
    load = os.getloadavg()
    result = measured(floor, floor.base + path)
    result["loadavg_before"] = load
    say(f"    {fmt(result)}")
    return result


def _mean_of(runs: list[dict]) -> dict:
    """The floor's figures: the mean of its runs (errors summed), each run kept as measured."""
    mean = {key: round(sum(r[key] for r in runs) / len(runs), 1)
            for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    return {**mean, "errors": sum(r["errors"] for r in runs), "runs": runs}


def fmt(r: dict) -> str:
    cpu = r.get("cpu_ms_per_request")
    return (f"{r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
            f"p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}"
            + (f"  CPU ms/request: server {cpu.get('server', 0):.2f}, PostgreSQL "
               f"{cpu.get('postgres', 0):.2f}" if cpu else ""))


# --- the run ---------------------------------------------------------------------------------


def main() -> None:
    sys.path.insert(0, str(ROOT))
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench does it when run as root).")
    scales = os.environ.get("BENCH_SCALES", "S L").split()
    base = ensure_database()
    result: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                    "scales": scales, "cpus": os.cpu_count(), "targets": TARGETS,
                    "settings": {k: os.environ.get(k) for k in (
                        "BENCH_DURATION", "BENCH_CONNECTIONS", "BENCH_WORKERS", "BENCH_THREADS")},
                    "generate": {}, "statements": {}, "cpu_ms_per_request": {}, "compile": {},
                    "loadavg_start": os.getloadavg()}
    urls = {}
    for scale in scales:
        schema = f"bench_{scale.lower()}"
        if os.environ.get("BENCH_REUSE"):  # development: keep the data of an earlier run
            url = urls[scale] = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
            flask(url, "db", "upgrade")
        else:
            url = urls[scale] = fresh_schema(base, schema)
            result["generate"][scale] = prepare(url, scale)
        mark = flask(url, "bench", "last-entry")["id"]
        measured = flask(url, "bench", "statements")
        flask(url, "bench", "forget-load", "--after-id", str(mark))  # its POSTs logged occasions
        result["statements"][scale] = measured["statements"]
        result["cpu_ms_per_request"][scale] = measured["cpu_ms"]
        say(f"[{scale}] app CPU ms per request (in-process): {measured['cpu_ms']}")
        say(f"[{scale}] statements per request: {result['statements'][scale]}")
        if scale == "S":
            result["compile"]["S"] = flask(url, "bench", "compile-one", "--runs", "5")
            say(f"[S] compile one follow-up, median of 5: "
                f"{result['compile']['S']['median_seconds'] * 1000:.0f} ms")
    big = "L" if "L" in scales else scales[-1]
    targets = flask(urls[big], "bench", "targets")
    if big == "L":
        result["compile"]["L"] = flask(urls[big], "bench", "compile-all", "--year",
                                       str(targets["year"]))
        say(f"[L] compile all follow-ups: {result['compile']['L']}")
    say(f"[{big}] load test: {os.environ.get('BENCH_DURATION', '30')} s per page, "
        f"{os.environ.get('BENCH_CONNECTIONS', '32')} connections")
    result["load_scale"] = big
    mark = flask(urls[big], "bench", "last-entry")["id"]
    result["load"] = load_test(urls[big], targets)
    say(f"[{big}] the load test's own entries removed: "
        f"{flask(urls[big], 'bench', 'forget-load', '--after-id', str(mark))}")
    result["list_vs_floor"] = round(result["load"]["activity_list"]["rps"]
                                    / result["load"]["floor"]["rps"], 3)
    result["verdicts"] = verdicts(result)
    out = ROOT / "bench" / "results" / (
        datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    say("\n" + "\n".join(f"{'OK  ' if ok else 'MISS'} {text}" for text, ok in result["verdicts"]))
    say(f"\nWritten to {out.relative_to(ROOT)}")


def verdicts(r: dict) -> list[tuple[str, bool]]:
    t, out = TARGETS, []
    if "S" in r["compile"]:
        ms = r["compile"]["S"]["median_seconds"] * 1000
        out.append((f"compile at S {ms:.0f} ms < {t['compile_s_ms']} ms", ms < t["compile_s_ms"]))
    if "L" in r["compile"]:
        c = r["compile"]["L"]
        out.append((f"compile all of L {c['seconds']:.1f} s < {t['compile_l_s']} s",
                    c["seconds"] < t["compile_l_s"]))
        peak = (f"compile all of L peak RSS {c['peak_rss_mb']:.0f} MB < "
                f"{t['compile_l_peak_mb']} MB")
        out.append((peak, c["peak_rss_mb"] < t["compile_l_peak_mb"]))
    if "L" in r["generate"]:
        s = r["generate"]["L"]["seconds"]
        out.append((f"generate L {s:.0f} s < {t['generate_l_s']} s", s < t["generate_l_s"]))
    for name, m in r["load"].items():
        if name == "floor":
            continue
        out.append((f"{name}: p95 {m['p95_ms']:.1f} ms < {t['p95_ms']} ms, errors {m['errors']}",
                    m["p95_ms"] < t["p95_ms"] and m["errors"] == 0))
    post = r["load"]["log_post"]["rps"]
    out.append((f"log_post {post:.0f} req/s > {t['log_post_rps']}", post > t["log_post_rps"]))
    out.append((f"activity list / floor {r['list_vs_floor']:.2f} >= {t['list_vs_floor']}",
                r["list_vs_floor"] >= t["list_vs_floor"]))
    counts = r["statements"]
    if len(counts) > 1:
        first, *rest = counts.values()
        same = all(c == first for c in rest)
        out.append((f"statements per request identical across {', '.join(counts)}: {counts}",
                    same))
    return out


if __name__ == "__main__":
    main()
