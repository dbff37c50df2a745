"""Finance services over a unit of work: the stored forecast, amendments and their products.

Every service records what it consulted or changed with ``uow.record_event`` in the same
unit of work, and every product carries the highest marking of what went into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ctpse_core.domain.common import london
from ctpse_core.domain.finance import OvertimeForecast
from ctpse_core.domain.marking import Marking, highest
from ctpse_core.domain.staff import Rota
from ctpse_core.domain.surveillance import Deployment
from ctpse_core.finance.duties import deployment_duties, duties_from
from ctpse_core.finance.forecast import BREAKDOWNS, Difference, Forecast, forecast, hours, money
from ctpse_core.finance.rules import PayRules, builtin_pay_rules
from ctpse_core.reports import SimpleProduct
from ctpse_core.storage.base import UnitOfWork

__all__ = [
    "StoredForecast",
    "amend_deployment",
    "amend_rota",
    "difference_product",
    "forecast_product",
    "forecast_stored",
    "save_weekly_forecasts",
]


@attrs.define
class StoredForecast:
    """A forecast of stored duties, with what it assumed and the marking of its inputs."""

    forecast: Forecast
    first_day: dt.date | None
    last_day: dt.date | None
    assumptions: list[str]
    marking: Marking
    budget_codes: Mapping[str, str] = attrs.Factory(dict)


def forecast_stored(
    uow: UnitOfWork,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    *,
    rules: PayRules | None = None,
    budget_codes: Mapping[str, str] | None = None,
) -> StoredForecast:
    """Forecast every stored deployment (asset deployments included) and on-call shift that
    starts in ``first_day`` .. ``last_day`` (Europe/London days; ``None`` leaves an end open)."""
    rules = rules or builtin_pay_rules()
    deployments = list(uow.deployments.list())
    rotas = list(uow.rotas.list())
    staff = list(uow.staff.list())
    duties = duties_from(deployments, rotas, staff, rules, first_day=first_day, last_day=last_day,
                         budget_codes=budget_codes)
    span = f"{first_day or 'start'}..{last_day or 'end'}"
    uow.record_event("consultation", "deployments", None, f"overtime forecast {span}: {len(deployments)} read")
    uow.record_event("consultation", "rotas", None, f"overtime forecast {span}: {len(rotas)} read")
    uow.record_event("consultation", "staff", None, f"overtime forecast {span}: ranks of {len(staff)} people")
    fc = forecast(duties.duties, rules)
    priced = {d.staff_id for d in duties.duties}
    marking = highest([fc.marking, *(s.marking for s in staff if s.id in priced)])
    return StoredForecast(fc, first_day, last_day, duties.assumptions, marking, dict(budget_codes or {}))


def amend_deployment(uow: UnitOfWork, stored: StoredForecast, amended: Deployment) -> Difference:
    """Re-price one amended (or new, or cancelled) deployment in ``stored``'s forecast and say
    what moved. The deployment is not saved here (see ``finance.bids.publish_amendment``)."""
    fc = stored.forecast
    rules = fc.rules
    staff = {s.id: s for s in uow.staff.find_many(amended.staff_ids).values()}
    uow.record_event("consultation", "staff", None, f"ranks for amended deployment {amended.id}")
    old = fc.duties_of(amended.id)
    new = deployment_duties(amended, staff, rules, stored.budget_codes, stored.assumptions)
    new_ids = {d.id for d in new}
    diff = fc.amend(new, [i for i in old if i not in new_ids])
    stored.marking = highest([stored.marking, amended.marking])
    return diff


def amend_rota(uow: UnitOfWork, stored: StoredForecast, rota: Rota) -> Difference:
    """Re-price a changed (or new) published rota's on-call shifts and say what moved."""
    from ctpse_core.finance.duties import oncall_duties

    fc = stored.forecast
    people = {s.id: s for s in uow.staff.find_many({s.staff_id for s in rota.shifts}).values()}
    uow.record_event("consultation", "staff", None, f"ranks for amended rota {rota.id}")
    new = [d for d in oncall_duties(rota, people, fc.rules) if _within(stored, d.start)]
    new_ids = {d.id for d in new}
    diff = fc.amend(new, [i for i in fc.duties_of(rota.id) if i not in new_ids])
    stored.marking = highest([stored.marking, rota.marking])
    return diff


def _within(stored: StoredForecast, start: dt.datetime) -> bool:
    day = london(start).date()
    return (stored.first_day is None or day >= stored.first_day) and (stored.last_day is None
                                                                      or day <= stored.last_day)


def _period(stored: StoredForecast) -> dict[str, Any]:
    return {
        "first_day": stored.first_day.isoformat() if stored.first_day else None,
        "last_day": stored.last_day.isoformat() if stored.last_day else None,
    }


def forecast_product(stored: StoredForecast, by: Iterable[str] = tuple(BREAKDOWNS),
                     include_lines: bool = False) -> SimpleProduct:
    """The forecast as a product: totals, the chosen breakdowns, assumptions and rule sources;
    its CSV rows are the lines."""
    fc = stored.forecast
    lines = [line.as_dict() for line in fc.lines()]
    data: dict[str, Any] = {
        **_period(stored),
        "pay_rules": fc.rules.name,
        "duties": len(fc),
        "total": str(money(fc.total_pence)),
        "total_pence": fc.total_pence,
        "hours": str(hours(fc.total_seconds)),
        "breakdowns": {b: fc.breakdown(b) for b in by},
        "assumptions": _grouped(stored.assumptions),
        "rules": fc.rules.sources(),
    }
    if include_lines:
        data["lines"] = lines
    return SimpleProduct("overtime-forecast", "Overtime forecast", data, stored.marking, rows=lines)


def _grouped(notes: list[str]) -> list[str]:
    """``X has no ...`` notes with the same wording after the subject as one line."""
    groups: dict[str, list[str]] = {}
    for note in notes:
        subject, _, rest = note.partition(" ")
        groups.setdefault(rest, []).append(subject)
    return [f"{len(s)} {'duties' if len(s) > 1 else 'duty'} ({', '.join(s[:5])}{', ...' if len(s) > 5 else ''}) "
            f"{rest.replace('has ', 'have ', 1) if len(s) > 1 else rest}" for rest, s in groups.items()]


def difference_product(diff: Difference, title: str, marking: Marking) -> SimpleProduct:
    data = diff.as_dict()
    rows = [{"change": "removed", **x} for x in data["removed"]] + [{"change": "added", **x} for x in data["added"]]
    return SimpleProduct("overtime-difference", title, data, marking, rows=rows)


def save_weekly_forecasts(uow: UnitOfWork, stored: StoredForecast) -> list[OvertimeForecast]:
    """Store one :class:`OvertimeForecast` per operation and week (replacing earlier ones)."""
    cells: dict[tuple[dt.date, str], list[int]] = {}
    for line in stored.forecast.lines():
        cell = cells.setdefault((line.week, line.operation_id), [0, 0])
        cell[0] += line.seconds
        cell[1] += line.pence
    out = []
    for (week, op), (seconds, pence) in sorted(cells.items()):
        record = OvertimeForecast(
            id=f"otf-{week.isoformat()}-{op}",
            week_starting=week,
            operation_id=op,
            hours=Decimal(seconds) / 3600,
            cost=money(pence),
            marking=stored.marking,
        )
        found = uow.overtime_forecasts.find(record.id)
        if found is None:
            out.append(uow.overtime_forecasts.add(record))
        else:
            out.append(uow.overtime_forecasts.update(attrs.evolve(record, version=found.version)))
    uow.record_event("alteration", "overtime_forecasts", None, f"{len(out)} weekly forecasts saved")
    return out


def week_of(moment: dt.datetime | dt.date) -> dt.date:
    day = london(moment).date() if isinstance(moment, dt.datetime) else moment
    return day - dt.timedelta(days=day.weekday())
