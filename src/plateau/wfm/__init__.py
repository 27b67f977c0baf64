"""Workforce management pages: staffing curves, what-if comparisons, simulations and shift schedules."""
