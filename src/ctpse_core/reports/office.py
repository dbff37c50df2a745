"""Office files (XLSX, DOCX, PPTX) that give the same bytes for the same product.

Office files are zip archives: every entry carries a modification time and
``docProps/core.xml`` the created and modified dates, which the writing libraries take
from the clock. :func:`reproducible_zip` rewrites an archive with every entry dated
``stamp`` (in order, deflated at a fixed level) and the core properties' dates set to
``stamp``; archives embedded in it (a PPTX chart's workbook) are rewritten the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

__all__ = ["reproducible_zip"]

_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """``data`` (a zip archive) with fixed entry times and core-property dates."""
    when = stamp.astimezone(dt.UTC)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    date_time = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _DATES.sub(lambda m: m.group(1) + iso + m.group(3), body)
            elif body[:2] == b"PK" and info.filename.endswith((".xlsx", ".xlsm", ".docx", ".pptx")):
                body = reproducible_zip(body, stamp)
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body, compresslevel=6)
    return out.getvalue()
