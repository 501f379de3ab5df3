"""The ``certguard`` console command: Django's management commands, without tracebacks."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certguard.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "certguard"
    asks_help = "-h" in argv or "--help" in argv  # help needs no production keys
    if len(argv) > 1 and argv[1] in ("serve", "worker") and "--dev" not in argv \
            and not asks_help:
        # Production-style serving is production mode: settings refuse DEBUG and the dev key.
        # The worker beside it too: in development mode DEBUG would keep every query's SQL
        # (the sealer's bulk statements) in memory for as long as the worker lives.
        os.environ.setdefault("CERTGUARD_PRODUCTION", "1")
    from certguard.core.env import SettingError

    try:
        from django.core.management import execute_from_command_line

        from certguard.core.cli_zh import install

        install()  # help, usage errors and Django's common options in Chinese

        execute_from_command_line(argv)
    except SettingError as exc:
        print(f"certguard: 配置错误 [config_invalid]: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
