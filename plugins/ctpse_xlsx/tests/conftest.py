"""Hypothesis settings for the plugin's own test run (mirrors ctpse_core's tests/conftest.py)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

if "ci" not in settings._profiles:  # the ctpse_core suite, when run together, already set profiles
    settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("dev", max_examples=100, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
