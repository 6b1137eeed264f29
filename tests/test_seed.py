"""The demo data loads through the services, exactly once, with consistent tallies."""
from sqlalchemy import func, select

from exchange.accounts.models import User
from exchange.challenges.models import Challenge
from exchange.extensions import db
from exchange.organisations.models import Invitation, Membership, MembershipPeriod, Organisation
from exchange.voting import live_ranking, shortlists
from exchange.voting.tallies import recount
from seed import load
from seed.people import ADMIN


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _challenge(title_start: str) -> Challenge:
    return db.session.scalar(select(Challenge).where(Challenge.title.startswith(title_start)))


def test_seed_loads_once_with_a_shortlist_a_live_ranking_and_exact_tallies(quick_commits):
    app = quick_commits
    with app.app_context():
        first = load()
        assert first.startswith("Demo data loaded")
        counts = _row_counts()
        assert counts["challenges"] == 12 and counts["ratings"] > 100

        assert load() == "Demo data already loaded: nothing added."
        assert _row_counts() == counts

        names = set(db.session.scalars(select(Organisation.name)))
        for council in ("Lambeth", "Devon", "Kent", "Barnet", "Barnsley"):
            org = db.session.scalar(select(Organisation).where(
                Organisation.kind == "council", Organisation.name.contains(council)))
            assert org is not None and org.status == "verified", council
        assert db.session.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.kind == "council", Organisation.status == "pending")) == 1
        assert {"Uservoice", "Yoosk", "Debatewise", "GovDelivery", "Quiet Riots",
                "Best Before Media"} <= names
        assert db.session.scalar(select(User.is_admin).where(User.email == ADMIN["email"]))

        # Members other than the creators joined as anyone does: invited, then accepting.
        joined = db.session.execute(select(Membership.organisation_id, Membership.user_id)
                                    .where(Membership.role == "member")).all()
        invited = db.session.execute(
            select(Invitation.organisation_id, User.id, Invitation.status)
            .join(User, User.email == Invitation.email)).all()
        assert len(joined) == 2
        assert sorted(invited) == sorted((org, user, "accepted") for org, user in joined)
        open_periods = db.session.execute(select(MembershipPeriod.organisation_id,
                                                 MembershipPeriod.user_id)
                                          .where(MembershipPeriod.left_at.is_(None))).all()
        assert sorted(open_periods) == sorted(db.session.execute(
            select(Membership.organisation_id, Membership.user_id)).all())

        statuses = set(db.session.scalars(select(Challenge.status)))
        assert statuses == {"draft", "open", "voting", "shortlisted", "closed"}

        budget = _challenge("Give residents a real say")
        assert budget.status == "shortlisted"
        shortlist = shortlists.published(None, budget.id)
        assert shortlist.shortlisted_pitch_ids
        assert any(not e.eligible for e in shortlist.entries)

        meals = _challenge("Rethinking meals on wheels")
        assert meals.status == "voting" and meals.panel_weight > 0
        entries = live_ranking.rank(meals).entries
        reasons = {r for e in entries for r in e.excluded_reasons}
        assert any(e.eligible for e in entries)
        assert {"too_few_ratings", "no_panel_rating"} <= reasons
        assert any(e.panel_count for e in entries)

        assert recount() == []
