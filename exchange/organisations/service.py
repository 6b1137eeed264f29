"""Organisations: registering councils and suppliers, verifying councils, membership."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exchange import audit
from exchange.accounts.models import User
from exchange.accounts.service import normalise_email
from exchange.clock import utcnow
from exchange.extensions import db
from exchange.http.errors import Conflict, Invalid, NotAllowed, NotFound
from exchange.organisations import policy
from exchange.organisations.models import Membership, Organisation


def get(organisation_id: int) -> Organisation:
    """The organisation, or NotFound (404)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def create(user: User, name: str, kind: str, description: str, website: str | None):
    """Register an organisation; its creator becomes its owner. Councils await verification."""
    organisation = Organisation(name=name, kind=kind, description=description, website=website,
                                status="pending" if kind == "council" else "active")
    organisation.memberships.append(Membership(user_id=user.id, role="owner"))
    db.session.add(organisation)
    db.session.flush()
    audit.record(user, "organisation.created", "organisation", organisation.id, kind=kind)
    db.session.commit()
    return organisation


def listing(kind: str | None, status: str | None, q: str | None):
    """Organisations as a select statement, filtered."""
    statement = select(Organisation)
    if kind:
        statement = statement.where(Organisation.kind == kind)
    if status:
        statement = statement.where(Organisation.status == status)
    if q:
        statement = statement.where(func.lower(Organisation.name).contains(q.lower(),
                                                                           autoescape=True))
    return statement


def verify(user: User, organisation_id: int) -> Organisation:
    """An admin verifies a pending council; 403 for others, 409 if not a pending council."""
    if not policy.may_verify(user):
        raise NotAllowed("Only an admin may verify a council.")
    organisation = get(organisation_id)
    if organisation.kind != "council":
        raise Conflict("Only councils are verified; suppliers are active at once.")
    if organisation.status == "verified":
        raise Conflict("This council is already verified.")
    organisation.status = "verified"
    organisation.verified_at = utcnow()
    audit.record(user, "organisation.verified", "organisation", organisation.id)
    db.session.commit()
    return organisation


def add_member(user: User, organisation_id: int, email: str, role: str) -> Membership:
    """An owner (or admin) adds a registered person by email."""
    organisation = get(organisation_id)
    if not policy.may_manage_members(user, organisation):
        raise NotAllowed("Only the organisation's owners may add members.")
    member = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if member is None:
        raise Invalid("No account has this email; ask them to register first.",
                      {"email": ["No account with this email."]})
    if policy.is_member(member, organisation.id):
        raise Conflict("This person is already a member.")
    membership = Membership(organisation_id=organisation.id, user_id=member.id, role=role)
    db.session.add(membership)
    audit.record(user, "organisation.member_added", "organisation", organisation.id,
                 user_id=member.id, role=role)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("This person is already a member.") from None
    return membership


def remove_member(user: User, organisation_id: int, member_id: int) -> None:
    """An owner (or admin) removes a member, or a member leaves; the last owner stays."""
    organisation = get(organisation_id)
    if user.id != member_id and not policy.may_manage_members(user, organisation):
        raise NotAllowed("Only the organisation's owners may remove members.")
    membership = db.session.scalar(
        select(Membership).where(Membership.organisation_id == organisation.id,
                                 Membership.user_id == member_id).with_for_update(of=Membership))
    if membership is None:
        raise NotFound("This person is not a member.")
    if membership.role == "owner":
        owners = db.session.scalar(
            select(func.count()).select_from(Membership).where(
                Membership.organisation_id == organisation.id, Membership.role == "owner"))
        if owners <= 1:
            raise Conflict("The last owner cannot leave; make someone else owner first.")
    db.session.delete(membership)
    audit.record(user, "organisation.member_removed", "organisation", organisation.id,
                 user_id=member_id)
    db.session.commit()
