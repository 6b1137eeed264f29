"""Who may do what to an organisation, and who counts as a council officer or supplier."""
from sqlalchemy import select

from exchange.organisations.models import Membership, Organisation


def role_in(user, organisation_id: int) -> str | None:
    """The user's role in an organisation, or None."""
    if user is None:
        return None
    for membership in user.memberships:
        if membership.organisation_id == organisation_id:
            return membership.role
    return None


def is_member(user, organisation_id: int) -> bool:
    return role_in(user, organisation_id) is not None


def council_ids_of(user) -> list[int]:
    """Councils the user belongs to (verified or not)."""
    if user is None:
        return []
    return [m.organisation_id for m in user.memberships if m.organisation.kind == "council"]


def is_officer_of(user, council: Organisation) -> bool:
    """A council officer: a member of that council, once an admin has verified it."""
    return council.is_verified_council and is_member(user, council.id)


def officer_council_ids(user) -> set[int]:
    """The verified councils the user is an officer of, from their memberships (loaded
    with the sign-in): the same rule as `is_officer_of`, with no council at hand."""
    if user is None:
        return set()
    return {m.organisation_id for m in user.memberships
            if m.organisation.is_verified_council}


def supplier_ids_of(user) -> list[int]:
    """The supplier organisations the user belongs to: those they may pitch for."""
    if user is None:
        return []
    return [m.organisation_id for m in user.memberships if m.organisation.kind == "supplier"]


def is_member_in_sql(user_id, organisation_id):
    """SQL condition, the same rule as `is_member`, for a person and an organisation given
    as ids, bind parameters or columns of the enclosing query."""
    return (select(Membership.user_id)
            .where(Membership.user_id == user_id, Membership.organisation_id == organisation_id)
            .exists())


def is_officer_in_sql(user_id, council_id):
    """SQL condition, the same rule as `is_officer_of`, for a person and a council given as
    ids, bind parameters or columns of the enclosing query."""
    return (select(Membership.user_id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Membership.user_id == user_id, Membership.organisation_id == council_id,
                   Organisation.kind == "council", Organisation.status == "verified")
            .exists())


def may_manage_members(user, organisation: Organisation) -> bool:
    """Owners invite and remove members. Admins do not: membership is the organisation's
    own business, by consent (an admin verifies councils and moderates, nothing more)."""
    return role_in(user, organisation.id) == "owner"


def may_verify(user) -> bool:
    return bool(user and user.is_admin)
