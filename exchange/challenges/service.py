"""Challenges: posting, editing, their life, and finding them."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Select, bindparam, func, inspect, literal, or_, select
from sqlalchemy.orm import lazyload

from exchange import audit, events, tag_strings, views
from exchange.challenges import lifecycle, policy
from exchange.challenges.models import Challenge, ChallengeTag
from exchange.clock import utcnow
from exchange.errors import NotAllowed, NotFound
from exchange.extensions import db
from exchange.http.pagination import (
    Page,
    SortKey,
    after,
    decode_cursor,
    order_by,
    page_from_rows,
)
from exchange.organisations import service as organisations
from exchange.organisations.models import Organisation
from exchange.organisations.policy import council_ids_of, is_member

NO_DEADLINE = datetime(9999, 12, 31)
# Settings that decide which ratings count: changing one re-judges the challenge's ratings.
JUDGING_SETTINGS = ("min_account_age_hours",)

# The settings the shortlist and its integrity rules are computed with: a change to them is
# one of the challenge's public life events ("challenge.settings_changed"); a change to what
# the challenge says is "challenge.updated".
SETTINGS = ("shortlist_size", "min_ratings", "prior_weight", "method", "panel_weight",
            "min_account_age_hours")
CONTENT = ("title", "summary", "description", "deadline", "tags")


# Built once, the id bound per read: building a select costs about as much as running it.
ONE = select(Challenge).where(Challenge.id == bindparam("challenge_id"))
BARE = ONE.options(lazyload(Challenge.council), lazyload(Challenge.tag_rows))


def get_visible(challenge_id: int, user, *, lock: bool = False,
                bare: bool = False) -> Challenge:
    """The challenge if `user` may know it exists, else NotFound (404); `bare`: without
    its council and tags (a read of its pitches shows neither), one query the less."""
    statement = (BARE if bare else ONE).where(policy.visible_to(user))
    if lock:
        # FOR NO KEY UPDATE, as exchange/rows.py explains.
        statement = statement.with_for_update(of=Challenge, key_share=True)
    challenge = db.session.scalar(statement, {"challenge_id": challenge_id})
    if challenge is None:
        raise NotFound("No such challenge.")
    return challenge


def view(challenge_id: int, user) -> tuple:
    """Read a challenge in one statement, as a listed row (LISTED_NAMES: its council, rating
    count and tags), noting a view of it (written later, in a batch: exchange/views.py)."""
    # A connection of its own, not the session's: a read of one row needs no ORM session
    # (its start and its close cost more than the statement).
    with db.engine.connect() as connection:
        dialect = connection.dialect.name
        found = connection.execute(_one_shown(dialect), {
            "challenge_id": challenge_id,
            "user_id": user.id if user is not None else None}).first()
    if found is None:
        raise NotFound("No such challenge.")
    views.seen(Challenge, challenge_id)
    return (*found[:-1], tag_strings.split(found.tags, dialect))


@cache
def _one_shown(dialect: str):
    """The challenge bound as `challenge_id`, as LISTED with its rating count and tags, if
    the person bound as `user_id` (None: signed out) may see it; built once per database."""
    tags = tag_strings.joined(ChallengeTag.tag, ChallengeTag.challenge_id == Challenge.id,
                              dialect)
    return (_with_rating_count(LISTING).add_columns(tags.label("tags"))
            .where(Challenge.id == bindparam("challenge_id"),
                   policy.visible_to_user_id(bindparam("user_id"))))


def get_for_officer(challenge_id: int, user, *, lock: bool = False) -> Challenge:
    """The challenge for one of its council's officers: 404 if unseen, 403 if not an officer."""
    challenge = get_visible(challenge_id, user, lock=lock)
    if not policy.may_manage(user, challenge):
        raise NotAllowed("Only officers of the challenge's council may do this.")
    return challenge


def hinted(user, challenge: Challenge) -> Challenge:
    """The challenge carrying `can` for `user` (ChallengeOut shows it)."""
    challenge.can = policy.hints(user, challenge)
    return challenge


def with_hints(user, documents: list[dict]) -> list[dict]:
    """Challenges in the wire format (ChallengeOut), each given `can` for `user`, judged
    from its status and council as shown: no query."""
    for document in documents:
        document["can"] = policy.hints(user, SimpleNamespace(
            status=document["status"], council_id=document["council"]["id"]))
    return documents


def _set_tags(challenge: Challenge, tags: list[str]) -> None:
    wanted = list(dict.fromkeys(tags))
    challenge.tag_rows = [row for row in challenge.tag_rows if row.tag in wanted]
    have = {row.tag for row in challenge.tag_rows}
    challenge.tag_rows.extend(ChallengeTag(tag=tag) for tag in wanted if tag not in have)


def create(user, fields: dict) -> Challenge:
    """An officer of a verified council posts a challenge, as a draft."""
    council = organisations.get(fields["council_id"])
    if council.kind != "council" or not is_member(user, council.id):
        raise NotAllowed("Only officers of a council post its challenges.")
    if council.status != "verified":
        raise NotAllowed("This council is not verified yet; an admin must verify it first.")
    tags = fields.pop("tags", [])
    challenge = Challenge(created_by_id=user.id, status=lifecycle.FIRST, **fields)
    _set_tags(challenge, tags)
    db.session.add(challenge)
    db.session.flush()
    events.challenge_created.send(None, challenge=challenge)
    audit.record(user, "challenge.created", "challenge", challenge.id,
                 changes=audit.changes({}, _audited(challenge, ("council_id", "status",
                                                                *CONTENT, *SETTINGS))))
    db.session.commit()
    return hinted(user, challenge)


def _audited(challenge: Challenge, names) -> dict:
    """The named fields as the audit trail compares them (tags in any order)."""
    values = audit.snapshot(challenge, [name for name in names if name != "tags"])
    if "tags" in names:
        values["tags"] = sorted(challenge.tags)
    return values


def _record_edit(user, challenge: Challenge, before: dict) -> None:
    """Record an edit as two events: what the challenge says, and how it is judged."""
    after = _audited(challenge, before)
    for action, names in (("challenge.updated", CONTENT),
                          ("challenge.settings_changed", SETTINGS)):
        changed = audit.changes({k: v for k, v in before.items() if k in names},
                                {k: v for k, v in after.items() if k in names})
        if changed:
            audit.record(user, action, "challenge", challenge.id, changes=changed)


def no_precondition(_resource) -> None:
    return None


def update(user, challenge_id: int, changes: dict, precondition=no_precondition) -> Challenge:
    """An officer edits a challenge that is not yet shortlisted or closed."""
    challenge = get_for_officer(challenge_id, user, lock=True)
    precondition(challenge)
    lifecycle.check_editable(challenge)
    before = _audited(challenge, changes)
    if "tags" in changes:
        _set_tags(challenge, changes.pop("tags"))
    judged = [name for name in JUDGING_SETTINGS
              if name in changes and changes[name] != getattr(challenge, name)]
    for name, value in changes.items():
        setattr(challenge, name, value)
    challenge.updated_at = utcnow()
    if judged:
        # Voting recounts the challenge's tallies under the new setting, in this transaction.
        events.challenge_settings_changed.send(None, challenge=challenge, fields=judged)
    _record_edit(user, challenge, before)
    db.session.commit()
    return hinted(user, challenge)


def delete(user, challenge_id: int, precondition=no_precondition) -> None:
    """An officer deletes a draft; anything published stays on the record (409)."""
    challenge = get_for_officer(challenge_id, user, lock=True)
    precondition(challenge)
    lifecycle.check_deletable(challenge)
    audit.record(user, "challenge.deleted", "challenge", challenge.id,
                 changes=audit.changes(_audited(challenge, ("status", "title")), {}))
    db.session.delete(challenge)
    db.session.commit()


def move(user, challenge_id: int, target: str) -> Challenge:
    """An officer moves the challenge along its life; a forbidden move is 409, unchanged."""
    challenge = get_for_officer(challenge_id, user, lock=True)
    lifecycle.check_may_move(challenge, target)
    audit.record(user, "challenge.status_changed", "challenge", challenge.id,
                 changes=audit.changes({"status": challenge.status}, {"status": target}))
    lifecycle.move(challenge, target, utcnow())
    db.session.commit()
    return hinted(user, challenge)


SORTS = {
    "new": [SortKey(Challenge.created_at, True, lambda row: row.created_at, datetime),
            SortKey(Challenge.id, True, lambda row: row.id)],
    "deadline": [SortKey(func.coalesce(Challenge.deadline, literal(NO_DEADLINE)), False,
                         lambda row: row.deadline or NO_DEADLINE, datetime),
                 SortKey(Challenge.id, False, lambda row: row.id)],
}
# Orders by what voting counts ("popular"). Challenges cannot import voting, so voting
# fills this at start-up: each takes the listing statement and gives the statement to
# page (joined to its tallies, with their `rating_count` column) and the sort keys.
COUNTED_ORDERS: dict[str, Callable[[Select], tuple[Select, list[SortKey]]]] = {}

# What a listed challenge shows (ChallengeOut), read as plain rows: a list of them costs a
# fraction of loading each as a Challenge with its council and tally.
LISTED = (Challenge.id, Challenge.council_id, Organisation.name.label("council_name"),
          Challenge.title, Challenge.summary, Challenge.description, Challenge.status,
          Challenge.deadline, Challenge.shortlist_size, Challenge.min_ratings,
          Challenge.prior_weight, Challenge.method, Challenge.panel_weight,
          Challenge.min_account_age_hours, Challenge.pitch_count, Challenge.comment_count,
          Challenge.view_count, Challenge.created_at, Challenge.updated_at,
          Challenge.status_changed_at, Challenge.outcome)
# The names of a listed row's values, in order: LISTED, voting's rating count of the
# challenge (None while it has no tally), and its tags (a list, in order).
LISTED_NAMES = (*(column.key for column in LISTED), "rating_count", "tags")

LISTING = select(*LISTED).join(Organisation, Organisation.id == Challenge.council_id)


@cache
def _rating_count():
    """The rating count voting keeps on a challenge's tally, reached through
    `Challenge.tally` (challenges do not import voting)."""
    return inspect(Challenge).relationships["tally"].mapper.columns["rating_count"]


def _with_rating_count(statement):
    """The listing with each challenge's rating count (none without a tally row)."""
    return statement.outerjoin(Challenge.tally).add_columns(_rating_count())


TAGS_OF = (select(ChallengeTag.challenge_id, ChallengeTag.tag)
           .where(ChallengeTag.challenge_id.in_(bindparam("challenge_ids", expanding=True)))
           .order_by(ChallengeTag.challenge_id, ChallengeTag.tag))
# LIKE's escape character for the words of `q`: a word matches as written, % and _ too.
LIKE_ESCAPE = "/"


def _like_pattern(word: str) -> str:
    escaped = (word.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
               .replace("_", LIKE_ESCAPE + "_"))
    return f"%{escaped}%"


@dataclass(frozen=True)
class ListingShape:
    """What decides the SQL of a list request; the values themselves are bound per read."""

    sort: str
    member: bool  # the reader belongs to a council: its drafts are visible to them
    status: bool
    council: bool
    tag: bool
    words: int
    after: bool  # a cursor: rows after its values


@dataclass(frozen=True)
class ListingQuery:
    """A listing statement built once per shape, and the sort keys it pages by."""

    statement: Select
    keys: list[SortKey]


@cache
def _listing_query(shape: ListingShape) -> ListingQuery:
    """The page statement of one shape, built once: building a select costs about as much
    as running a small one. Every value (filters, councils, cursor, limit) is a bound
    parameter."""
    statement = LISTING.where(policy.visible_in(
        bindparam("councils", expanding=True) if shape.member else None))
    if shape.status:
        statement = statement.where(Challenge.status == bindparam("status"))
    if shape.council:
        statement = statement.where(Challenge.council_id == bindparam("council_id"))
    if shape.tag:
        statement = statement.where(Challenge.id.in_(
            select(ChallengeTag.challenge_id).where(ChallengeTag.tag == bindparam("tag"))))
    for i in range(shape.words):
        word = bindparam(f"word_{i}")
        statement = statement.where(or_(
            func.lower(Challenge.title).like(word, escape=LIKE_ESCAPE),
            func.lower(Challenge.summary).like(word, escape=LIKE_ESCAPE)))
    if shape.sort in COUNTED_ORDERS:
        statement, keys = COUNTED_ORDERS[shape.sort](statement)
    else:
        statement, keys = _with_rating_count(statement), SORTS[shape.sort]
    if tuple(statement.selected_columns.keys()) != LISTED_NAMES[:-1]:
        raise AssertionError(f"a {shape.sort} listing reads other columns than LISTED")
    if shape.after:
        statement = statement.where(after(keys, [bindparam(f"after_{i}")
                                                 for i in range(len(keys))]))
    return ListingQuery(statement.order_by(*order_by(keys)).limit(bindparam("limit")), keys)


def page_of_listing(user, sort: str, limit: int, cursor: str | None, *, status=None,
                    tag=None, council_id=None, q=None) -> Page:
    """One page of the challenges `user` may see (drafts only to their council's members),
    filtered, in the order `sort`: rows of LISTED_NAMES, tags last."""
    councils = council_ids_of(user)
    words = q.lower().split()[:8] if q else []
    query = _listing_query(ListingShape(sort, bool(councils), bool(status), bool(council_id),
                                        bool(tag), len(words), bool(cursor)))
    values = {"limit": limit + 1, "councils": councils, "status": status,
              "council_id": council_id, "tag": tag}
    values.update((f"word_{i}", _like_pattern(word)) for i, word in enumerate(words))
    if cursor:
        values.update((f"after_{i}", value)
                      for i, value in enumerate(decode_cursor(cursor, query.keys)))
    connection = db.session.connection()
    rows = connection.execute(query.statement, values).all()
    page = page_from_rows(rows, query.keys, limit)
    tags: dict[int, list[str]] = {row[0]: [] for row in page.items}
    if tags:
        for challenge_id, tag_name in connection.execute(TAGS_OF,
                                                         {"challenge_ids": list(tags)}):
            tags[challenge_id].append(tag_name)
    page.items = [(*row, tags[row[0]]) for row in page.items]
    return page


def _counted(challenge: Challenge, name: str) -> int:
    """A count voting keeps on the challenge's tally (0 until it has one)."""
    return getattr(challenge.tally, name) if challenge.tally is not None else 0


def stats(challenge: Challenge) -> dict:
    """The challenge's live figures, from its own counters and its tally."""
    return {"challenge_id": challenge.id, "views": challenge.view_count,
            "pitches": challenge.pitch_count, "ratings": _counted(challenge, "rating_count"),
            "raters": _counted(challenge, "rater_count"), "comments": challenge.comment_count,
            "panel_ratings": _counted(challenge, "panel_rating_count")}
