"""Engagement compliance benchmark: a region of 5,000 nominals with 250,000 contacts over three
years; compliance for every month per manager, by the numpy table
(``engagement.vectorised.compliance_table``) against the brute-force recomputation (the pure
rules, ``engagement.rules.compliance``, once per month). The two answers are asserted equal.

    python benchmarks/engagement_bench.py [--nominals 5000] [--contacts 250000] [--seed 1]

Prints: building cases from the records (what the service does after reading the store),
the numpy table, the brute force, and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time

from ctpse_core.casework import Period
from ctpse_core.domain import Contact, ContactPlan, Nominal, NominalStatus, RiskTier
from ctpse_core.domain.common import LONDON
from ctpse_core.engagement.rules import compliance
from ctpse_core.engagement.service import build_cases, load_policy
from ctpse_core.engagement.vectorised import compliance_table

AS_OF = dt.date(2026, 3, 16)
D = dt.timedelta(days=1)


def region(nominals: int, contacts: int, seed: int) -> tuple[list[Nominal], list[ContactPlan], list[Contact]]:
    """Nominals over 200 managers, plans starting three years back, contacts spread so that the
    total is ``contacts`` (some late, some nominals left without any for months)."""
    rng = random.Random(seed)
    start = AS_OF - D * (3 * 365)
    people, plans, seen = [], [], []
    per = contacts // nominals
    for i in range(nominals):
        nid = f"N{i:06d}"
        manager = f"NM{i % 200:03d}"
        status = rng.choice(["licence", "community", "custody"])
        people.append(Nominal(id=nid, forenames="Ada", surname="Example", status=NominalStatus(status),
                              risk_tier=RiskTier(rng.choice("1234")), nominal_manager=manager, force="Kent"))
        every = rng.choice([14, 21, 28])
        plans.append(ContactPlan(id=f"P{nid}", nominal_id=nid, manager=manager, every_days=every, starts_on=start))
        span = (AS_OF - start).days
        for k in range(per):
            day = start + D * int(span * (k + rng.random()) / per)
            moment = dt.datetime(day.year, day.month, day.day, 10, tzinfo=LONDON)
            seen.append(Contact(id=f"C{nid}-{k}", nominal_id=nid, manager=manager, planned_at=moment, done_at=moment))
    return people, plans, seen


def months() -> list[Period]:
    out, year, month = [], 2023, 4
    while (year, month) <= (2026, 3):
        out.append(Period.month(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominals", type=int, default=5000)
    parser.add_argument("--contacts", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-brute", action="store_true", help="Skip the brute force (slow).")
    args = parser.parse_args()
    people, plans, seen = region(args.nominals, args.contacts, args.seed)
    periods = months()
    print(f"region: {len(people):,} nominals, {len(seen):,} contacts, {len(periods)} months, "
          f"{len({p.manager for p in plans})} managers (load average {os.getloadavg()[0]:.2f})")
    policy = load_policy()
    t, c = time.perf_counter(), time.process_time()
    cases, _flags, _last = build_cases(people, plans, seen, AS_OF, policy)
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    table = compliance_table(cases, periods, AS_OF, "manager")
    fast, fast_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    brute = [] if args.no_brute else [compliance(cases, p.first, p.last, AS_OF, "manager") for p in periods]
    slow, slow_cpu = time.perf_counter() - t, time.process_time() - c
    for j, expected in enumerate(brute):
        assert {g: row[j] for g, row in table.items() if row[j][1]} == expected
    print("                                      wall clock   CPU (this process)")
    print(f"build cases from records:            {build:7.3f} s    {build_cpu:7.3f} s")
    print(f"numpy table, every month x manager:  {fast:7.3f} s    {fast_cpu:7.3f} s")
    if brute:
        print(f"brute force (rules, month by month): {slow:7.3f} s    {slow_cpu:7.3f} s"
              f"   ({slow_cpu / fast_cpu:.0f}x the numpy table's CPU)")
    print(f"service path (build + numpy):        {build + fast:7.3f} s    {build_cpu + fast_cpu:7.3f} s   (goal < 2 s)")
    print(f"answers identical: {'yes' if brute else 'not checked (--no-brute)'}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
