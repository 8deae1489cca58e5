"""Limits on what a person may type."""

# Longest search, name, reason or answer a person may type: the log carries them.
MAX_TYPED = 1000
