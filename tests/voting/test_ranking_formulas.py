"""The pure shortlist formulas: hand-worked examples and properties."""
import math
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.challenges.models import METHODS
from exchange.voting import ranking
from exchange.voting.ranking import PitchTally, Settings

T0 = datetime(2026, 1, 1)


def test_stars_matches_the_worked_examples_of_the_brief():
    assert round(ranking.stars((25, 20, 75, 80, 60)), 5) == 3.36843
    assert round(ranking.stars((0, 0, 0, 0, 0)), 5) == 2.04737


def test_bayesian_pulls_few_ratings_towards_the_prior():
    # Two 5-star ratings, C = 5, m = 3: (5·3 + 10) / (5 + 2) = 25/7.
    assert ranking.bayesian(2, 10, 3.0, 5) == 25 / 7
    assert ranking.bayesian(0, 0, 3.4, 5) == 3.4
    assert ranking.bayesian(0, 0, 3.4, 0) == 3.4


def test_wilson_by_hand():
    z = 1.96
    # All 5 ratings positive: p = 1, so the bound is 1 / (1 + z²/n).
    assert math.isclose(ranking.wilson(5, 5), 1 / (1 + z * z / 5), abs_tol=1e-12)
    # No positive rating: the bound is 0.
    assert ranking.wilson(0, 4) == 0
    assert ranking.wilson(0, 0) == 0
    # 8 of 10: 0.4901625...
    assert math.isclose(ranking.wilson(8, 10), 0.49016, abs_tol=1e-5)


def test_mean_and_prior_mean():
    assert ranking.mean(0, 0) == 0
    assert ranking.mean(4, 14) == 3.5
    assert ranking.prior_mean(0, 0) == 3.0
    assert ranking.prior_mean(24, 91) == 91 / 24


def test_public_scores_are_scaled_to_0_1():
    hist = (0, 0, 1, 0, 1)  # a 3 and a 5
    assert ranking.public_score("mean", hist, 3.0, 5) == (4 - 1) / 4
    assert ranking.public_score("bayesian", hist, 3.0, 5) == ((15 + 8) / 7 - 1) / 4
    assert ranking.public_score("wilson", hist, 3.0, 5) == ranking.wilson(1, 2)
    assert ranking.public_score("stars", hist, 3.0, 5) == (ranking.stars(hist) - 1) / 4


def test_ties_break_by_more_ratings_then_earlier_submission_then_lower_id():
    same = (0, 0, 0, 0, 3)
    tallies = [
        PitchTally(4, T0 + timedelta(days=1), same),
        PitchTally(3, T0, same),
        PitchTally(2, T0, same),
        PitchTally(1, T0, (0, 0, 0, 0, 2)),
    ]
    entries = ranking.rank(tallies, Settings(method="mean", min_ratings=0), 3.0)
    assert [e.pitch_id for e in entries] == [2, 3, 4, 1]
    assert [e.rank for e in entries] == [1, 2, 3, 4]


def test_panel_weight_needs_a_panel_rating_and_mixes_scores():
    tallies = [PitchTally(1, T0, (0, 0, 0, 0, 3), panel=(1, 0, 0, 0, 0)),
               PitchTally(2, T0, (0, 0, 0, 3, 0))]
    entries = ranking.rank(tallies, Settings(method="mean", min_ratings=3, panel_weight=0.5),
                           3.0)
    first, second = entries
    assert first.pitch_id == 1 and first.combined == 0.5 * 1.0 + 0.5 * 0.0
    assert second.excluded_reasons == ["no_panel_rating"] and second.rank is None


histograms = st.tuples(*[st.integers(0, 40)] * 5)
methods = st.sampled_from(METHODS)
priors = st.floats(1.0, 5.0)
weights = st.floats(0.0, 100.0)


@given(histograms, methods, priors, weights)
def test_public_score_stays_within_0_and_1(hist, method, m, C):
    score = ranking.public_score(method, hist, m, C)
    assert 0.0 <= score <= 1.0 + 1e-12


@given(histograms, st.sampled_from(["bayesian", "wilson"]), priors, weights)
def test_one_more_five_star_rating_never_lowers_bayesian_or_wilson(hist, method, m, C):
    more = hist[:4] + (hist[4] + 1,)
    assert (ranking.public_score(method, more, m, C) >=
            ranking.public_score(method, hist, m, C) - 1e-12)


@settings(max_examples=50)
@given(st.lists(histograms, min_size=1, max_size=8), st.randoms(use_true_random=False),
       methods, st.floats(0, 1))
def test_order_does_not_depend_on_insertion_order(hists, rnd, method, w):
    tallies = [PitchTally(i + 1, T0 + timedelta(minutes=i), h, panel=h[::-1])
               for i, h in enumerate(hists)]
    shuffled = tallies[:]
    rnd.shuffle(shuffled)
    config = Settings(method=method, panel_weight=w, min_ratings=2)
    one = [(e.pitch_id, e.rank) for e in ranking.rank(tallies, config, 3.2)]
    two = [(e.pitch_id, e.rank) for e in ranking.rank(shuffled, config, 3.2)]
    assert one == two


def test_kendall_tau_b_by_hand():
    assert ranking.kendall_tau_b([1, 2, 3], [10, 20, 30]) == 1.0
    assert ranking.kendall_tau_b([1, 2, 3], [30, 20, 10]) == -1.0
    # Pairs (1,2) and (1,3) agree, (2,3) disagree: (2 - 1) / 3.
    assert ranking.kendall_tau_b([1, 2, 3], [1, 3, 2]) == 1 / 3
    # x ties its first pair: 2 concordant of 3 pairs, tau-b = 2 / sqrt((3 - 1) * 3).
    assert math.isclose(ranking.kendall_tau_b([1, 1, 2], [1, 2, 3]), 2 / math.sqrt(6))
    assert ranking.kendall_tau_b([0.5, 0.5], [0.1, 0.9]) is None  # one side ties all
    assert ranking.kendall_tau_b([0.5], [0.7]) is None
    assert ranking.kendall_tau_b([], []) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=12))
def test_kendall_tau_b_properties(pairs):
    xs, ys = [float(x) for x, _ in pairs], [float(y) for _, y in pairs]
    tau = ranking.kendall_tau_b(xs, ys)
    assert tau == ranking.kendall_tau_b(ys, xs)
    if tau is not None:
        assert -1 - 1e-12 <= tau <= 1 + 1e-12
        assert math.isclose(ranking.kendall_tau_b(xs, [-y for y in ys]), -tau, abs_tol=1e-12)
    if len(set(xs)) == len(xs):
        assert ranking.kendall_tau_b(xs, xs) == 1.0


def test_panel_gap_and_agreement_count_only_pitches_the_panel_rated():
    assert ranking.panel_gap(0.5, None) is None
    assert ranking.panel_gap(0.25, 0.875) == 0.625
    entries = ranking.rank([
        PitchTally(1, T0, (0, 0, 0, 0, 4), panel=(0, 0, 0, 1, 0)),
        PitchTally(2, T0, (4, 0, 0, 0, 0), panel=(0, 0, 0, 0, 1)),
        PitchTally(3, T0, (0, 0, 4, 0, 0), panel=(1, 0, 0, 0, 0)),
        PitchTally(4, T0, (0, 4, 0, 0, 0))], Settings(min_ratings=1), m=3.0)
    # Public order 1 > 3 > 2; panel 2 > 1 > 3: pairs (1,3) agree, (1,2) and (3,2) do not.
    assert ranking.panel_agreement(entries) == {"kendall_tau": -1 / 3, "pitches_compared": 3}


def test_wilson_with_no_positive_rating_is_exactly_0():
    # The formula's centre and spread are then equal, and their difference was a rounding
    # error either side of 0 (-1.19e-17 for 23 one-star ratings).
    assert [ranking.wilson(0, n) for n in (1, 5, 23, 40)] == [0.0, 0.0, 0.0, 0.0]
    assert ranking.public_score("wilson", (23, 0, 0, 0, 0), 1.0, 0.0) == 0.0
