"""The benchmark: the exchange against the bare reference (bench/reference.py), side by side.

For each database (SQLite file, PostgreSQL 15) and each number of ratings (10k, 100k, 1M by
default), it generates the data (bench/generate.py), serves the exchange (wsgi.py) and the
reference with `gunicorn -w 2` on free ports and the same database, and drives each
endpoint with wrk: a warm-up of each, a wait until both servers are idle (a warm-up
request can outlive wrk), 16 connections in interleaved rounds (exchange, reference,
reference, exchange: who goes first alternates; medians of two), then one connection; after an
endpoint that writes, the database is vacuumed and checkpointed. It reports requests/s, p50 and p99,
non-2xx answers, RSS per worker (/proc) and SQL statements per request (counted in this
process with an engine listener, through each app's test client), writes
bench/results/<date>.json and .md, plots p99 against the number of ratings (PNG), rewrites
the summary in bench/README.md and prints the issue's goals as met / not met. After the
rounds of each size it times `flask export-open-data` on the same data (and its peak RSS).

    python bench/drive.py                                  # the full run: make bench
    python bench/drive.py --ratings 10000 --round-seconds 3 --databases sqlite

The exchange runs with RATELIMIT_ENABLED=0 (exchange/config.py reads it), so its rate
limits never refuse a measured request. PostgreSQL: a throwaway cluster (as
tests/with_postgres.sh starts one: as the postgres user when run as root, fsync off), or
BENCH_DATABASE_URL, a throwaway database whose schema is dropped before each size.
"""
import argparse
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import generate

RESULTS = BENCH / "results"
LUA = BENCH / "wrk" / "requests.lua"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
API = "/api/v1"
ENDPOINTS = ["challenge list", "pitch list by score", "one pitch", "ranking", "rating",
             "comment"]
READS = {"challenge list": 10, "pitch list by score": 10, "one pitch": 10, "ranking": 20}
SERVER_ENV = {
    "RATELIMIT_ENABLED": "0",  # exchange/config.py: limits off, nothing measured is refused
    "SECRET_KEY": "bench-secret-key",
    "EXCHANGE_ENV": "development",
}


# ---- requests -----------------------------------------------------------------------------

def request_lines(manifest: dict, rng: random.Random) -> dict[str, list[tuple]]:
    """Each endpoint's requests: (method, path, token, body)."""
    hot, tokens = manifest["hot_challenge"], manifest["tokens"]
    open_pitches = manifest["open_pitches"]
    return {
        "challenge list": [("GET", f"{API}/challenges", "", "")],
        "pitch list by score": [("GET", f"{API}/challenges/{hot}/pitches?sort=score", "", "")],
        "one pitch": [("GET", f"{API}/pitches/{p}", "", "") for p in manifest["hot_pitches"]],
        "ranking": [("GET", f"{API}/challenges/{hot}/ranking", "", "")],
        "rating": [("PUT", f"{API}/pitches/{rng.choice(open_pitches)}/rating",
                    rng.choice(tokens), json.dumps({"stars": rng.randint(1, 5)}))
                   for _ in range(5_000)],
        "comment": [("POST", f"{API}/pitches/{rng.choice(open_pitches)}/comments",
                     rng.choice(tokens), json.dumps({"body": f"Question {i} about this."}))
                    for i in range(2_000)],
    }


def write_request_files(lines: dict, folder: Path) -> dict[str, Path]:
    files = {}
    for name, requests in lines.items():
        path = folder / (name.replace(" ", "_") + ".tsv")
        path.write_text("".join("\t".join(map(str, r)) + "\n" for r in requests))
        files[name] = path
    return files


# ---- servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(name: str, target: str, url: str, log: Path):
    """gunicorn -w 2 serving `target` on a free port; yields (base URL, master process)."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--pythonpath",
               str(BENCH), "--backlog", "2048", target]
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}{API}/challenges", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"{name} did not start: see {log}")
                time.sleep(0.1)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _status(pid: int | str) -> dict | None:
    """A process's /proc status fields (name: raw value), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return dict(line.split(":", 1) for line in status.splitlines() if ":" in line)


def _processes() -> dict[int, dict]:
    """Every process's /proc status fields, by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _status(entry.name)) is not None:
            found[int(entry.name)] = fields
    return found


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each worker of a gunicorn master, from /proc."""
    return sorted(round(int(fields["VmRSS"].split()[0]) / 1024, 1)
                  for fields in _processes().values()
                  if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields)


def _descendants(master_pids: list[int]) -> list[int]:
    """The workers of gunicorn masters and whatever they started (a child computing figures)."""
    parents = {pid: int(fields.get("PPid", "0").strip() or 0)
               for pid, fields in _processes().items()}
    found, wanted = [], set(master_pids)
    for pid in sorted(parents):
        ancestor = parents[pid]
        while ancestor and ancestor not in wanted and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor in wanted:
            found.append(pid)
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by `pids` (those still running)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


# A server is idle when its workers used at most this much CPU over this long.
IDLE_CPU_SECONDS, IDLE_WINDOW_SECONDS, IDLE_MOST_SECONDS = 0.02, 0.5, 120.0


def wait_until_idle(master_pids: list[int]) -> float:
    """Wait until the servers' workers (and their children) are idle: a warm-up's requests
    can outlive wrk (the reference computes a ranking's figures of certainty inline, seconds
    at a million ratings), and their work must not fall into the next measured round.
    Returns the seconds waited."""
    started, quiet = time.monotonic(), 0
    while quiet < 2 and time.monotonic() - started < IDLE_MOST_SECONDS:  # two windows running
        pids = _descendants(master_pids)
        before = _cpu_seconds(pids)
        time.sleep(IDLE_WINDOW_SECONDS)
        quiet = quiet + 1 if _cpu_seconds(pids) - before <= IDLE_CPU_SECONDS else 0
    return round(time.monotonic() - started, 2)


# ---- wrk ----------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def wrk(base: str, requests: Path, connections: int, seconds: float) -> dict:
    """One wrk round: requests/s, p50 and p99 in ms, non-2xx answers, socket errors."""
    threads = min(2, connections)
    output = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
         "--timeout", "10s", "--latency", "-s", str(LUA), base, "--", str(requests)],
        capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": _ms(latency["50"]), "p99_ms": _ms(latency["99"]),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": sum(map(int, errors.groups())) if errors else 0}


# ---- SQL statements per request -------------------------------------------------------------

def statements_per_request(url: str, lines: dict) -> dict[str, dict[str, float]]:
    """Mean SQL statements per request of each endpoint, each app in this process with a
    listener on its engine (one pitch over 200 requests, so batched view writes count)."""
    import reference
    from sqlalchemy import event

    from exchange import create_app
    from exchange.extensions import db
    from exchange.voting.held_certainty import settle

    exchange = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                           "SECRET_KEY": SERVER_ENV["SECRET_KEY"]})
    with exchange.app_context():
        exchange_engine = db.engine
    bare = reference.create(url)
    counted = {}
    rng = random.Random(7)
    for app_name, app, engine in (("exchange", exchange, exchange_engine),
                                  ("reference", bare, bare.extensions["engine"])):
        seen = [0]

        def count(*_args, seen=seen):
            seen[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        client = app.test_client()
        for endpoint, requests in lines.items():
            n = 200 if endpoint == "one pitch" else 20
            sample = [rng.choice(requests) for _ in range(n + 2)]
            for method, path, token, body in sample[:2]:  # warm-up: caches filled
                client.open(path, method=method, data=body or None,
                            headers=_headers(token, body))
            if app_name == "exchange":  # figures of certainty computed in the background
                settle(app)
            seen[0] = 0
            for method, path, token, body in sample[2:]:
                client.open(path, method=method, data=body or None,
                            headers=_headers(token, body))
            counted.setdefault(endpoint, {})[app_name] = round(seen[0] / n, 2)
        event.remove(engine, "before_cursor_execute", count)
    bare.extensions["flush_views"]()
    bare.extensions["engine"].dispose()
    exchange_engine.dispose()
    return counted


def _headers(token: str, body: str) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body:
        headers["Content-Type"] = "application/json"
    return headers


# ---- databases ----------------------------------------------------------------------------

class Postgres:
    """A throwaway PostgreSQL 15 cluster (as tests/with_postgres.sh makes one)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.root = os.geteuid() == 0

    def _run(self, *command):
        if self.root:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.folder.mkdir(parents=True)
        if self.root:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        self._run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8")
        settings = (f"port = {self.port}\nunix_socket_directories = '{self.folder}'\n"
                    "listen_addresses = '127.0.0.1'\nmax_connections = 200\nfsync = off\n"
                    "synchronous_commit = off\nfull_page_writes = off\n"
                    "shared_buffers = 256MB\n")
        self._run("sh", "-c", f"cat >> {data}/postgresql.conf <<'CONF'\n{settings}CONF")
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"),
                  "-w", "start")

    def database(self, name: str) -> str:
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                  "stop")


def emptied(url: str) -> str:
    """BENCH_DATABASE_URL with its schema dropped: each size starts from nothing."""
    from sqlalchemy import create_engine, text

    url = generate.normalised_url(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


# ---- one measurement ------------------------------------------------------------------------

WRITES = ("rating", "comment")


def settle_database(url: str) -> None:
    """After an endpoint that writes: its dead rows vacuumed and its pages written now, not
    by autovacuum or the checkpointer while the next endpoint is measured (SQLite: the
    write-ahead log folded back into the database)."""
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                generate.vacuum_and_checkpoint(connection)
    finally:
        engine.dispose()


def certainty_ahead(url: str, manifest: dict) -> float:
    """The ranked challenge's figures of certainty computed and kept in the database before
    the rounds, as a running exchange has them (every server reads them there; a version
    is simulated once for the exchange, off the requests). Returns the seconds they took
    in this process, reported on their own: the ranking rounds measure answering."""
    from exchange import create_app
    from exchange.extensions import db
    from exchange.voting import held_certainty

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": SERVER_ENV["SECRET_KEY"]})
    with app.app_context():
        started = time.perf_counter()
        held_certainty.compute_and_store(manifest["hot_challenge"])
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return round(seconds, 2)


def measure(url: str, manifest: dict, args, folder: Path) -> dict:
    rng = random.Random(11)
    lines = request_lines(manifest, rng)
    files = write_request_files(lines, folder)
    print("  SQL statements per request (in process)...", flush=True)
    statements = statements_per_request(url, lines)
    figures_seconds = certainty_ahead(url, manifest)
    results = {e: {"exchange": {}, "reference": {}} for e in ENDPOINTS}
    with served("exchange", "wsgi:app", url, folder / "exchange.log") as (ex_base, ex_proc), \
            served("reference", "reference:app", url, folder / "reference.log") \
            as (ref_base, ref_proc):
        apps = {"exchange": ex_base, "reference": ref_base}
        for endpoint in ENDPOINTS:
            for base in apps.values():  # warm-up: imports, caches, connections
                wrk(base, files[endpoint], 4, 1)
            waited = wait_until_idle([ex_proc.pid, ref_proc.pid])
            rounds = {"exchange": [], "reference": []}
            for turn in range(args.rounds):
                # Who goes first alternates (A B, B A, ...), so whatever the database is
                # doing in the background falls on both apps alike.
                order = list(apps.items())
                for name, base in order if turn % 2 == 0 else order[::-1]:
                    rounds[name].append(wrk(base, files[endpoint], args.connections,
                                            args.round_seconds))
            single = {name: wrk(base, files[endpoint], 1, args.round_seconds)
                      for name, base in apps.items()}
            for name in apps:
                got = rounds[name]
                results[endpoint][name] = {
                    "rps": round(statistics.median(r["rps"] for r in got), 1),
                    "p50_ms": round(statistics.median(r["p50_ms"] for r in got), 2),
                    "p99_ms": round(statistics.median(r["p99_ms"] for r in got), 2),
                    "p50_ms_1": round(single[name]["p50_ms"], 2),
                    "p99_ms_1": round(single[name]["p99_ms"], 2),
                    "rps_1": round(single[name]["rps"], 1),
                    "non_2xx": sum(r["non_2xx"] for r in got) + single[name]["non_2xx"],
                    "socket_errors": sum(r["socket_errors"] for r in got)
                    + single[name]["socket_errors"],
                    "requests": sum(r["requests"] for r in got) + single[name]["requests"],
                    "statements": statements[endpoint][name],
                    "rounds": got,
                }
            ex, ref = results[endpoint]["exchange"], results[endpoint]["reference"]
            results[endpoint]["ratio_to_reference"] = round(ex["rps"] / ref["rps"], 3) \
                if ref["rps"] else None
            results[endpoint]["idle_wait_seconds"] = waited
            results[endpoint]["p99_ratio_to_reference"] = round(
                ex["p99_ms"] / ref["p99_ms"], 3) if ref["p99_ms"] else None
            print(f"  {endpoint:20} exchange {ex['rps']:8.1f} req/s p99 {ex['p99_ms']:7.1f} ms"
                  f" | reference {ref['rps']:8.1f} req/s p99 {ref['p99_ms']:7.1f} ms"
                  f" | ratio {results[endpoint]['ratio_to_reference']}"
                  f" | non-2xx {ex['non_2xx']}/{ref['non_2xx']}", flush=True)
            if endpoint in WRITES:
                settle_database(url)
        rss = {"exchange": worker_rss_mb(ex_proc.pid), "reference": worker_rss_mb(ref_proc.pid)}
    return {"endpoints": results, "rss_mb": rss, "certainty_seconds": figures_seconds}


# ---- the open data export ----------------------------------------------------------------

EXPORT_GOAL_RATINGS, EXPORT_GOAL_SECONDS = 1_000_000, 60  # "a million ratings in under a minute"


def _high_water_kib(pid: int) -> int:
    """A running process's peak resident memory (VmHWM) in KiB; 0 once it is gone."""
    fields = _status(pid) or {}
    return int(fields["VmHWM"].split()[0]) if "VmHWM" in fields else 0


def export_open_data(url: str, folder: Path) -> dict:
    """Time `flask export-open-data` on the generated database, run as an operator runs it
    (its own process, after the servers stopped), with its peak RSS (its own VmHWM)."""
    target, log = folder / "open-data", folder / "export.log"
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "export-open-data", str(target)]
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    started = time.perf_counter()
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
        # Its own high-water mark (VmHWM, of the memory it got at exec), read until it ends.
        # Not wait4's ru_maxrss: a process keeps the mark of the one it was forked from, and
        # this driver, which ran both apps in process, is bigger than the export.
        peak_kib = 0
        while process.poll() is None:
            peak_kib = max(peak_kib, _high_water_kib(process.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"flask export-open-data failed; see {log}:\n{log.read_text()}")
    rows = dict(re.findall(r"^(\w+): (\d+) row", log.read_text(), re.MULTILINE))
    size = sum(path.stat().st_size for path in target.iterdir())
    shutil.rmtree(target)
    result = {"seconds": round(seconds, 1), "peak_rss_mb": round(peak_kib / 1024, 1),
              "rows": {name: int(n) for name, n in rows.items()}, "megabytes": round(size / 1e6)}
    print(f"  open data export: {result['seconds']} s, peak RSS {result['peak_rss_mb']} MB, "
          f"{result['rows'].get('ratings', 0):,} rating rows, {result['megabytes']} MB",
          flush=True)
    return result


def export_goals(runs: list[dict], check) -> None:
    """The export's goal, judged on each database's runs of a million ratings or more."""
    for run in runs:
        export = run.get("open_data_export")
        if export and run["ratings"] >= EXPORT_GOAL_RATINGS:
            check(f"open data export < {EXPORT_GOAL_SECONDS} s at {EXPORT_GOAL_RATINGS:,} "
                  "ratings", run["database"], "export-open-data",
                  f"{export['seconds']} s, peak RSS {export['peak_rss_mb']} MB at "
                  f"{run['ratings']:,} ratings", export["seconds"] < EXPORT_GOAL_SECONDS)


def export_lines(runs: list[dict]) -> list[str]:
    """The export's figures, one line a run, for the markdown report."""
    return ["", "Open data export (`flask export-open-data`, its own process):", ""] + [
        f"- {run['database']}, {run['ratings']:,} ratings: {e['seconds']} s, peak RSS "
        f"{e['peak_rss_mb']} MB, {e['megabytes']} MB written"
        for run in runs if (e := run.get("open_data_export"))]


# ---- goals --------------------------------------------------------------------------------

def goals(runs: list[dict]) -> list[dict]:
    """The issue's goals, each with its figure, on the largest size of each database."""
    checked = []

    def check(goal, database, endpoint, figure, met):
        checked.append({"goal": goal, "database": database, "endpoint": endpoint,
                        "figure": figure, "met": bool(met)})

    for database in sorted({r["database"] for r in runs}):
        mine = sorted((r for r in runs if r["database"] == database), key=lambda r: r["ratings"])
        largest, smallest = mine[-1], mine[0]
        size = f"{largest['ratings']:,} ratings"
        for endpoint in ENDPOINTS:
            e = largest["endpoints"][endpoint]
            ex, ref = e["exchange"], e["reference"]
            check("req/s >= 0.6 x reference", database, endpoint,
                  f"{e['ratio_to_reference']} at {size}", (e["ratio_to_reference"] or 0) >= 0.6)
            check("p99 (16 conn) <= 1.5 x reference p99", database, endpoint,
                  f"{ex['p99_ms']} ms vs {ref['p99_ms']} ms "
                  f"({e['p99_ratio_to_reference']})",
                  ex["p99_ms"] <= 1.5 * ref["p99_ms"])
            if endpoint in READS:
                check(f"median at 1 connection < {READS[endpoint]} ms", database, endpoint,
                      f"{ex['p50_ms_1']} ms", ex["p50_ms_1"] < READS[endpoint])
            if largest is not smallest:
                before = smallest["endpoints"][endpoint]["exchange"]["p99_ms"]
                check("p99 at largest <= 1.2 x p99 at smallest", database, endpoint,
                      f"{ex['p99_ms']} ms at {size} vs {before} ms at "
                      f"{smallest['ratings']:,}", ex["p99_ms"] <= 1.2 * before)
        rss = max(largest["rss_mb"]["exchange"], default=0)
        check("< 200 MB per worker", database, "all", f"{rss} MB at {size}", 0 < rss < 200)
        for endpoint, most in (("rating", 8), ("ranking", 4)):
            n = largest["endpoints"][endpoint]["exchange"]["statements"]
            check(f"<= {most} SQL statements", database, endpoint, f"{n}", n <= most)
    export_goals(runs, check)
    return checked


# ---- output -------------------------------------------------------------------------------

def markdown_table(runs: list[dict]) -> str:
    lines = [("| database | ratings | endpoint | req/s exchange / reference | ratio | "
             "p50 ms (16) | p99 ms (16) exchange / reference | p50 ms (1) exchange / "
             "reference | non-2xx | SQL/request exchange / reference |"),
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for run in runs:
        for endpoint in ENDPOINTS:
            e = run["endpoints"][endpoint]
            ex, ref = e["exchange"], e["reference"]
            lines.append(
                f"| {run['database']} | {run['ratings']:,} | {endpoint} | "
                f"{ex['rps']:,.0f} / {ref['rps']:,.0f} | {e['ratio_to_reference']:.2f} | "
                f"{ex['p50_ms']:.1f} | {ex['p99_ms']:.1f} / {ref['p99_ms']:.1f} | "
                f"{ex['p50_ms_1']:.1f} / {ref['p50_ms_1']:.1f} | "
                f"{ex['non_2xx']} / {ref['non_2xx']} | "
                f"{ex['statements']:g} / {ref['statements']:g} |")
    return "\n".join(lines)


def markdown(report: dict) -> str:
    runs = report["runs"]
    out = [f"# Benchmark {report['date']}", "",
           (f"{report['machine']}; gunicorn -w 2 for both apps; wrk at "
           f"{report['connections']} connections, {report['rounds']} interleaved rounds of "
           f"{report['round_seconds']} s, the first app alternating (medians), then one connection for one round."), "",
           markdown_table(runs), "", "RSS per worker (MB), exchange / reference:", ""]
    for run in runs:
        out.append(f"- {run['database']}, {run['ratings']:,} ratings: "
                   f"{run['rss_mb']['exchange']} / {run['rss_mb']['reference']}; data "
                   f"generated in {run['generation']['total']:.0f} s (tallies recounted in "
                   f"{run['generation']['recount']:.0f} s); the ranked challenge's figures"
                   f" of certainty computed ahead in {run.get('certainty_seconds', 0):.1f} s")
    out += export_lines(runs)
    out += ["", "Goals:", "", "| goal | database | endpoint | figure | |", "|---|---|---|---|---|"]
    out += [f"| {g['goal']} | {g['database']} | {g['endpoint']} | {g['figure']} | "
            f"{'met' if g['met'] else 'NOT MET'} |" for g in report["goals"]]
    return "\n".join(out) + "\n"


def plot(runs: list[dict], path_of) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for database in sorted({r["database"] for r in runs}):
        mine = sorted((r for r in runs if r["database"] == database), key=lambda r: r["ratings"])
        figure, axes = plt.subplots(2, 3, figsize=(13, 7), constrained_layout=True)
        for axis, endpoint in zip(axes.flat, ENDPOINTS):
            sizes = [r["ratings"] for r in mine]
            for name, style in (("exchange", "o-"), ("reference", "s--")):
                axis.plot(sizes, [r["endpoints"][endpoint][name]["p99_ms"] for r in mine],
                          style, label=name)
            axis.set_xscale("log")
            axis.set_title(endpoint)
            axis.set_xlabel("ratings")
            axis.set_ylabel("p99 ms, 16 connections")
            axis.set_ylim(bottom=0)
            axis.legend()
        figure.suptitle(f"p99 against data size, {database}")
        path = path_of(database)
        figure.savefig(path, dpi=90)
        plt.close(figure)
        written.append(path)
    return written


def rewrite_readme_summary(report: dict, json_path: Path) -> None:
    readme = BENCH / "README.md"
    start, end = "<!-- summary:start -->", "<!-- summary:end -->"
    text = readme.read_text()
    met = sum(g["met"] for g in report["goals"])
    unmet = [f"- {g['goal']} ({g['database']}, {g['endpoint']}): {g['figure']}"
             for g in report["goals"] if not g["met"]]
    summary = "\n".join([
        start,
        (f"Latest run: {report['date']} ({json_path.name}), {report['machine']}; "
        f"{report['round_seconds']} s rounds. Goals met: {met} of {len(report['goals'])}."),
        "", markdown_table(report["runs"]), "",
        *(["Goals not met:", "", *unmet] if unmet else ["Goals not met: none."]), "", end])
    if start in text:
        text = text[:text.index(start)] + summary + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n## Summary of the latest run\n\n" + summary + "\n"
    readme.write_text(text)


# ---- main ---------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--ratings", default="10000,100000,1000000",
                        help="comma-separated numbers of ratings, one run each")
    parser.add_argument("--round-seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    for name, value in vars(generate.Sizes()).items():
        if name != "ratings":
            parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian's package `wrk`).")
    databases = args.databases.split(",")
    ratings = [int(n) for n in args.ratings.split(",")]
    date = datetime.now().strftime("%Y-%m-%d-%H%M")
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
               f"Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="exchange-bench-"))
    os.chmod(work, 0o755)
    runs, postgres = [], None
    try:
        for database in databases:
            for n in ratings:
                if database == "postgresql" and not os.environ.get("BENCH_DATABASE_URL"):
                    # A new cluster for each size: nothing of the last size's database
                    # (its buffers, its autovacuum) falls on this one's rounds.
                    postgres = Postgres(work / f"pg-{n}")
                    postgres.start()
                print(f"{database}, {n:,} ratings: generating...", flush=True)
                if database == "sqlite":
                    url = f"sqlite:///{work}/bench-{n}.db"
                elif postgres:
                    url = postgres.database(f"bench_{n}")
                else:
                    url = emptied(os.environ["BENCH_DATABASE_URL"])
                sizes = generate.Sizes(**{**{k: getattr(args, k) for k in vars(
                    generate.Sizes()) if k != "ratings"}, "ratings": n})
                manifest = generate.generate(url, sizes)
                print(f"  generated in {manifest['seconds']['total']:.1f} s "
                      f"({manifest['seconds']})", flush=True)
                folder = work / f"{database}-{n}"
                folder.mkdir()
                measured = measure(manifest["database_url"], manifest, args, folder)
                measured["open_data_export"] = export_open_data(manifest["database_url"],
                                                                folder)
                runs.append({"database": database, "ratings": n, "sizes": manifest["sizes"],
                             "generation": manifest["seconds"], **measured})
                if database == "sqlite":
                    for leftover in work.glob(f"bench-{n}.db*"):
                        leftover.unlink()
                if postgres:
                    postgres.stop()
                    if not args.keep:
                        shutil.rmtree(postgres.folder, ignore_errors=True)
                    postgres = None
    finally:
        if postgres:
            postgres.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report = {"date": date, "machine": machine, "connections": args.connections,
              "rounds": args.rounds, "round_seconds": args.round_seconds,
              "server_environment": {k: v for k, v in SERVER_ENV.items() if k != "SECRET_KEY"},
              "runs": runs}
    report["goals"] = goals(runs)
    RESULTS.mkdir(exist_ok=True)
    json_path = RESULTS / f"{date}.json"
    json_path.write_text(json.dumps(report, indent=1) + "\n")
    (RESULTS / f"{date}.md").write_text(markdown(report))
    pngs = plot(runs, lambda database: RESULTS / f"{date}-{database}-p99.png")
    rewrite_readme_summary(report, json_path)
    print("\nGoals:")
    for g in report["goals"]:
        print(f"  {'met    ' if g['met'] else 'NOT MET'}  {g['goal']} [{g['database']}, "
              f"{g['endpoint']}]: {g['figure']}")
    print(f"\nwrote {json_path.relative_to(ROOT)}, {json_path.with_suffix('.md').name}, "
          + ", ".join(p.name for p in pngs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
