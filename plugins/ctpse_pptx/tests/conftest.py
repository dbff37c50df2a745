"""Hypothesis settings for the plugin's own test run (mirrors ctpse_core's tests/conftest.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis.errors import InvalidArgument

try:  # the ctpse_core suite, when run together with this one, has set the profiles already
    settings.get_profile("ci")
except InvalidArgument:
    settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", max_examples=100, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
