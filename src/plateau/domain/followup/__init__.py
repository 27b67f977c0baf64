"""Follow-up of details given: when to ask, how long a link lives, what an answer may say, and the figures
per provider and per month. Pure rules (no Django, no I/O): the ``plateau.followup`` app stores and sends."""
