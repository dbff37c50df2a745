"""De-conflict a synthetic week of covert surveillance deployments and print the notices.

    python examples/deconflict_week.py

Each conflict is explained (rule, when in London time, why); each operation involved gets a
need-to-know notice that says only that there is a conflict and whom to call. All data is
synthetic and fictional.
"""

from __future__ import annotations

from ctpse_core.deconfliction import deconflict
from ctpse_core.deconfliction.resolution import notices
from ctpse_core.synthetic.deployments import synthetic_week


def main() -> None:
    week = synthetic_week(40, seed=3)
    deployments = week.deployments()
    conflicts = deconflict(deployments, week.teams)
    print(f"{len(deployments)} deployments, {len(conflicts)} conflicts "
          f"({sum(1 for c in conflicts if c.hard)} breaking hard rules)")
    by_id = {d.id: d for d in deployments}
    operations = {o.id: o for o in week.operations}
    for conflict in conflicts[:3]:
        print(f"- {conflict.rule}: {', '.join(conflict.deployment_ids)}")
        for notice in notices(conflict, by_id, operations):
            print(f"    to {notice.to_operation}: {notice.text}")


if __name__ == "__main__":
    main()
