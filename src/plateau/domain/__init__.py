"""Pure domain core: no Django, no asyncio, no I/O (enforced by import-linter)."""
