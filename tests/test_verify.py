"""The outside verifier (exchange/verify.py) against the exchange served over real HTTP: it
reproduces every published demo shortlist, its figures of certainty included, and fails on a
changed record, a changed snapshot, a changed figure and a broken chain; its own simulation
is the exchange's, draw for draw."""
import json
import subprocess
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.serving import make_server

from exchange import verify
from exchange.extensions import db
from exchange.voting.certainty import Candidate, simulate
from exchange.voting.models import Shortlist, ShortlistEntry
from seed import load
from tests.voting.test_snapshots import seal_without_figures


@pytest.fixture
def served(quick_commits):
    """The demo exchange, served on a free local port for the length of a test."""
    app = quick_commits
    with app.app_context():
        load()
        published = db.session.scalars(select(Shortlist.challenge_id)
                                       .order_by(Shortlist.id)).all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/api/v1/challenges", published
    server.shutdown()
    thread.join()


def run(*args) -> tuple[int, str]:
    """The verifier as an auditor runs it: its own process, `python -m exchange.verify`."""
    done = subprocess.run([sys.executable, "-m", "exchange.verify", *args],
                          capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr


def test_every_published_demo_shortlist_is_reproduced(served):
    _, base, published = served
    assert len(published) >= 2
    for challenge_id in published:
        code, output = run(f"{base}/{challenge_id}", "--whole-chain")
        assert code == 0, output
        assert output.strip().splitlines()[-1] == (
            "MATCHES: the record, the ranking, the hash, the signature and the chain agree.")
        snapshot = json.loads(verify.read(f"{base}/{challenge_id}/shortlist"))
        assert snapshot["certainty"]["draws"] == 2000
        assert all(e["p_top_k"] is not None for e in snapshot["entries"])


@pytest.mark.parametrize("change", ["p_top_k", "low", "high"])
def test_a_changed_figure_of_certainty_is_found(served, tmp_path, change):
    _, base, published = served
    url = f"{base}/{published[0]}"
    snapshot = json.loads(verify.read(url + "/shortlist"))
    entry = snapshot["entries"][0]
    if change == "p_top_k":
        entry["p_top_k"] = round(1 - entry["p_top_k"] / 2, 3)
    else:
        entry["score_interval"][change] += 0.01
    saved = tmp_path / "shortlist.json"
    saved.write_text(json.dumps(snapshot))
    code, output = run(url, "--snapshot", str(saved))
    assert code == 1
    name = "p_top_k" if change == "p_top_k" else f"score_interval {change}"
    assert f"pitch {entry['pitch_id']}: {name} is" in output
    assert "hash: the snapshot's canonical JSON hashes to" in output
    # Only that figure differs from the record: the ranking itself still matches.
    assert sum(line.startswith("pitch ") for line in output.splitlines()) == 1


def test_a_snapshot_sealed_before_the_figures_still_verifies(served):
    app, base, published = served
    latest = published[-1]  # the head of the chain: no later snapshot names its hash
    seal_without_figures(app, latest)
    code, output = run(f"{base}/{latest}", "--whole-chain")
    assert code == 0, output
    assert json.loads(verify.read(f"{base}/{latest}/shortlist"))["certainty"] is None


HISTOGRAM = st.tuples(*[st.integers(0, 6)] * 5)


@settings(max_examples=25, deadline=None)
@given(histograms=st.lists(st.tuples(HISTOGRAM, HISTOGRAM, st.booleans()), min_size=1,
                           max_size=5),
       shortlist_size=st.integers(1, 4), panel_weight=st.sampled_from([0.0, 0.3, 1.0]),
       seed=st.integers(0, 2**64 - 1))
def test_the_verifiers_simulation_is_the_exchanges(histograms, shortlist_size, panel_weight,
                                                    seed):
    # Pitch ids out of ranking order, so the order of the random numbers (by id) and the
    # tie-break (by place) are both exercised.
    ids = [50 - 7 * place for place in range(len(histograms))]
    theirs = simulate([Candidate(i, public, panel, eligible)
                       for i, (public, panel, eligible) in zip(ids, histograms)],
                      shortlist_size=shortlist_size, panel_weight=panel_weight, seed=seed,
                      draws=40)
    mine = verify.simulate_certainty(
        [{"pitch_id": i, "public": list(public), "panel": list(panel), "eligible": eligible}
         for i, (public, panel, eligible) in zip(ids, histograms)],
        shortlist_size, panel_weight, seed, 40)
    assert {i: (f.p_top_k, f.low, f.high) for i, f in theirs.items()} == {
        i: (f["p_top_k"], f["low"], f["high"]) for i, f in mine.items()}


def test_one_star_changed_in_a_saved_record_is_found(served, tmp_path):
    _, base, published = served
    url = f"{base}/{published[0]}"
    rows = [json.loads(line) for line in verify.read(url + "/ratings.jsonl").splitlines()]
    counted = next(row for row in rows if row["counted"] and row["role"] == "public"
                   and row["stars"] < 5)
    counted["stars"] += 1
    saved = tmp_path / "ratings.jsonl"
    saved.write_text("".join(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n"
                             for row in rows))
    code, output = run(url, "--record", str(saved))
    assert code == 1
    assert "record: its SHA-256 is" in output
    pitch = counted["pitch_id"]
    assert f"pitch {pitch}: S is" in output and f"pitch {pitch}: histogram is" in output


def test_a_changed_snapshot_is_found(served, tmp_path):
    _, base, published = served
    url = f"{base}/{published[0]}"
    snapshot = json.loads(verify.read(url + "/shortlist"))
    snapshot["entries"][0]["combined"] += 0.01
    saved = tmp_path / "shortlist.json"
    saved.write_text(json.dumps(snapshot))
    code, output = run(url, "--snapshot", str(saved))
    assert code == 1
    assert "hash: the snapshot's canonical JSON hashes to" in output
    assert "signature: it does not verify" in output
    assert f"pitch {snapshot['entries'][0]['pitch_id']}: combined is" in output


def test_a_snapshot_altered_in_the_database_breaks_the_chain_after_it(served):
    app, base, published = served
    first, second = published[0], published[1]
    with app.app_context():
        shortlist_id = db.session.scalar(select(Shortlist.id)
                                         .where(Shortlist.challenge_id == first))
        db.session.execute(update(ShortlistEntry).where(ShortlistEntry.shortlist_id ==
                                                        shortlist_id)
                           .values(n=ShortlistEntry.n + 1))
        db.session.commit()
    code, output = run(f"{base}/{second}")
    assert code == 1
    assert f"chain: challenge {first}'s snapshot hashes to" in output
    assert f"chain: challenge {first}'s signature: it does not verify" in output
    # The altered snapshot itself no longer matches its own record or seal either.
    code, output = run(f"{base}/{first}")
    assert code == 1 and "hash: the snapshot's canonical JSON hashes to" in output


def test_the_console_script_is_installed_and_runs_the_same_code():
    from pathlib import Path

    script = Path(sys.executable).parent / "oix-verify"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "--whole-chain" in done.stdout


def test_it_says_when_it_cannot_run(served, tmp_path):
    _, base, published = served
    assert run("http://127.0.0.1:9/api/v1/challenges/1")[0] == 2
    assert run("not a url")[0] == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text("this is not a record\n")
    code, output = run(f"{base}/{published[0]}", "--record", str(bad))
    assert code == 2 and "line 1 of the record is not JSON" in output
    unpublished = f"{base}/999999"
    assert run(unpublished)[0] == 2
