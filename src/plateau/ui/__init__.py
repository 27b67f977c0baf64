"""Helpers shared by the pages of every app, the shell (``plateau.web``) and the capabilities alike: the
DSFR form base class (:mod:`.forms`) and the mapping of our errors onto form fields and 404/403 pages
(:mod:`.errors`). Not a Django app, and it imports no app: an app's views use it instead of importing
``plateau.web`` (import-linter)."""
