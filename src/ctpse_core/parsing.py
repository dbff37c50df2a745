"""Parsing values as people type them in UK spreadsheets.

Dates are day-first: ``31/01/1990``, ``31-Jan-1990``, ``31 January 1990``,
``1990-01-31`` and Excel serial numbers. A value that is impossible
(``31/02/1990``) or ambiguous (a two-digit year, a US-looking ``01/31/1990``)
raises ``ValueError`` with the reason; nothing is guessed silently.
"""

from __future__ import annotations

import datetime as dt
import re

from ctpse_core.domain.common import LONDON, UTC

__all__ = ["parse_bool", "parse_date", "parse_datetime", "parse_phone", "parse_time"]

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
    if _SERIAL.match(text):
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


#: Ofcom's numbers reserved for drama (07700 900000-900999), used for fictional data;
#: phonenumbers reports them as not valid because they are never allocated.
_DRAMA_MOBILE = re.compile(r"^7700900\d{3}$")


def _drama(number: object) -> bool:
    return getattr(number, "country_code", None) == 44 and bool(
        _DRAMA_MOBILE.match(str(getattr(number, "national_number", ""))))


def parse_phone(value: object, region: str = "GB") -> str:
    """Normalise a phone number to E.164 (UK by default) or raise ``ValueError``."""
    import phonenumbers

    text = str(value).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{text!r} is not a phone number ({exc._msg})") from None
    if not phonenumbers.is_valid_number(number) and not _drama(number):
        raise ValueError(f"{text!r} is not a valid {region} phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
