"""Load the demo data through the services, so every rule holds and every tally is exact.

The data lives in seed/people.py, seed/challenges.py and seed/comments.py; seed/timeline.py
says when each thing happened. Each challenge's events (opening, pitches, ratings, comments,
status changes) run in the order of their moments, with the app's clock set to each moment:
a rating is given while the challenge takes ratings, as it would have been live.

Loading is idempotent: each object is looked up by its natural key (an email, an
organisation's name, a challenge's title within its council, a pitch's title within its
challenge, one rating per person and pitch, a comment's author and text) and made only
when missing; a challenge moves on only towards the status the data gives it. Views are
added with the challenge they belong to. Run it inside an app context.
"""
import random
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select, update

from exchange.accounts import service as accounts
from exchange.accounts.models import User
from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge
from exchange.challenges.schemas import ChallengeIn
from exchange.clock import set_to
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
from seed.comments import COMMENTS
from seed.people import ADMIN, CITIZENS, COUNCILS, DEMO_PASSWORD, EXPERTS, SUPPLIERS, citizen_email
from seed.timeline import HOUR, SEED, Timeline, between, spread

RATING_WHILE = {"open", "voting"}
COMMENT_WHILE = discussion.COMMENTS_WHILE
DAY = timedelta(days=1)
# What the summary counts, in its order, singular and plural.
NOUNS = (("account", "accounts"), ("organisation", "organisations"), ("member", "members"),
         ("challenge", "challenges"), ("pitch", "pitches"), ("rating", "ratings"),
         ("panel invitation", "panel invitations"), ("comment", "comments"),
         ("withdrawn pitch", "withdrawn pitches"), ("status change", "status changes"),
         ("shortlist published", "shortlists published"), ("view", "views"))


def load() -> str:
    """Load whatever of the demo data is missing; say what was added."""
    made = Counter()
    timeline = Timeline()
    people = _people(made, timeline)
    orgs = _organisations(people, made, timeline)
    for spec in CHALLENGES:
        _challenge(spec, people, orgs, made, timeline)
    if not made:
        return "Demo data already loaded: nothing added."
    return (f"Demo data loaded: {summary(made)}. "
            f"Every demo account's password is {DEMO_PASSWORD!r}.")


def summary(made: Counter) -> str:
    """What was added, as a person would say it: "1 withdrawn pitch, 12 organisations"."""
    return ", ".join(f"{made[one]:,} {one if made[one] == 1 else many}"
                     for one, many in NOUNS if made[one])


# ---- people and organisations ---------------------------------------------------------------

def _people(made: Counter, timeline: Timeline) -> dict[str, User]:
    wanted = [(ADMIN["email"], ADMIN["name"], True)]
    for org in COUNCILS + SUPPLIERS:
        wanted += [(email, name, False) for email, name in org["members"]]
    wanted += [(email, name, False) for email, name in EXPERTS]
    wanted += [(citizen_email(handle), name, False) for handle, name in CITIZENS]
    people = {}
    for index, (email, name, is_admin) in enumerate(wanted):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            with set_to(timeline.person(index, len(wanted))):
                user = accounts.register(email, DEMO_PASSWORD, name, is_admin=is_admin)
            made["account"] += 1
        people[email] = user
    return people


def _organisations(people: dict[str, User], made: Counter,
                   timeline: Timeline) -> dict[str, Organisation]:
    admin = people[ADMIN["email"]]
    orgs = {}
    for index, (kind, spec) in enumerate([("council", spec) for spec in COUNCILS]
                                         + [("supplier", spec) for spec in SUPPLIERS]):
        # Registered the day after the last person, verified the next day, joined the next.
        created = timeline.days_ago(75) + index * HOUR
        (owner_email, _), *others = spec["members"]
        owner = people[owner_email]
        org = db.session.scalar(select(Organisation).where(
            Organisation.name == spec["name"], Organisation.kind == kind))
        if org is None:
            with set_to(created):
                org = organisations.create(owner, spec["name"], kind, spec["description"],
                                           spec["website"])
            made["organisation"] += 1
            made["member"] += 1  # the owner, a member from the start
        if spec.get("verified") and org.status == "pending":
            with set_to(created + DAY):
                organisations.verify(admin, org.id)
        for email, _ in others:
            if not is_member(people[email], org.id):
                # Members join by consent, here as through the API: invited, then accepting.
                with set_to(created + DAY + HOUR):
                    invitation = organisations.invite(owner, org.id, email, "member")
                with set_to(created + 2 * DAY):
                    organisations.accept(people[email], invitation.id)
                made["member"] += 1
        orgs[spec["name"]] = org
    return orgs


def _person(people: dict[str, User], who: str) -> User:
    return people[who if "@" in who else citizen_email(who)]


# ---- challenges -----------------------------------------------------------------------------

class Events:
    """One challenge's events, run in the order of their moments (ties: as added)."""

    def __init__(self):
        self.planned: list[tuple[datetime, int, object, tuple]] = []

    def at(self, moment: datetime, action, *args) -> None:
        self.planned.append((moment, len(self.planned), action, args))

    def run(self) -> None:
        for moment, _, action, args in sorted(self.planned, key=lambda event: event[:2]):
            with set_to(moment):
                action(*args)


def _challenge(spec: dict, people, orgs, made: Counter, timeline: Timeline) -> None:
    council = orgs[spec["council"]]
    officer = people[spec["by"]]
    moments = timeline.statuses(spec)
    challenge = db.session.scalar(select(Challenge).where(
        Challenge.council_id == council.id, Challenge.title == spec["title"]))
    new = challenge is None
    if new:
        with set_to(moments["posted"]):
            challenge = _create_challenge(spec, council, officer, timeline.now)
        made["challenge"] += 1
    events = Events()
    if "open" in moments:
        events.at(moments["open"], _move, officer, challenge, "open", made)
        for email in spec.get("panel", []):
            events.at(moments["open"] + DAY, _invite, officer, challenge, people[email], made)
        submitted = spread(f"{spec['title']}:pitches", len(spec.get("pitches", [])),
                           moments["open"] + DAY + 2 * HOUR,
                           timeline.end_of_pitches(moments) - 2 * HOUR)
        for pitch_spec, moment in zip(spec.get("pitches", []), submitted, strict=True):
            _pitch_events(events, challenge, pitch_spec, moment, moments, people, orgs, made,
                          timeline)
    if "voting" in moments:
        events.at(moments["voting"], _move, officer, challenge, "voting", made)
    if "shortlisted" in moments:
        events.at(moments["shortlisted"], _publish, officer, challenge, made)
    if "closed" in moments:
        events.at(moments["closed"], _move, officer, challenge, "closed", made)
    events.run()
    if new:
        _add_views(challenge, spec, made)


def _create_challenge(spec: dict, council: Organisation, officer: User,
                      today: datetime) -> Challenge:
    body = {"council_id": council.id, "title": spec["title"], "summary": spec["summary"],
            "description": spec.get("description", ""), "tags": spec["tags"],
            **spec.get("settings", {})}
    if spec.get("deadline_days") is not None:
        deadline = today.replace(hour=17, minute=0, second=0, microsecond=0)
        body["deadline"] = (deadline + timedelta(days=spec["deadline_days"])).isoformat() + "Z"
    return challenges.create(officer, ChallengeIn().load(body))


def _move(officer: User, challenge: Challenge, target: str, made: Counter) -> None:
    """Move one step along the life, if the challenge is just before `target`."""
    before = {"open": {"draft"}, "voting": {"open"}, "closed": {"open", "shortlisted"}}
    db.session.refresh(challenge)
    if challenge.status in before[target]:
        challenges.move(officer, challenge.id, target)
        made["status change"] += 1
    db.session.refresh(challenge)


def _invite(officer: User, challenge: Challenge, expert: User, made: Counter) -> None:
    db.session.refresh(challenge)
    if challenge.status != "closed" and not panel.sits_on_panel(expert, challenge):
        panel.invite(officer, challenge.id, email=expert.email)
        made["panel invitation"] += 1


def _publish(officer: User, challenge: Challenge, made: Counter) -> None:
    db.session.refresh(challenge)
    if challenge.status == "voting":
        shortlists.publish(officer, challenge.id)
        made["shortlist published"] += 1
        made["status change"] += 1
    db.session.refresh(challenge)


# ---- pitches, ratings and comments ----------------------------------------------------------

def _pitch_events(events: Events, challenge: Challenge, spec: dict, submitted: datetime,
                  moments: dict, people, orgs, made: Counter, timeline: Timeline) -> None:
    """Plan the pitch's submission, then its ratings and comments, then its withdrawal."""
    found: dict = {"pitch": None, "comments": {}}
    key = f"{challenge.title}:{spec['title']}"
    events.at(submitted, _submit, challenge, spec, people, orgs, made, found)
    end_of_ratings = timeline.end_of_ratings(moments)
    end_of_comments = timeline.end_of_comments(moments)
    if spec.get("withdrawn"):
        withdrawn = between(submitted, end_of_ratings, 0.7)
        events.at(withdrawn, _withdraw, people[spec["by"]], made, found)
        end_of_ratings = end_of_comments = withdrawn - HOUR
    planned = _planned_ratings(challenge, spec, people)
    random.Random(f"{SEED}:order:{key}").shuffle(planned)
    times = spread(f"{key}:ratings", len(planned), submitted + HOUR, end_of_ratings)
    for (rater, stars), moment in zip(planned, times, strict=True):
        events.at(moment, _rate, rater, stars, made, found)
    comments = COMMENTS.get(spec["title"], [])
    if comments:
        first = submitted + comments[0].get("hours_after", 2) * HOUR
        times = [first] + spread(f"{key}:comments", len(comments) - 1, first + HOUR,
                                 end_of_comments)
        for comment, moment in zip(comments, times, strict=True):
            events.at(moment, _comment, comment, people, made, found)


def _submit(challenge: Challenge, spec: dict, people, orgs, made: Counter, found: dict) -> None:
    supplier = orgs[spec["supplier"]]
    pitch = db.session.scalar(select(Pitch).where(Pitch.challenge_id == challenge.id,
                                                  Pitch.supplier_id == supplier.id,
                                                  Pitch.title == spec["title"]))
    if pitch is None and challenge.status == "open":  # pitches are taken only while open
        body = {"supplier_id": supplier.id, "title": spec["title"], "summary": spec["summary"],
                "description": spec.get("description", ""), "pricing": spec["pricing"],
                "price_note": spec.get("price_note", ""), "video_url": spec.get("video_url"),
                "tags": spec.get("tags", [])}
        pitch = pitches.submit(people[spec["by"]], challenge.id, PitchIn().load(body))
        made["pitch"] += 1
    found["pitch"] = pitch


def _planned_ratings(challenge: Challenge, spec: dict, people) -> list[tuple[User, int]]:
    """The public ratings (residents, stars drawn around the pitch's mean) and the panel's."""
    n, mean = spec.get("public", (0, 0))
    rng = random.Random(f"{SEED}:{challenge.title}:{spec['title']}")
    raters = rng.sample(CITIZENS, n)
    planned = [(_person(people, handle), min(5, max(1, round(rng.gauss(mean, 0.9)))))
               for handle, _ in raters]
    planned += [(people[email], stars) for email, stars in spec.get("panel", {}).items()]
    return planned


def _rate(rater: User, stars: int, made: Counter, found: dict) -> None:
    pitch = found["pitch"]
    if pitch is None:
        return
    db.session.refresh(pitch)
    if pitch.status != "submitted" or pitch.challenge.status not in RATING_WHILE:
        return
    exists = db.session.scalar(select(Rating.pitch_id).where(Rating.pitch_id == pitch.id,
                                                             Rating.user_id == rater.id))
    if exists is None:
        voting.rate(rater, pitch.id, stars)
        made["rating"] += 1


def _comment(spec: dict, people, made: Counter, found: dict) -> None:
    pitch = found["pitch"]
    if pitch is None:
        return
    author = _person(people, spec["by"])
    comment_id = db.session.scalar(select(Comment.id).where(
        Comment.pitch_id == pitch.id, Comment.author_id == author.id,
        Comment.body == spec["body"]))
    if comment_id is None:
        db.session.refresh(pitch)
        if pitch.status != "submitted" or pitch.challenge.status not in COMMENT_WHILE:
            return
        parent = found["comments"].get(spec.get("reply_to"))
        if spec.get("reply_to") and parent is None:
            return  # the comment replied to is missing: leave the reply out too
        body = CommentIn().load({"body": spec["body"], "parent_id": parent})
        comment_id = discussion.post(author, pitch.id, body)["id"]
        made["comment"] += 1
    if "key" in spec:
        found["comments"][spec["key"]] = comment_id


def _withdraw(author: User, made: Counter, found: dict) -> None:
    pitch = found["pitch"]
    if pitch is None:
        return
    db.session.refresh(pitch)
    if pitch.status == "submitted" and pitch.challenge.status in pitches.WITHDRAWABLE_WHILE:
        pitches.withdraw(author, pitch.id)
        made["withdrawn pitch"] += 1


# ---- views ----------------------------------------------------------------------------------

def _add_views(challenge: Challenge, spec: dict, made: Counter) -> None:
    """Views as readers would have left them: more on what is rated and discussed. Added as
    the app's view buffer writes them (exchange/views.py), by relative updates."""
    rng = random.Random(f"{SEED}:views:{spec['title']}")
    total = 0
    for pitch in db.session.scalars(select(Pitch).where(Pitch.challenge_id == challenge.id)
                                    .execution_options(populate_existing=True)):
        tally = pitch.tally
        rated = (tally.public_count + tally.panel_count) if tally is not None else 0
        views = 3 * rated + 2 * pitch.comment_count + rng.randint(12, 60)
        db.session.execute(update(Pitch).where(Pitch.id == pitch.id)
                           .values(view_count=Pitch.view_count + views))
        total += views
    views = (total // 2 + rng.randint(40, 160)) if challenge.status != "draft" \
        else rng.randint(2, 6)  # a draft: its council's officers only
    db.session.execute(update(Challenge).where(Challenge.id == challenge.id)
                       .values(view_count=Challenge.view_count + views))
    db.session.commit()
    made["view"] += views + total
