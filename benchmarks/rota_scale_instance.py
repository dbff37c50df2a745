"""A Curtois-Qu instance with its staff and horizon doubled, to try solvers on something larger.

Not a published instance (no best known): each person appears twice (the copy's ID gets
``Z2``), the horizon is twice as long, days off and shift requests are repeated in both
halves (the copy's moved by a quarter of the new horizon), cover is repeated and doubled, and
each person's shift counts, minute limits and weekend limit are doubled. Used in
docs/performance.md (issue 20, fifth pass) as "Big8" to see how the solvers behave beyond
the published Instances 1-8 without tuning to the larger kept-back ones.

    python benchmarks/rota_scale_instance.py ../shared/benchmarks/shift-scheduling/Instance8.txt /tmp/Big8.txt
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rota_instances import _rows  # the instance's sections (benchmarks/ is on the path)


def scale(text: str) -> str:
    sections = _rows(text)
    days = int(sections["SECTION_HORIZON"][0][0])
    total = 2 * days
    copies = (("", (0, days)), ("Z2", (days // 2, days // 2 + days)))

    def doubled(limits: str) -> str:
        return "|".join(f"{k}={2 * int(v)}" for k, v in (p.split("=") for p in limits.split("|")))

    out = ["SECTION_HORIZON", str(total), "", "SECTION_SHIFTS"]
    out += [",".join(r) for r in sections["SECTION_SHIFTS"]]
    out += ["", "SECTION_STAFF"]
    for suffix, _shift in copies:
        for r in sections["SECTION_STAFF"]:
            twice = [doubled(r[1]), str(2 * int(r[2])), str(2 * int(r[3])), r[4], r[5], r[6], str(2 * int(r[7]))]
            out.append(",".join([r[0] + suffix, *twice]))
    out += ["", "SECTION_DAYS_OFF"]
    for suffix, shifts in copies:
        for r in sections["SECTION_DAYS_OFF"]:
            off = sorted({(int(d) + k) % total for d in r[1:] for k in shifts})
            out.append(",".join([r[0] + suffix, *map(str, off)]))
    for name in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
        out += ["", name]
        for suffix, shifts in copies:
            for r in sections.get(name, []):
                for k in shifts:
                    out.append(",".join([r[0] + suffix, str((int(r[1]) + k) % total), r[2], r[3]]))
    out += ["", "SECTION_COVER"]
    for k in (0, days):
        for r in sections["SECTION_COVER"]:
            out.append(",".join([str(int(r[0]) + k), r[1], str(2 * int(r[2])), r[3], r[4]]))
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    args.target.write_text(scale(args.source.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
