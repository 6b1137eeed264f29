"""rows.run: statements built once, run as the driver's SQL where the driver takes their
values as they are, as Core otherwise; the same rows either way, on either database."""
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import bindparam, event, insert, select, update

from exchange import rows
from exchange.accounts.models import User
from exchange.extensions import db
from exchange.voting.models import ChallengeTally, RatingChange

MOVE = (update(ChallengeTally).where(ChallengeTally.challenge_id == bindparam("id"))
        .values(rating_count=ChallengeTally.rating_count + bindparam("n"),
                ratings_version=ChallengeTally.ratings_version + 1))
CHANGE = insert(RatingChange).inline()
PERSON = insert(User)


@contextmanager
def _sent():
    """The SQL handed to the driver, statement by statement."""
    seen = []

    def note(_connection, _cursor, statement, *_rest):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _form(statement, params):
    return rows._driver_forms[(statement, db.engine.dialect.name, tuple(params))]


def test_a_plain_statement_goes_to_the_driver_once_compiled_with_its_fixed_values(
        app, make, council):
    challenge = make.challenge(council, "open")["id"]
    with app.app_context():
        before = db.session.get(ChallengeTally, challenge)
        count, version = before.rating_count, before.ratings_version
        db.session.rollback()
        with _sent() as seen:
            for n in (3, 4):
                rows.run(MOVE, {"id": challenge, "n": n})
            db.session.commit()
        sql, _, fixed, _ = _form(MOVE, {"id": challenge, "n": 3})
        # Compiled once; the literal 1 of the version is passed as a value of its own.
        assert seen[:2] == [sql, sql]
        assert list(fixed.values()) == [1]
        after = db.session.get(ChallengeTally, challenge)
        assert (after.rating_count, after.ratings_version) == (count + 7, version + 2)


def test_values_are_converted_by_their_types_as_core_would(app, make, council,
                                                          supplier_org, citizen):
    """A time is text on SQLite, written by SQLAlchemy's type, and a boolean an integer:
    the driver gets them converted, and they read back as given, on either database."""
    with app.app_context():
        person = db.session.scalar(select(User.id).limit(1))
        pitch = make.pitch(make.challenge(council, "open")["id"], supplier_org)["id"]
        at = datetime(2026, 11, 24, 9, 41, 7, 250000)
        params = {"pitch_id": pitch, "user_id": person, "stars": 4, "network_hash": None,
                  "changed_at": at}
        with _sent() as seen:
            rows.run(CHANGE, params)
        db.session.commit()
        assert seen == [_form(CHANGE, params)[0]]
        stored = db.session.scalar(select(RatingChange.changed_at)
                                   .where(RatingChange.pitch_id == pitch))
        assert stored == at
        # Stored exactly as Core stores it (SQLite keeps times as text, compared as such).
        db.session.connection().execute(CHANGE, params)
        raw = db.session.connection().exec_driver_sql(
            f"SELECT changed_at FROM rating_changes WHERE pitch_id = {int(pitch)}").scalars()
        first, second = raw.all()
        assert first == second


def test_a_default_worked_out_in_python_is_left_to_core(app):
    """users.created_at has a Python default: the driver's SQL would leave it out."""
    with app.app_context():
        params = {"email": "plain@example.org", "password_hash": "x", "display_name": "P"}
        rows.run(PERSON, params)
        db.session.commit()
        assert _form(PERSON, params) is rows._NOT_PLAIN
        made = db.session.scalar(select(User).where(User.email == "plain@example.org"))
        assert made.created_at is not None and made.is_admin is False
