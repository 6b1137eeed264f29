"""Every table of the exchange, imported in one place for Alembic and the tests."""
from exchange.accounts.models import ApiToken, User
from exchange.audit import AuditEvent
from exchange.challenges.models import Challenge, ChallengeTag
from exchange.discussion.models import Comment, CommentFlag
from exchange.organisations.models import (
    Invitation,
    Membership,
    MembershipPeriod,
    Organisation,
)
from exchange.pitches.models import Pitch, PitchTag
from exchange.signing import SigningKey
from exchange.voting.models import (
    ChallengeRater,
    ChallengeTally,
    PanelConflict,
    PanelMember,
    PitchTally,
    Rating,
    RatingChange,
    Shortlist,
)

__all__ = ["ApiToken", "AuditEvent", "Challenge", "ChallengeRater", "ChallengeTag",
           "ChallengeTally", "Comment", "CommentFlag", "Invitation", "Membership",
           "MembershipPeriod", "Organisation", "PanelConflict", "PanelMember", "Pitch",
           "PitchTag", "PitchTally", "Rating", "RatingChange", "Shortlist", "SigningKey",
           "User"]
