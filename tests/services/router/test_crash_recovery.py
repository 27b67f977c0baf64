"""The router process is SIGKILLed under traffic; the restarted one has lost nothing it had acknowledged."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from plateau.domain.routing import events as ev
from plateau.domain.routing.codec import event_to_dict
from plateau.domain.routing.journal import replay
from plateau.domain.routing.snapshot import take_snapshot

from .traffic import Traffic


def _decode(decisions: list[dict]) -> list[ev.Decision]:
    by_name = {t.__name__: t for t in ev.OUTPUT_TYPES}
    out = []
    for d in decisions:
        cls = by_name[d["type"]]
        fields = {k: v for k, v in d.items() if k not in ("v", "type")}
        out.append(cls(**fields))
    return out


def _start(journal, *extra):
    cmd = [sys.executable, "-m", "plateau.services.router.driver", "--journal", str(journal), *extra]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


def test_given_traffic_when_the_router_is_sigkilled_then_the_restart_loses_no_contact_promise_or_state(tmp_path):
    journal = tmp_path / "routing.sqlite3"
    proc = _start(journal, "--snapshot-every", "40")
    assert json.loads(proc.stdout.readline()) == {"ready": 0}
    traffic = Traffic()
    sent: list[ev.RoutingEvent] = []
    acked_decisions: list[ev.Decision] = []
    pending = traffic.first()
    while len(sent) < 300:
        event = pending.pop(0) if pending else traffic.next()
        proc.stdin.write(json.dumps(event_to_dict(event)) + "\n")
        proc.stdin.flush()
        sent.append(event)
        reply = json.loads(proc.stdout.readline())
        decisions = _decode(reply["decisions"])
        traffic.observe(decisions)
        acked_decisions.extend(decisions)
    acked = len(sent)
    # A burst in flight: the kill lands while some of these are being journaled.
    for _ in range(30):
        event = traffic.next()
        sent.append(event)
        proc.stdin.write(json.dumps(event_to_dict(event)) + "\n")
    proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    dump = subprocess.run(
        [sys.executable, "-m", "plateau.services.router.driver", "--journal", str(journal), "--dump"],
        capture_output=True,
        text=True,
        check=True,
    )
    recovered = json.loads(dump.stdout)
    journaled = recovered["seq"]
    assert acked <= journaled <= len(sent)

    expected, _ = replay(sent[:journaled])
    assert recovered["snapshot"] == json.loads(json.dumps(take_snapshot(expected)))

    # In words: what the router had acknowledged is all still there.
    acked_state, _ = replay(sent[:acked])
    acked_snapshot = take_snapshot(acked_state)
    contacts = recovered["snapshot"]["contacts"]
    # Journaled in-flight events may legitimately move other contacts too (an advisor freed by one of them
    # is offered a waiting contact): leave out every contact and advisor they or their decisions touched.
    _, later_decisions = replay(sent[acked:journaled], acked_state)
    later = [*sent[acked:journaled], *later_decisions]
    later_ids = {getattr(e, "contact_id", None) for e in later}
    later_advisors = {getattr(e, "advisor_id", None) for e in later}
    for cid, contact in acked_snapshot["contacts"].items():
        if cid not in later_ids:
            assert contacts[cid]["status"] == contact["status"], cid
    promised = [d.contact_id for d in acked_decisions if isinstance(d, ev.CallbackScheduled)]
    assert promised, "the traffic should include callback promises"
    for cid in promised:
        if cid in acked_snapshot["contacts"]:
            assert contacts[cid]["callback"] is not None
    assert len(contacts) > 0
    advisors = recovered["snapshot"]["advisors"]
    for aid, a in acked_snapshot["advisors"].items():
        if aid not in later_advisors:
            assert advisors[aid]["presence"] == a["presence"]


def test_given_a_recovered_router_when_traffic_resumes_then_it_continues_from_the_journal(tmp_path):
    journal = tmp_path / "routing.sqlite3"
    traffic = Traffic(seed=3)
    proc = _start(journal, "--snapshot-every", "25")
    proc.stdout.readline()
    sent = []
    for event in [*traffic.first(), *(traffic.next() for _ in range(60))]:
        proc.stdin.write(json.dumps(event_to_dict(event)) + "\n")
        proc.stdin.flush()
        traffic.observe(_decode(json.loads(proc.stdout.readline())["decisions"]))
        sent.append(event)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    again = _start(journal)
    assert json.loads(again.stdout.readline()) == {"ready": len(sent)}
    duplicate = sent[-1]
    again.stdin.write(json.dumps(event_to_dict(duplicate)) + "\n")
    again.stdin.flush()
    assert json.loads(again.stdout.readline()) == {"seq": len(sent), "decisions": []}  # a retry is idempotent
    again.stdin.close()
    assert again.wait(timeout=10) == 0
