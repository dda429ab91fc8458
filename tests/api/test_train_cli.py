"""`megler train`: broker feedback refits the learned re-ranker, which is installed only if it is no worse
held out than the order in use; the installed model then orders `megler match`."""
import json

import pytest
from click.testing import CliRunner

from api.cli import cli
from tests.api.test_demand_cli import demo_db  # noqa: F401  (fixture)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _stored_rankings(call) -> dict[str, list[str]]:
    lines = call("match", "--stored", "--top", "5", "--json").splitlines()
    return {d["need_id"]: [r["offer_id"] for r in d["results"]] for d in map(json.loads, lines)}


def test_too_little_feedback_is_a_clear_error(demo_db, db_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MEGLER_HOME", str(tmp_path))
    demo_db("feedback", "n17", "he-01", "shortlisted")
    res = CliRunner().invoke(cli, ["--db", db_url, "train"])
    assert res.exit_code == 1
    assert "found 1 needs with a relevant judgment" in res.output and "at least 10" in res.output


def test_feedback_trains_and_installs_only_a_model_no_worse_held_out(demo_db, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("MEGLER_HOME", str(tmp_path))
    ranked = _stored_rankings(demo_db)
    needs = sorted(ranked)[:24]
    for nid in needs:  # the broker prefers the second offer and rejects the first
        first, second = ranked[nid][:2]
        demo_db("feedback", nid, first, "rejected")
        demo_db("feedback", nid, second, "enrolled" if nid.endswith("0") else "shortlisted")
    dry = json.loads(demo_db("train", "--dry-run", "--json"))
    assert dry["needs"] == 24 and dry["installed"] is None and dry["in_use_model"] == "hand-built"
    assert dry["accepted"] == (dry["new_held_out"] >= dry["in_use"] - 1e-9)
    assert not (tmp_path / "models").exists()
    out = json.loads(demo_db("train", "--json"))
    assert out["new_held_out"] == pytest.approx(dry["new_held_out"])  # deterministic
    assert (out["installed"] == "ranker.txt") == out["accepted"]
    # the feedback is learnable (the hand-built order has the preferred offer second): measured 1.0 vs 0.65
    assert out["accepted"] and out["new_held_out"] > out["hand_built"]
    again = _stored_rankings(demo_db)
    moved = sum(again[n][0] == ranked[n][1] for n in needs)
    assert moved >= len(needs) // 2  # the learned order puts the broker's choice first for most needs
    line = json.loads(demo_db("match", "--stored", "--top", "1", "--json").splitlines()[0])
    assert "learned" in line["results"][0]["components"]
    second = json.loads(demo_db("train", "--json"))
    assert second["in_use_model"] == "learned"  # the next training run is compared with the installed model
    assert (second["installed"] is not None) == second["accepted"]
