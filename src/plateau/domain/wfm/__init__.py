"""Workforce management maths: Erlang B/C/A, staffing inverses, forecasting, shift scheduling (pure)."""
