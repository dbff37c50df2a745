"""``ctpse demo``: run the weekly cycle on synthetic data."""

from __future__ import annotations

from pathlib import Path

import click

from ctpse_core.cli import CliContext
from ctpse_core.cli.options import pass_ctx

__all__ = ["demo"]


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("ctpse-demo"),
              show_default=True, help="Folder for everything the demo produces.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed for the synthetic data.")
@click.option("--scale", type=click.IntRange(50, 1_000_000), default=1000, show_default=True,
              help="How many nominals in each list.")
@pass_ctx
def demo(ctx: CliContext, out: Path, seed: int, scale: int) -> None:
    """Run the weekly cycle on synthetic (fictional) data and write what it produced to OUT."""
    from ctpse_core.demo import DemoContext, run_demo
    from ctpse_core.storage import default_url, redact

    url = ctx.store_url or default_url()
    store = ctx.open_store()
    click.echo(f"store: {redact(url)}")
    try:
        def progress(message: str) -> None:
            if not ctx.quiet:
                click.echo(f"- {message}...", err=True)

        demo_ctx = DemoContext(store=store, out=out, seed=seed, scale=scale, user=ctx.user, progress=progress)
        for title, lines in run_demo(demo_ctx):
            click.echo(f"{title}:")
            for line in lines:
                click.echo(f"  {line}")
    finally:
        store.close()
    click.echo(f"output: {out}")
