"""Voice-menu flows stored per programme (draft and published versions) and recorded prompts."""
