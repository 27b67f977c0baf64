"""Errors of the workforce-management maths: explicit refusals instead of wrong numbers."""

from __future__ import annotations

from plateau.domain.errors import DomainError


class WfmError(DomainError):
    """Base class of the workforce-management errors."""

    error_id = "wfm_error"


class InvalidParameter(WfmError):
    """A rate, duration or count is negative, zero where it must be positive, or not a number."""

    error_id = "wfm_invalid_parameter"


class UnstableQueue(WfmError):
    """Erlang C has no steady state when the offered load reaches the number of agents (N <= A)."""

    error_id = "wfm_unstable_queue"


class InfeasibleTarget(WfmError):
    """No number of agents (or no arrival rate) can meet the target, e.g. 100 % answered within 0 s."""

    error_id = "wfm_infeasible_target"


class ScheduleInfeasible(WfmError):
    """The solver found no schedule within the time limit (or proved that none exists)."""

    error_id = "wfm_schedule_infeasible"
