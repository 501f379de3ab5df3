"""The command line's help and usage errors in Chinese.

``certguard`` is Django's management utility; argparse and Django word their help, usage and
errors in English. ``install()`` (called by ``certguard.__main__``) translates argparse's
texts, the options every command inherits from Django, and the top-level help, which lists
the platform's own commands with their Chinese descriptions."""

from __future__ import annotations

import argparse
from typing import Any

ARGPARSE = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个参数值",
    "expected at most one argument": "最多一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "invalid %(type)s value: %(value)r": "%(type)s 值无效：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "无效的选项 %(value)r（可选：%(choices)s）",
    "ambiguous option: %(option)s could match %(matches)s":
        "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须提供其一",
    "show program's version number and exit": "显示版本号并退出",
}

# The options Django adds to every command.
DJANGO_OPTIONS = {
    "--version": "显示版本号并退出",
    "--verbosity": "输出详细程度：0 最少，1 正常，2 详细，3 非常详细",
    "--settings": "使用的设置模块（默认读取环境变量 DJANGO_SETTINGS_MODULE）",
    "--pythonpath": "加入 Python 模块搜索路径的目录",
    "--traceback": "出错时显示完整的调用栈（供开发人员排查）",
    "--no-color": "不使用彩色输出",
    "--force-color": "强制使用彩色输出",
    "--skip-checks": "跳过系统检查",
    "--help": "显示本帮助并退出",
}

_installed = False


def _gettext(text: str) -> str:
    return ARGPARSE.get(text, text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return ARGPARSE.get(singular if n == 1 else plural, singular if n == 1 else plural)


def _translate_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    for action in parser._actions:
        for option in action.option_strings:
            if option in DJANGO_OPTIONS:
                action.help = DJANGO_OPTIONS[option]
                break
    return parser


def main_help_text(commands_only: bool = False) -> str:
    """The top-level help: the platform's commands with their descriptions."""
    from django.core.management import get_commands, load_command_class

    if commands_only:
        return "\n".join(sorted(get_commands()))
    lines = ["用法：certguard <命令> [选项]", "",
             "平台命令（certguard help <命令> 查看命令的用法）：", ""]
    for name, app in sorted(get_commands().items()):
        if not app.startswith("certguard"):
            continue
        try:
            text = (load_command_class(app, name).help or "").strip().splitlines()[0]
        except Exception:
            text = ""
        lines.append(f"  {name:<16}{text}")
    lines += ["", "另有 Django 自带的管理命令（migrate、createsuperuser 等），"
              "可用 certguard help --commands 列出。"]
    return "\n".join(lines)


def run_from_argv(self: Any, argv: list[str]) -> None:
    """Django's ``run_from_argv`` with the error line in Chinese: "错误：<message>" rather
    than "CommandError: <message>" (the exit code is the command's own)."""
    import sys

    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError, SystemCheckError, handle_default_options
    from django.db import connections

    self._called_from_command_line = True
    parser = self.create_parser(argv[0], argv[1])
    options = parser.parse_args(argv[2:])
    cmd_options = vars(options)
    args = cmd_options.pop("args", ())
    handle_default_options(options)
    try:
        self.execute(*args, **cmd_options)
    except CommandError as exc:
        if options.traceback:
            raise
        if isinstance(exc, SystemCheckError):
            self.stderr.write(str(exc), lambda x: x)
        else:
            message = str(exc).removeprefix("Error: ")
            self.stderr.write(message if message.startswith(("[", "错误")) else f"错误：{message}")
        sys.exit(exc.returncode)
    finally:
        try:
            connections.close_all()
        except ImproperlyConfigured:
            pass


def install() -> None:
    """Translate argparse, Django's common options and the top-level help (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    argparse._ = _gettext  # type: ignore[attr-defined]  # argparse's module-level gettext
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    from django.core.management import ManagementUtility
    from django.core.management.base import BaseCommand

    original = BaseCommand.create_parser

    def create_parser(self: BaseCommand, prog_name: str, subcommand: str,
                      **kwargs: Any) -> argparse.ArgumentParser:
        return _translate_options(original(self, prog_name, subcommand, **kwargs))

    BaseCommand.create_parser = create_parser  # type: ignore[method-assign, assignment]
    BaseCommand.run_from_argv = run_from_argv  # type: ignore[method-assign]
    ManagementUtility.main_help_text = (  # type: ignore[method-assign]
        lambda self, commands_only=False: main_help_text(commands_only))
