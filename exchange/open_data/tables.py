"""What the open data holds: one table per resource, its fields described for the Table
Schema, and its rows streamed from the database.

Only what an anonymous reader of the API may see: challenges pass the challenges' own
visibility rule (`policy.visible_to(None)`), and everything else is reached through a
visible challenge. No user id, e-mail, network hash, account age or salt is read.
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select

from exchange import tag_strings
from exchange.challenges import policy
from exchange.challenges.models import Challenge, ChallengeTag
from exchange.extensions import db
from exchange.organisations.models import Organisation
from exchange.pitches.models import Pitch, PitchTag
from exchange.voting.models import (
    EXCLUSION_REASONS,
    ChallengeTally,
    PitchTally,
    Shortlist,
    ShortlistEntry,
)

# Rows fetched at a time by each streamed query: memory stays flat whatever the size.
BATCH = 1000


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a Table Schema type: integer, number, string, boolean, datetime
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()

    def schema(self) -> dict:
        """The field as a Table Schema field descriptor."""
        described = {"name": self.name, "type": self.type, "description": self.description}
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            described["constraints"] = constraints
        return described


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[], Iterator[dict]] | None  # None: written by the exporter itself
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    json_lines: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def schema(self) -> dict:
        """The table's Table Schema."""
        return {"fields": [f.schema() for f in self.fields],
                "primaryKey": list(self.primary_key),
                "foreignKeys": [{"fields": list(own),
                                 "reference": {"resource": resource, "fields": list(theirs)}}
                                for own, resource, theirs in self.foreign_keys],
                "missingValues": [""]}


def streamed(statement) -> Iterator:
    """The statement's rows, fetched in batches (a server-side cursor on PostgreSQL)."""
    # Options on this statement only, not on the session's connection.
    return db.session.connection().execute(
        statement, execution_options={"stream_results": True, "yield_per": BATCH})


def _dialect() -> str:
    return db.engine.dialect.name


def _id(name: str, what: str, required: bool = True) -> Field:
    return Field(name, "integer", what, required)


def _count(name: str, what: str) -> Field:
    return Field(name, "integer", what, True)


def _time(name: str, what: str, required: bool = True) -> Field:
    return Field(name, "datetime", f"{what} (UTC, ISO 8601).", required)


# ---- challenges --------------------------------------------------------------------------

CHALLENGE_FIELDS = (
    _id("id", "The challenge's id, as in /api/v1/challenges/{id}."),
    _id("council_id", "The council (organisation) that posted it."),
    Field("council_name", "string", "The council's name.", True),
    Field("title", "string", "Title.", True),
    Field("summary", "string", "One-paragraph summary."),
    Field("description", "string", "Full description."),
    Field("status", "string", "Where it is in its life (never a draft here).", True,
          ("open", "voting", "shortlisted", "closed")),
    Field("outcome", "string", "How a closed challenge ended: shortlisted (a shortlist was "
          "published) or cancelled; empty on other statuses.", False,
          ("cancelled", "shortlisted")),
    _time("deadline", "Deadline for pitches, if any", required=False),
    Field("tags", "string", "Tags, separated by spaces, in tag order (a list in the JSON)."),
    _count("shortlist_size", "How many pitches the shortlist holds."),
    _count("min_ratings", "Public ratings a pitch needs to be eligible."),
    Field("prior_weight", "number", "C, the weight of the prior mean in the bayesian score.",
          True),
    Field("method", "string", "The ranking method.", True,
          ("bayesian", "wilson", "mean", "stars")),
    Field("panel_weight", "number", "w, the panel's weight in the combined score (0 to 1).",
          True),
    _count("min_account_age_hours", "Ratings from younger accounts are kept but excluded."),
    _count("pitch_count", "Submitted pitches."),
    _count("rating_count", "Counted public ratings of its submitted pitches."),
    _count("comment_count", "Comments on its pitches."),
    _count("view_count", "Views of the challenge."),
    _time("created_at", "When it was created"),
    _time("updated_at", "When it was last edited"),
    _time("status_changed_at", "When its status last changed"),
)


def challenge_rows() -> Iterator[dict]:
    """Every challenge an anonymous reader may see, by id."""
    tags = tag_strings.joined(ChallengeTag.tag, ChallengeTag.challenge_id == Challenge.id,
                              _dialect())
    own = [getattr(Challenge, f.name) for f in CHALLENGE_FIELDS
           if f.name not in {"council_name", "rating_count", "tags"}]
    statement = (select(*own, Organisation.name.label("council_name"),
                        func.coalesce(ChallengeTally.rating_count, 0).label("rating_count"),
                        tags.label("tags"))
                 .join(Organisation, Organisation.id == Challenge.council_id)
                 .outerjoin(ChallengeTally, ChallengeTally.challenge_id == Challenge.id)
                 .where(policy.visible_to(None)).order_by(Challenge.id))
    for row in streamed(statement):
        found = row._asdict()
        found["tags"] = tag_strings.split(found["tags"], _dialect())
        yield found


# ---- pitches -----------------------------------------------------------------------------

PITCH_FIELDS = (
    _id("id", "The pitch's id, as in /api/v1/pitches/{id}."),
    _id("challenge_id", "The challenge it answers."),
    _id("supplier_id", "The supplier (organisation) that made it."),
    Field("supplier_name", "string", "The supplier's name.", True),
    Field("title", "string", "Title.", True),
    Field("summary", "string", "Summary."),
    Field("description", "string", "Full description."),
    Field("video_url", "string", "A video of the pitch, if any."),
    Field("pricing", "string", "Pricing.", True, ("free", "freemium", "paid")),
    Field("price_note", "string", "What the price covers."),
    Field("tags", "string", "Tags, separated by spaces, in tag order (a list in the JSON)."),
    Field("status", "string", "Submitted or withdrawn.", True, ("submitted", "withdrawn")),
    Field("shortlisted", "boolean", "On the published shortlist.", True),
    _count("view_count", "Views of the pitch."),
    _count("comment_count", "Comments on the pitch."),
    _time("submitted_at", "When it was submitted"),
    _time("updated_at", "When it was last edited"),
    _time("withdrawn_at", "When it was withdrawn, if it was", required=False),
)


def pitch_rows() -> Iterator[dict]:
    """Every pitch of a visible challenge, withdrawn ones too (the API lists them), by id."""
    tags = tag_strings.joined(PitchTag.tag, PitchTag.pitch_id == Pitch.id, _dialect())
    own = [getattr(Pitch, f.name) for f in PITCH_FIELDS
           if f.name not in {"supplier_name", "tags"}]
    statement = (select(*own, Organisation.name.label("supplier_name"), tags.label("tags"))
                 .join(Organisation, Organisation.id == Pitch.supplier_id)
                 .join(Challenge, Challenge.id == Pitch.challenge_id)
                 .where(policy.visible_to(None)).order_by(Pitch.id))
    for row in streamed(statement):
        found = row._asdict()
        found["tags"] = tag_strings.split(found["tags"], _dialect())
        yield found


# ---- tallies -----------------------------------------------------------------------------

TALLY_COLUMNS = tuple(f"{kind}_{part}" for kind in ("public", "panel")
                      for part in ("count", "sum", 1, 2, 3, 4, 5))
EXCLUDED_COLUMNS = tuple(f"excluded_{reason}" for reason in EXCLUSION_REASONS)


def _tally_field(name: str) -> Field:
    kind, part = name.split("_")
    what = {"count": "ratings counted", "sum": "sum of the stars of the ratings counted"}.get(
        part, f"ratings of {part} star{'s' if part != '1' else ''} counted")
    return _count(name, f"{kind.capitalize()} {what}.")


TALLY_FIELDS = (
    _id("pitch_id", "The pitch."),
    _id("challenge_id", "Its challenge."),
    *(_tally_field(name) for name in TALLY_COLUMNS),
    *(_count(name, f"Ratings kept but excluded from the ranking: {name[9:]}.")
      for name in EXCLUDED_COLUMNS),
)


def tally_rows() -> Iterator[dict]:
    """Each visible pitch's tally (all zeros while it has no tally row), by pitch id."""
    counts = [func.coalesce(getattr(PitchTally, n), 0).label(n)
              for n in TALLY_COLUMNS + EXCLUDED_COLUMNS]
    statement = (select(Pitch.id.label("pitch_id"), Pitch.challenge_id, *counts)
                 .outerjoin(PitchTally, PitchTally.pitch_id == Pitch.id)
                 .join(Challenge, Challenge.id == Pitch.challenge_id)
                 .where(policy.visible_to(None)).order_by(Pitch.id))
    for row in streamed(statement):
        yield row._asdict()


# ---- published snapshots -----------------------------------------------------------------

SHORTLIST_FIELDS = (
    _id("challenge_id", "The challenge; its snapshot is /api/v1/challenges/{id}/shortlist."),
    _time("published_at", "When it was published"),
    Field("method", "string", "The ranking method it used.", True,
          ("bayesian", "wilson", "mean", "stars")),
    Field("panel_weight", "number", "w, as published.", True),
    _count("min_ratings", "min_ratings, as published."),
    Field("prior_weight", "number", "C, as published.", True),
    _count("shortlist_size", "shortlist_size, as published."),
    Field("m", "number", "The prior mean it used.", True),
    Field("sha256", "string", "Hex SHA-256 of the snapshot's canonical JSON (empty: published "
                              "before snapshots were sealed)."),
    Field("previous_sha256", "string", "sha256 of the snapshot published before it on the "
                                       "exchange; 64 zeros for the first."),
    _id("previous_challenge_id", "Whose snapshot that was (empty for the first).",
        required=False),
    Field("record_sha256", "string", "SHA-256 of the rating record it was computed from."),
    _id("record_rows", "Rows of that rating record.", required=False),
    Field("key_id", "string", "The signing key's id (/.well-known/exchange-keys)."),
    Field("signature", "string", "Ed25519 signature of the canonical JSON, base64."),
)


def shortlist_rows() -> Iterator[dict]:
    """Each published snapshot of a visible challenge with its seal, in publishing order."""
    statement = (select(*(getattr(Shortlist, f.name) for f in SHORTLIST_FIELDS))
                 .join(Challenge, Challenge.id == Shortlist.challenge_id)
                 .where(policy.visible_to(None)).order_by(Shortlist.id))
    for row in streamed(statement):
        yield row._asdict()


ENTRY_FIELDS = (
    _id("challenge_id", "The challenge whose snapshot this is."),
    _id("pitch_id", "The pitch."),
    _count("position", "Place in the published order (1, 2, ...)."),
    _id("rank", "Rank among the eligible pitches (empty: not eligible).", required=False),
    Field("eligible", "boolean", "Eligible for the shortlist.", True),
    Field("shortlisted", "boolean", "On the shortlist.", True),
    Field("excluded_reasons", "string", "Why it was left out, separated by spaces "
                                        "(a list in the JSON)."),
    Field("title", "string", "The pitch's title as published.", True),
    _id("supplier_id", "Its supplier."),
    Field("supplier_name", "string", "The supplier's name as published.", True),
    _time("submitted_at", "When the pitch was submitted"),
    _count("n", "Counted public ratings."),
    _count("S", "Their sum of stars."),
    Field("mean", "number", "S / n (0 when n = 0).", True),
    *(_count(f"public_{k}", f"Counted public ratings of {k} star{'s' if k > 1 else ''}.")
      for k in range(1, 6)),
    Field("C", "number", "The prior weight.", True),
    Field("public_score", "number", "The public score on a 0-1 scale.", True),
    _count("panel_count", "Counted panel ratings."),
    Field("panel_mean", "number", "Their mean (empty when none)."),
    Field("panel_score", "number", "The panel score on a 0-1 scale (empty when none)."),
    Field("combined", "number", "(1 - w) x public_score + w x panel_score.", True),
    Field("integrity_flags", "string", "Integrity signals raised, separated by spaces "
                                       "(a list in the JSON)."),
    *(_count(name, f"Ratings excluded: {name[9:]}.") for name in EXCLUDED_COLUMNS),
)


def entry_rows() -> Iterator[dict]:
    """Every entry of every visible snapshot, by challenge then position."""
    own = [getattr(ShortlistEntry, f.name).label(f.name) for f in ENTRY_FIELDS
           if f.name != "challenge_id"]
    statement = (select(Shortlist.challenge_id, *own)
                 .join(Shortlist, Shortlist.id == ShortlistEntry.shortlist_id)
                 .join(Challenge, Challenge.id == Shortlist.challenge_id)
                 .where(policy.visible_to(None))
                 .order_by(Shortlist.challenge_id, ShortlistEntry.position))
    for row in streamed(statement):
        yield row._asdict()


# ---- rating records ----------------------------------------------------------------------

RATING_FIELDS = (
    _id("challenge_id", "The challenge whose rating record the row is part of."),
    Field("rater", "string", "Pseudonymous rater: stable within a challenge, unrelated "
                             "across challenges.", True),
    _id("pitch_id", "The pitch rated."),
    Field("stars", "integer", "1 to 5 stars.", True),
    Field("role", "string", "panel or public.", True, ("panel", "public")),
    Field("counted", "boolean", "Whether it enters the ranking.", True),
    Field("excluded_reason", "string", "Why it is excluded (empty when it counts).", False,
          EXCLUSION_REASONS),
    Field("time", "datetime", "Its last change, rounded down to the minute (UTC).", True),
)

RECORD_FIELDS = (
    _id("challenge_id", "The challenge."),
    _count("rows", "Rows of its rating record."),
    Field("sha256", "string", "SHA-256 of its canonical rating record, as "
                              "/api/v1/challenges/{id}/record gives it at export time.", True),
)


def visible_challenges() -> Iterator:
    """(id, network_salt) of each visible challenge, by id: what a rating record needs."""
    return streamed(select(Challenge.id, Challenge.network_salt)
                    .where(policy.visible_to(None)).order_by(Challenge.id))


CHALLENGE = (("challenge_id",), "challenges", ("id",))
PITCH = (("pitch_id",), "pitches", ("id",))


TABLES = (
    Table("challenges", "Challenges", "Councils' needs, every one but drafts.",
          CHALLENGE_FIELDS, ("id",), challenge_rows),
    Table("pitches", "Pitches", "Suppliers' pitches to those challenges, withdrawn ones too.",
          PITCH_FIELDS, ("id",), pitch_rows, (CHALLENGE,)),
    Table("tallies", "Tallies", "Each pitch's ratings: public and panel counted (count, sum, "
                                "histogram), and those excluded, per reason.",
          TALLY_FIELDS, ("pitch_id",), tally_rows, (PITCH, CHALLENGE)),
    Table("shortlists", "Published snapshots", "Each published shortlist's settings and seal "
                                               "(hashes, key id, signature).",
          SHORTLIST_FIELDS, ("challenge_id",), shortlist_rows, (CHALLENGE,)),
    Table("shortlist_entries", "Snapshot entries", "Each pitch of each published ranking with "
                                                   "its working, frozen as published.",
          ENTRY_FIELDS, ("challenge_id", "pitch_id"), entry_rows,
          ((("challenge_id",), "shortlists", ("challenge_id",)), PITCH)),
    Table("ratings", "Rating records", "Every challenge's rating record: the rows of "
                                       "/api/v1/challenges/{id}/ratings.csv, in the same "
                                       "order, with the challenge id added.",
          RATING_FIELDS, ("pitch_id", "rater"), None, (PITCH, CHALLENGE), json_lines=True),
    Table("records", "Rating record hashes", "Each challenge's rating record: its rows and "
                                             "the SHA-256 of its canonical form.",
          RECORD_FIELDS, ("challenge_id",), None, (CHALLENGE,)),
)
