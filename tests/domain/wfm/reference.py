"""Independent reference solutions for the Erlang tests: plain recursions and a truncated birth-death chain.

Deliberately written differently from the production code (no incomplete gamma, no closed forms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm


def erlang_b_recursion(n: int, load: float) -> float:
    """Erlang B by the textbook recursion ``B(k) = A·B(k-1) / (k + A·B(k-1))``."""
    b = 1.0
    for k in range(1, n + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c_recursion(n: int, load: float) -> float:
    b = erlang_b_recursion(n, load)
    return n * b / (n - load * (1 - b))


@dataclass(frozen=True)
class ChainMetrics:
    p_wait: float
    p_abandon: float
    sl_offered: float
    sl_handled: float
    asa: float


def erlang_a_chain(n: int, lam: float, aht: float, patience: float, t: float) -> ChainMetrics:
    """Erlang A from the stationary law of the truncated chain and the tagged caller's absorbing chain."""
    mu, th = 1.0 / aht, 1.0 / patience
    y, x = lam / th, n * mu / th
    depth = int(max(0.0, y - x) + 20 * math.sqrt(y + 1) + 80)
    load = lam / mu
    log_pi = [k * math.log(load) - math.lgamma(k + 1) for k in range(n + 1)]
    for j in range(1, depth + 1):
        log_pi.append(log_pi[-1] + math.log(lam / (n * mu + j * th)))
    w = np.exp(np.array(log_pi) - max(log_pi))
    pi = w / w.sum()
    assert pi[-1] < 1e-15, "truncation too short"
    queue = pi[n:]
    p_wait = float(queue.sum())
    p_abandon = th * float((np.arange(depth + 1) * queue).sum()) / lam
    # Tagged caller with i callers ahead: moves at rate n*mu + i*th, is served from 0 at rate n*mu, leaves at th.
    size = depth + 1
    g = np.zeros((size, size))
    for i in range(size):
        g[i, i] = -(n * mu + i * th + th)
        if i > 0:
            g[i, i - 1] = n * mu + i * th
    served_rate = np.zeros(size)
    served_rate[0] = n * mu
    g_inv = np.linalg.inv(g)
    e_gt = expm(g * t)
    served_by_t = g_inv @ (e_gt - np.eye(size)) @ served_rate
    waiting_at_t = e_gt @ np.ones(size)
    served_wait = g_inv @ g_inv @ served_rate
    sl_offered = float(pi[:n].sum() + queue @ served_by_t)
    sl_handled = float(1.0 - queue @ waiting_at_t)
    asa = float(queue @ served_wait) / (1.0 - p_abandon)
    return ChainMetrics(p_wait, p_abandon, sl_offered, sl_handled, asa)
