"""Demo data for `make run`: the six reference programmes of docs/programmes.md, their staff, providers
around real communes and a few weeks of past contacts. Idempotent: loading twice changes nothing."""
