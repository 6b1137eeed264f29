"""Pitches: submitting, editing, withdrawing, viewing and listing them."""
from collections.abc import Callable
from datetime import datetime
from functools import cache
from types import SimpleNamespace

from sqlalchemy import bindparam, inspect, select, update

from exchange import audit, events, rows, tag_strings, views
from exchange.challenges import lifecycle
from exchange.challenges import policy as challenge_policy
from exchange.challenges import service as challenges
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.errors import Conflict, Invalid, NotAllowed, NotFound
from exchange.extensions import db
from exchange.http.pagination import Page, SortKey, paginate
from exchange.organisations import service as organisations
from exchange.organisations.models import Organisation
from exchange.organisations.policy import is_member
from exchange.pitches import policy
from exchange.pitches.models import Pitch, PitchTag

WITHDRAWABLE_WHILE = policy.WITHDRAWABLE_WHILE  # the seed reads it here


def _visible(pitch_id: int, user):
    return (select(Pitch).join(Challenge, Challenge.id == Pitch.challenge_id)
            .where(Pitch.id == pitch_id, challenge_policy.visible_to(user)))


def get_visible(pitch_id: int, user) -> Pitch:
    """The pitch if its challenge is visible to `user`, else NotFound (404)."""
    pitch = db.session.scalar(_visible(pitch_id, user))
    if pitch is None:
        raise NotFound("No such pitch.")
    return pitch


def get_for_edit(pitch_id: int, user) -> Pitch:
    """The pitch for a member of its supplier: 404 if unseen, 403 for anyone else."""
    pitch = get_visible(pitch_id, user)
    if not policy.may_edit(user, pitch):
        raise NotAllowed("Only members of the supplier that made this pitch may change it.")
    return pitch


def hinted(user, pitch: Pitch) -> Pitch:
    """The pitch carrying `can` for `user` (PitchOut shows it)."""
    pitch.can = policy.hints(user, pitch)
    return pitch


def with_hints(user, challenge: Challenge, shown: list) -> list:
    """A page of the challenge's pitches (Pitch or Shown), each given `can` for `user`,
    judged from facts read once for the page (policy.hints)."""
    for pitch in shown:
        pitch.can = policy.hints(user, SimpleNamespace(
            id=pitch.id, supplier_id=pitch.supplier_id, status=pitch.status,
            challenge=challenge))
    return shown


def hints_of_shown(user, values) -> dict:
    """`can` for `user` of a pitch read by `view` (its row holds its challenge's facts)."""
    challenge = SimpleNamespace(id=values["challenge_id"], status=values["challenge_status"],
                                opened_at=values["challenge_opened_at"],
                                created_at=values["challenge_created_at"])
    return policy.hints(user, SimpleNamespace(
        id=values["id"], supplier_id=values["supplier_id"], status=values["status"],
        challenge=challenge))


def _set_tags(pitch: Pitch, tags: list[str]) -> None:
    wanted = list(dict.fromkeys(tags))
    pitch.tag_rows = [row for row in pitch.tag_rows if row.tag in wanted]
    have = {row.tag for row in pitch.tag_rows}
    pitch.tag_rows.extend(PitchTag(tag=tag) for tag in wanted if tag not in have)


def _audited(pitch: Pitch, names) -> dict:
    """The named fields as the audit trail compares them (tags in any order)."""
    values = audit.snapshot(pitch, [name for name in names if name != "tags"])
    if "tags" in names:
        values["tags"] = sorted(row.tag for row in pitch.tag_rows)
    return values


def submit(user, challenge_id: int, fields: dict) -> Pitch:
    """A supplier's member pitches to an open challenge."""
    challenge = challenges.get_visible(challenge_id, user, lock=True)
    supplier = organisations.get(fields["supplier_id"]) if is_member(
        user, fields["supplier_id"]) else None
    if supplier is None:
        raise NotAllowed("Pitch on behalf of a supplier organisation you belong to.")
    if supplier.kind != "supplier":
        raise Invalid("Only supplier organisations pitch.",
                      {"supplier_id": ["Not a supplier organisation."]})
    if not lifecycle.accepts_pitches(challenge.status):
        raise Conflict(f"This challenge is {challenge.status}; pitches are accepted while it "
                       f"is open.")
    tags = fields.pop("tags", [])
    pitch = Pitch(challenge_id=challenge.id, created_by_id=user.id, status="submitted",
                  **fields)
    _set_tags(pitch, tags)
    db.session.add(pitch)
    challenge.pitch_count += 1
    db.session.flush()
    events.pitch_submitted.send(None, pitch=pitch)
    audit.record(user, "pitch.submitted", "pitch", pitch.id, challenge_id=challenge.id,
                 supplier_id=supplier.id,
                 changes=audit.changes({}, {"status": "submitted", "title": pitch.title}))
    db.session.commit()
    return hinted(user, with_standings(pitch.challenge, [pitch], user)[0])


def edit(user, pitch_id: int, changes: dict, precondition=challenges.no_precondition) -> Pitch:
    """The supplier edits a submitted pitch while its challenge is open."""
    visible = get_for_edit(pitch_id, user)
    # Challenge before pitch, the lock order every write follows: the edit bumps the
    # challenge's ratings version (what the live ranking is kept under).
    rows.lock(Challenge, visible.challenge_id)
    pitch = rows.lock(Pitch, pitch_id)
    precondition(pitch)
    if pitch.status != "submitted":
        raise Conflict("A withdrawn pitch cannot be edited.")
    if not policy.editable(pitch.status, pitch.challenge.status):
        raise Conflict(f"The challenge is {pitch.challenge.status}; pitches can be edited "
                       f"only while it is open.")
    before = _audited(pitch, changes)
    if "tags" in changes:
        _set_tags(pitch, changes.pop("tags"))
    for name, value in changes.items():
        setattr(pitch, name, value)
    pitch.updated_at = utcnow()
    events.pitch_edited.send(None, pitch=pitch)
    audit.record(user, "pitch.edited", "pitch", pitch.id, challenge_id=pitch.challenge_id,
                 changes=audit.changes(before, _audited(pitch, before)))
    db.session.commit()
    return hinted(user, with_standings(pitch.challenge, [pitch], user)[0])


def withdraw(user, pitch_id: int) -> Pitch:
    """The supplier withdraws a pitch; its ratings leave the challenge's totals (voting
    takes them out when told, in this transaction)."""
    visible = get_for_edit(pitch_id, user)
    rows.lock(Challenge, visible.challenge_id)
    pitch = rows.lock(Pitch, pitch_id)
    if pitch.status == "withdrawn":
        raise Conflict("This pitch is already withdrawn.")
    if not policy.withdrawable(pitch.status, pitch.challenge.status):
        raise Conflict(f"The challenge is {pitch.challenge.status}; its pitches are settled.")
    db.session.execute(update(Challenge).where(Challenge.id == pitch.challenge_id)
                       .values(pitch_count=Challenge.pitch_count - 1),
                       execution_options={"synchronize_session": False})
    pitch.status = "withdrawn"
    pitch.withdrawn_at = pitch.updated_at = utcnow()
    db.session.flush()
    events.pitch_withdrawn.send(None, pitch=pitch)
    audit.record(user, "pitch.withdrawn", "pitch", pitch.id, challenge_id=pitch.challenge_id,
                 changes=audit.changes({"status": "submitted"}, {"status": "withdrawn"}))
    db.session.commit()
    db.session.refresh(pitch.challenge)
    return hinted(user, with_standings(pitch.challenge, [pitch], user)[0])


def view(user, pitch_id: int) -> tuple:
    """Read a pitch in one statement, noting a view of it (written later, in a batch:
    exchange/views.py): its row (SHOWN, supplier and tally columns), its tags in order, and
    its standing with the caller's stars, for schemas.pitch_document."""
    # A connection of its own, not the session's: a read of one row needs no ORM session
    # (its start and its close cost more than the statement).
    with db.engine.connect() as connection:
        dialect = connection.dialect.name
        found = connection.execute(
            _shown_one(dialect),
            {"pitch_id": pitch_id, "user_id": user.id if user is not None else None}).first()
    if found is None:
        raise NotFound("No such pitch.")
    views.seen(Pitch, pitch_id)
    return (found._mapping, tag_strings.split(found.tags, dialect),
            STANDINGS["of_row"](found._mapping))


SORTS = {
    "new": [SortKey(Pitch.submitted_at, True, lambda p: p.submitted_at, datetime),
            SortKey(Pitch.id, True, lambda p: p.id)],
}
# What voting says of each pitch for the caller (its standing in the live ranking and the
# caller's stars, see schemas.PitchOut), filled at start-up as COUNTED_ORDERS is:
# "of": (challenge, pitch ids, user) -> {pitch id: standing}, one statement at most;
# "with": (a select of one pitch joined to its challenge, user id) -> the select with what
# "of_row" reads of its row -> the standing, without a statement while cached.
STANDINGS: dict[str, Callable] = {}


def with_standings(challenge: Challenge, items: list, user) -> list:
    """The pitches (Pitch or Shown) with their standing and the caller's stars as attributes."""
    found = STANDINGS["of"](challenge, [item.id for item in items], user)
    for item in items:
        for name, value in found[item.id].items():
            setattr(item, name, value)
    return items


# Orders by what voting counts ("most_rated", "score"). Pitches cannot import voting, so
# voting fills this at start-up: each gives one page of the challenge's pitches in one
# status (`listing`), in its order.
COUNTED_ORDERS: dict[str, Callable[[Challenge, str, int, str | None], Page]] = {}


def listing(challenge: Challenge, status: str):
    """A challenge's pitches in one status, as a select statement."""
    return select(Pitch).where(Pitch.challenge_id == challenge.id, Pitch.status == status)


def page_of_listing(user, challenge: Challenge, status: str, sort: str, limit: int,
                    cursor: str | None) -> Page:
    """One page of a challenge's pitches in one status, in the order `sort`, each with its
    standing and the caller's stars."""
    if sort in COUNTED_ORDERS:
        page = COUNTED_ORDERS[sort](challenge, status, limit, cursor)
    else:
        page = paginate(listing(challenge, status), SORTS[sort], limit, cursor)
    with_standings(challenge, page.items, user)
    return page


def in_order(pitch_ids: list[int]) -> list["Shown"]:
    """These pitches as shown, in this order, in one query (and one for their tags); any
    since deleted are left out."""
    if not pitch_ids:
        return []
    found = {row.id: row for row in db.session.execute(_shown_many(), {"pitch_ids": pitch_ids})}
    tags = _tags_of(list(found))
    return [Shown.of(found[pitch_id], tags[pitch_id]) for pitch_id in pitch_ids
            if pitch_id in found]


# ---- pitches as shown, read as plain rows -----------------------------------------------------

# What PitchOut shows of a pitch, read as plain rows: a fraction of the cost of loading a
# Pitch with its supplier, tally and tags as ORM objects.
SHOWN = (Pitch.id, Pitch.challenge_id, Pitch.title, Pitch.summary, Pitch.description,
         Pitch.video_url, Pitch.pricing, Pitch.price_note, Pitch.status, Pitch.shortlisted,
         Pitch.view_count, Pitch.comment_count, Pitch.submitted_at, Pitch.updated_at,
         Pitch.withdrawn_at)
SHOWN_NAMES = tuple(column.key for column in SHOWN)
TALLY_NAMES = tuple(f"{kind}_{part}" for kind in ("public", "panel")
                    for part in ("count", "sum", 1, 2, 3, 4, 5))


@cache
def _shown():
    """A select of SHOWN, the supplier's id and name, and the pitch's tally columns, reached
    through Pitch.tally (voting's table, attached at start-up: pitches do not import it)."""
    tally = inspect(Pitch).relationships["tally"].mapper.local_table
    return (select(*SHOWN, Organisation.id.label("supplier_id"),
                   Organisation.name.label("supplier_name"), tally.c.pitch_id.label("tallied"),
                   *(tally.c[name] for name in TALLY_NAMES))
            .join(Organisation, Organisation.id == Pitch.supplier_id)
            .outerjoin(tally, tally.c.pitch_id == Pitch.id))


# Statements built once, their ids bound per request: building one costs as much as
# running it.
@cache
def _shown_one(dialect: str):
    """The pitch bound as `pitch_id` with its tags and what its standing is read from, if
    the person bound as `user_id` (None: signed out) may see its challenge; one statement,
    built once per database."""
    tags = tag_strings.joined(PitchTag.tag, PitchTag.pitch_id == Pitch.id, dialect)
    statement = (_shown().add_columns(tags.label("tags"),
                                      Challenge.status.label("challenge_status"),
                                      Challenge.opened_at.label("challenge_opened_at"),
                                      Challenge.created_at.label("challenge_created_at"))
                 .join(Challenge, Challenge.id == Pitch.challenge_id)
                 .where(Pitch.id == bindparam("pitch_id"),
                        challenge_policy.visible_to_user_id(bindparam("user_id"))))
    return STANDINGS["with"](statement, bindparam("user_id"))


@cache
def _shown_many():
    return _shown().where(Pitch.id.in_(bindparam("pitch_ids", expanding=True)))


TAGS_OF = (select(PitchTag.pitch_id, PitchTag.tag)
           .where(PitchTag.pitch_id.in_(bindparam("pitch_ids", expanding=True)))
           .order_by(PitchTag.pitch_id, PitchTag.tag))


def _tags_of(pitch_ids: list[int]) -> dict[int, list[str]]:
    """The pitches' tags, each list in tag order, in one query."""
    tags: dict[int, list[str]] = {pitch_id: [] for pitch_id in pitch_ids}
    for pitch_id, tag in db.session.execute(TAGS_OF, {"pitch_ids": pitch_ids}):
        tags[pitch_id].append(tag)
    return tags


def _tally_part(row, kind: str) -> dict:
    """One kind of the tally, as voting's PitchTally.public and .panel give it."""
    count, total = row[f"{kind}_count"], row[f"{kind}_sum"]
    return {"count": count, "sum": total, "mean": (total / count) if count else None,
            "histogram": {str(stars): row[f"{kind}_{stars}"] for stars in range(1, 6)}}


class Shown(SimpleNamespace):
    """A pitch as PitchOut shows it, as plain attributes under the names a Pitch has; its
    tally as plain dicts, none while it has no tally row."""

    @classmethod
    def of(cls, row, tags: list[str]) -> "Shown":
        values = row._mapping
        shown = cls(**{name: values[name] for name in SHOWN_NAMES})
        shown.supplier = {"id": values["supplier_id"], "name": values["supplier_name"]}
        shown.supplier_id = values["supplier_id"]
        shown.tags = tags
        shown.tally = None if values["tallied"] is None else {
            "public": _tally_part(values, "public"), "panel": _tally_part(values, "panel")}
        return shown
