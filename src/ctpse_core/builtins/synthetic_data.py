"""Built-in plugin: the first demo step, synthetic nominal lists."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


def _nominals(ctx: object) -> list[str]:
    from ctpse_core.demo import DemoContext
    from ctpse_core.synthetic.nominals import write_nominal_lists

    assert isinstance(ctx, DemoContext)
    folder = ctx.out / "nominals"
    stats = write_nominal_lists(folder, count=ctx.scale, seed=ctx.seed)
    ctx.state["nominals_dir"] = folder
    return [f"{key.replace('_', ' ')}: {value}" for key, value in stats.items()] + [f"written to {folder}"]


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("synthetic-nominals", DemoStep(10, _nominals, "Synthetic nominal lists (fictional)"))
