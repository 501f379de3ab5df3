import argparse
import importlib
import json
import pkgutil

from django.core.management.base import BaseCommand, CommandError

import certguard.bench


def _areas() -> list[str]:
    """Benchmark modules; helpers start with an underscore."""
    return sorted(m.name for m in pkgutil.iter_modules(certguard.bench.__path__)
                  if not m.name.startswith("_"))


class Command(BaseCommand):
    help = "性能基准：certguard bench <area> [选项]，输出一行 JSON"

    def add_arguments(self, parser) -> None:
        parser.add_argument("area", help="基准领域：" + "、".join(_areas()))
        parser.add_argument("options", nargs=argparse.REMAINDER)

    def handle(self, *args, area: str, options: list[str], **kwargs) -> None:
        if area not in _areas():
            raise CommandError(f"未知的基准领域 {area}，可选：{'、'.join(_areas())}", returncode=2)
        module = importlib.import_module(f"certguard.bench.{area}")
        parser = argparse.ArgumentParser(prog=f"certguard bench {area}")
        module.add_arguments(parser)
        try:
            parsed = parser.parse_args(options)
        except SystemExit as exc:
            if exc.code == 0:  # --help: argparse has printed it
                return
            raise CommandError("基准参数有误", returncode=2) from exc
        try:
            result = module.run(vars(parsed))
        except (RuntimeError, OSError, ValueError) as exc:
            raise CommandError(f"基准运行失败：{exc}", returncode=1) from None
        self.stdout.write(json.dumps({"area": area, **result}, ensure_ascii=False, default=str))
