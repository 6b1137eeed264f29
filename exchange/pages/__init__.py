"""Pages for people rather than programs: server-rendered HTML outside the API's prefix
(Jinja templates in pages/templates, plain files in pages/static at /static).

The highest layer with open_data: it reads every domain and no domain reads it."""
from flask import Blueprint, Flask

blp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
                static_url_path="/static")


def init_pages(app: Flask) -> None:
    """Register the pages (each module adds its routes to `blp` when imported)."""
    from exchange.pages import embed, results  # noqa: F401
    app.register_blueprint(blp)
