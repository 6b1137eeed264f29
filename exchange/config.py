"""Settings, read once from the environment."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from limits import parse_many  # flask-limiter's own parser (its `limits` package)

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
SECRET_KEY_FILE = "secret_key"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _whole_number(name: str, default: int, *, least: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {raw!r}.")
    return value


def _rate(name: str, default: str) -> str:
    """A rate limit string such as "10 per minute; 200 per hour", checked at start-up: a
    malformed one would otherwise be dropped by the limiter at the first request, silently."""
    raw = os.environ.get(name, "").strip() or default
    try:
        parse_many(raw)
    except ValueError as error:
        raise ValueError(f"{name} is not a rate limit such as '10 per minute': {raw!r}.") \
            from error
    return raw


# Rate limits (exchange/http/limits.py): each operation counts per account (the signed-in
# user) and per network (the client's /24 or /48), both shared by every server through
# RATELIMIT_STORAGE_URI. Set through the environment variable of the same name. The
# numbers: a person reading pitches spends several seconds on each, so 60 rating changes a
# minute lets one rate a whole challenge (200 pitches) in one sitting without a pause,
# while a script changing a rating 200 times is stopped at the 61st. A network allows ten
# such people at full speed (an office or a library behind one address). Comments are
# written, not clicked: 10 a minute is more than anyone types, 200 an hour caps a patient
# flood, and 100 a minute lets a room of people discuss at once.
RATE_LIMIT_DEFAULTS = {
    # Sign-in, password change and erasure, per client address: password guessing.
    "RATELIMIT_SIGN_IN_PER_ADDRESS": "20 per minute",
    # Someone cycling addresses within one network: five addresses' worth a minute, still
    # more than an office signing in at nine o'clock.
    "RATELIMIT_SIGN_IN_PER_NETWORK": "100 per minute",
    # A venue's Wi-Fi at a launch event signs up a hundred people in an hour.
    "RATELIMIT_REGISTER_PER_NETWORK": "100 per hour",
    "RATELIMIT_TOKENS_PER_ACCOUNT": "20 per hour",
    "RATELIMIT_TOKENS_PER_NETWORK": "100 per hour",
    "RATELIMIT_RATING_PER_ACCOUNT": "60 per minute",
    "RATELIMIT_RATING_PER_NETWORK": "600 per minute",
    "RATELIMIT_COMMENTS_PER_ACCOUNT": "10 per minute; 200 per hour",
    "RATELIMIT_COMMENTS_PER_NETWORK": "100 per minute",
    # Flagging is one click per comment; a moderator's queue needs no more than this.
    "RATELIMIT_FLAGS_PER_ACCOUNT": "20 per minute",
    "RATELIMIT_FLAGS_PER_NETWORK": "100 per minute",
    # Each invitation puts an organisation in a stranger's list of invitations: an owner
    # bringing a whole team in stays well under 30 an hour; a script inviting every
    # address it knows does not.
    "RATELIMIT_INVITATIONS_PER_ACCOUNT": "30 per hour",
    "RATELIMIT_INVITATIONS_PER_NETWORK": "100 per hour",
}


def _fraction(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1, not {raw!r}.")
    return value


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if not 0 <= value < float("inf"):
        raise ValueError(f"{name} must be a number of seconds, 0 or more, not {raw!r}.")
    return value


def integrity_rules() -> dict:
    """The published thresholds of the integrity signals (docs/integrity.md): a pitch is
    flagged when a measure goes strictly past its threshold, and never with fewer than
    INTEGRITY_MIN_RATINGS public ratings. The report echoes them, so the rules are open."""
    return {
        # burst: more than this many ratings of one pitch within INTEGRITY_BURST_MINUTES.
        "INTEGRITY_BURST_RATINGS": _whole_number("INTEGRITY_BURST_RATINGS", 20, least=1),
        "INTEGRITY_BURST_MINUTES": _whole_number("INTEGRITY_BURST_MINUTES", 10, least=1),
        # new_accounts: more than this share from accounts made after the challenge opened.
        "INTEGRITY_NEW_ACCOUNT_SHARE": _fraction("INTEGRITY_NEW_ACCOUNT_SHARE", 0.5),
        # network_cluster: more than this share from one network (/24 or /48).
        "INTEGRITY_CLUSTER_SHARE": _fraction("INTEGRITY_CLUSTER_SHARE", 0.5),
        # one_sided: stars further than this (total variation) from the rest of the challenge.
        "INTEGRITY_ONE_SIDED_DISTANCE": _fraction("INTEGRITY_ONE_SIDED_DISTANCE", 0.7),
        # The minimum sample: a pitch with fewer public ratings raises no flag at all.
        "INTEGRITY_MIN_RATINGS": _whole_number("INTEGRITY_MIN_RATINGS", 10, least=1),
    }


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        INSTANCE_DIR.mkdir(exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'exchange.db'}"
    # Hosting platforms still hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def development_secret_key(folder: Path | None = None) -> str:
    """The key kept in instance/secret_key, made by the first process that needs it.

    Every worker and every restart must sign cookies with the same key, or a cookie signed
    by one worker is refused by the next. The key is written whole to a private temporary
    file and then linked into place, which fails if another process got there first: so
    two workers starting at once both end up reading the one key that won.
    """
    folder = folder or INSTANCE_DIR
    folder.mkdir(exist_ok=True)
    path = folder / SECRET_KEY_FILE
    if not path.exists():
        fd, temporary = _private_temporary_file(folder)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32) + "\n")
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to make a new key, or set SECRET_KEY.")
    return key


def _private_temporary_file(folder: Path) -> tuple[int, str]:
    temporary = folder / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(temporary)


def secret_key_when_unset(environment: str) -> str:
    """The key to use when neither SECRET_KEY nor the caller gave one: none in production
    (refuse to start), the one kept in instance/ in development."""
    if environment == "production":
        raise RuntimeError(
            "SECRET_KEY must be set when EXCHANGE_ENV=production: every app server signs "
            "and checks session cookies with it, so give them all the same long random "
            "value (e.g. python3 -c 'import secrets; print(secrets.token_hex(32))').")
    return development_secret_key()


def session_cookie_settings(*, embed_sign_in: bool, production: bool) -> dict:
    """The session cookie's attributes (docs/embedding.md tells the whole story).

    By default SameSite=Lax: a browser sends the cookie only to pages of the exchange's own
    site, so the rating widget in a council's frame sees a signed-out visitor. EMBED_SIGN_IN
    lets residents sign in inside that frame: SameSite=None (sent in a frame on another
    site), which browsers accept only with Secure, and Partitioned (CHIPS), so browsers that
    block third-party cookies keep it in a jar of the council's site instead of refusing it.
    Cookie-signed writes stay unforgeable either way: they need the CSRF token and a trusted
    Origin (exchange/http/security.py), whatever SameSite lets through."""
    if embed_sign_in:
        return {"SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "None",
                "SESSION_COOKIE_SECURE": True, "SESSION_COOKIE_PARTITIONED": True}
    return {"SESSION_COOKIE_HTTPONLY": True, "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": production, "SESSION_COOKIE_PARTITIONED": False}


def from_environment() -> dict:
    """The app's configuration as a plain dict, taken from environment variables."""
    environment = os.environ.get("EXCHANGE_ENV", "development").strip() or "development"
    production = environment == "production"
    origins = [o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()]
    return {
        "EXCHANGE_ENV": environment,
        # Unset: create_app takes secret_key_when_unset() (unless the caller gave one).
        "SECRET_KEY": os.environ.get("SECRET_KEY", "").strip() or None,
        # The Ed25519 key that signs published snapshots (exchange/signing.py): base64 of
        # its 32-byte seed. Unset: derived from SECRET_KEY, so every app server agrees.
        "SIGNING_KEY": os.environ.get("SIGNING_KEY", "").strip() or None,
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        # No pool_pre_ping: a round trip on every request. Pooled connections the server
        # closed are found without one (exchange/http/outage.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "CORS_ORIGINS": origins,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Off: the limiter would put Retry-After on every limited answer, a 401 included;
        # the 429 problem carries it instead (exchange/http/errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        # Production-only behaviour read by the app (Strict-Transport-Security).
        "PRODUCTION": production,
        # With Redis unreachable, each worker counts in memory until it is back: looser
        # limits for a while, rather than every limited request (sign-in) answering 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Behind N load balancers or proxies the client's address is in X-Forwarded-For;
        # rate limits count per client, so trust that header from exactly that many hops.
        "TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", 0),
        **{name: _rate(name, default) for name, default in RATE_LIMIT_DEFAULTS.items()},
        # Cookies: HttpOnly and SameSite always, Secure in production.
        **session_cookie_settings(embed_sign_in=_flag("EMBED_SIGN_IN", False),
                                  production=production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(
            days=_whole_number("REMEMBER_COOKIE_DAYS", 30, least=1)),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Views are gathered in each worker and written this often (exchange/views.py):
        # a read never writes, and a worker that dies unexpectedly loses at most this many
        # seconds of views. 0: no background writer, only at exit and on demand.
        "VIEW_FLUSH_SECONDS": _seconds("VIEW_FLUSH_SECONDS", 2.0),
        # How sure the live ranking is costs a simulation and a pass over the rating record
        # (voting/live_ranking.py): after ratings change, the held figures are served,
        # marked not current, until they are this old. 0: recomputed whenever they changed.
        "CERTAINTY_REFRESH_SECONDS": _seconds("CERTAINTY_REFRESH_SECONDS", 60.0),
        # On: the figures are computed in a child process of the worker, at the lowest
        # priority (voting/held_certainty.py), and the request that asked is answered with
        # those held (none at first). Off: that request computes them, waiting as long as
        # the pass over the challenge's ratings and the simulation take.
        "CERTAINTY_IN_BACKGROUND": _flag("CERTAINTY_IN_BACKGROUND", True),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # API documentation (flask-smorest builds the OpenAPI document from the schemas).
        "API_TITLE": "Open Innovation Exchange",
        "API_VERSION": "1.0.0",
        "OPENAPI_VERSION": "3.0.3",
        "JSON_SORT_KEYS": False,
        # The licence `flask export-open-data` puts in datapackage.json: an SPDX id
        # (exchange/open_data/export.py LICENCES), or any name with the address of its text.
        "OPEN_DATA_LICENSE": os.environ.get("OPEN_DATA_LICENSE", "").strip() or "CC-BY-4.0",
        "OPEN_DATA_LICENSE_PATH": os.environ.get("OPEN_DATA_LICENSE_PATH", "").strip() or None,
        **integrity_rules(),
    }
