"""Every table voting writes: ratings and their signals, the tallies of pitches and
challenges, who rated on each challenge, the panel and its declared conflicts, the live
ranking's figures of certainty, and the frozen shortlists. Nothing outside voting writes them."""
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.extensions import db
from exchange.pitches.models import Pitch
from exchange.voting import ranking
from exchange.voting.certainty import seed_of

# The canonical forms of a sealed snapshot (voting/snapshots.py): /2 adds how sure the
# ranking is; snapshots sealed before that stay /1.
SNAPSHOT_FORMAT = "oix-snapshot/1"
SNAPSHOT_FORMAT_WITH_CERTAINTY = "oix-snapshot/2"

# Why a rating is kept but left out of the ranking (null: it counts).
EXCLUSION_REASONS = ("conflict_of_interest", "new_account")


class Rating(db.Model):
    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("pitch_id", "user_id"),
        CheckConstraint("stars >= 1 AND stars <= 5", name="stars"),
        CheckConstraint("excluded_reason IN ('conflict_of_interest', 'new_account')",
                        name="excluded_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    is_panel: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Null when the rating counts; otherwise one of EXCLUSION_REASONS.
    excluded_reason: Mapped[str | None] = mapped_column(String(30))
    # Signals: the rater's account age when the rating was first given, and a keyed hash
    # of their network prefix (never the address). Null on ratings older than the signals.
    account_age_hours: Mapped[float | None] = mapped_column(Float)
    network_hash: Mapped[str | None] = mapped_column(String(64))


class RatingChange(db.Model):
    """Each change of a rating, append-only: when, to what, from which network."""

    __tablename__ = "rating_changes"
    __table_args__ = (
        Index("ix_rating_changes_pitch_time", "pitch_id", "changed_at"),
        # A challenge's changes since a given one, pitch by pitch (voting/held_signals.py).
        Index("ix_rating_changes_pitch_id", "pitch_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    stars: Mapped[int | None] = mapped_column(Integer)  # null: the rating was taken back
    network_hash: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0, server_default="0")


class PitchTally(db.Model):
    """One pitch's ratings: counted ones (public and panel kept apart) as count, sum and
    histogram; kept-but-excluded ones per reason. One row per pitch, made when it is
    submitted; `flask reconcile-tallies --fix` makes any that is missing."""

    __tablename__ = "pitch_tallies"
    __table_args__ = (
        CheckConstraint("public_count >= 0 AND panel_count >= 0 AND "
                        "excluded_conflict_of_interest >= 0 AND excluded_new_account >= 0",
                        name="counts"),
        # The pitch list's "most_rated" order, read without touching `pitches` to sort.
        Index("ix_pitch_tallies_most_rated", "challenge_id", "public_count", "pitch_id"),
    )

    pitch_id: Mapped[int] = mapped_column(
        ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True)
    # Repeated from the pitch so a challenge's tallies are one indexed range.
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    public_count: Mapped[int] = _count()
    public_sum: Mapped[int] = _count()
    public_1: Mapped[int] = _count()
    public_2: Mapped[int] = _count()
    public_3: Mapped[int] = _count()
    public_4: Mapped[int] = _count()
    public_5: Mapped[int] = _count()
    panel_count: Mapped[int] = _count()
    panel_sum: Mapped[int] = _count()
    panel_1: Mapped[int] = _count()
    panel_2: Mapped[int] = _count()
    panel_3: Mapped[int] = _count()
    panel_4: Mapped[int] = _count()
    panel_5: Mapped[int] = _count()
    excluded_conflict_of_interest: Mapped[int] = _count()
    excluded_new_account: Mapped[int] = _count()

    def histogram(self, kind: str) -> tuple[int, int, int, int, int]:
        """Counts of 1..5 stars for `kind` 'public' or 'panel'."""
        return tuple(getattr(self, f"{kind}_{k}") for k in range(1, 6))

    def _part(self, kind: str) -> dict:
        count, total = getattr(self, f"{kind}_count"), getattr(self, f"{kind}_sum")
        return {"count": count, "sum": total, "mean": (total / count) if count else None,
                "histogram": dict(zip("12345", self.histogram(kind)))}

    @property
    def public(self) -> dict:
        return self._part("public")

    @property
    def panel(self) -> dict:
        return self._part("panel")

    @property
    def excluded(self) -> dict[str, int]:
        return {reason: getattr(self, f"excluded_{reason}") for reason in EXCLUSION_REASONS}


class ChallengeTally(db.Model):
    """A challenge's rating totals (public ones of submitted pitches, panel ones), its
    raters, and the version every change to its ratings bumps. Its row is the lock every
    writer of the challenge's ratings, and the shortlist publisher, takes first."""

    __tablename__ = "challenge_tallies"
    __table_args__ = (
        CheckConstraint("rating_count >= 0 AND panel_rating_count >= 0 AND rater_count >= 0",
                        name="counts"),
        # The challenge list's "popular" order; a `?status=` filter joins challenges.
        Index("ix_challenge_tallies_popular", "rating_count", "challenge_id"),
    )

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    rating_count: Mapped[int] = _count()  # public, submitted pitches
    rating_sum: Mapped[int] = _count()
    panel_rating_count: Mapped[int] = _count()
    rater_count: Mapped[int] = _count()
    # Bumped whenever the set of the challenge's ratings, their stars, networks or panel
    # standing, or its submitted pitches change: what is derived from every rating (the
    # ranking's integrity flags) is cached under it, and stays exact across servers.
    ratings_version: Mapped[int] = _count()


# Read as `pitch.tally` and `challenge.tally`, loaded with their row (never one query per
# row); None until the row exists, which readers take as all zeros.
Pitch.tally = relationship(PitchTally, uselist=False, lazy="joined", viewonly=True)
Challenge.tally = relationship(ChallengeTally, uselist=False, lazy="joined", viewonly=True)


class ChallengeRater(db.Model):
    """How many of one challenge's pitches a person has rated: keeps `rater_count` exact."""

    __tablename__ = "challenge_raters"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    ratings: Mapped[int] = mapped_column(Integer, default=0)


class PanelMember(db.Model):
    """An expert the council invited onto one challenge's panel (officers sit on it anyway)."""

    __tablename__ = "panel_members"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class PanelConflict(db.Model):
    """A panel member's declared conflict with one pitch: their rating of it is excluded."""

    __tablename__ = "panel_conflicts"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    pitch_id: Mapped[int] = mapped_column(
        ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True, index=True)
    declared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CertaintyFigures(db.Model):
    """A challenge's live figures of certainty as last computed by any server, and which
    server computes the next ones (until `claimed_until`): each is simulated once for the
    whole exchange, not once per worker (voting/held_certainty.py)."""

    __tablename__ = "certainty_figures"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    # What they were computed from: the settings (JSON list), the ratings version, the
    # record's hash; `figures` is JSON, {pitch id: [low, high, p_top_k]}. Null until the
    # first computation ends.
    settings: Mapped[str | None] = mapped_column(String(400))
    ratings_version: Mapped[int | None] = mapped_column(Integer)
    record_sha256: Mapped[str | None] = mapped_column(String(64))
    figures: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)


class IntegritySignals(db.Model):
    """Every pitch's own integrity signals of a challenge as last read by any server, and
    what they are as of: a server that starts, or has not ranked the challenge for a while,
    brings them up to date instead of reading all of its ratings (voting/held_signals.py)."""

    __tablename__ = "integrity_signals"

    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True)
    # A digest of the opening time and the rules they were judged by.
    judged_by: Mapped[str] = mapped_column(String(64))
    ratings_version: Mapped[int] = mapped_column(Integer)
    # The exchange's newest rating change id when the ratings were read.
    last_change: Mapped[int] = mapped_column(Integer)
    signals: Mapped[str] = mapped_column(Text)  # JSON: a list of each pitch's own signals
    stored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Shortlist(db.Model):
    """A published ranking, frozen: its settings, its prior mean and one entry per pitch,
    as they were when it was published. Later ratings never change it."""

    __tablename__ = "shortlists"
    __table_args__ = (
        CheckConstraint("method IN ('bayesian', 'wilson', 'mean', 'stars')", name="method"),
        # Unique indexes, not constraints: SQLite adds them without rebuilding the table.
        Index("ix_shortlists_sha256", "sha256", unique=True),
        Index("ix_shortlists_previous_sha256", "previous_sha256", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), unique=True)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The settings the ranking was computed with, and m, the prior mean it used.
    method: Mapped[str] = mapped_column(String(16))
    panel_weight: Mapped[float] = mapped_column(Float)
    min_ratings: Mapped[int] = mapped_column(Integer)
    prior_weight: Mapped[float] = mapped_column(Float)
    shortlist_size: Mapped[int] = mapped_column(Integer)
    m: Mapped[float] = mapped_column(Float)
    # The seal (voting/snapshots.py): the rating record it was computed from, the hash of its
    # canonical JSON, the hash of the snapshot published before it on the exchange (one
    # chain: each snapshot has at most one successor), and the signature of the canonical
    # JSON. Null on snapshots published before snapshots were sealed.
    record_sha256: Mapped[str | None] = mapped_column(String(64))
    record_rows: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    # Whose snapshot that was (null for the first), so a reader can fetch it.
    previous_challenge_id: Mapped[int | None] = mapped_column(Integer)
    key_id: Mapped[str | None] = mapped_column(String(16))
    signature: Mapped[str | None] = mapped_column(String(100))
    # How sure the ranking was (voting/certainty.py): the draws simulated and the challenge's
    # ratings version at publication; the seed follows from the challenge and record_sha256.
    # Null on snapshots published before the figures were computed.
    certainty_draws: Mapped[int | None] = mapped_column(Integer)
    certainty_ratings_version: Mapped[int | None] = mapped_column(Integer)

    published_by = relationship("User", lazy="joined")
    entries = relationship("ShortlistEntry", back_populates="shortlist", lazy="selectin",
                           cascade="all, delete-orphan", order_by="ShortlistEntry.position")

    @property
    def seal(self) -> dict | None:
        """The seal as the API shows it; None on a snapshot published before sealing."""
        if self.previous_sha256 is None:
            return None
        form = SNAPSHOT_FORMAT if self.certainty is None else SNAPSHOT_FORMAT_WITH_CERTAINTY
        return {"format": form, "sha256": self.sha256,
                "previous_sha256": self.previous_sha256,
                "previous_challenge_id": self.previous_challenge_id,
                "record_sha256": self.record_sha256,
                "record_rows": self.record_rows, "key_id": self.key_id,
                "signature": self.signature}

    @property
    def certainty(self) -> dict | None:
        """What the entries' figures were computed from, as the API shows it; None without
        figures."""
        if self.certainty_draws is None:
            return None
        return {"draws": self.certainty_draws,
                "seed": seed_of(self.challenge_id, self.record_sha256),
                "record_sha256": self.record_sha256,
                "ratings_version": self.certainty_ratings_version, "current": True}

    @property
    def panel_agreement(self) -> dict:
        return ranking.panel_agreement(self.entries)

    @property
    def shortlisted_pitch_ids(self) -> list[int]:
        return [entry.pitch_id for entry in self.entries if entry.shortlisted]


class ShortlistEntry(db.Model):
    """One pitch of a published ranking, with its working, as it was shown then: its
    title and supplier as published, its numbers, and why it was left out."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (
        UniqueConstraint("shortlist_id", "position"),
        CheckConstraint("n >= 0", name="n"),
    )

    shortlist_id: Mapped[int] = mapped_column(
        ForeignKey("shortlists.id", ondelete="CASCADE"), primary_key=True)
    pitch_id: Mapped[int] = mapped_column(
        ForeignKey("pitches.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, ... in the order published
    rank: Mapped[int | None] = mapped_column(Integer)  # null: not eligible
    eligible: Mapped[bool] = mapped_column(Boolean)
    shortlisted: Mapped[bool] = mapped_column(Boolean)
    excluded_reasons: Mapped[list] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    supplier_id: Mapped[int] = mapped_column(Integer)
    supplier_name: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    n: Mapped[int] = mapped_column(Integer)
    S: Mapped[int] = mapped_column("s", Integer)
    mean: Mapped[float] = mapped_column(Float)
    public_1: Mapped[int] = mapped_column(Integer)
    public_2: Mapped[int] = mapped_column(Integer)
    public_3: Mapped[int] = mapped_column(Integer)
    public_4: Mapped[int] = mapped_column(Integer)
    public_5: Mapped[int] = mapped_column(Integer)
    C: Mapped[float] = mapped_column("c", Float)
    public_score: Mapped[float] = mapped_column(Float)
    panel_count: Mapped[int] = mapped_column(Integer)
    panel_mean: Mapped[float | None] = mapped_column(Float)
    panel_score: Mapped[float | None] = mapped_column(Float)
    combined: Mapped[float] = mapped_column(Float)
    integrity_flags: Mapped[list] = mapped_column(JSON)
    excluded_conflict_of_interest: Mapped[int] = mapped_column(Integer)
    excluded_new_account: Mapped[int] = mapped_column(Integer)
    # How sure the ranking was of the pitch (null without figures): the chance it is
    # shortlisted, and the 90% interval of its score.
    p_top_k: Mapped[float | None] = mapped_column(Float)
    score_low: Mapped[float | None] = mapped_column(Float)
    score_high: Mapped[float | None] = mapped_column(Float)

    shortlist = relationship("Shortlist", back_populates="entries")

    # The ranking's wire names (voting/schemas.py RankingEntry) over the stored columns.
    @property
    def supplier(self) -> dict:
        return {"id": self.supplier_id, "name": self.supplier_name}

    @property
    def histogram(self) -> dict:
        return {str(k): getattr(self, f"public_{k}") for k in range(1, 6)}

    @property
    def excluded(self) -> dict:
        return {reason: getattr(self, f"excluded_{reason}") for reason in EXCLUSION_REASONS}

    @property
    def m(self) -> float:
        return self.shortlist.m

    @property
    def panel_gap(self) -> float | None:
        return ranking.panel_gap(self.public_score, self.panel_score)

    @property
    def score_interval(self) -> dict | None:
        if self.score_low is None:
            return None
        return {"low": self.score_low, "high": self.score_high}
