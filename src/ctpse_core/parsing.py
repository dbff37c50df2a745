"""Parsing values as people type them in UK spreadsheets.

Dates are day-first: ``31/01/1990``, ``31-Jan-1990``, ``31 January 1990``,
``1990-01-31`` and Excel serial numbers (five digits; smaller serials only with the
``excel`` format). A value that is impossible (``31/02/1990``) or ambiguous (a two-digit
year, a US-looking ``01/31/1990``) raises ``ValueError`` with the reason; nothing is
guessed silently. A bare year (``1958``) is a :class:`PartialDate`, never a serial number.

A list from elsewhere may write its dates another way: :func:`read_date` reads a value in
a declared format (:data:`DATE_FORMATS`), and :func:`column_date_format` decides the
format of a whole column from its values (``auto``), refusing a column that mixes
day-first and month-first values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import attrs

from ctpse_core.domain.common import LONDON, UTC

__all__ = [
    "DATE_FORMATS",
    "PartialDate",
    "column_date_format",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_phone",
    "parse_time",
    "read_date",
]

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NAMED = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([A-Za-z]+)\.?[\s\-/,]+(\d{2}|\d{4})$")
_SERIAL = re.compile(r"^\d{1,5}(?:\.0+)?$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


def _year(text: str, raw: str) -> int:
    if len(raw) == 2:
        raise ValueError(f"{text!r} has a two-digit year; write the year in full (e.g. 1990)")
    return int(raw)


def parse_date(value: object) -> dt.date:
    """Parse a UK-style date; raise ``ValueError`` saying why when it cannot be."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1000 <= value <= 9999 and value == int(value):
            raise ValueError(f"{value!r} is a year only (a partial date), not a whole date")
        return _serial(value, str(value))
    text = str(value).strip()
    if not text:
        raise ValueError("is blank")
    if m := _ISO.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _NUMERIC.match(text):
        day, month, year = int(m[1]), int(m[2]), _year(text, m[3])
        if month > 12 and day <= 12:
            raise ValueError(
                f"{text!r} looks month-first; dates are read day-first (DD/MM/YYYY)"
            )
        return _make(year, month, day, text)
    if m := _NAMED.match(text):
        month_no = _MONTHS.get(m[2].lower())
        if month_no is None:
            raise ValueError(f"{text!r} has an unknown month name {m[2]!r}")
        return _make(_year(text, m[3]), month_no, int(m[1]), text)
    if m := _YEAR.match(text):
        raise ValueError(f"{text!r} is a year only (a partial date), not a whole date")
    if _SERIAL.match(text):
        if float(text) < 10000:
            raise ValueError(
                f"{text!r} is not a date (a small number; declare the column's format as excel "
                "if it holds Excel serial numbers)"
            )
        return _serial(float(text), text)
    if "T" in text:
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (use DD/MM/YYYY, e.g. 31/01/1990)")


def _serial(number: float, text: str) -> dt.date:
    if number != int(number) or not 1 <= number <= 2958465:
        raise ValueError(f"{text!r} is not a whole Excel date serial number")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


@attrs.frozen
class PartialDate:
    """A date of which only the year is known (a list that writes ``1958`` for a date of birth)."""

    year: int

    def __str__(self) -> str:
        return str(self.year)


#: Date formats a column may declare. ``DD/MM/YYYY`` is the UK default (it also reads ISO,
#: named months and five-digit Excel serials); ``auto`` decides per column from its values.
DATE_FORMATS = ("DD/MM/YYYY", "MM/DD/YYYY", "YYYYMMDD", "ISO", "excel", "auto")


def _year_only(text: str) -> PartialDate | None:
    m = _YEAR.match(text)
    if m and 1800 <= int(m[1]) <= 2200:
        return PartialDate(int(m[1]))
    return None


def read_date(value: object, fmt: str = "DD/MM/YYYY") -> dt.date | PartialDate:
    """A value in the declared format (one of :data:`DATE_FORMATS` other than ``auto``).

    Every format reads a bare year as a :class:`PartialDate` (except ``excel``, where a
    number is a serial) and ISO ``YYYY-MM-DD``; ``MM/DD/YYYY`` reads numeric dates month
    first (named months as written); ``YYYYMMDD`` reads eight digits. An impossible date
    raises ``ValueError`` saying why.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = (str(int(value)) if isinstance(value, float) and value == int(value) else str(value)).strip()
    if not text:
        raise ValueError("is blank")
    if fmt == "excel":
        if _SERIAL.match(text):
            return _serial(float(text), text)
        raise ValueError(f"{text!r} is not an Excel serial date number")
    partial = _year_only(text)
    if partial is not None:
        return partial
    if m := _ISO.match(text):
        return _make(int(m[1]), int(m[2]), int(m[3]), text)
    if fmt == "DD/MM/YYYY":
        return parse_date(text)
    if fmt == "MM/DD/YYYY":
        if m := _NUMERIC.match(text):
            return _make(_year(text, m[3]), int(m[1]), int(m[2]), text)
        if _NAMED.match(text):
            return parse_date(text)
        raise ValueError(f"{text!r} is not a date (the column is month-first: MM/DD/YYYY, e.g. 01/31/1990)")
    if fmt == "YYYYMMDD":
        if m := _COMPACT.match(text):
            return _make(int(m[1]), int(m[2]), int(m[3]), text)
        raise ValueError(f"{text!r} is not a date (the column is YYYYMMDD, e.g. 19900131)")
    if fmt == "ISO":
        if "T" in text:
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError:
                pass
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD, e.g. 1990-01-31)")
    raise ValueError(f"unknown date format {fmt!r} (known: {', '.join(DATE_FORMATS)})")


def _orders(text: str) -> tuple[bool, bool]:
    """(fits day-first, fits month-first) of a numeric ``a/b/yyyy`` value."""
    m = _NUMERIC.match(text)
    if not m or len(m[3]) != 4:
        return False, False
    a, b, year = int(m[1]), int(m[2]), int(m[3])

    def ok(month: int, day: int) -> bool:
        try:
            dt.date(year, month, day)
        except ValueError:
            return False
        return True

    return ok(b, a), ok(a, b)


def column_date_format(values: Iterable[object]) -> tuple[str, str | None, str | None]:
    """The format of a column's (distinct) values for ``auto``: ``(format, day_first_example,
    month_first_example)``.

    Numeric ``a/b/yyyy`` values decide the order: a column where some values fit only
    day-first and others only month-first is ``"mixed"`` (the caller refuses it, naming
    rows with the two examples); only month-first values make it ``MM/DD/YYYY``; otherwise
    it is day-first (the UK default). A column of eight-digit values is ``YYYYMMDD``, of
    ISO dates ``ISO``.
    """
    day_only: str | None = None
    month_only: str | None = None
    compact = iso = numeric = other = 0
    for value in values:
        if value is None or isinstance(value, dt.date):
            continue
        text = str(value).strip()
        if not text or _year_only(text) is not None:
            continue
        if _COMPACT.match(text):
            compact += 1
        elif _ISO.match(text):
            iso += 1
        elif _NUMERIC.match(text):
            numeric += 1
            day_first, month_first = _orders(text)
            if day_first and not month_first and day_only is None:
                day_only = text
            if month_first and not day_first and month_only is None:
                month_only = text
        else:
            other += 1
    if day_only is not None and month_only is not None:
        return "mixed", day_only, month_only
    if month_only is not None:
        return "MM/DD/YYYY", None, month_only
    if compact and not numeric and not other:
        return "YYYYMMDD", None, None
    if iso and not numeric and not other and not compact:
        return "ISO", None, None
    return "DD/MM/YYYY", day_only, None


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")


def parse_time(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    text = str(value).strip()
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a time of day (use HH:MM, e.g. 07:00)")
    try:
        return dt.time(int(m[1]), int(m[2]), int(m[3] or 0))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid time ({exc})") from None


def parse_datetime(value: object) -> dt.datetime:
    """Parse an instant; values without a zone are Europe/London wall-clock times.

    Returns an aware datetime in UTC. A wall-clock time that does not exist (in the
    spring-forward gap) or happens twice (autumn fall-back) without an explicit
    offset is reported, not guessed.
    """
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("is blank")
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            date_part, _, time_part = text.partition(" ")
            try:
                moment = dt.datetime.combine(parse_date(date_part), parse_time(time_part or "00:00"))
            except ValueError:
                raise ValueError(
                    f"{text!r} is not a date and time (use DD/MM/YYYY HH:MM or ISO 8601)"
                ) from None
    if moment.tzinfo is None:
        moment = _london_wall_clock(moment)
    return moment.astimezone(UTC)


def _london_wall_clock(naive: dt.datetime) -> dt.datetime:
    first = naive.replace(tzinfo=LONDON, fold=0)
    second = naive.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)
        if round_trip != naive:
            raise ValueError(f"{naive:%d/%m/%Y %H:%M} does not exist in Europe/London (clocks go forward)")
        raise ValueError(
            f"{naive:%d/%m/%Y %H:%M} happens twice in Europe/London (clocks go back); "
            "give the offset, e.g. +01:00 or +00:00"
        )
    return first


_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes or no")


#: Ofcom's ranges reserved for drama (never allocated to a real line); synthetic data uses them.
_OFCOM_DRAMA = ("7700900", "1632960", "2079460", "1134960", "1144960", "1154960", "1164960",
                "1174960", "1184960", "1214960", "1314960", "1414960", "1614960", "1914960", "2890180")


def _fictional(number: object) -> bool:
    national = str(getattr(number, "national_number", ""))
    return getattr(number, "country_code", 0) == 44 and len(national) == 10 and national.startswith(_OFCOM_DRAMA)


def parse_phone(value: object, region: str = "GB") -> str:
    """Normalise a phone number to E.164 (UK by default) or raise ``ValueError``."""
    import phonenumbers

    text = str(value).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{text!r} is not a phone number ({exc._msg})") from None
    if not (phonenumbers.is_valid_number(number) or _fictional(number)):
        raise ValueError(f"{text!r} is not a valid {region} phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
