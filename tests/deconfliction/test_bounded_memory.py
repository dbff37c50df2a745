"""Proximity search in bounded memory, whatever the ratio of the radii (run under a 512 MB cap)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

CAP_MB = 512

PRELUDE = textwrap.dedent(
    f"""
    import datetime as dt, resource
    import numpy as np
    from ctpse_core.deconfliction import DeploymentFrame, Settings, find_conflicts
    from ctpse_core.deconfliction.index import DeconflictionIndex
    from ctpse_core.deconfliction.rules import builtin_rules
    from ctpse_core.deconfliction.spatial import haversine_m
    from ctpse_core.domain.common import UTC
    from ctpse_core.domain.surveillance import Deployment, Location

    resource.setrlimit(resource.RLIMIT_AS, ({CAP_MB} * 2**20, {CAP_MB} * 2**20))
    START = dt.datetime(2025, 3, 24, 8, tzinfo=UTC)

    def dep(i, lat, lon, radius, op="op-small", team="T1"):
        return Deployment(id=f"d{{i}}", operation_id=op, team_id=team, start=START,
                          end=START + dt.timedelta(hours=8), location=Location(lat=lat, lon=lon, radius_m=radius))

    def stored(n, radius_max, seed=1):
        rng = np.random.default_rng(seed)
        lat = 51.45 + rng.uniform(-0.25, 0.25, n)
        lon = -0.97 + rng.uniform(-0.4, 0.4, n)
        radius = rng.uniform(0, radius_max, n)
        rows = enumerate(zip(lat.tolist(), lon.tolist(), radius.tolist()))
        return [dep(i, a, o, r, team=f"T{{i}}") for i, (a, o, r) in rows]

    def within(new, others, buffer):
        la = np.array([o.location.lat for o in others]); lo = np.array([o.location.lon for o in others])
        r = np.array([o.location.radius_m for o in others])
        d = haversine_m(np.full(len(others), new.location.lat), np.full(len(others), new.location.lon), la, lo)
        return int((d <= new.location.radius_m + r + buffer).sum())
    """
)


def _run_capped(body: str) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_check_of_a_60_km_area_against_small_areas_fits_in_512_mb() -> None:
    """check() of one deployment with a 60 km radius against 3,000 stored areas of at most
    5 m, buffer 5 m, under a 512 MB address-space cap: it answers (the old grid of 15 m
    cells enumerated hundreds of millions of cells) and finds every proximity conflict."""
    out = _run_capped(
        """
        others = stored(3000, 5.0)
        index = DeconflictionIndex.build(others, {}, builtin_rules(), Settings(buffer_m=5))
        new = dep("new", 51.45, -0.97, 60_000.0, op="op-big", team="T-big")
        got = sum(1 for c in index.check(new).conflicts if c.rule == "proximity")
        print(got, within(new, others, 5))
        """
    )
    got, want = out.split()
    assert got == want and int(want) > 2000


def test_check_of_a_5_km_area_against_one_zero_radius_point_fits_in_512_mb() -> None:
    """check() of a 5 km area against one stored zero-radius point with no buffer (one-metre
    cells before: MemoryError) runs under the cap and reports the conflict."""
    out = _run_capped(
        """
        point = dep("p", 51.45, -0.97, 0.0)
        index = DeconflictionIndex.build([point], {}, builtin_rules(), Settings(buffer_m=0))
        near = dep("near", 51.47, -0.97, 5_000.0, op="op-big", team="T-big")
        far = dep("far", 51.50, -0.97, 5_000.0, op="op-big", team="T-big")
        print(index.check(near).count, index.check(far).count)
        """
    )
    assert out == "1 0"


def test_full_run_with_one_60_km_area_among_small_ones_fits_in_512_mb() -> None:
    """Every rule over 20,000 overlapping deployments of at most 20 m radius plus one of
    60 km (the grid cells were sized by the largest radius: 120 km cells made every
    overlapping pair in the region a candidate) runs under the cap, and the proximity
    conflicts are exactly the big area's plus the small ones' own."""
    out = _run_capped(
        """
        others = stored(20_000, 20.0, seed=2)
        big = dep("big", 51.45, -0.97, 60_000.0, op="op-big", team="T-big")
        frame = DeploymentFrame.from_deployments([*others, big], {})
        found = find_conflicts(frame, builtin_rules(), Settings(buffer_m=10)).keys()
        with_big = sum(1 for rule, ids in found if rule == "proximity" and "dbig" in ids)
        print(with_big, within(big, others, 10))
        """
    )
    got, want = out.split()
    assert got == want and int(want) > 15_000
