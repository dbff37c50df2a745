"""``ctpse synth``: synthetic, obviously fictional data. Capabilities add subcommands."""

from __future__ import annotations

from pathlib import Path

import click

from ctpse_core.cli.lazy import LazyGroup

__all__ = ["synth"]


@click.group(cls=LazyGroup)
def synth() -> None:
    """Write synthetic (fictional) data for tests, examples and benchmarks."""


@synth.command("nominals")
@click.option("--count", type=click.IntRange(1, 10_000_000), default=1000, show_default=True,
              help="People in the synthetic population (each list holds about this many records).")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--foreign", is_flag=True,
              help="Write lists from elsewhere (month-first and YYYYMMDD dates, blank name parts, "
                   "columns of their own) and OUT/mapping.toml for ctpse reconcile --mapping.")
def nominals(count: int, seed: int, out: Path, foreign: bool) -> None:
    """Write OUT/regional.csv, OUT/national.csv and OUT/truth.csv (same seed, same bytes)."""
    from ctpse_core.synthetic.nominals import NoiseConfig, write_foreign_lists, write_nominal_lists

    write = write_foreign_lists if foreign else write_nominal_lists
    stats = write(out, count=count, seed=seed, noise=NoiseConfig())
    for key, value in stats.items():
        click.echo(f"{key.replace('_', ' ')}: {value:,}")
    extra = ", mapping.toml" if foreign else ""
    click.echo(f"written to {out}: regional.csv, national.csv, truth.csv{extra} (synthetic, fictional)")
