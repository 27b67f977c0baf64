"""Fair-dispatch simulation: each competing network's share of leads against its configured weight.

    .venv/bin/python bench/leads_fairness.py [--leads 20000]

Pure domain (no database): ``plateau.domain.leads.dispatch.simulate`` with networks weighted 3/2/1/1, for
several fractions of providers eligible per lead, and prints shares, targets, the largest gap and Jain's
fairness index over share/target ratios (1.0 = every network exactly at its weight), plus the decision time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from plateau.domain.leads.dispatch import simulate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=20_000)
    ns = parser.parse_args()
    weights = {"Réseau A": 3.0, "Réseau B": 2.0, "Réseau C": 1.0, "Réseau D": 1.0}
    print("eligible  leads   shares (target)                                    max gap   Jain      µs/lead")
    for fraction in (1.0, 0.5, 0.2):
        for leads in (100, 1000, ns.leads):
            t0 = time.perf_counter()
            r = simulate(weights, leads, eligible_fraction=fraction, seed=7)
            us = (time.perf_counter() - t0) / leads * 1e6
            shares = "  ".join(f"{r.shares[n]:.3f} ({r.targets[n]:.3f})" for n in weights)
            print(f"{fraction:>7.0%}  {leads:>6}  {shares}  {r.max_abs_error:.4f}   {r.jain:.6f}  {us:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
