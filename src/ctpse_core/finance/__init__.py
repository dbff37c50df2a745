"""Finance: the overtime forecast under police pay rules, funding bids, signed
authorisations and their reconciliation. See ``docs/finance.md``."""

from ctpse_core.finance.duties import ASSET_TEAM_PREFIX, DutySet, deployment_duties, duties_from, oncall_duties
from ctpse_core.finance.forecast import BREAKDOWNS, Difference, Duty, Forecast, Line, forecast, hours, money, price_duty
from ctpse_core.finance.rules import PayRule, PayRules, builtin_pay_rules, load_pay_rules, parse_pay_rules

__all__ = [
    "ASSET_TEAM_PREFIX",
    "BREAKDOWNS",
    "Difference",
    "Duty",
    "DutySet",
    "Forecast",
    "Line",
    "PayRule",
    "PayRules",
    "builtin_pay_rules",
    "deployment_duties",
    "duties_from",
    "forecast",
    "hours",
    "load_pay_rules",
    "money",
    "oncall_duties",
    "parse_pay_rules",
    "price_duty",
]
