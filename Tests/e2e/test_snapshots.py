"""SPEC section 6: snapshots of the whole state, saved atomically and restored."""
from harness import RETAIL, Server
from chat import Customer, types


def run_snapshot_round_trip(s):
    ann = Customer(s, "snap")
    ann.start_session()
    chat = ann.create_engagement()
    assert s.post("/__sim/snapshots", json={"name": "before-agent"}).status_code == 201
    s.post(f"/__sim/engagements/{chat.id}/agent/join", json={})
    s.client.agent_say(chat.id, "after the snapshot")
    assert len(s.get(f"/__sim/engagements/{chat.id}/messages").json()["messages"]) == 1
    assert s.post("/__sim/snapshots/before-agent/restore").status_code == 200
    assert s.get(f"/__sim/engagements/{chat.id}/messages").json()["messages"] == []
    assert s.get(f"/__sim/engagements/{chat.id}").json()["status"] == "PENDING"
    # The session lives on from the snapshot: its log is as it was then.
    assert types(ann.poll()) == ["ENGAGEMENT_CREATED", "PARTICIPANT_ADDED"]
    assert "before-agent" in s.get("/__sim/snapshots").json()["snapshots"]
    assert s.post("/__sim/snapshots/nope/restore").status_code == 404
    assert s.post("/__sim/snapshots", json={"name": "../evil"}).status_code == 400
    assert s.delete("/__sim/snapshots/before-agent").status_code == 204


def test_snapshot_and_restore_in_memory(fresh):
    run_snapshot_round_trip(fresh)


def test_snapshot_and_restore_on_a_file_database(tmp_path):
    s = Server(db=str(tmp_path / "state.sqlite")).start()
    try:
        run_snapshot_round_trip(s)
        assert s.post("/__sim/snapshots", json={"name": "kept"}).status_code == 201
        assert (tmp_path / "snapshots" / "kept.sqlite").exists()
        assert not [p for p in (tmp_path / "snapshots").iterdir() if p.name.endswith(".tmp")]
    finally:
        assert s.stop() == 0
