"""Several app servers agree: on the key that signs cookies, on rate limits, on tallies.

The two-server tests run a real `redis-server` (Debian's package) and two app servers,
each `gunicorn wsgi:app` in its own process with two workers, on the PostgreSQL test
database; they are skipped on SQLite, and without redis-server except in CI (CI=true),
where they must run. The people, challenges and pitches they use are made through the API
of the in-process test app on the same database: every request commits, so the servers
see them, and the `app` fixture removes them after each test.
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis

from exchange import config, create_app
from exchange.voting.recount import recount
from tests.conftest import DATABASE_URL, ROOT, TEST_SETTINGS
from tests.factories import API, ok
from tests.parallel import in_parallel

SHARED_SECRET = "one-secret-for-every-server"
STARTUP_WAIT = 120  # seconds a server may take to start on a busy machine: not a test
RATING_LIMIT = 6  # rating changes per account on the two servers (their environment)
COMMENT_LIMIT = 4

# ---- One key, made once, for every worker and restart ------------------------------------


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("EXCHANGE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set when EXCHANGE_ENV=production"):
        create_app()


def test_production_starts_with_the_secret_key_it_is_given(monkeypatch):
    monkeypatch.setenv("EXCHANGE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", SHARED_SECRET)
    settings = {k: v for k, v in TEST_SETTINGS.items() if k != "SECRET_KEY"}
    assert create_app(settings).config["SECRET_KEY"] == SHARED_SECRET


def test_development_without_a_key_makes_one_once_and_keeps_it_private(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("EXCHANGE_ENV", raising=False)
    settings = {k: v for k, v in TEST_SETTINGS.items() if k != "SECRET_KEY"}

    first, restarted = create_app(settings), create_app(settings)

    kept = (tmp_path / "secret_key").read_text().strip()
    assert len(kept) == 64 and int(kept, 16) >= 0
    assert first.config["SECRET_KEY"] == restarted.config["SECRET_KEY"] == kept
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_workers_starting_at_once_all_take_the_same_key(tmp_path):
    reads_key = ("import sys; from pathlib import Path; from exchange.config import "
                 "development_secret_key as key; print(key(Path(sys.argv[1])))")
    workers = [subprocess.Popen([sys.executable, "-c", reads_key, str(tmp_path)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True) for _ in range(8)]
    keys = {worker.communicate(timeout=120)[0].strip() for worker in workers}
    assert keys == {(tmp_path / "secret_key").read_text().strip()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


# ---- Two servers, one PostgreSQL, one Redis ------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(ready, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        try:
            if ready():
                return
        except (OSError, redis.RedisError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not start:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: dict | None


class Server:
    """One app server, spoken to over HTTP with the standard library."""

    def __init__(self, port: int):
        self.port = port

    def request(self, method: str, path: str, body=None, headers=None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            headers = dict(headers or {})
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            url = path if path == "/healthz" else API + path
            connection.request(method, url, data, headers)
            response = connection.getresponse()
            raw = response.read()
            return Answer(response.status, response.headers, json.loads(raw) if raw else None)
        finally:
            connection.close()


class Browser:
    """Keeps the cookies it is given, whichever server it talks to."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, server: Server, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = server.request(method, path, body, headers)
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer


@pytest.fixture(scope="module")
def redis_url():
    if not DATABASE_URL.startswith("postgresql"):
        pytest.skip("two app servers share one database: PostgreSQL")
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is required in CI (apt-get install redis-server).")
        pytest.skip("redis-server is not installed (apt-get install redis-server).")
    folder = Path(tempfile.mkdtemp(prefix="exchange-redis-"))
    port = _free_port()
    log = folder / "redis.log"
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "no", "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    log.touch()
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    _wait_until(client.ping, "redis-server", process, log)
    yield url
    client.close()
    _stop(process)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def servers(redis_url, migrated):
    """Two app servers, same SECRET_KEY and rate-limit storage, rate limits on."""
    folder = Path(tempfile.mkdtemp(prefix="exchange-servers-"))
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | {
        "DATABASE_URL": DATABASE_URL, "SECRET_KEY": SHARED_SECRET,
        "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_ENABLED": "true",
        "EXCHANGE_ENV": "development", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Small per-account limits, counted by the hour so no window ends during a test.
        "RATELIMIT_RATING_PER_ACCOUNT": f"{RATING_LIMIT} per hour",
        "RATELIMIT_COMMENTS_PER_ACCOUNT": f"{COMMENT_LIMIT} per hour"}
    started, servers = [], []
    try:
        for name in ("a", "b"):
            port, log = _free_port(), folder / f"{name}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                     "--workers", "2", "--timeout", "120", "wsgi:app"],
                    cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
            started.append(process)
            servers.append(Server(port))
            _wait_until(lambda s=servers[-1]: s.request("GET", "/healthz").status == 200,
                        f"app server {name}", process, log)
        yield servers
    finally:
        for process in started:
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fresh_limits(redis_url):
    """Every test starts with no request counted against any limit."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()


def test_with_redis_unreachable_each_worker_still_limits_sign_in_by_itself(app):
    closed_port = _free_port()
    without_redis = create_app(TEST_SETTINGS | {
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port}/0"})
    client = without_redis.test_client()
    statuses = [client.post(f"{API}/auth/login", json={"email": "nobody@example.org",
                                                       "password": "not the password"}).status_code
                for _ in range(21)]
    assert statuses == [401] * 20 + [429]


def test_a_cookie_signed_in_through_one_server_works_on_the_other(servers, fresh_limits,
                                                                  make):
    a, b = servers
    person = make.user("person")
    browser = Browser()

    signed_in = browser.request(a, "POST", "/auth/login",
                                {"email": person.email, "password": "correct horse"})
    assert signed_in.status == 200 and "session" in browser.cookies

    me = browser.request(b, "GET", "/auth/me")
    assert me.status == 200 and me.body["id"] == person.id
    # A cookie-signed write: the CSRF token from one server is good on the other.
    csrf = browser.request(a, "GET", "/auth/csrf").body["csrf_token"]
    made = browser.request(b, "POST", "/auth/tokens", {"name": "from b"},
                           {"X-CSRF-Token": csrf})
    assert made.status == 201, made.body
    listed = browser.request(a, "GET", "/auth/tokens").body["items"]
    assert [t["name"] for t in listed] == ["tests", "from b"]


def test_the_sign_in_limit_counts_attempts_on_both_servers_together(servers, fresh_limits,
                                                                    make):
    a, b = servers
    person = make.user("person")
    statuses = []
    for attempt in range(25):
        server = (a, b)[attempt % 2]
        answer = server.request("POST", "/auth/login",
                                {"email": person.email, "password": "not the password"})
        statuses.append(answer.status)
        if answer.status == 429:
            assert answer.headers["Content-Type"].startswith("application/problem+json")
            assert int(answer.headers["Retry-After"]) > 0
    assert statuses == [401] * 20 + [429] * 5  # the limit is 20 a minute, for both together
    # The right password is refused too while the limit holds, on either server.
    for server in (a, b):
        assert server.request("POST", "/auth/login", {"email": person.email,
                                                      "password": "correct horse"}).status == 429


def _limited(answer: Answer) -> bool:
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert answer.body["type"] == "urn:exchange:problem:rate-limited"
    return int(answer.headers["Retry-After"]) > 0


def test_rating_changes_past_the_limit_are_refused_whichever_server_counts_them(
        servers, fresh_limits, make, council, supplier_org):
    a, b = servers
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    rater, neighbour = make.user("rater"), make.user("neighbour")
    path = f"/pitches/{pitch['id']}/rating"
    statuses = []
    for change in range(RATING_LIMIT + 4):
        answer = (a, b)[change % 2].request("PUT", path, {"stars": 1 + change % 5},
                                            {"Authorization": f"Bearer {rater.token}"})
        statuses.append(answer.status)
        if answer.status == 429:
            assert _limited(answer)
    # Six changes a rater, counted on both servers together; taking it back is a change.
    assert statuses == [200] * 6 + [429] * 4
    assert b.request("DELETE", path, None,
                     {"Authorization": f"Bearer {rater.token}"}).status == 429
    assert ok(rater.get(path))["stars"] == 1  # the sixth change gave 1 + 5 % 5 stars
    tally = a.request("GET", f"/pitches/{pitch['id']}").body["tally"]["public"]
    assert (tally["count"], tally["sum"]) == (1, 1)
    # Someone else on the same machine counts on their own.
    assert b.request("PUT", path, {"stars": 4},
                     {"Authorization": f"Bearer {neighbour.token}"}).status == 200


def test_comments_past_the_limit_are_refused_whichever_server_counts_them(
        servers, fresh_limits, make, council, supplier_org):
    a, b = servers
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    writer = make.user("writer")
    path = f"/pitches/{pitch['id']}/comments"
    statuses = []
    for n in range(COMMENT_LIMIT + 3):
        answer = (a, b)[n % 2].request("POST", path, {"body": f"Comment {n}"},
                                       {"Authorization": f"Bearer {writer.token}"})
        statuses.append(answer.status)
        if answer.status == 429:
            assert _limited(answer)
    assert statuses == [201] * 4 + [429] * 3
    bodies = [c["body"] for c in b.request("GET", path).body["items"]]
    assert bodies == ["Comment 0", "Comment 1", "Comment 2", "Comment 3"]
    assert a.request("GET", f"/pitches/{pitch['id']}").body["comment_count"] == 4




def test_parallel_ratings_split_across_both_servers_leave_exact_tallies(servers, app, make,
                                                                       council, supplier_org):
    a, b = servers
    challenge = make.challenge(council, "open")
    pitch = make.pitch(challenge["id"], supplier_org)
    raters = [make.user("rater") for _ in range(30)]
    path = f"/pitches/{pitch['id']}/rating"

    def rate(server, rater, stars):
        return server.request("PUT", path, {"stars": stars},
                              {"Authorization": f"Bearer {rater.token}"}).status

    first = [1 + i % 5 for i in range(30)]
    assert in_parallel([lambda i=i: rate((a, b)[i % 2], raters[i], first[i])
                         for i in range(30)], timeout=300) == [200] * 30
    # The first ten change their minds, each on the other server than the first time,
    # while the last ten rate again with the same stars.
    final = [5 if i < 10 else first[i] for i in range(30)]
    changes = [lambda i=i: rate((b, a)[i % 2], raters[i], final[i])
               for i in [*range(10), *range(20, 30)]]
    assert in_parallel(changes, timeout=300) == [200] * 20

    # By hand: first = 1..5 six times each (sum 90); raters 0-9 had 1,2,3,4,5,1,2,3,4,5 and
    # now have 5 (sum 30 → 50), so the count stays 30 and the sum is 90 - 30 + 50 = 110.
    assert sum(final) == 110
    histogram = Counter(final)
    assert histogram == {1: 4, 2: 4, 3: 4, 4: 4, 5: 14}
    for server in (a, b):
        tally = server.request("GET", f"/pitches/{pitch['id']}").body["tally"]["public"]
        assert (tally["count"], tally["sum"]) == (30, 110)
        assert tally["histogram"] == {"1": 4, "2": 4, "3": 4, "4": 4, "5": 14}
        stats = server.request("GET", f"/challenges/{challenge['id']}/stats").body
        assert (stats["ratings"], stats["raters"]) == (30, 30)
    assert ok(raters[0].get(path))["stars"] == 5
    with app.app_context():
        assert recount() == []
