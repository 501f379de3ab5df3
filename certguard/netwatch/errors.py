"""The netwatch engines' error: a stable code and a Chinese message (see core.errors)."""

from __future__ import annotations

from certguard.core.errors import AppError


class NetwatchError(AppError):
    """Bad input data (a file, an official-host list, a keyword list): exit code 2 in the CLI."""
