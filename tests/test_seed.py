"""The demo data loads through the services, exactly once, with consistent tallies and a
history that holds together."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from exchange.accounts.models import User
from exchange.challenges.models import Challenge
from exchange.clock import utcnow
from exchange.discussion.models import Comment
from exchange.extensions import db
from exchange.organisations.models import Invitation, Membership, MembershipPeriod, Organisation
from exchange.pitches.models import Pitch
from exchange.voting import live_ranking, shortlists
from exchange.voting.models import Rating, Shortlist
from exchange.voting.recount import recount
from seed import load
from seed.challenges import CHALLENGES
from seed.demo import summary
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
        assert first.startswith("Demo data loaded: 43 accounts, 12 organisations, 14 members, "
                                "12 challenges, 28 pitches, ")
        assert ", 1 withdrawn pitch, " in first and ", 3 shortlists published, " in first
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


def test_the_summary_says_one_thing_and_many_things_as_a_person_would():
    made = Counter({"organisation": 12, "member": 1, "withdrawn pitch": 1, "pitch": 2,
                    "shortlist published": 1, "status change": 3, "view": 2345})
    assert summary(made) == ("12 organisations, 1 member, 2 pitches, 1 withdrawn pitch, "
                             "3 status changes, 1 shortlist published, 2,345 views")
    assert summary(Counter({"account": 1, "comment": 2})) == "1 account, 2 comments"


def test_the_demo_has_discussions_views_and_a_history_that_holds_together(quick_commits):
    app = quick_commits
    with app.app_context():
        before = utcnow()
        load()
        pitches = list(db.session.scalars(select(Pitch)))
        challenges = {c.id: c for c in db.session.scalars(select(Challenge))}
        comments = list(db.session.scalars(select(Comment)))
        ratings = list(db.session.scalars(select(Rating)))

        # Most pitches are discussed, some in threads, by residents, suppliers and officers.
        discussed = {c.pitch_id for c in comments}
        assert len(discussed) > len(pitches) * 3 / 4
        replies = [c for c in comments if c.parent_id is not None]
        assert len({c.pitch_id for c in replies}) >= 10
        emails = {u.id: u.email for u in db.session.scalars(select(User))}
        domains = {emails[c.author_id].split("@")[1] for c in comments}
        assert {"residents.example", "yoosk.example", "lambeth.example",
                "devon.example"} <= domains
        assert all(p.view_count > 0 for p in pitches)
        assert all(c.view_count > 0 for c in challenges.values())

        # Spread over the weeks before today; nothing in the future.
        times = ([c.created_at for c in challenges.values()] + [p.submitted_at for p in pitches]
                 + [r.created_at for r in ratings] + [c.created_at for c in comments])
        assert max(times) <= before and max(times) - min(times) >= timedelta(weeks=3)
        assert len({t.date() for t in times}) >= 30

        shortlisted_at = {s.challenge_id: s.published_at
                          for s in db.session.scalars(select(Shortlist))}
        for challenge in challenges.values():
            assert challenge.created_at <= (challenge.opened_at or challenge.created_at) \
                <= challenge.status_changed_at, challenge.title
            if challenge.id in shortlisted_at:
                assert challenge.opened_at < shortlisted_at[challenge.id] \
                    <= challenge.status_changed_at
        by_pitch = {p.id: p for p in pitches}
        for pitch in pitches:
            challenge = challenges[pitch.challenge_id]
            assert challenge.opened_at < pitch.submitted_at
            # Pitches arrive while the challenge is open: before any later status change.
            if challenge.status != "open":
                assert pitch.submitted_at < challenge.status_changed_at
            if pitch.withdrawn_at is not None:
                assert pitch.submitted_at < pitch.withdrawn_at
        for rating in ratings:
            pitch = by_pitch[rating.pitch_id]
            challenge = challenges[pitch.challenge_id]
            assert pitch.submitted_at < rating.created_at <= rating.updated_at
            assert rating.created_at < (pitch.withdrawn_at or before)
            assert rating.created_at < shortlisted_at.get(challenge.id, before)
            if challenge.status == "closed":
                assert rating.created_at < challenge.status_changed_at
        by_comment = {c.id: c for c in comments}
        for comment in comments:
            pitch = by_pitch[comment.pitch_id]
            challenge = challenges[pitch.challenge_id]
            assert pitch.submitted_at < comment.created_at < (pitch.withdrawn_at or before)
            if challenge.status == "closed":
                assert comment.created_at < challenge.status_changed_at
            if comment.parent_id is not None:
                assert by_comment[comment.parent_id].created_at < comment.created_at

        # Each challenge reached the status its data gives it.
        wanted = {spec["title"]: spec["status"] for spec in CHALLENGES}
        assert {c.title: c.status for c in challenges.values()} == wanted
