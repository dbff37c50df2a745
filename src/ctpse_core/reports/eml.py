"""The ``eml`` format: RFC 5322 email drafts from the standard library, one per recipient group.

Each :class:`~ctpse_core.reports.document.Notice` of a report becomes one ``.eml`` file
(a folder of them): the notice's marking at the start of the subject and as the first and
last line of the body (plain text, with an autoescaped HTML alternative), ``X-Unsent: 1``
so mail clients open it as a draft to check and send. Date, Message-ID and MIME boundary
come from the report, never the clock or a random source: the same notice, the same bytes.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import re
from email.message import EmailMessage
from typing import Any

from ctpse_core.reports.document import Notice, Report, as_report
from ctpse_core.reports.plain import sections_text

__all__ = ["notice_message", "render_eml"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "notice"


def notice_message(report: Report, notice: Notice) -> bytes:
    """One notice as an email draft (bytes, CRLF line ends)."""
    from ctpse_core.reports import _environment, template_paths

    marking = str(report.notice_marking(notice))
    text = "\n".join([marking, "", notice.subject, "", *sections_text(notice.sections), marking]) + "\n"
    html = _environment(template_paths(), False).get_template("notice.html.j2").render(
        report=report, notice=notice, marking=marking
    )
    # no header folding (RFC 5322 allows 998 characters): a folded subject would read back
    # with a leading space before the marking in some clients
    msg = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    msg["From"] = report.sender
    if notice.to:
        msg["To"] = ", ".join(notice.to)
    msg["Subject"] = f"{marking} {notice.subject}"
    msg["Date"] = email.utils.format_datetime(report.stamp)
    digest = hashlib.sha256("\0".join([report.kind, notice.group, notice.subject, text]).encode()).hexdigest()
    msg["Message-ID"] = f"<{digest[:32]}@ctpse.invalid>"
    msg["X-Unsent"] = "1"
    msg["X-Recipient-Group"] = notice.group
    msg["X-Protective-Marking"] = marking
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    msg.set_boundary(f"=_ctpse_{digest[32:56]}")
    return msg.as_bytes()


def render_eml(product: Any) -> dict[str, bytes]:
    """A folder of drafts: ``NN-<group>.eml`` per notice (a product with no notices: one
    draft of the whole product to its own readers)."""
    report = as_report(product)
    notices = report.notices or [Notice(group="readers", subject=report.title, sections=report.sections)]
    return {
        f"{i:02d}-{_slug(n.group)}.eml": notice_message(report, n) for i, n in enumerate(notices, start=1)
    }
