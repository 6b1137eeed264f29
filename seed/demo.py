"""Load the demo data through the services, so every rule holds and every tally is exact.

The data lives in seed/people.py and seed/challenges.py. Loading is idempotent: each
object is looked up by its natural key (an email, an organisation's name, a challenge's
title within its council, a pitch's title within its challenge, one rating per person and
pitch, a comment's author and text) and made only when missing; a challenge moves on
only towards the status the data gives it. Run it inside an app context.
"""
import random
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from exchange.accounts import service as accounts
from exchange.accounts.models import User
from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge
from exchange.challenges.schemas import ChallengeIn
from exchange.clock import utcnow
from exchange.discussion import service as discussion
from exchange.discussion.models import Comment
from exchange.discussion.schemas import CommentIn
from exchange.extensions import db
from exchange.organisations import service as organisations
from exchange.organisations.models import Organisation
from exchange.organisations.policy import is_member
from exchange.pitches import service as pitches
from exchange.pitches.models import Pitch
from exchange.pitches.schemas import PitchIn
from exchange.voting import panel, shortlists
from exchange.voting import service as voting
from exchange.voting.models import Rating
from seed.challenges import CHALLENGES
from seed.people import ADMIN, CITIZENS, COUNCILS, DEMO_PASSWORD, EXPERTS, SUPPLIERS, citizen_email

SEED = 2014  # the ratings are drawn from this seed: every load gives the same stars
RATING_WHILE = {"open", "voting"}
COMMENT_WHILE = discussion.COMMENTS_WHILE


def load() -> str:
    """Load whatever of the demo data is missing; say what was added."""
    made = Counter()
    people = _people(made)
    orgs = _organisations(people, made)
    for spec in CHALLENGES:
        _challenge(spec, people, orgs, made)
    if not made:
        return "Demo data already loaded: nothing added."
    order = ["accounts", "organisations", "members", "challenges", "pitches", "ratings",
             "panel invitations", "comments", "withdrawn pitches", "status changes",
             "shortlists published"]
    parts = [f"{made[key]} {key}" for key in order if made[key]]
    return (f"Demo data loaded: {', '.join(parts)}. "
            f"Every demo account's password is {DEMO_PASSWORD!r}.")


# ---- people and organisations ---------------------------------------------------------------

def _people(made: Counter) -> dict[str, User]:
    wanted = [(ADMIN["email"], ADMIN["name"], True)]
    for org in COUNCILS + SUPPLIERS:
        wanted += [(email, name, False) for email, name in org["members"]]
    wanted += [(email, name, False) for email, name in EXPERTS]
    wanted += [(citizen_email(handle), name, False) for handle, name in CITIZENS]
    people = {}
    for email, name, is_admin in wanted:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.register(email, DEMO_PASSWORD, name, is_admin=is_admin)
            made["accounts"] += 1
        people[email] = user
    return people


def _organisations(people: dict[str, User], made: Counter) -> dict[str, Organisation]:
    admin = people[ADMIN["email"]]
    orgs = {}
    for kind, specs in (("council", COUNCILS), ("supplier", SUPPLIERS)):
        for spec in specs:
            (owner_email, _), *others = spec["members"]
            owner = people[owner_email]
            org = db.session.scalar(select(Organisation).where(
                Organisation.name == spec["name"], Organisation.kind == kind))
            if org is None:
                org = organisations.create(owner, spec["name"], kind, spec["description"],
                                           spec["website"])
                made["organisations"] += 1
            if spec.get("verified") and org.status == "pending":
                organisations.verify(admin, org.id)
            for email, _ in others:
                if not is_member(people[email], org.id):
                    # Members join by consent, here as through the API: invited, then accepting.
                    invitation = organisations.invite(owner, org.id, email, "member")
                    organisations.accept(people[email], invitation.id)
                    made["members"] += 1
            orgs[spec["name"]] = org
    return orgs


def _person(people: dict[str, User], who: str) -> User:
    return people[who if "@" in who else citizen_email(who)]


# ---- challenges -----------------------------------------------------------------------------

def _challenge(spec: dict, people, orgs, made: Counter) -> None:
    council = orgs[spec["council"]]
    officer = people[spec["by"]]
    challenge = db.session.scalar(select(Challenge).where(
        Challenge.council_id == council.id, Challenge.title == spec["title"]))
    if challenge is None:
        challenge = _create_challenge(spec, council, officer)
        made["challenges"] += 1
    target = spec["status"]
    if target != "draft":
        _move(officer, challenge, "open", made)
    for email in spec.get("panel", []):
        expert = people[email]
        if challenge.status != "closed" and not panel.sits_on_panel(expert, challenge):
            panel.invite(officer, challenge.id, email=email)
            made["panel invitations"] += 1
    for pitch_spec in spec.get("pitches", []):
        _pitch(challenge, pitch_spec, people, orgs, made)
    if target == "closed" and spec.get("cancelled"):
        _move(officer, challenge, "closed", made)
        return
    if target in ("voting", "shortlisted", "closed"):
        _move(officer, challenge, "voting", made)
    if target in ("shortlisted", "closed") and challenge.status == "voting":
        shortlists.publish(officer, challenge.id)
        made["shortlists published"] += 1
        made["status changes"] += 1
    if target == "closed":
        _move(officer, challenge, "closed", made)


def _create_challenge(spec: dict, council: Organisation, officer: User) -> Challenge:
    body = {"council_id": council.id, "title": spec["title"], "summary": spec["summary"],
            "description": spec.get("description", ""), "tags": spec["tags"],
            **spec.get("settings", {})}
    if spec.get("deadline_days") is not None:
        deadline = utcnow().replace(hour=17, minute=0, second=0, microsecond=0)
        body["deadline"] = (deadline + timedelta(days=spec["deadline_days"])).isoformat() + "Z"
    return challenges.create(officer, ChallengeIn().load(body))


def _move(officer: User, challenge: Challenge, target: str, made: Counter) -> None:
    """Move one step along the life, if the challenge is just before `target`."""
    before = {"open": {"draft"}, "voting": {"open"}, "closed": {"open", "shortlisted"}}
    if challenge.status in before[target]:
        challenges.move(officer, challenge.id, target)
        made["status changes"] += 1
    db.session.refresh(challenge)


# ---- pitches, ratings and comments ----------------------------------------------------------

def _pitch(challenge: Challenge, spec: dict, people, orgs, made: Counter) -> None:
    supplier = orgs[spec["supplier"]]
    author = people[spec["by"]]
    pitch = db.session.scalar(select(Pitch).where(Pitch.challenge_id == challenge.id,
                                                  Pitch.supplier_id == supplier.id,
                                                  Pitch.title == spec["title"]))
    if pitch is None:
        if challenge.status != "open":
            return  # pitches are taken only while open
        body = {"supplier_id": supplier.id, "title": spec["title"], "summary": spec["summary"],
                "description": spec.get("description", ""), "pricing": spec["pricing"],
                "price_note": spec.get("price_note", ""), "video_url": spec.get("video_url"),
                "tags": spec.get("tags", [])}
        pitch = pitches.submit(author, challenge.id, PitchIn().load(body))
        made["pitches"] += 1
    for rater, stars in _planned_ratings(challenge, spec, people):
        _rate(rater, pitch, stars, made)
    _comments(pitch, spec.get("comments", []), people, made)
    if spec.get("withdrawn") and pitch.status == "submitted" \
            and pitch.challenge.status in pitches.WITHDRAWABLE_WHILE:
        pitches.withdraw(author, pitch.id)
        made["withdrawn pitches"] += 1


def _planned_ratings(challenge: Challenge, spec: dict, people) -> list[tuple[User, int]]:
    """The public ratings (residents, stars drawn around the pitch's mean) and the panel's."""
    n, mean = spec.get("public", (0, 0))
    rng = random.Random(f"{SEED}:{challenge.title}:{spec['title']}")
    raters = rng.sample(CITIZENS, n)
    planned = [(_person(people, handle), min(5, max(1, round(rng.gauss(mean, 0.9)))))
               for handle, _ in raters]
    planned += [(people[email], stars) for email, stars in spec.get("panel", {}).items()]
    return planned


def _rate(rater: User, pitch: Pitch, stars: int, made: Counter) -> None:
    if pitch.status != "submitted" or pitch.challenge.status not in RATING_WHILE:
        return
    exists = db.session.scalar(select(Rating.pitch_id).where(Rating.pitch_id == pitch.id,
                                                             Rating.user_id == rater.id))
    if exists is None:
        voting.rate(rater, pitch.id, stars)
        made["ratings"] += 1


def _comments(pitch: Pitch, specs: list[dict], people, made: Counter) -> None:
    posted: dict[str, int] = {}
    for spec in specs:
        author = _person(people, spec["by"])
        found = db.session.scalar(select(Comment.id).where(
            Comment.pitch_id == pitch.id, Comment.author_id == author.id,
            Comment.body == spec["body"]))
        if found is None:
            if pitch.status != "submitted" or pitch.challenge.status not in COMMENT_WHILE:
                continue
            parent = posted.get(spec.get("reply_to"))
            if spec.get("reply_to") and parent is None:
                continue  # the comment replied to is missing: leave the reply out too
            body = CommentIn().load({"body": spec["body"], "parent_id": parent})
            found = discussion.post(author, pitch.id, body)["id"]
            made["comments"] += 1
        if "key" in spec:
            posted[spec["key"]] = found

