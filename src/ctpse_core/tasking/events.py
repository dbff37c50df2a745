"""Fast-time events: a briefing document received, assessed, disseminated and acknowledged.

Recipients who have not acknowledged within the configured minutes of being sent it are
listed for escalation. The event's ``stage`` in the intelligence-management process only
moves forward through the configured stages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from ctpse_core.domain.common import Provenance, time_text, utcnow
from ctpse_core.domain.finance import Acknowledgement, Dissemination, FastTimeEvent
from ctpse_core.errors import InputError, Problem
from ctpse_core.storage.base import UnitOfWork
from ctpse_core.tasking.config import TaskingConfig, builtin_config

__all__ = ["Escalation", "acknowledge", "assess", "disseminate", "escalations", "event_row", "receive", "set_stage"]


@attrs.frozen
class Escalation:
    event_id: str
    title: str
    recipient: str
    sent_at: dt.datetime
    waiting_minutes: int

    def as_dict(self) -> dict[str, Any]:
        return {"event_id": self.event_id, "title": self.title, "recipient": self.recipient,
                "sent_at": time_text(self.sent_at), "waiting_minutes": self.waiting_minutes}


def escalations(events: Iterable[FastTimeEvent], now: dt.datetime,
                config: TaskingConfig | None = None) -> list[Escalation]:
    """Every (event, recipient) sent at least N minutes ago with no acknowledgement, longest first."""
    limit = dt.timedelta(minutes=(config or builtin_config()).escalate_after_minutes)
    out = []
    for e in events:
        acked = {a.recipient for a in e.acknowledgements}
        for d in e.disseminations:
            if d.recipient not in acked and now - d.at >= limit:
                out.append(Escalation(e.id, e.title, d.recipient, d.at, int((now - d.at).total_seconds() // 60)))
    return sorted(out, key=lambda x: (-x.waiting_minutes, x.event_id, x.recipient))


def _stage(event: FastTimeEvent, stage: str, config: TaskingConfig) -> FastTimeEvent:
    stages = config.stages
    if stage not in stages:
        raise InputError([Problem("stage", f"{stage!r} is not a stage ({', '.join(stages)})", event.id, stage)],
                         "unknown stage")
    if event.stage in stages and stages.index(stage) < stages.index(event.stage):
        raise InputError([Problem("stage", f"cannot go back from {event.stage} to {stage}", event.id, stage)],
                         "refused stage")
    return attrs.evolve(event, stage=stage)


def event_row(e: FastTimeEvent, now: dt.datetime, config: TaskingConfig | None = None) -> dict[str, Any]:
    waiting = [x.recipient for x in escalations([e], now, config)]
    acked = {a.recipient for a in e.acknowledgements}
    return {
        "id": e.id,
        "title": e.title,
        "received": time_text(e.occurred_at),
        "source": e.source or "",
        "stage": e.stage,
        "assessed": f"{e.assessed_by} {time_text(e.assessed_at)}" if e.assessed_by and e.assessed_at else "",
        "threat": e.threat or "",
        "risk": e.risk or "",
        "decision": e.decision or "",
        "sent_to": len(e.disseminations),
        "acknowledged": len({d.recipient for d in e.disseminations} & acked),
        "escalate": "; ".join(waiting),
        "marking": str(e.marking),
    }


# -- services ---------------------------------------------------------------------------------
def receive(uow: UnitOfWork, event: FastTimeEvent) -> FastTimeEvent:
    out: FastTimeEvent = uow.fast_time_events.add(
        attrs.evolve(event, stage="received", provenance=event.provenance or Provenance(source="fast-time event",
                                                                                         user=uow.user)))
    uow.record_event("collection", "fast_time_events", event.id, f"received from {event.source or 'unknown'}")
    return out


def _save(uow: UnitOfWork, event: FastTimeEvent, detail: str) -> FastTimeEvent:
    out: FastTimeEvent = uow.fast_time_events.update(event)
    uow.record_event("alteration", "fast_time_events", event.id, detail)
    return out


def assess(uow: UnitOfWork, event_id: str, threat: str, risk: str, decision: str,
           at: dt.datetime | None = None, config: TaskingConfig | None = None) -> FastTimeEvent:
    cfg = config or builtin_config()
    problems = []
    if threat not in cfg.threat_grades:
        problems.append(Problem("threat", f"{threat!r} is not a grade ({', '.join(cfg.threat_grades)})", event_id,
                                threat))
    if risk not in cfg.risk_grades:
        problems.append(Problem("risk", f"{risk!r} is not a grade ({', '.join(cfg.risk_grades)})", event_id, risk))
    if not decision.strip():
        problems.append(Problem("decision", "is required", event_id))
    if problems:
        raise InputError(problems, "unusable assessment")
    event = uow.fast_time_events.get(event_id)
    assessed = attrs.evolve(_stage(event, "assessed", cfg), assessed_by=uow.user or "unknown",
                            assessed_at=at or utcnow(), threat=threat, risk=risk, decision=decision)
    return _save(uow, assessed, f"assessed: threat {threat}, risk {risk}")


def disseminate(uow: UnitOfWork, event_id: str, recipients: Iterable[str], method: str = "secure email",
                at: dt.datetime | None = None, config: TaskingConfig | None = None) -> FastTimeEvent:
    event = uow.fast_time_events.get(event_id)
    when = at or utcnow()
    sent = tuple(Dissemination(recipient=r, at=when, method=method) for r in recipients)
    out = attrs.evolve(_stage(event, "disseminated", config or builtin_config()),
                       disseminations=(*event.disseminations, *sent),
                       disseminated_to=tuple(dict.fromkeys((*event.disseminated_to, *(s.recipient for s in sent)))))
    uow.record_event("disclosure", "fast_time_events", event_id, f"sent to {', '.join(s.recipient for s in sent)}")
    return _save(uow, out, f"disseminated to {len(sent)}")


def acknowledge(uow: UnitOfWork, event_id: str, recipient: str, at: dt.datetime | None = None) -> FastTimeEvent:
    event = uow.fast_time_events.get(event_id)
    if recipient not in {d.recipient for d in event.disseminations}:
        raise InputError([Problem("recipient", f"{recipient!r} was not sent this event", event_id, recipient)],
                         "not a recipient")
    ack = Acknowledgement(recipient=recipient, at=at or utcnow())
    return _save(uow, attrs.evolve(event, acknowledgements=(*event.acknowledgements, ack)),
                 f"acknowledged by {recipient}")


def set_stage(uow: UnitOfWork, event_id: str, stage: str, config: TaskingConfig | None = None) -> FastTimeEvent:
    event = uow.fast_time_events.get(event_id)
    return _save(uow, _stage(event, stage, config or builtin_config()), f"stage {event.stage} -> {stage}")
