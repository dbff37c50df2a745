"""Reading reconciliation settings from TOML, checked against the engine's own names.

Separate from :mod:`ctpse_core.reconcile.config` (plain data), because checking the names a
file uses (match rules, checked fields) needs the comparisons and explanations, which
themselves use the settings' types.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctpse_core.errors import ConfigError, Problem, UnknownName
from ctpse_core.reconcile.comparisons import match_rules
from ctpse_core.reconcile.config import ReconcileConfig
from ctpse_core.reconcile.explain import CHECKED_FIELDS

__all__ = ["load_config"]


def _located(problem: Problem, prefix: str) -> str:
    """``reconcile.tolerances.text_similarity: must be ...`` (the field not named twice)."""
    field = f"{prefix}.{problem.field}" if prefix and problem.field else problem.field or prefix
    name = problem.field.rsplit(".", 1)[-1].split("[", 1)[0]
    reason = problem.reason
    for said in (f"{name} ", f"'{name}' "):
        if name and reason.startswith(said):
            reason = reason[len(said) :]
    return f"{field}: {reason}" if field else reason


def _build(data: Mapping[str, Any], where: str, prefix: str = "") -> ReconcileConfig:
    """Structure settings through the project's one converter; every fault in one :class:`ConfigError`."""
    from ctpse_core.convert import structure
    from ctpse_core.errors import InputError

    try:
        config = structure(dict(data), ReconcileConfig)
    except InputError as exc:
        lines = [f"{where}: {_located(p, prefix)}" for p in exc.problems] or [f"{where}: {exc.summary}"]
        raise ConfigError("\n".join(lines)) from None
    unknown = _unknown_names(config, where, prefix)
    if unknown:
        first, *more = unknown
        raise UnknownName(first.kind, first.names, first.known, where=where, field=first.field, more=more)
    return config


def _unknown_names(config: ReconcileConfig, where: str, prefix: str) -> list[UnknownName]:
    """Names of match rules (registered or declared comparisons) and checked fields that do not
    exist, one :class:`UnknownName` per setting (a typo would otherwise be ignored silently)."""
    rules = sorted([*match_rules().names(), *(c.name for c in config.comparisons)])
    checks = [
        ("disabled_rules", config.disabled_rules, "match rule", rules),
        ("tf_adjust", config.tf_adjust, "match rule", rules),
        ("authoritative", config.authoritative, "checked field", list(CHECKED_FIELDS)),
        ("tolerances.ignore", config.tolerances.ignore, "checked field", list(CHECKED_FIELDS)),
    ]
    return [
        UnknownName(kind, bad, known, where=where, field=f"{prefix}.{field}" if prefix else field)
        for field, given, kind, known in checks
        if (bad := [n for n in given if n not in known])
    ]


def load_config(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> ReconcileConfig:
    """Read a TOML file (top level or a ``[reconcile]`` table); ``None`` gives the defaults.

    Values go through the project's one converter (:mod:`ctpse_core.convert`): unknown keys,
    wrong types and out-of-range values are a :class:`ConfigError` naming the file, the
    field path and the reason, e.g. ``reconcile.toml: reconcile.match_threshold: must be
    between 0 and 1 (exclusive), got 1.5``. A match rule or checked field that does not exist
    (``disabled_rules``, ``tf_adjust``, ``authoritative``, ``tolerances.ignore``) is an
    :class:`~ctpse_core.errors.UnknownName` listing the names allowed, one line per setting.
    """
    data: dict[str, Any] = {}
    where = "reconcile config"
    prefix = ""
    if path is not None:
        where = str(path)
        try:
            with Path(path).open("rb") as handle:
                raw = tomllib.load(handle)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the settings ({exc.strerror or exc})") from None
        if "reconcile" in raw:
            if not isinstance(raw["reconcile"], dict):
                raise ConfigError(f"{path}: reconcile: must be a table of settings")
            prefix = "reconcile"
            data = dict(raw["reconcile"])
        else:
            data = dict(raw)
    data.update(overrides or {})
    return _build(data, where, prefix)
