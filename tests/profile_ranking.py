"""Profile the live ranking of one challenge with 200 pitches: `.venv/bin/python -m
tests.profile_ranking`. Builds a scratch SQLite database by the migrations, then prints
the time of a ranking made afresh (a new cache key each time), of one served from the
cache and of a 304, and pyinstrument's profile of the fresh ones. Not a test: timings
belong in the benchmark, never in assertions."""
import random
import sys
import tempfile
import time

from alembic import command
from pyinstrument import Profiler

from exchange import create_app
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.organisations.models import Organisation
from exchange.pitches.models import Pitch
from tests.conftest import alembic_config

PITCHES = 200


def _challenge_with_pitches(app) -> int:
    with app.app_context():
        council = Organisation(name="Council", kind="council", status="verified")
        suppliers = [Organisation(name=f"Supplier {i}", kind="supplier", status="active")
                     for i in range(50)]
        db.session.add_all([council, *suppliers])
        db.session.flush()
        challenge = Challenge(council_id=council.id, title="Many pitches", status="voting",
                              panel_weight=0.3)
        db.session.add(challenge)
        db.session.flush()
        draw = random.Random(2014)
        for i in range(PITCHES):
            public = [draw.randrange(60) for _ in range(5)]
            panel = [draw.randrange(3) for _ in range(5)]
            challenge.rating_count += sum(public)
            challenge.rating_sum += sum(k * c for k, c in zip(range(1, 6), public))
            db.session.add(Pitch(
                challenge_id=challenge.id, supplier_id=suppliers[i % 50].id,
                title=f"Pitch {i}", summary="A pitch.", pricing="free",
                public_count=sum(public),
                public_sum=sum(k * c for k, c in zip(range(1, 6), public)),
                panel_count=sum(panel),
                panel_sum=sum(k * c for k, c in zip(range(1, 6), panel)),
                **{f"public_{k}": public[k - 1] for k in range(1, 6)},
                **{f"panel_{k}": panel[k - 1] for k in range(1, 6)}))
        db.session.commit()
        return challenge.id


def main(rounds: int = 50) -> None:
    url = f"sqlite:///{tempfile.mkdtemp(prefix='exchange-profile-')}/profile.db"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "profile",
                      "RATELIMIT_ENABLED": False, "CERTAINTY_IN_BACKGROUND": False})
    path = f"/api/v1/challenges/{_challenge_with_pitches(app)}/ranking"
    client = app.test_client()
    etag = client.get(path).headers["ETag"]

    profiler = Profiler(interval=0.0005)
    profiler.start()
    started = time.perf_counter()
    for i in range(rounds):
        client.get(f"{path}?min_ratings={i + 10}")
    fresh = (time.perf_counter() - started) / rounds
    profiler.stop()
    timings = {"made afresh": fresh}
    for name, headers in (("from the cache", {}), ("304", {"If-None-Match": etag})):
        started = time.perf_counter()
        for _ in range(rounds):
            client.get(path, headers=headers)
        timings[name] = (time.perf_counter() - started) / rounds
    print(profiler.output_text(unicode=False, color=False))
    for name, seconds in timings.items():
        print(f"ranking of {PITCHES} pitches, {name}: {seconds * 1000:.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
