"""Leads (forwarded requests): the lifecycle state machine, deadlines and weighted fair dispatch."""
