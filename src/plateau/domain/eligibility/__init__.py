"""The transport eligibility scheme (« Solidarité Transport »): rules as dated data, identities, numbers.

Pure domain: no Django, no I/O. The Django app ``plateau.eligibility`` stores applicants and applications,
asks API Particulier for the facts and hands them to :func:`rules.decide`.
"""
