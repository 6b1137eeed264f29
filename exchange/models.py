"""Every table of the exchange, imported in one place for Alembic and the tests."""
from exchange.accounts.models import ApiToken, User
from exchange.audit import AuditEvent
from exchange.challenges.models import Challenge, ChallengeRater, ChallengeTag, PanelMember
from exchange.discussion.models import Comment, CommentFlag
from exchange.organisations.models import (
    Invitation,
    Membership,
    MembershipPeriod,
    Organisation,
)
from exchange.pitches.models import Pitch, PitchTag
from exchange.voting.models import Rating, Shortlist

__all__ = ["ApiToken", "AuditEvent", "Challenge", "ChallengeRater", "ChallengeTag", "Comment",
           "CommentFlag", "Invitation", "Membership", "MembershipPeriod", "Organisation",
           "PanelMember", "Pitch", "PitchTag", "Rating", "Shortlist", "User"]
