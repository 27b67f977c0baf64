"""Follow-up of details given: with the caller's consent, a short survey a few days after an advisor gave
providers' details (did a provider come, satisfaction, free text); results per provider. See docs/followup.md."""
