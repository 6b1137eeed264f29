"""The integrity signals, worked by hand on made-up rating facts (no app, no database).

Times are minutes after a challenge opened at 09:00 on 1 October 2026.
"""
from collections import Counter
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from exchange.voting.integrity import (
    FLAGS,
    RatingFact,
    Rules,
    analyse,
    busiest_window,
    made_after_opening,
    total_variation,
)

OPENED = datetime(2026, 10, 1, 9, 0)
# Thresholds nothing can go past, and no minimum sample: each test lowers the one it tries.
NOTHING = Rules(burst_ratings=1000, burst_minutes=10, new_account_share=1.0,
                cluster_share=1.0, one_sided_distance=1.0, min_ratings=1)


def at(minutes: float) -> datetime:
    return OPENED + timedelta(minutes=minutes)


def fact(minutes=60, stars=4, pitch_id=1, age=None, network=None, excluded=None):
    return RatingFact(pitch_id, stars, at(minutes), age, network, excluded)


def stars(counts) -> Counter:
    return Counter({k: c for k, c in zip(range(1, 6), counts)})


# ---- new accounts ---------------------------------------------------------------------------

def test_an_account_made_after_the_challenge_opened_is_new():
    # Rated at 10:00 by an account half an hour old: made at 09:30, after 09:00.
    assert made_after_opening(fact(60, age=0.5), OPENED)


def test_an_account_made_the_moment_the_challenge_opened_is_not_new():
    # Rated at 10:00 by an account exactly an hour old: made at 09:00 itself.
    assert not made_after_opening(fact(60, age=1.0), OPENED)
    assert not made_after_opening(fact(60, age=200.0), OPENED)


def test_a_rating_without_an_account_age_is_not_counted_as_new():
    assert not made_after_opening(fact(60, age=None), OPENED)
    assert not made_after_opening(fact(60, age=0.1), None)


def test_new_account_share_and_its_flag_past_the_threshold_only():
    rules = Rules(**{**NOTHING.__dict__, "new_account_share": 0.5})
    half = [fact(60, age=0.5)] * 5 + [fact(60, age=100)] * 5
    signals = analyse(half, OPENED, rules)[1]
    assert (signals.new_accounts, signals.new_account_share) == (5, 0.5)
    assert signals.flags == []  # exactly at the threshold is not past it
    more = [fact(60, age=0.5)] * 6 + [fact(60, age=100)] * 4
    signals = analyse(more, OPENED, rules)[1]
    assert (signals.new_accounts, signals.new_account_share) == (6, 0.6)
    assert signals.flags == ["new_accounts"]


# ---- bursts ---------------------------------------------------------------------------------

def test_the_busiest_window_counts_ratings_at_most_w_minutes_after_its_first():
    # 0, 2, 5 and 10 minutes: all four within 10 minutes of the first (the edge included).
    assert busiest_window([at(10), at(0), at(5), at(2)], 10) == (4, at(0))
    # The last one second later than 10 minutes: three at most, first from 0 (then 2).
    assert busiest_window([at(0), at(2), at(5), at(10 + 1 / 60)], 10) == (3, at(0))
    assert busiest_window([], 10) == (0, None)


def test_exactly_b_ratings_within_w_minutes_is_no_burst_and_b_plus_one_is():
    rules = Rules(**{**NOTHING.__dict__, "burst_ratings": 3, "burst_minutes": 10})
    three = [fact(0), fact(4), fact(9), fact(30)]
    signals = analyse(three, OPENED, rules)[1]
    assert (signals.busiest_window, signals.busiest_window_start) == (3, at(0))
    assert signals.flags == []
    four = [fact(0), fact(4), fact(9), fact(10)]
    signals = analyse(four, OPENED, rules)[1]
    assert (signals.busiest_window, signals.flags) == (4, ["burst"])


def test_ratings_spread_out_make_no_burst_however_many():
    rules = Rules(**{**NOTHING.__dict__, "burst_ratings": 3, "burst_minutes": 10})
    every_quarter_hour = [fact(15 * i) for i in range(40)]
    signals = analyse(every_quarter_hour, OPENED, rules)[1]
    assert (signals.busiest_window, signals.flags) == (1, [])


# ---- network clusters -----------------------------------------------------------------------

def test_the_largest_cluster_is_the_most_ratings_sharing_one_network():
    facts = [fact(network="aa"), fact(network="aa"), fact(network="aa"), fact(network="bb"),
             fact(network="bb"), fact(network="cc"), fact(network=None), fact(network=None)]
    signals = analyse(facts, OPENED, NOTHING)[1]
    # Unknown networks (null) never cluster together.
    assert (signals.largest_cluster, signals.largest_cluster_share) == (3, 3 / 8)
    assert signals.shared_networks == 2


def test_a_cluster_of_exactly_the_share_is_no_flag_and_more_is():
    rules = Rules(**{**NOTHING.__dict__, "cluster_share": 0.5})
    half = [fact(network="aa")] * 4 + [fact(network=name) for name in "wxyz"]
    assert analyse(half, OPENED, rules)[1].flags == []
    more = [fact(network="aa")] * 5 + [fact(network=name) for name in "xyz"]
    signals = analyse(more, OPENED, rules)[1]
    assert (signals.largest_cluster_share, signals.flags) == (5 / 8, ["network_cluster"])


# ---- distance from the rest of the challenge ------------------------------------------------

def test_total_variation_by_hand():
    # (0, 0, 0, 1/4, 3/4) against (1/4, 1/4, 1/4, 1/4, 0): gaps 1/4 1/4 1/4 0 3/4, halved.
    assert total_variation(stars((0, 0, 0, 1, 3)), stars((1, 1, 1, 1, 0))) == 0.75
    assert total_variation(stars((0, 2, 0, 0, 2)), stars((0, 1, 0, 0, 1))) == 0.0
    assert total_variation(stars((3, 0, 0, 0, 0)), stars((0, 0, 0, 0, 7))) == 1.0
    assert total_variation(stars((3, 0, 0, 0, 0)), stars((0, 0, 0, 0, 0))) is None


def test_a_pitch_is_compared_with_the_rest_of_the_challenge_not_with_itself():
    # Ten 5-star ratings on one pitch, ten 1-star on the other: each is as far from the
    # rest as can be (1.0); against the whole challenge it would seem only half as far.
    facts = [fact(stars=5, pitch_id=1)] * 10 + [fact(stars=1, pitch_id=2)] * 10
    signals = analyse(facts, OPENED, NOTHING)
    assert signals[1].distance == 1.0 and signals[2].distance == 1.0


def test_one_sided_past_the_distance_threshold_only():
    # Pitch 1: 1, 3, 4, 5 stars; pitch 2: a single 5 star. Gaps 1/4 0 1/4 1/4 3/4: 0.75.
    facts = [fact(stars=s) for s in (1, 3, 4, 5)] + [fact(stars=5, pitch_id=2)]
    at_edge = Rules(**{**NOTHING.__dict__, "one_sided_distance": 0.75})
    assert analyse(facts, OPENED, at_edge)[1].distance == 0.75
    assert analyse(facts, OPENED, at_edge)[1].flags == []
    below = Rules(**{**NOTHING.__dict__, "one_sided_distance": 0.7})
    assert analyse(facts, OPENED, below)[1].flags == ["one_sided"]


def test_a_pitch_alone_in_its_challenge_has_no_distance():
    signals = analyse([fact(stars=5)] * 12, OPENED, Rules())[1]
    assert signals.distance is None and signals.flags == []


# ---- the minimum sample, excluded ratings, pitches without ratings --------------------------

def stuffed(count: int) -> list[RatingFact]:
    """`count` 5-star ratings within a minute, from brand-new accounts on one network."""
    return [fact(60 + i / count, stars=5, age=0.01, network="aa") for i in range(count)]


def test_below_the_minimum_sample_nothing_is_flagged_however_it_looks():
    rules = Rules(burst_ratings=2, burst_minutes=10, new_account_share=0.5,
                  cluster_share=0.5, one_sided_distance=0.5, min_ratings=10)
    others = [fact(stars=s, pitch_id=2) for s in (1, 2, 3)]
    assert analyse(stuffed(9) + others, OPENED, rules)[1].flags == []
    assert analyse(stuffed(10) + others, OPENED, rules)[1].flags == list(FLAGS)


def test_excluded_ratings_count_in_the_signals():
    facts = [fact(age=0.5, network="aa", excluded="new_account")] * 3 + [
        fact(age=100, network="bb", excluded="conflict_of_interest"), fact(age=100)]
    signals = analyse(facts, OPENED, NOTHING)[1]
    assert (signals.ratings, signals.excluded, signals.new_accounts) == (5, 4, 3)
    assert signals.largest_cluster == 3


def test_a_pitch_without_ratings_is_reported_with_nothing_found():
    signals = analyse([fact(pitch_id=1)], OPENED, Rules(), pitch_ids=[1, 7])[7]
    assert (signals.ratings, signals.busiest_window, signals.busiest_window_start) == (0, 0, None)
    assert (signals.new_account_share, signals.largest_cluster_share) == (0.0, 0.0)
    assert signals.histogram == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert signals.distance is None and signals.flags == []


# ---- properties -----------------------------------------------------------------------------

facts_strategy = st.lists(st.builds(
    RatingFact,
    pitch_id=st.integers(1, 3),
    stars=st.integers(1, 5),
    rated_at=st.integers(-600, 6000).map(lambda minutes: at(minutes)),
    account_age_hours=st.none() | st.floats(0, 5000),
    network_hash=st.none() | st.sampled_from(["aa", "bb", "cc"]),
    excluded_reason=st.none() | st.sampled_from(["new_account", "conflict_of_interest"]),
), max_size=60)
rules_strategy = st.builds(
    Rules, burst_ratings=st.integers(1, 30), burst_minutes=st.integers(1, 120),
    new_account_share=st.floats(0, 1), cluster_share=st.floats(0, 1),
    one_sided_distance=st.floats(0, 1), min_ratings=st.integers(1, 40))


@given(facts_strategy, rules_strategy)
def test_no_flag_below_the_minimum_sample(facts, rules):
    for signals in analyse(facts, OPENED, rules).values():
        if signals.ratings < rules.min_ratings:
            assert signals.flags == []


@given(st.lists(st.builds(RatingFact, pitch_id=st.just(1), stars=st.integers(1, 5),
                          rated_at=st.integers(0, 3).map(at),
                          account_age_hours=st.floats(0, 0.01),
                          network_hash=st.just("aa")), min_size=1, max_size=3),
       facts_strategy)
def test_three_ratings_never_raise_a_flag_by_the_default_rules(few, others):
    # However new, alike, quick and extreme, three ratings (or fewer) of a pitch are not a
    # pattern; other pitches' ratings around them change nothing.
    facts = few + [RatingFact(2, f.stars, f.rated_at, f.account_age_hours, f.network_hash)
                   for f in others]
    assert analyse(facts, OPENED, Rules())[1].flags == []


@given(facts_strategy, rules_strategy, st.randoms(use_true_random=False))
def test_the_order_of_the_ratings_changes_nothing(facts, rules, random):
    shuffled = list(facts)
    random.shuffle(shuffled)
    assert analyse(shuffled, OPENED, rules) == analyse(facts, OPENED, rules)


@given(facts_strategy)
def test_shares_and_distances_stay_between_0_and_1(facts):
    for signals in analyse(facts, OPENED, Rules()).values():
        assert 0 <= signals.new_account_share <= 1 and 0 <= signals.largest_cluster_share <= 1
        assert signals.distance is None or 0 <= signals.distance <= 1 + 1e-12
        assert signals.busiest_window <= signals.ratings
