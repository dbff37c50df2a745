"""Built-in plugin: the operational feeds (engagement contacts, NCTPOC tasking requests,
the staff list and leave). Their columns are the packaged mapping files
``ctpse_core/feeds/mappings/<feed>.toml``."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl

#: name -> (record class name, collection, title, partner, protective marking)
PARTNER_FEEDS = {
    "engagements": ("Contact", "contacts", "Engagement contacts export", "Nominal management", "OFFICIAL-SENSITIVE"),
    "nctpoc-tasking": (
        "TaskingRequest", "tasking_requests", "NCTPOC tasking requests", "NCTPOC Mobilisation Desk", "SECRET",
    ),
    "staff": ("Staff", "staff", "Staff list (qualifications and contact numbers)", "CTP SE HR", "OFFICIAL-SENSITIVE"),
    "leave": ("Leave", "leave", "Leave and unavailability", "CTP SE HR", "OFFICIAL"),
}


@hookimpl
def ctpse_register_feeds(register: Register) -> None:
    from ctpse_core import domain
    from ctpse_core.feeds.mapping import builtin_feed

    for name, (class_name, collection, title, partner, marking) in PARTNER_FEEDS.items():
        record_type = getattr(domain, class_name)
        register(name, builtin_feed(name, record_type, collection, title=title, partner=partner, marking=marking))
