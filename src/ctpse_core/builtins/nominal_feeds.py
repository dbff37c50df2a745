"""Built-in plugin: the national (JCTPPH) and regional nominal list feeds."""

from __future__ import annotations

from ctpse_core.plugin import Register, hookimpl

REGIONAL_COLUMNS = {
    "record_id": "id",
    "surname": "surname",
    "forenames": "forenames",
    "aliases": "aliases",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "nationality": "nationality",
    "pnc_id": "pnc_id",
    "cro_number": "cro_number",
    "prison_number": "prison_number",
    "status": "status",
    "risk_tier": "risk_tier",
    "category": "category",
    "nominal_manager": "nominal_manager",
    "establishment": "establishment",
    "force": "force",
    "address": "addresses.0.line1",
    "town": "addresses.0.town",
    "postcode": "addresses.0.postcode",
    "orders": "orders",
}

NATIONAL_COLUMNS = {
    "JCTPPH Ref": "id",
    "Surname": "surname",
    "Forename(s)": "forenames",
    "Alias Names": "aliases",
    "DOB": "date_of_birth",
    "Gender": "sex",
    "Nationality": "nationality",
    "PNC ID": "pnc_id",
    "CRO No": "cro_number",
    "Prison No": "prison_number",
    "Status": "status",
    "Tier": "risk_tier",
    "Category": "category",
    "Nominal Manager": "nominal_manager",
    "Establishment": "establishment",
    "Owning Force": "force",
    "Region": "region",
    "CT Orders": "orders",
}


@hookimpl
def ctpse_register_feeds(register: Register) -> None:
    from ctpse_core.domain.nominal import Nominal
    from ctpse_core.feeds.definition import FeedDefinition

    register("regional", FeedDefinition(
        name="regional", title="CTP SE regional nominal list", record_type=Nominal,
        collection="nominals", columns=REGIONAL_COLUMNS, partner="CTP SE"))
    register("national", FeedDefinition(
        name="national", title="JCTPPH national nominal list", record_type=Nominal,
        collection="nominals", columns=NATIONAL_COLUMNS, partner="JCTPPH"))
