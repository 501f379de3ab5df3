"""Synthetic data in the exchange format, with planted frauds and a truth file (pure code;
apps.py only registers the CLI command)."""
