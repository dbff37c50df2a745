"""Dates written another way: declared per column, or decided per column from its values."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpse_core.parsing import PartialDate, column_date_format, parse_date, read_date


def test_bare_year_is_a_partial_date_not_a_serial() -> None:
    """'1958' is the year 1958 with day and month unknown, never Excel serial 1958 (11 May 1905)."""
    assert read_date("1958") == PartialDate(1958)
    assert read_date("1958", "MM/DD/YYYY") == PartialDate(1958)
    with pytest.raises(ValueError, match="year only"):
        parse_date("1958")
    with pytest.raises(ValueError, match="year only"):
        parse_date(1958)


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2025, 12, 31)))
def test_declared_formats_read_the_same_day(day: dt.date) -> None:
    """Each declared format reads its own way of writing a day as that day."""
    assert read_date(day.strftime("%d/%m/%Y"), "DD/MM/YYYY") == day
    assert read_date(day.strftime("%m/%d/%Y"), "MM/DD/YYYY") == day
    assert read_date(day.strftime("%Y%m%d"), "YYYYMMDD") == day
    assert read_date(day.isoformat(), "ISO") == day
    assert read_date(str((day - dt.date(1899, 12, 30)).days), "excel") == day


def test_month_first_never_swapped_silently() -> None:
    """03/04/1990 declared month-first is 4 March; 13/04/1990 is refused as month-first, not swapped."""
    assert read_date("03/04/1990", "MM/DD/YYYY") == dt.date(1990, 3, 4)
    with pytest.raises(ValueError, match="not a valid date"):
        read_date("13/04/1990", "MM/DD/YYYY")
    with pytest.raises(ValueError, match="month-first"):
        read_date("04/13/1990", "DD/MM/YYYY")


def test_auto_decides_per_column() -> None:
    """A column whose values only fit month-first is month-first; eight digits are YYYYMMDD;
    a column with values that fit only one order and values that fit only the other is mixed."""
    assert column_date_format(["03/04/1990", "12/31/1985", None, "1958"])[0] == "MM/DD/YYYY"
    assert column_date_format(["03/04/1990", "31/12/1985"])[0] == "DD/MM/YYYY"
    assert column_date_format(["19900304", "19851231", ""])[0] == "YYYYMMDD"
    assert column_date_format(["1990-03-04"])[0] == "ISO"
    fmt, day_first, month_first = column_date_format(["31/12/1985", "12/31/1985", "01/02/1990"])
    assert (fmt, day_first, month_first) == ("mixed", "31/12/1985", "12/31/1985")
