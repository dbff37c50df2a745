"""Synthetic nominal-management casework for one fictional region, with known answers.

``write_casework(out, count, seed, as_of)`` writes CSV files in the built-in feeds' own
layouts (so ``ctpse import`` reads them unchanged) and ``truth.json``: which nominals were
left overdue a contact, which contacts were late, which orders missed a deadline, which
correspondence is overdue, and who is due for release unprepared. Same seed, same bytes.
Every name, place and reference is fictional.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from ctpse_core.synthetic import names as pools

__all__ = ["AS_OF", "write_casework"]

#: The day the synthetic region's casework is "as of" (a Monday).
AS_OF = dt.date(2026, 3, 16)
DAY = dt.timedelta(days=1)
_INTERVALS = {"licence": (7, 14, 28, 56), "community": (14, 28, 56, 91), "custody": (28, 56, 91, 182),
              "remand": (28, 56, 91, 182)}
_STATUSES = [("licence", 30), ("community", 40), ("custody", 25), ("remand", 5)]
_PATHWAYS = ["accommodation", "education-employment", "health", "substance-misuse", "finance", "family",
             "attitudes"]
_PARTNERS = ["Probation (fictional PDU)", "Prevent (Fictonbury)", "Fictional Housing Trust", "NHS Example ICB",
             "Example Council Children's Services", "Fictional DWP Office"]
_CORR_PARTNERS = ["MAC Example", "Probation (fictional PDU)", "HMPPS Example OMU", "JCTPPH", "Fictional Prevent Hub"]
_KINDS = ["mac-enquiry", "partner-request", "omu-update", "jctpph-return"]
_WORKING_DAYS = {"mac-enquiry": 5, "partner-request": 10, "omu-update": 5, "jctpph-return": 3}

REGIONAL = ["record_id", "surname", "forenames", "aliases", "date_of_birth", "sex", "nationality", "pnc_id",
            "cro_number", "prison_number", "status", "risk_tier", "category", "nominal_manager", "establishment",
            "force", "address", "town", "postcode", "orders"]
PRISON = ["PP Case Ref", "Surname", "First Name(s)", "Date of Birth", "Sex", "Custody Status", "Pathfinder Tier",
          "Category", "POM", "Prison", "Home Force", "Release Date"]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _write(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({h: row.get(h, "") for h in header})


def _time(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()} {rng.randint(9, 16):02d}:{rng.choice((0, 15, 30, 45)):02d}"


def write_casework(out: Path, count: int = 200, seed: int = 7, as_of: dt.date = AS_OF,
                   years: int = 3) -> dict[str, int]:
    """Write the region's casework files under ``out``; return counts of what was written."""
    from ctpse_core.workdays import add_working_days

    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    managers = [f"NM{i + 1:02d}" for i in range(max(3, count // 25))]
    staff = []
    for i, ident in enumerate(managers):
        name = pools.MANAGERS[i % len(pools.MANAGERS)].split(" ", 1)[1].split(" ")
        staff.append({"Staff No": ident, "Forename": name[0], "Surname": f"{name[1]}{'' if i < 12 else i}",
                      "Rank": "DC", "Roles": "nominal-manager", "Team": "CTP SE NM"})
    leave = []
    for i, ident in enumerate(managers):
        if i % 3 == 0:  # every third manager is away for a week within the next fortnight
            first = as_of + DAY * rng.randint(0, 10)
            leave.append({"Leave Ref": f"LV{i + 1:03d}", "Staff No": ident, "First Day": first.isoformat(),
                          "Last Day": (first + DAY * 6).isoformat(), "Leave Type": "annual"})
    start_of_records = as_of - DAY * (365 * years)
    regional, prison, plans, contacts, orders, pathways, items = [], [], [], [], [], [], []
    truth: dict[str, Any] = {"as_of": as_of.isoformat(), "overdue": [], "late_contacts": [], "no_plan": [],
                             "no_manager": [], "missed_order_deadlines": [], "release_unprepared": [],
                             "correspondence_overdue": [], "correspondence_late": []}
    ids = []
    for i in range(count):
        status = _weighted(rng, _STATUSES)
        tier = rng.choices("1234", weights=(10, 25, 35, 30))[0]
        manager = rng.choice(managers)
        custody = status in ("custody", "remand")
        ident = f"PP:CW{i + 1:05d}" if custody else f"CW{i + 1:05d}"
        ids.append(ident)
        sex = rng.choice("MF")
        forename = rng.choice(pools.pick(rng, pools.FORENAMES_M if sex == "M" else pools.FORENAMES_F))
        surname = rng.choice(pools.pick(rng, pools.SURNAMES))
        dob = dt.date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        no_manager = rng.random() < 0.04
        force = rng.choice(pools.FORCES)
        category = rng.choice(["TACT", "TACT", "TCON", "ROCI"])
        if no_manager:
            truth["no_manager"].append(ident)
        release = as_of + DAY * rng.randint(5, 400) if custody else None
        if custody:
            prison.append({"PP Case Ref": ident.removeprefix("PP:"), "Surname": surname, "First Name(s)": forename,
                           "Date of Birth": dob.isoformat(), "Sex": sex, "Custody Status": status,
                           "Pathfinder Tier": tier, "Category": category, "POM": "" if no_manager else manager,
                           "Prison": rng.choice(pools.PRISONS), "Home Force": force,
                           "Release Date": release.isoformat() if release else ""})
        else:
            regional.append({"record_id": ident, "surname": surname, "forenames": forename,
                             "date_of_birth": dob.isoformat(), "sex": sex, "status": status, "risk_tier": tier,
                             "category": category, "nominal_manager": "" if no_manager else manager,
                             "force": force, "town": rng.choice(pools.TOWNS),
                             "address": f"{rng.randint(1, 99)} {rng.choice(pools.STREETS)}"})
        # contact plan and contacts
        if rng.random() < 0.04:
            truth["no_plan"].append(ident)
        else:
            every = _INTERVALS[status][int(tier) - 1]
            starts = start_of_records + DAY * rng.randint(0, 300)
            plans.append({"Plan ID": f"PL-{ident.removeprefix('PP:')}", "Nominal Ref": ident,
                          "Nominal Manager": manager, "Every (days)": every, "Risk Tier": tier,
                          "Starts": starts.isoformat()})
            overdue = rng.random() < 0.08
            gap = rng.randint(1, 20)
            anchor = starts
            n = 0
            while True:
                late = rng.random() < 0.05
                nxt = anchor + DAY * (every + rng.randint(1, 10) if late else every - rng.randint(0, every // 3))
                if overdue and nxt > as_of - DAY * (every + gap):
                    break  # last contact more than `every` days before the as-of day: overdue
                if not overdue and nxt > as_of:
                    if anchor + DAY * every >= as_of:
                        break  # next due on or after the as-of day: not overdue
                    nxt, late = min(anchor + DAY * every, as_of), False  # an on-time contact keeps them in date
                n += 1
                cid = f"C-{ident.removeprefix('PP:')}-{n:04d}"
                method = "prison-visit" if custody else rng.choice(["in-person", "home-visit", "phone", "video"])
                by = manager if rng.random() < 0.9 else "PARTNER-PROBATION"
                contacts.append({"Contact ID": cid, "Nominal Ref": ident, "Nominal Manager": by,
                                 "Planned": _time(nxt - DAY * (rng.randint(0, 2)), rng), "Completed": _time(nxt, rng),
                                 "Contact Type": method, "Outcome": "seen (synthetic)"})
                if late:
                    truth["late_contacts"].append(cid)
                anchor = nxt
            if overdue:
                truth["overdue"].append(ident)
                contacts.append({"Contact ID": f"C-{ident.removeprefix('PP:')}-PLAN", "Nominal Ref": ident,
                                 "Nominal Manager": manager, "Planned": _time(as_of + DAY * 3, rng),
                                 "Completed": "", "Contact Type": "in-person", "Outcome": ""})
        # orders
        has_order = False
        if status == "licence":
            has_order = True
            released = as_of - DAY * rng.randint(30, 700)
            orders.append({"Order ID": f"OR-{ident}-LIC", "Nominal Ref": ident, "Order Type": "LICENCE",
                           "Status": "made", "Made": released.isoformat(), "Starts": released.isoformat(),
                           "Expires": (released + DAY * rng.randint(400, 2000)).isoformat(), "Owner": manager})
        if category == "TACT" and not custody:
            has_order = True
            start = as_of - DAY * rng.randint(60, 2000)
            missed = rng.random() < 0.1
            anniversary_gap = rng.randint(20, 300)
            last = (as_of - DAY * (365 + anniversary_gap)) if missed else (as_of - DAY * rng.randint(1, 300))
            last = max(last, start)
            oid = f"OR-{ident}-N"
            orders.append({"Order ID": oid, "Nominal Ref": ident, "Order Type": "NOTIFICATION", "Status": "made",
                           "Made": start.isoformat(), "Starts": start.isoformat(),
                           "Expires": (start + DAY * 365 * 15).isoformat(), "Last Notified": last.isoformat(),
                           "Owner": manager})
            if missed and (last.replace(year=last.year + 1) if not (last.month == 2 and last.day == 29)
                           else dt.date(last.year + 1, 2, 28)) < as_of:
                truth["missed_order_deadlines"].append(oid)
        if not custody and tier == "1" and rng.random() < 0.3:
            has_order = True
            kind = rng.choice(["TPIM", "SCPO", "TORDER"])
            start = as_of - DAY * rng.randint(20, 300)
            orders.append({"Order ID": f"OR-{ident}-{kind}", "Nominal Ref": ident, "Order Type": kind,
                           "Status": "made", "Made": start.isoformat(), "Starts": start.isoformat(), "Owner": manager})
        if custody and rng.random() < 0.5:
            has_order = True
            orders.append({"Order ID": f"OR-{ident}-C", "Nominal Ref": ident, "Order Type": "LICENCE",
                           "Status": "considered", "Owner": manager})
        # pathways
        mapped = False
        if not custody or rng.random() < 0.5:
            for k, pathway in enumerate(rng.sample(_PATHWAYS, rng.randint(1, 4))):
                mapped = True
                review = as_of + DAY * rng.randint(-40, 120)
                pathways.append({"Pathway ID": f"PW-{ident.removeprefix('PP:')}-{k + 1}", "Nominal Ref": ident,
                                 "Pathway": pathway, "Lead Partner": rng.choice(_PARTNERS),
                                 "Status": rng.choice(["not-started", "in-progress", "in-progress", "met"]),
                                 "Review": review.isoformat()})
        if custody and release is not None and release <= as_of + DAY * 91 and (not has_order or not mapped):
            truth["release_unprepared"].append(ident)
    # correspondence
    for j in range(max(10, count // 2)):
        kind = rng.choice(_KINDS)
        received = as_of - DAY * rng.randint(0, 120)
        due = add_working_days(received, _WORKING_DAYS[kind])
        item: dict[str, Any] = {"Item ID": f"CORR-{j + 1:05d}", "Direction": "incoming", "Kind": kind,
                                "Partner": rng.choice(_CORR_PARTNERS), "Subject": f"Synthetic {kind} {j + 1}",
                                "Nominal Refs": rng.choice(ids), "Received": _time(received, rng),
                                "Owner": rng.choice(managers), "Status": "open", "Personal Data": "false"}
        fate = rng.random()
        if fate < 0.75 and due < as_of:
            answered = add_working_days(received, rng.randint(1, _WORKING_DAYS[kind] + 4))
            if answered <= as_of:
                item.update({"Status": "answered", "Responded": _time(answered, rng), "Outcome": "answered"})
                if answered > due:
                    truth["correspondence_late"].append(item["Item ID"])
        if item["Status"] == "open" and due < as_of:
            truth["correspondence_overdue"].append(item["Item ID"])
        items.append(item)
        if rng.random() < 0.2:
            items.append({"Item ID": f"CORR-{j + 1:05d}-OUT", "Direction": "outgoing", "Kind": "omu-update",
                          "Partner": item["Partner"], "Subject": f"Reply to {item['Item ID']}",
                          "Nominal Refs": item["Nominal Refs"], "Received": _time(received, rng),
                          "Owner": item["Owner"], "Status": "closed", "Personal Data": "true"})
    files: dict[str, tuple[list[str], list[dict[str, Any]]]] = {
        "nominals.csv": (REGIONAL, regional), "prison.csv": (PRISON, prison),
        "contact-plans.csv": (["Plan ID", "Nominal Ref", "Nominal Manager", "Every (days)", "Risk Tier", "Starts"],
                              plans),
        "engagements.csv": (["Contact ID", "Nominal Ref", "Nominal Manager", "Planned", "Completed", "Contact Type",
                             "Outcome"], contacts),
        "civil-orders.csv": (["Order ID", "Nominal Ref", "Order Type", "Status", "Made", "Starts", "Expires",
                              "Review", "Window Opens", "Window Closes", "Last Notified", "Owner", "Conditions"],
                             orders),
        "pathways.csv": (["Pathway ID", "Nominal Ref", "Pathway", "Lead Partner", "Status", "Review"], pathways),
        "correspondence.csv": (["Item ID", "Direction", "Kind", "Partner", "Subject", "Nominal Refs", "Received",
                                "Deadline", "Owner", "Status", "Responded", "Outcome", "Personal Data"], items),
        "staff.csv": (["Staff No", "Forename", "Surname", "Rank", "Roles", "Qualifications", "Team", "Mobile",
                       "Desk Phone", "Email"], staff),
        "leave.csv": (["Leave Ref", "Staff No", "First Day", "Last Day", "Leave Type"], leave),
    }
    for filename, (header, rows) in files.items():
        _write(out / filename, header, rows)
    for key in truth:
        if isinstance(truth[key], list):
            truth[key] = sorted(truth[key])
    (out / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return {"nominals": count, "managers": len(managers), "contact_plans": len(plans), "contacts": len(contacts),
            "civil_orders": len(orders), "pathways": len(pathways), "correspondence": len(items),
            "leave": len(leave), "overdue (known)": len(truth["overdue"]),
            "late contacts (known)": len(truth["late_contacts"])}


#: Import order: nominals before what refers to them.
FEED_FILES = [("regional", "nominals.csv"), ("prison-pathfinder", "prison.csv"), ("staff", "staff.csv"),
              ("leave", "leave.csv"), ("contact-plans", "contact-plans.csv"), ("engagements", "engagements.csv"),
              ("civil-orders", "civil-orders.csv"), ("pathways", "pathways.csv"),
              ("correspondence", "correspondence.csv")]
