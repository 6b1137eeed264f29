"""Organisations: registering councils and suppliers, verifying councils, and membership by
consent (invitations accepted or declined), with its history."""
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload, selectinload

from exchange import audit, events, rows
from exchange.accounts.models import User
from exchange.accounts.service import normalise_email
from exchange.clock import utcnow
from exchange.errors import Conflict, NotAllowed, NotFound
from exchange.extensions import db
from exchange.organisations import policy
from exchange.organisations.models import (
    Invitation,
    Membership,
    MembershipPeriod,
    Organisation,
)


def get(organisation_id: int) -> Organisation:
    """The organisation, or NotFound (404)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def with_members(organisation_id: int) -> Organisation:
    """The organisation with its members and their accounts, read in a fixed number of
    queries whatever the number of members, or NotFound (404)."""
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.id == organisation_id)
        .options(selectinload(Organisation.memberships).selectinload(Membership.user))
        .execution_options(populate_existing=True))
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def create(user: User, name: str, kind: str, description: str, website: str | None):
    """Register an organisation; its creator becomes its owner. Councils await verification."""
    now = utcnow()
    organisation = Organisation(name=name, kind=kind, description=description, website=website,
                                status="pending" if kind == "council" else "active",
                                created_at=now)
    db.session.add(organisation)
    db.session.flush()
    _join(organisation.id, user.id, "owner", now)
    audit.record(user, "organisation.created", "organisation", organisation.id, kind=kind,
                 changes=audit.changes({}, {"name": name, "kind": kind,
                                            "status": organisation.status}))
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
    before = audit.snapshot(organisation, ("status", "verified_at"))
    organisation.status = "verified"
    organisation.verified_at = utcnow()
    audit.record(user, "organisation.verified", "organisation", organisation.id,
                 changes=audit.changes(before, audit.snapshot(organisation, before)))
    db.session.commit()
    return organisation


# ---- membership: invitations, joining and leaving ------------------------------------------
#
# Every change to who belongs to an organisation first locks the organisation's row
# (exchange.rows.lock), so two of them never interleave: two owners removing each other,
# or an acceptance racing a removal, each see the other's finished work. These writes lock
# no challenge, pitch or comment; erasing an account (exchange.privacy) locks organisations
# before those, and nothing locks an organisation after them.


def _lock(organisation_id: int, user: User | None = None) -> Organisation:
    """The organisation, locked for a change of its members, or NotFound (404).

    Who belongs is read afresh under the lock, the caller's own roles included, so a
    decision never rests on a membership a parallel request has just ended.
    """
    organisation = rows.lock(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("No such organisation.")
    if user is not None:
        db.session.expire(user, ["memberships"])
    return organisation


def _join(organisation_id: int, user_id: int, role: str, now) -> Membership:
    """Make someone a member, and open their period of membership (the caller commits)."""
    membership = Membership(organisation_id=organisation_id, user_id=user_id, role=role,
                            created_at=now)
    db.session.add(membership)
    db.session.add(MembershipPeriod(organisation_id=organisation_id, user_id=user_id,
                                    role=role, joined_at=now))
    db.session.flush()
    # Voting re-judges their ratings: one given before joining may now be a conflict.
    events.membership_started.send(None, organisation_id=organisation_id, user_id=user_id)
    return membership


def _leave(membership: Membership, now) -> None:
    """End a membership and close its period (the caller commits)."""
    db.session.execute(
        update(MembershipPeriod).where(
            MembershipPeriod.organisation_id == membership.organisation_id,
            MembershipPeriod.user_id == membership.user_id,
            MembershipPeriod.left_at.is_(None)).values(left_at=now),
        execution_options={"synchronize_session": False})
    db.session.delete(membership)


def invite(user: User, organisation_id: int, email: str, role: str) -> Invitation:
    """An owner invites an email; the answer is the same whoever owns it."""
    organisation = _lock(organisation_id, user)
    if not policy.may_manage_members(user, organisation):
        raise NotAllowed("Only the organisation's owners may invite members.")
    email = normalise_email(email)
    # Nothing here looks at accounts or members: what the inviter sees cannot depend on
    # whether the email is registered, or already belongs. A pending invitation to the same
    # email gives way to the new one (its role may differ).
    db.session.execute(
        update(Invitation).where(Invitation.organisation_id == organisation.id,
                                 Invitation.email == email, Invitation.status == "pending")
        .values(status="withdrawn", responded_at=utcnow()),
        execution_options={"synchronize_session": False})
    invitation = Invitation(organisation_id=organisation.id, email=email, role=role,
                            status="pending", invited_by_id=user.id, created_at=utcnow())
    db.session.add(invitation)
    db.session.flush()
    audit.record(user, "organisation.member_invited", "organisation", organisation.id,
                 invitation_id=invitation.id, role=role,
                 changes=audit.changes({}, {"invitation_status": "pending"}))
    db.session.commit()
    return invitation


def invitations_of(user: User, status: str | None):
    """The invitations addressed to the caller's email, as a select statement."""
    statement = select(Invitation).where(Invitation.email == normalise_email(user.email))
    if status:
        statement = statement.where(Invitation.status == status)
    return statement


def pending_invitations_section(_sender, *, user: User, **_) -> dict:
    """GET /auth/me's `invitations`: those awaiting the caller's answer, oldest first (a
    receiver of events.me_sections)."""
    # The inviters are shown by name only: their own memberships are not loaded.
    pending = (invitations_of(user, "pending").order_by(Invitation.id)
               .options(joinedload(Invitation.invited_by).lazyload(User.memberships)))
    return {"invitations": db.session.scalars(pending).all()}


def _own_pending_invitation(user: User, invitation_id: int) -> Invitation:
    """The caller's invitation, locked with its organisation, still pending.

    NotFound (404) when it is someone else's or does not exist; Conflict (409) when it was
    already accepted, declined or withdrawn.
    """
    found = db.session.get(Invitation, invitation_id)
    if found is None or found.email != normalise_email(user.email):
        raise NotFound("No such invitation.")
    _lock(found.organisation_id)
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.id == invitation_id)
        .execution_options(populate_existing=True))
    if invitation.status != "pending":
        raise Conflict(f"This invitation was already {invitation.status}.")
    return invitation


def accept(user: User, invitation_id: int) -> Invitation:
    """The invited person says yes and becomes a member; 409 if they already are one."""
    invitation = _own_pending_invitation(user, invitation_id)
    already = db.session.scalar(select(Membership.id).where(
        Membership.organisation_id == invitation.organisation_id,
        Membership.user_id == user.id))
    if already is not None:
        raise Conflict("You are already a member of this organisation; decline the "
                       "invitation to clear it.")
    now = utcnow()
    _join(invitation.organisation_id, user.id, invitation.role, now)
    invitation.status, invitation.responded_at = "accepted", now
    audit.record(user, "organisation.invitation_accepted", "organisation",
                 invitation.organisation_id, invitation_id=invitation.id, user_id=user.id,
                 role=invitation.role,
                 changes=audit.changes({"invitation_status": "pending", "role": None},
                                       {"invitation_status": "accepted",
                                        "role": invitation.role}))
    db.session.commit()
    return invitation


def decline(user: User, invitation_id: int) -> Invitation:
    """The invited person says no; nothing else changes."""
    invitation = _own_pending_invitation(user, invitation_id)
    invitation.status, invitation.responded_at = "declined", utcnow()
    audit.record(user, "organisation.invitation_declined", "organisation",
                 invitation.organisation_id, invitation_id=invitation.id,
                 changes=audit.changes({"invitation_status": "pending"},
                                       {"invitation_status": "declined"}))
    db.session.commit()
    return invitation


def remove_member(user: User, organisation_id: int, member_id: int) -> None:
    """An owner removes a member, or a member leaves; the last owner stays."""
    # The lock makes checking who may, counting the owners and removing one a single step:
    # of two owners removing each other at once, the second finds itself no longer owner.
    organisation = _lock(organisation_id, user)
    if user.id != member_id and not policy.may_manage_members(user, organisation):
        raise NotAllowed("Only the organisation's owners may remove members.")
    membership = db.session.scalar(
        select(Membership).where(Membership.organisation_id == organisation.id,
                                 Membership.user_id == member_id)
        .execution_options(populate_existing=True))
    if membership is None:
        raise NotFound("This person is not a member.")
    if membership.role == "owner" and owner_count(organisation.id) <= 1:
        raise Conflict("The last owner cannot leave; make someone else owner first.")
    _leave(membership, utcnow())
    audit.record(user, "organisation.member_removed", "organisation", organisation.id,
                 user_id=member_id,
                 changes=audit.changes({"role": membership.role}, {"role": None}))
    db.session.commit()


def owner_count(organisation_id: int) -> int:
    """How many owners the organisation has now (lock it first to act on the number)."""
    return db.session.scalar(
        select(func.count()).select_from(Membership).where(
            Membership.organisation_id == organisation_id, Membership.role == "owner"))


def end_memberships(user: User) -> int:
    """End all of a person's memberships, as when their account is erased; the caller
    commits. Conflict (409) before any change if they are an organisation's last owner."""
    for organisation_id in sorted(m.organisation_id for m in user.memberships):
        _lock(organisation_id)
    # Read again under the locks: nobody can add or remove these members meanwhile.
    memberships = list(db.session.scalars(
        select(Membership).where(Membership.user_id == user.id)
        .order_by(Membership.organisation_id).execution_options(populate_existing=True)))
    for membership in memberships:
        if membership.role == "owner" and owner_count(membership.organisation_id) <= 1:
            name = membership.organisation.name
            raise Conflict(f"You are the last owner of {name}; make someone else its owner "
                           f"before erasing your account.",
                           {"organisation_id": [str(membership.organisation_id)]})
    now = utcnow()
    for membership in memberships:
        _leave(membership, now)
        audit.record(None, "organisation.member_removed", "organisation",
                     membership.organisation_id, user_id=user.id, reason="account_erased",
                     changes=audit.changes({"role": membership.role}, {"role": None}))
    db.session.flush()
    db.session.expire(user, ["memberships"])  # the ended ones are gone from the collection
    return len(memberships)
