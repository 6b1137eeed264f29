"""Screenshots of the results page for the docs (`make screenshots`): the demo data loaded
into a throwaway SQLite database, the app served on a free port, and the system's Chromium
taking a full-page picture of a published shortlist and of a live ranking with a panel.

    python -m tests.pages.screenshots [FOLDER]    (default docs/img)
"""
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import event, select

from exchange import create_app
from exchange.challenges.models import Challenge
from exchange.extensions import db
from seed import load
from tests.browser import chromium, serve
from tests.conftest import alembic_config

# (file, the demo challenge's title): one published shortlist, one live ranking.
SHOTS = (
    ("results-page.png", "Give residents a real say in where the budget cuts fall"),
    ("results-page-live.png", "Rethinking meals on wheels"),
)


def demo_app(folder: str):
    """An app on a new SQLite database built by the migrations and holding the demo data."""
    url = f"sqlite:///{folder}/demo.db"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "screenshots", "VIEW_FLUSH_SECONDS": 0,
                      "CERTAINTY_IN_BACKGROUND": False})
    with app.app_context():
        # No fsync per commit: the database is thrown away after the pictures.
        event.listen(db.engine, "connect",
                     lambda connection, _record: connection.execute("PRAGMA synchronous=OFF"))
        load()
    return app


def challenge_ids(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Challenge.title, Challenge.id)).all())


def take(app, target: Path) -> list[Path]:
    """Full-page screenshots of each of SHOTS into `target`; the files written."""
    from playwright.sync_api import sync_playwright

    ids = challenge_ids(app)
    url, stop = serve(app)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium(),
                                                 args=["--no-sandbox", "--disable-dev-shm-usage"])
            tab = browser.new_page(viewport={"width": 1400, "height": 900})
            for name, title in SHOTS:
                tab.goto(f"{url}/challenges/{ids[title]}/results")
                tab.screenshot(path=str(target / name), full_page=True)
                written.append(target / name)
            browser.close()
    finally:
        stop()
    return written


def main(folder: str = "docs/img") -> None:
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="exchange-screenshots-") as scratch:
        app = demo_app(scratch)
        for path in take(app, target):
            print(f"wrote {path}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
