"""Provider directory rules: the official activities, eligibility of a provider, fair ranking."""
