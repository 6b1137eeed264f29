"""Interactive documentation: Swagger UI at /docs, rendering the app's /openapi.json.

flask-smorest renders the page (OPENAPI_SWAGGER_UI_PATH); its scripts and styles come from
the swagger-ui-bundle package installed with the app, served here as static files, so the
page works without reaching any other site.
"""
from flask import Blueprint, Flask
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
    """Serve the Swagger UI distribution shipped by swagger-ui-bundle under /docs/assets."""
    assets = Blueprint("swagger_ui_assets", __name__, static_folder=str(swagger_ui_path),
                       static_url_path=ASSETS_PATH)
    app.register_blueprint(assets)
