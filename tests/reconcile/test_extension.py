"""Organisations extend matching through the match-rule hook; settings come from TOML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import attrs
import numpy as np
import pytest

from ctpse_core.errors import ConfigError
from ctpse_core.plugin import get_plugin_manager, hookimpl, reset
from ctpse_core.reconcile import ReconcileConfig, load_config, reconcile
from ctpse_core.reconcile.comparisons import PairBatch, aligned_names


@attrs.frozen
class Nicknames:
    """A forename nickname list: a comparison an organisation adds without forking."""

    name: str = "forename_nickname"
    levels: tuple[str, ...] = ("not nicknames", "nickname")
    identifier: bool = False
    groups: tuple[frozenset[str], ...] = (frozenset({"daniel", "danny", "dan"}),)

    def compute(self, batch: PairBatch) -> np.ndarray:  # type: ignore[type-arg]
        aligned = aligned_names(batch)
        a_names = batch.a.forename[batch.i]
        b_names = batch.b.forename[batch.j]
        out = np.full(len(batch), -1, dtype=np.int8)
        for k, (x, y) in enumerate(zip(a_names, b_names, strict=True)):
            if x < 0 or y < 0 or aligned["forename"][k] == 4:
                continue
            nx, ny = batch.names.text[x], batch.names.text[y]
            out[k] = int(any(nx in g and ny in g for g in self.groups))
        return out

    def frequency(self, batch: PairBatch, levels: np.ndarray) -> None:  # type: ignore[type-arg]
        return None


class _Plugin:
    @hookimpl
    def ctpse_register_match_rules(self, register) -> None:  # type: ignore[no-untyped-def]
        register("forename_nickname", Nicknames())


@pytest.fixture
def nickname_plugin() -> Iterator[None]:
    reset()
    plugin = _Plugin()
    get_plugin_manager().register(plugin, name="test-nicknames")
    yield
    reset()


def test_a_registered_rule_takes_part_in_matching(kit, nickname_plugin) -> None:  # type: ignore[no-untyped-def]
    """A nickname rule added through the hook appears in the evidence with a positive weight."""
    left, right = kit.make_lists(
        [
            kit.nominal(
                "regional", f"RD{k}", "Daniel", f"Nickson{chr(65 + k)}", dt.date(1970 + k, 5, 5)
            )
            for k in range(12)
        ],
        [
            kit.nominal(
                "national", f"ND{k}", "Danny", f"NICKSON{chr(65 + k)}", dt.date(1970 + k, 5, 5)
            )
            for k in range(12)
        ],
    )
    result = reconcile(left, right)
    match = next(m for m in result.matches if m.left == "RD0")
    nick = next(e for e in match.evidence if e.comparison == "forename_nickname")
    assert nick.level == "nickname" and nick.weight > 0
    disabled = reconcile(left, right, ReconcileConfig(disabled_rules=("forename_nickname",)))
    assert all(e.comparison != "forename_nickname" for m in disabled.matches for e in m.evidence)


def test_config_from_toml(tmp_path: Path) -> None:
    """Thresholds, tolerances and blocking rules load from a [reconcile] table."""
    path = tmp_path / "reconcile.toml"
    path.write_text(
        "[reconcile]\nmatch_threshold = 0.9\nreview_threshold = 0.2\n"
        "[reconcile.tolerances]\nrisk_tier = 1\nignore = ['force']\n"
        "[[reconcile.blocking]]\nname = 'pnc'\nkeys = ['pnc']\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.match_threshold == 0.9 and config.tolerances.risk_tier == 1
    assert config.tolerances.ignore == ("force",) and [r.name for r in config.blocking] == ["pnc"]


def test_bad_config_is_a_config_error(tmp_path: Path) -> None:
    """A review threshold above the match threshold is refused with the file named."""
    path = tmp_path / "bad.toml"
    path.write_text("match_threshold = 0.5\nreview_threshold = 0.8\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_config(path)
