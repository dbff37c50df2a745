"""``ctpse synth casework``: a fictional region's engagement, orders, pathways and correspondence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ctpse_core.cli.casework_options import AsOf

__all__ = ["synth_casework"]


@click.command("casework")
@click.option("--count", type=click.IntRange(1, 1_000_000), default=200, show_default=True,
              help="Nominals.")
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--as-of", "as_of", type=AsOf(), default=None,
              help="The day the casework is as of (default 16/03/2026).")
@click.option("--years", type=click.IntRange(1, 10), default=3, show_default=True, help="Years of contact history.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
def synth_casework(count: int, seed: int, as_of: dt.date | None, years: int, out: Path) -> None:
    """Write OUT/*.csv in the built-in feeds' layouts (import with `ctpse import FEED FILE`) and OUT/truth.json."""
    from ctpse_core.synthetic.casework import AS_OF, FEED_FILES, write_casework

    stats = write_casework(out, count=count, seed=seed, as_of=as_of or AS_OF, years=years)
    for key, value in stats.items():
        click.echo(f"{key.replace('_', ' ')}: {value:,}")
    order = ", ".join(f"{feed} {name}" for feed, name in FEED_FILES)
    click.echo(f"written to {out} (synthetic, fictional); import in this order: {order}")
