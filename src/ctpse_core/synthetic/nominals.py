"""Synthetic regional and national nominal lists with a known ground truth.

A population of fictional people is drawn from a seed. Each person appears in the
national (JCTPPH) list, the regional list, or both, sometimes twice in one list,
and every copy gets the noise partner systems really add: transliteration
variants, typos, swapped forename/surname, day/month-swapped or mistyped dates of
birth, missing fields, aliases used as names, stale status. Siblings and twins
(same surname and address, close or equal dates of birth) make hard non-matches.

The two lists use different column names and date formats, as the partners do;
``truth.csv`` lists every pair of record IDs that are the same person.

``foreign=True`` writes the same people as two lists from elsewhere instead
(:func:`write_foreign_lists`): month-first dates on one side and ``YYYYMMDD`` on the other,
blank name parts, and columns no nominal has (a middle initial, a fictional national
insurance number with the reserved ``QQ`` prefix, a town), with ``mapping.toml`` mapping them.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import attrs

from ctpse_core.domain.identifiers import cro_check_char, pnc_check_char
from ctpse_core.synthetic import names as pools

__all__ = [
    "NATIONAL_COLUMNS",
    "REGIONAL_COLUMNS",
    "NoiseConfig",
    "Person",
    "generate_lists",
    "generate_people",
    "write_foreign_lists",
    "write_nominal_lists",
]

REGIONAL_COLUMNS = [
    "record_id", "surname", "forenames", "aliases", "date_of_birth", "sex", "nationality",
    "pnc_id", "cro_number", "prison_number", "status", "risk_tier", "category",
    "nominal_manager", "establishment", "force", "address", "town", "postcode", "orders",
]
NATIONAL_COLUMNS = [
    "JCTPPH Ref", "Surname", "Forename(s)", "Alias Names", "DOB", "Gender", "Nationality",
    "PNC ID", "CRO No", "Prison No", "Status", "Tier", "Category", "Nominal Manager",
    "Establishment", "Owning Force", "Region", "CT Orders",
]
_STATUSES = [("custody", 35), ("licence", 30), ("community", 25), ("remand", 5), ("deported", 3), ("closed", 2)]
_ORDERS = ["NOTIFICATION", "LICENCE", "TPIM", "SCPO", "PART4"]


@attrs.frozen
class NoiseConfig:
    """Probabilities of each kind of noise, per record copy."""

    in_national: float = 0.93
    in_regional: float = 0.93
    duplicate: float = 0.015
    variant_forename: float = 0.30
    variant_surname: float = 0.20
    typo_forename: float = 0.04
    typo_surname: float = 0.04
    swap_names: float = 0.03
    alias_as_name: float = 0.015
    dob_swap: float = 0.03
    dob_typo: float = 0.02
    dob_year: float = 0.01
    dob_missing: float = 0.02
    pnc_missing: float = 0.10
    cro_missing: float = 0.30
    stale_status: float = 0.06
    other_manager: float = 0.05
    other_tier: float = 0.04
    other_establishment: float = 0.03
    sibling: float = 0.02
    twin: float = 0.005


@attrs.frozen
class Person:
    """One fictional person: the truth behind the list records."""

    key: int
    forename_group: tuple[str, ...]
    surname_group: tuple[str, ...]
    dob: dt.date
    sex: str
    nationality: str
    pnc: str | None
    cro: str | None
    prison_number: str | None
    status: str
    tier: str
    category: str
    manager: str
    establishment: str | None
    force: str
    street: str
    town: str
    postcode: str
    aliases: tuple[str, ...]
    orders: tuple[str, ...]


def _pnc(rng: random.Random, dob: dt.date) -> str:
    year = f"{min(dob.year + rng.randint(14, 30), 2025) % 100:02d}"
    serial = str(rng.randint(1, 999_999))
    return f"{year}/{serial}{pnc_check_char(year, serial)}"


def _cro(rng: random.Random) -> str:
    serial, year = str(rng.randint(1, 999_999)).zfill(6), f"{rng.randint(0, 25):02d}"
    return f"{serial}/{year}{cro_check_char(serial, year)}"


def _prison_number(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{rng.choice(letters)}{rng.randint(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}"


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table], k=1)[0]


def _new_person(rng: random.Random, key: int, like: Person | None = None, twin: bool = False) -> Person:
    sex = rng.choice("MMMMMMMMF")
    forename_group = pools.pick(rng, pools.FORENAMES_M if sex == "M" else pools.FORENAMES_F)
    if like is None:
        surname_group = pools.pick(rng, pools.SURNAMES)
        dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 56))
        street, town, postcode = rng.choice(pools.STREETS), rng.choice(pools.TOWNS), _postcode(rng)
        street = f"{rng.randint(1, 250)} {street}"
    else:  # a sibling or twin: same family name and address
        surname_group = like.surname_group
        dob = like.dob if twin else like.dob + dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(300, 3000))
        street, town, postcode = like.street, like.town, like.postcode
        while forename_group == like.forename_group:
            forename_group = pools.pick(rng, pools.FORENAMES_M if sex == "M" else pools.FORENAMES_F)
    status = _weighted(rng, _STATUSES)
    alias_count = rng.choices([0, 1, 2], weights=[80, 15, 5])[0]
    aliases = tuple(
        f"{pools.pick(rng, pools.FORENAMES_M if sex == 'M' else pools.FORENAMES_F)[0]} {surname_group[0]}"
        if rng.random() < 0.5
        else f"{forename_group[0]} {pools.pick(rng, pools.SURNAMES)[0]}"
        for _ in range(alias_count)
    )
    return Person(
        key=key,
        forename_group=forename_group,
        surname_group=surname_group,
        dob=dob,
        sex=sex,
        nationality=rng.choice(pools.NATIONALITIES),
        pnc=_pnc(rng, dob) if rng.random() < 0.95 else None,
        cro=_cro(rng) if rng.random() < 0.6 else None,
        prison_number=_prison_number(rng) if status in ("custody", "remand", "licence") else None,
        status=status,
        tier=rng.choices("1234", weights=[10, 25, 35, 30])[0],
        category=rng.choices(["TACT", "TCON", "ROCI"], weights=[50, 20, 30])[0],
        manager=rng.choice(pools.MANAGERS),
        establishment=rng.choice(pools.PRISONS) if status in ("custody", "remand") else None,
        force=rng.choice(pools.FORCES),
        street=street,
        town=town,
        postcode=postcode,
        aliases=aliases,
        orders=tuple(sorted(rng.sample(_ORDERS, k=rng.choices([0, 1, 2], weights=[40, 45, 15])[0]))),
    )


def generate_people(count: int, seed: int, noise: NoiseConfig | None = None) -> list[Person]:
    """``count`` fictional people; siblings and twins included as hard non-matches."""
    noise = noise or NoiseConfig()
    rng = random.Random(f"people:{seed}")
    people: list[Person] = []
    while len(people) < count:
        if people and rng.random() < noise.sibling + noise.twin:
            like = people[rng.randrange(len(people))]
            twin = rng.random() < noise.twin / (noise.sibling + noise.twin)
            people.append(_new_person(rng, len(people), like=like, twin=twin))
        else:
            people.append(_new_person(rng, len(people)))
    return people


_KEYBOARD = "abcdefghijklmnopqrstuvwxyz"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.randrange(4)
    if kind == 0:  # deletion
        return text[:i] + text[i + 1 :]
    if kind == 1:  # insertion
        return text[:i] + rng.choice(_KEYBOARD) + text[i:]
    if kind == 2 and i < len(text) - 1:  # transposition
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(_KEYBOARD) + text[i + 1 :]  # substitution


def _noisy_dob(rng: random.Random, dob: dt.date, noise: NoiseConfig) -> dt.date | None:
    r = rng.random()
    if r < noise.dob_missing:
        return None
    r -= noise.dob_missing
    if r < noise.dob_swap and dob.day <= 12 and dob.day != dob.month:
        return dob.replace(day=dob.month, month=dob.day)
    r -= noise.dob_swap
    if r < noise.dob_typo:
        for _ in range(5):
            text = list(dob.strftime("%Y%m%d"))
            pos = rng.choice([2, 3, 5, 6, 7])
            text[pos] = str(rng.randrange(10))
            try:
                candidate = dt.datetime.strptime("".join(text), "%Y%m%d").date()
            except ValueError:
                continue
            if candidate != dob and dt.date(1920, 1, 1) <= candidate <= dt.date(2010, 12, 31):
                return candidate
        return dob
    r -= noise.dob_typo
    if r < noise.dob_year:
        try:
            return dob.replace(year=dob.year + rng.choice([-1, 1]))
        except ValueError:
            return dob
    return dob


def _copy(rng: random.Random, p: Person, noise: NoiseConfig) -> dict[str, object]:
    """One list record of person ``p``, with noise."""
    forename = p.forename_group[0]
    if len(p.forename_group) > 1 and rng.random() < noise.variant_forename:
        forename = rng.choice(p.forename_group[1:])
    surname = p.surname_group[0]
    if len(p.surname_group) > 1 and rng.random() < noise.variant_surname:
        surname = rng.choice(p.surname_group[1:])
    if rng.random() < noise.typo_forename:
        forename = _typo(rng, forename)
    if rng.random() < noise.typo_surname:
        surname = _typo(rng, surname)
    aliases = list(p.aliases)
    if aliases and rng.random() < noise.alias_as_name * 10:
        alias = aliases.pop(0)
        aliases.append(f"{forename} {surname}")
        forename, _, surname = alias.partition(" ")
    if rng.random() < noise.swap_names:
        forename, surname = surname, forename
    case = rng.random()
    if case < 0.1:
        surname = surname.upper()
    elif case < 0.13:
        forename, surname = forename.lower(), surname.lower()
    status = p.status
    if rng.random() < noise.stale_status:
        status = rng.choice([s for s, _ in _STATUSES if s != p.status])
    return {
        "forename": forename,
        "surname": surname,
        "aliases": aliases,
        "dob": _noisy_dob(rng, p.dob, noise),
        "sex": p.sex,
        "nationality": p.nationality if rng.random() > 0.05 else None,
        "pnc": p.pnc if p.pnc and rng.random() > noise.pnc_missing else None,
        "cro": p.cro if p.cro and rng.random() > noise.cro_missing else None,
        "prison_number": p.prison_number if rng.random() > 0.1 else None,
        "status": status,
        "tier": p.tier if rng.random() > noise.other_tier else rng.choice([t for t in "1234" if t != p.tier]),
        "category": p.category,
        "manager": p.manager if rng.random() > noise.other_manager else rng.choice(pools.MANAGERS),
        "establishment": p.establishment
        if rng.random() > noise.other_establishment
        else rng.choice([*pools.PRISONS, None]),
        "force": p.force,
        "address": p.street,
        "town": p.town,
        "postcode": p.postcode if rng.random() > 0.05 else None,
        "orders": p.orders,
    }


def _regional_row(record_id: str, c: dict[str, object]) -> list[str]:
    dob = c["dob"]
    return [
        record_id, str(c["surname"]), str(c["forename"]), "; ".join(c["aliases"]),  # type: ignore[arg-type]
        dob.strftime("%d/%m/%Y") if isinstance(dob, dt.date) else "",
        str(c["sex"]), str(c["nationality"] or ""), _long_pnc(c["pnc"]), str(c["cro"] or ""),
        str(c["prison_number"] or ""), str(c["status"]), str(c["tier"]), str(c["category"]),
        str(c["manager"]), str(c["establishment"] or ""), str(c["force"]), str(c["address"]),
        str(c["town"]), str(c["postcode"] or ""), "; ".join(c["orders"]),  # type: ignore[arg-type]
    ]


def _long_pnc(pnc: object) -> str:
    if not pnc:
        return ""
    year, rest = str(pnc).split("/")
    full_year = ("19" if int(year) > 30 else "20") + year
    return f"{full_year}/{rest[:-1].zfill(7)}{rest[-1]}"


def _national_row(record_id: str, c: dict[str, object]) -> list[str]:
    dob = c["dob"]
    return [
        record_id, str(c["surname"]).upper(), str(c["forename"]), ", ".join(c["aliases"]).replace(",", ";"),  # type: ignore[arg-type]
        dob.strftime("%d-%b-%Y") if isinstance(dob, dt.date) else "",
        {"M": "Male", "F": "Female"}[str(c["sex"])], str(c["nationality"] or ""), str(c["pnc"] or ""),
        str(c["cro"] or ""), str(c["prison_number"] or ""), str(c["status"]).title(), f"Tier {c['tier']}",
        str(c["category"]), str(c["manager"]), str(c["establishment"] or ""), str(c["force"]),
        "South East", "; ".join(c["orders"]),  # type: ignore[arg-type]
    ]


@attrs.frozen
class Lists:
    regional: list[list[str]]
    national: list[list[str]]
    truth: list[tuple[str, str, str]]
    people: int


Copies = list[tuple[str, int, dict[str, object]]]


def generate_lists(count: int, seed: int, noise: NoiseConfig | None = None) -> Lists:
    """Regional and national rows (without headers) and the truth pairs."""
    regional_ids, national_ids, truth, people = _copies(count, seed, noise)
    return Lists(
        regional=[_regional_row(rid, c) for rid, _, c in regional_ids],
        national=[_national_row(nid, c) for nid, _, c in national_ids],
        truth=truth,
        people=people,
    )


def _copies(
    count: int, seed: int, noise: NoiseConfig | None = None
) -> tuple[Copies, Copies, list[tuple[str, str, str]], int]:
    """Every record copy of each list (ID, person key, values) and the truth pairs."""
    noise = noise or NoiseConfig()
    people = generate_people(count, seed, noise)
    rng = random.Random(f"lists:{seed}")
    regional: list[tuple[int, dict[str, object]]] = []
    national: list[tuple[int, dict[str, object]]] = []
    for p in people:
        in_national = rng.random() < noise.in_national
        in_regional = rng.random() < noise.in_regional
        if not (in_national or in_regional):
            in_regional = True
        for present, target in ((in_regional, regional), (in_national, national)):
            if present:
                target.append((p.key, _copy(rng, p, noise)))
                if rng.random() < noise.duplicate:
                    target.append((p.key, _copy(rng, p, noise)))
    rng.shuffle(regional)
    rng.shuffle(national)
    regional_ids = [(f"RG{i + 1:07d}", key, c) for i, (key, c) in enumerate(regional)]
    national_ids = [(f"JCT-{i + 1:07d}", key, c) for i, (key, c) in enumerate(national)]
    by_person_r: dict[int, list[str]] = {}
    by_person_n: dict[int, list[str]] = {}
    for rid, key, _ in regional_ids:
        by_person_r.setdefault(key, []).append(rid)
    for nid, key, _ in national_ids:
        by_person_n.setdefault(key, []).append(nid)
    truth: list[tuple[str, str, str]] = []
    for key in sorted(set(by_person_r) | set(by_person_n)):
        rs, ns = by_person_r.get(key, []), by_person_n.get(key, [])
        truth += [(a, b, "duplicate-regional") for i, a in enumerate(rs) for b in rs[i + 1 :]]
        truth += [(a, b, "duplicate-national") for i, a in enumerate(ns) for b in ns[i + 1 :]]
        truth += [(a, b, "match") for a in rs for b in ns]
    return regional_ids, national_ids, sorted(truth), len(people)


def _write(path: Path, header: list[str], rows: Iterator[list[str]] | list[list[str]]) -> None:
    from ctpse_core.feeds.rejects import escape_cell

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([escape_cell(cell) for cell in row] for row in rows)


def write_nominal_lists(out: Path, count: int, seed: int, noise: NoiseConfig | None = None) -> dict[str, int]:
    """Write ``regional.csv``, ``national.csv`` and ``truth.csv`` into ``out``; return counts."""
    out.mkdir(parents=True, exist_ok=True)
    lists = generate_lists(count, seed, noise)
    _write(out / "regional.csv", REGIONAL_COLUMNS, lists.regional)
    _write(out / "national.csv", NATIONAL_COLUMNS, lists.national)
    _write(out / "truth.csv", ["id_a", "id_b", "relation"], [list(t) for t in lists.truth])
    return {
        "people": lists.people,
        "regional_records": len(lists.regional),
        "national_records": len(lists.national),
        "truth_pairs": len(lists.truth),
    }


#: Column layouts of the foreign lists: "list A" writes dates month-first, "list B" as YYYYMMDD.
FOREIGN_A_COLUMNS = ["ref", "first_name", "middle_initial", "last_name", "birth_date", "gender", "ni_number", "city"]
FOREIGN_B_COLUMNS = ["id", "given", "family", "mi", "dob", "sex", "nino", "town"]
#: The column mapping of the foreign lists, as a coordinator would write it.
FOREIGN_MAPPING = """# Column mapping of the synthetic foreign lists (ctpse synth nominals --foreign).
[regional]
ref = "id"
first_name = "forenames"
middle_initial = "middle_initial"
last_name = "surname"
birth_date = { field = "date_of_birth", date_format = "auto" }
gender = "sex"
ni_number = "ni_number"
city = "city"

[national]
id = "id"
given = "forenames"
family = "surname"
mi = "middle_initial"
dob = { field = "date_of_birth", date_format = "auto" }
sex = "sex"
nino = "ni_number"
town = "city"
"""


def _foreign_extra(seed: int, key: int) -> tuple[str, str]:
    """A person's middle initial and fictional NI number (reserved QQ prefix), from the seed."""
    rng = random.Random(f"foreign:{seed}:{key}")
    return rng.choice("ABCDEFGHIJKLMNOPRSTW"), f"QQ{rng.randrange(10**6):06d}{rng.choice('ABCD')}"


def _foreign_row(rng: random.Random, seed: int, record_id: str, key: int, c: dict[str, object],
                 month_first: bool) -> list[str]:
    middle, ni = _foreign_extra(seed, key)
    forename = "" if rng.random() < 0.03 else str(c["forename"])
    surname = "" if rng.random() < 0.01 else str(c["surname"])
    if rng.random() < 0.05:
        middle = ""
    if rng.random() < 0.1:
        ni = ""
    elif rng.random() < 0.02:
        ni = _typo(rng, ni.lower()).upper()
    dob = c["dob"]
    written = ""
    if isinstance(dob, dt.date):
        written = dob.strftime("%m/%d/%Y") if month_first else dob.strftime("%Y%m%d")
    sex = {"M": "Male", "F": "Female"}[str(c["sex"])] if month_first else str(c["sex"])
    return [record_id, forename, middle, surname, written, sex, ni, str(c["town"])]


def write_foreign_lists(out: Path, count: int, seed: int, noise: NoiseConfig | None = None) -> dict[str, int]:
    """Write ``regional.csv`` and ``national.csv`` as lists from elsewhere, ``truth.csv`` and
    ``mapping.toml`` into ``out``; return counts."""
    out.mkdir(parents=True, exist_ok=True)
    regional_ids, national_ids, truth, people = _copies(count, seed, noise)
    rng = random.Random(f"foreign-noise:{seed}")
    a = [_foreign_row(rng, seed, rid, key, c, True) for rid, key, c in regional_ids]
    b = [_foreign_row(rng, seed, nid, key, c, False) for nid, key, c in national_ids]
    b = [[r[0], r[1], r[3], r[2], r[4], r[5], r[6], r[7]] for r in b]  # list B's own column order
    _write(out / "regional.csv", FOREIGN_A_COLUMNS, a)
    _write(out / "national.csv", FOREIGN_B_COLUMNS, b)
    _write(out / "truth.csv", ["id_a", "id_b", "relation"], [list(t) for t in truth])
    (out / "mapping.toml").write_text(FOREIGN_MAPPING, encoding="utf-8")
    return {"people": people, "regional_records": len(a), "national_records": len(b), "truth_pairs": len(truth)}
