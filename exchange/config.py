"""Settings, read once from the environment."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < 1:
        raise ValueError(f"{name} must be a positive whole number, not {raw!r}.")
    return value


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


def from_environment() -> dict:
    """The app's configuration as a plain dict, taken from environment variables."""
    production = os.environ.get("EXCHANGE_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    origins = [o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()]
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CORS_ORIGINS": origins,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Off: the limiter would put Retry-After on every limited answer, a 401 included;
        # the 429 problem carries it instead (exchange/http/errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        # Production-only behaviour read by the app (Strict-Transport-Security).
        "PRODUCTION": production,
        # Cookies: HttpOnly and SameSite always, Secure in production.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=_positive_int("REMEMBER_COOKIE_DAYS", 30)),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # API documentation (flask-smorest builds the OpenAPI document from the schemas).
        "API_TITLE": "Open Innovation Exchange",
        "API_VERSION": "1.0.0",
        "OPENAPI_VERSION": "3.0.3",
        "JSON_SORT_KEYS": False,
    }
