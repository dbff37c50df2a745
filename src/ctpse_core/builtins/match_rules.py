"""Built-in plugin: the reconciliation engine's comparisons (registered like any organisation's)."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl


@hookimpl
def ctpse_register_match_rules(register: Register) -> None:
    from ctpse_core.reconcile.comparisons import (
        DobComparison,
        EqualityComparison,
        NameComparison,
        PostcodeComparison,
    )

    register("pnc_id", EqualityComparison(name="pnc_id", attribute="pnc", identifier=True))
    register("cro_number", EqualityComparison(name="cro_number", attribute="cro", identifier=True))
    register(
        "prison_number",
        EqualityComparison(name="prison_number", attribute="prison", identifier=True),
    )
    register("forename", NameComparison(name="forename", part="forename"))
    register("surname", NameComparison(name="surname", part="surname"))
    register("date_of_birth", DobComparison())
    register("sex", EqualityComparison(name="sex", attribute="sex"))
    register("nationality", EqualityComparison(name="nationality", attribute="nationality"))
    register("postcode", PostcodeComparison())
