"""Built-in plugin: the nominal list feeds (regional, JCTPPH national, Prison Pathfinder,
Community Pathfinder, MAESEM). Their columns are the packaged mapping files
``ctpse_core/feeds/mappings/<feed>.toml``."""

from __future__ import annotations

from typing import Any

from ctpse_core.plugin import Register, hookimpl

#: name -> (title, partner, protective marking)
NOMINAL_FEEDS = {
    "regional": ("CTP SE regional nominal list", "CTP SE", "OFFICIAL-SENSITIVE"),
    "national": ("JCTPPH national nominal list", "JCTPPH", "OFFICIAL-SENSITIVE"),
    "prison-pathfinder": ("Prison Pathfinder case list", "Prison Pathfinder", "OFFICIAL-SENSITIVE"),
    "community-pathfinder": ("Community Pathfinder case list", "Community Pathfinder", "OFFICIAL-SENSITIVE"),
    "maesem": ("MAESEM referrals", "MAESEM", "OFFICIAL-SENSITIVE"),
}


def __getattr__(name: str) -> Any:
    """``REGIONAL_COLUMNS`` / ``NATIONAL_COLUMNS``: header -> field, read from the mapping files."""
    if name in ("REGIONAL_COLUMNS", "NATIONAL_COLUMNS"):
        from ctpse_core.feeds.mapping import default_mapping

        return dict(default_mapping(name.split("_")[0].lower()).columns)
    raise AttributeError(name)


@hookimpl
def ctpse_register_feeds(register: Register) -> None:
    from ctpse_core.domain.nominal import Nominal
    from ctpse_core.feeds.mapping import builtin_feed

    for name, (title, partner, marking) in NOMINAL_FEEDS.items():
        register(name, builtin_feed(name, Nominal, "nominals", title=title, partner=partner, marking=marking))
