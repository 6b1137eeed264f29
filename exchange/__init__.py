"""The Open Innovation Exchange: create_app() is the one place the app is assembled."""
from flask import Flask
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from exchange import config
from exchange.extensions import db, limiter
from exchange.http.json import OrjsonProvider

API_PREFIX = "/api/v1"


def create_app(overrides: dict | None = None) -> Flask:
    # No static folder of its own: /static is the pages blueprint's (exchange/pages/static).
    app = Flask(__name__, instance_relative_config=False, static_folder=None)
    app.config.update(config.from_environment())
    app.config.update(_api_document_settings())
    if overrides:
        app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.secret_key_when_unset(app.config["EXCHANGE_ENV"])
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.json = OrjsonProvider(app)
    app.json.sort_keys = False

    db.init_app(app)
    limiter.init_app(app)
    from exchange.http.openapi import SPEC_KWARGS, ExchangeApi, IdConverter, id_parameter_schema

    app.url_map.converters["int"] = IdConverter
    api = ExchangeApi(app, spec_kwargs=SPEC_KWARGS)
    api.register_converter(IdConverter, id_parameter_schema)
    app.extensions["exchange.api"] = api

    from exchange.http.auth import init_auth
    from exchange.http.conditional import init_conditional_requests
    from exchange.http.docs import init_docs
    from exchange.http.errors import register_error_handlers
    from exchange.http.headers import init_headers
    from exchange.http.outage import init_outage
    from exchange.http.request_input import init_request_input
    from exchange.http.security import init_security
    from exchange.views import init_views

    init_request_input(app)  # first: an over-long URL is refused before sign-in
    init_auth(app)
    init_security(app)
    init_conditional_requests(app)
    init_docs(app)
    init_headers(app)
    # After api.init_app, so problem+json replaces flask-smorest's own error format.
    register_error_handlers(app)
    init_outage(app)
    from exchange.signing import init_signing

    init_signing(app)
    init_views(app)
    _register_blueprints(api)
    from exchange.pages import init_pages

    init_pages(app)
    _register_models()
    _connect_domain_events()

    from exchange.cli import register_commands

    register_commands(app)

    @app.get("/healthz")
    def healthz():
        # With the database unreachable this raises Unavailable: 503, see http/outage.py.
        db.session.execute(text("SELECT 1"))
        return {"status": "ok", "database": "ok"}

    return app


def _api_document_settings() -> dict:
    from exchange.http.docs import swagger_ui_settings

    return {
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        **swagger_ui_settings(),
    }


def _register_blueprints(api) -> None:
    from exchange.accounts.routes import blp as accounts
    from exchange.audit.routes import blp as audit
    from exchange.challenges.routes import blp as challenges
    from exchange.discussion.routes import blp as discussion
    from exchange.organisations.routes import blp as organisations
    from exchange.pitches.routes import blp as pitches
    from exchange.privacy.routes import blp as privacy
    from exchange.voting.routes import blp as voting

    for blueprint in (accounts, organisations, challenges, pitches, voting, discussion,
                      privacy, audit):
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)


def _connect_domain_events() -> None:
    """Higher domains' receivers of what lower ones announce (exchange/events.py)."""
    from exchange import events, hints
    from exchange.organisations import service as organisations
    from exchange.voting import hooks

    events.me_sections.connect(organisations.pending_invitations_section)
    hooks.connect()
    hints.connect()


def _register_models() -> None:
    """Import every model so metadata (and Alembic) sees the whole schema."""
    import exchange.models  # noqa: F401
