"""Engagement tracker: contact plans, contacts, due and overdue lists, compliance,
caseloads and a proposed contact schedule per nominal manager.

:mod:`~ctpse_core.engagement.rules` holds the pure functions (a frozen as-of date in,
figures out); :mod:`~ctpse_core.engagement.service` runs them over a unit of work,
auditing each consultation and marking each output with the highest marking read.
"""
