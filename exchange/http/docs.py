"""Interactive documentation: Swagger UI at /docs, rendering the app's /openapi.json.

flask-smorest renders the page (OPENAPI_SWAGGER_UI_PATH); its scripts and styles come from
the swagger-ui-bundle package installed with the app, served here as static files, so the
page works without reaching any other site.

The page has its own Content-Security-Policy, the narrowest under which it works: scripts,
styles and the document from this site only, plus the one inline script flask-smorest
writes to start Swagger UI, allowed by its SHA-256 hash (computed from the page as
rendered, so it follows the template); images also as data: URIs, which swagger-ui.css
uses for its icons. Nothing may frame it, and no form or <base> may point elsewhere.
"""
import base64
import functools
import hashlib
from html.parser import HTMLParser

from flask import Blueprint, Flask, make_response
from swagger_ui_bundle import swagger_ui_path

DOCS_PATH = "/docs"
ASSETS_PATH = f"{DOCS_PATH}/assets"


def swagger_ui_settings() -> dict:
    """flask-smorest settings for the Swagger UI page and where its assets are served."""
    return {
        "OPENAPI_SWAGGER_UI_PATH": DOCS_PATH,
        "OPENAPI_SWAGGER_UI_URL": f"{ASSETS_PATH}/",
        "OPENAPI_SWAGGER_UI_CONFIG": {
            "tryItOutEnabled": True,
            "persistAuthorization": True,
            "displayRequestDuration": True,
            "deepLinking": True,
            # No badge from the online validator: the page loads nothing from elsewhere.
            "validatorUrl": None,
        },
    }


def init_docs(app: Flask) -> None:
    """Serve the Swagger UI distribution shipped by swagger-ui-bundle under /docs/assets,
    and send the page with its own Content-Security-Policy."""
    assets = Blueprint("swagger_ui_assets", __name__, static_folder=str(swagger_ui_path),
                       static_url_path=ASSETS_PATH)
    app.register_blueprint(assets)
    _give_the_page_its_policy(app)


class _InlineScripts(HTMLParser):
    """The text of each <script> without a src, exactly as a browser hashes it."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script" and "src" not in dict(attrs):
            self._inside = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.scripts[-1] += data


def page_policy(html: str) -> str:
    """The Content-Security-Policy for the Swagger UI page whose markup is `html`."""
    parser = _InlineScripts()
    parser.feed(html)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in parser.scripts)
    return ("default-src 'none'; "
            f"script-src 'self' {hashes}; "
            "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def _give_the_page_its_policy(app: Flask) -> None:
    """flask-smorest registers the page's view; wrap it so its answer carries the policy."""
    endpoint = next(rule.endpoint for rule in app.url_map.iter_rules() if rule.rule == DOCS_PATH)
    view = app.view_functions[endpoint]

    @functools.wraps(view)
    def page_with_policy(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Content-Security-Policy"] = page_policy(response.get_data(as_text=True))
        return response

    app.view_functions[endpoint] = page_with_policy
