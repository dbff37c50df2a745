"""Meetings and the action log: meeting types as configuration, agendas built from what is open
(sources registered through ``ctpse_register_agenda_sources``), minutes, and actions chased per
owner and per chair."""

from ctpse_core.meetings.actions import (
    ChaseList,
    add_action,
    add_minute,
    chase,
    close_action,
    record_meeting,
    reopen_action,
)
from ctpse_core.meetings.agenda import Agenda, AgendaItem, agenda_sources, build_agenda, last_meeting
from ctpse_core.meetings.config import MeetingType, load_meeting_types, meeting_type

__all__ = [
    "Agenda",
    "AgendaItem",
    "ChaseList",
    "MeetingType",
    "add_action",
    "add_minute",
    "agenda_sources",
    "build_agenda",
    "chase",
    "close_action",
    "last_meeting",
    "load_meeting_types",
    "meeting_type",
    "record_meeting",
    "reopen_action",
]
