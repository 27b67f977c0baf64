"""The eligibility capability (« Solidarité Transport »): applicants, applications, the API Particulier check,
three-month rights. See docs/eligibility.md."""
