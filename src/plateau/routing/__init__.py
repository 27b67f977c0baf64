"""Routing configuration per programme (queues, skills, advisor profiles) and the live ACD views' services."""
