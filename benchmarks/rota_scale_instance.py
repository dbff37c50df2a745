"""A Curtois-Qu instance with its staff and horizon doubled, to try solvers on something larger.

Not a published instance (no best known): each person appears twice (the copy's ID gets
``Z2``, or ``Y2`` ... if that is taken), the horizon is twice as long, days off and shift
requests are repeated in both halves (the copy's moved by a quarter of the new horizon),
cover is repeated and doubled, and each person's shift counts, minute limits and weekend
limit are doubled. ``--copies k --days D``: k copies of each person (copy c's days off and
requests moved by c/k of the source's horizon) over D days (days off, requests and cover
repeated every source horizon, cover times k; counts, minute and weekend limits times
D / the source's horizon, rounded). Used in
docs/performance.md (issue 20, fifth pass) as "Big8" to see how the solvers behave beyond
the published Instances 1-8 without tuning to the larger kept-back ones.

    python benchmarks/rota_scale_instance.py ../shared/benchmarks/shift-scheduling/Instance8.txt /tmp/Big8.txt
    python benchmarks/rota_scale_instance.py ../shared/benchmarks/shift-scheduling/Instance7.txt \
        /tmp/S100x364.txt --copies 5 --days 364
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rota_instances import _rows  # the instance's sections (benchmarks/ is on the path)


def scale(text: str, copies: int = 2, total: int | None = None) -> str:
    """``copies`` times the staff over ``total`` days (default: twice the horizon)."""
    sections = _rows(text)
    days = int(sections["SECTION_HORIZON"][0][0])
    total = total or 2 * days
    factor = total / days
    repeats = -(-total // days)
    # copy c of a person: days off and requests repeated every `days`, moved by c * days // copies
    moves = [[c * days // copies + j * days for j in range(repeats)] for c in range(copies)]
    ids = [r[0] for r in sections["SECTION_STAFF"]]
    for tag in "ZYXWVU":  # a copy's IDs must not be anyone's (the source may be a scaled one)
        suffixes = ["" if c == 0 else f"{tag}{c + 1}" for c in range(copies)]
        if len({i + x for i in ids for x in suffixes}) == len(ids) * copies:
            break

    def times(v: str) -> str:
        return str(round(factor * int(v)))

    def limits(caps: str) -> str:
        return "|".join(f"{k}={times(v)}" for k, v in (p.split("=") for p in caps.split("|")))

    out = ["SECTION_HORIZON", str(total), "", "SECTION_SHIFTS"]
    out += [",".join(r) for r in sections["SECTION_SHIFTS"]]
    out += ["", "SECTION_STAFF"]
    for suffix in suffixes:
        for r in sections["SECTION_STAFF"]:
            scaled = [limits(r[1]), times(r[2]), times(r[3]), r[4], r[5], r[6], times(r[7])]
            out.append(",".join([r[0] + suffix, *scaled]))
    out += ["", "SECTION_DAYS_OFF"]
    for suffix, shifts in zip(suffixes, moves, strict=True):
        for r in sections["SECTION_DAYS_OFF"]:
            off = sorted({(int(d) + k) % total for d in r[1:] for k in shifts})
            out.append(",".join([r[0] + suffix, *map(str, off)]))
    for name in ("SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS"):
        out += ["", name]
        for suffix, shifts in zip(suffixes, moves, strict=True):
            for r in sections.get(name, []):
                for k in shifts:
                    out.append(",".join([r[0] + suffix, str((int(r[1]) + k) % total), r[2], r[3]]))
    out += ["", "SECTION_COVER"]
    for k in range(0, total, days):
        for r in (r for r in sections["SECTION_COVER"] if int(r[0]) + k < total):
            out.append(",".join([str(int(r[0]) + k), r[1], str(copies * int(r[2])), r[3], r[4]]))
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--copies", type=int, default=2, help="copies of each person (default 2)")
    parser.add_argument("--days", type=int, default=None, help="horizon (default twice the source's)")
    args = parser.parse_args()
    text = scale(args.source.read_text(encoding="utf-8"), args.copies, args.days)
    args.target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
