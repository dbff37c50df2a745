"""Built-in plugin: nominal-management casework (engagement tracker, civil orders and
pathways, correspondence, data quality): feeds, commands, ``ctpse synth casework`` and a demo step."""

from __future__ import annotations

from typing import Any

import click

from ctpse_core.plugin import Register, hookimpl

#: name -> (record class name, collection, title, partner, protective marking)
CASEWORK_FEEDS = {
    "contact-plans": ("ContactPlan", "contact_plans", "Contact plans", "Nominal management", "OFFICIAL-SENSITIVE"),
    "civil-orders": ("CivilOrder", "civil_orders", "Civil orders and conditions", "Nominal management",
                     "OFFICIAL-SENSITIVE"),
    "pathways": ("PathwayPlan", "pathway_plans", "Reoffending pathways", "Offender management units",
                 "OFFICIAL-SENSITIVE"),
    "correspondence": ("Correspondence", "correspondence", "Correspondence and MAC enquiries log",
                       "Nominal management", "OFFICIAL-SENSITIVE"),
}


@hookimpl
def ctpse_register_feeds(register: Register) -> None:
    from ctpse_core import domain
    from ctpse_core.feeds.mapping import builtin_feed

    for name, (class_name, collection, title, partner, marking) in CASEWORK_FEEDS.items():
        register(name, builtin_feed(name, getattr(domain, class_name), collection, title=title, partner=partner,
                                    marking=marking))


@hookimpl
def ctpse_register_commands(cli: click.Group) -> None:
    from ctpse_core.cli.lazy import add_lazy_command
    from ctpse_core.cli.synth import synth

    # registered lazily (name, import path, the command's own help line): `ctpse --help` imports none
    for name, target, short_help in (
        ("engagement", "ctpse_core.cli.engagement_cmd:engagement",
         "Engagement tracker: who is due or overdue a contact, compliance, caseloads, schedules."),
        ("orders", "ctpse_core.cli.orders_cmd:orders",
         "Civil orders: key dates from rules that cite their legal source, and the horizon."),
        ("pathways", "ctpse_core.cli.orders_cmd:pathways",
         "Reoffending pathways: partner, status and review per nominal; nominals with none mapped."),
        ("correspondence", "ctpse_core.cli.correspondence_cmd:correspondence",
         "Correspondence and MAC enquiries: log, due, overdue, response times."),
        ("data-quality", "ctpse_core.cli.correspondence_cmd:data_quality_cmd",
         "Data-recording compliance: stale, incomplete and duplicate records, old feeds; a worklist per owner."),
    ):
        add_lazy_command(cli, name, target, short_help)
    add_lazy_command(synth, "casework", "ctpse_core.cli.casework_synth:synth_casework",
                     "Write OUT/*.csv in the built-in feeds' layouts (import with `ctpse import FEED FILE`) "
                     "and OUT/truth.json.")


@hookimpl
def ctpse_register_products(register: Register) -> None:
    from ctpse_core.engagement.products import FLOOR, engagement_tracker
    from ctpse_core.orders.products import orders_horizon
    from ctpse_core.products import NM, ProductSpec

    register("engagement-tracker", ProductSpec(
        title="Engagement tracker and compliance: next contact due per nominal, compliance per manager, "
              "force and region, caseloads", build=engagement_tracker,
        formats=("xlsx", "html", "md", "csv", "json"), floor=FLOOR, role=NM))
    register("civil-orders-horizon", ProductSpec(
        title="Civil orders horizon: deadlines missed and due in 28 days with their legal source, term problems, "
              "releases unprepared", build=orders_horizon,
        formats=("xlsx", "docx", "html", "md", "csv", "json"), floor=FLOOR, role=NM))


def _demo(ctx: Any) -> list[str]:
    from ctpse_core.casework_demo import run_demo_step

    return run_demo_step(ctx)


@hookimpl
def ctpse_register_demo_steps(register: Register) -> None:
    from ctpse_core.demo import DemoStep

    register("casework", DemoStep(40, _demo, "Nominal management casework (engagement, orders, correspondence)"))
