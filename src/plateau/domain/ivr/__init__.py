"""Voice menus (IVR) as validated data per programme, and a clock-injected interpreter (pure)."""

from plateau.domain.ivr.flow import Flow, FlowInvalid, parse_flow
from plateau.domain.ivr.interpreter import Interpreter

__all__ = ["Flow", "FlowInvalid", "Interpreter", "parse_flow"]
