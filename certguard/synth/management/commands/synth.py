"""certguard synth: write synthetic exchange files, or score a clue file against the truth."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certguard.synth.check import check
from certguard.synth.generate import generate


class Command(BaseCommand):
    help = "生成带有预埋造假的合成数据（交换格式），或用 --check 评估线索文件的准确率和召回率"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", help="输出目录")
        parser.add_argument("--certificates", type=int, help="证书行数")
        parser.add_argument("--roster", type=int, default=0, help="花名册行数（约数）")
        parser.add_argument("--training", type=int, default=0, help="培训记录行数（约数）")
        parser.add_argument("--exams", type=int, default=0, help="考试记录行数（约数）")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
        parser.add_argument("--check", metavar="CLUES", help="要评估的线索文件")
        parser.add_argument("--truth", help="真值文件（默认为线索文件或 --out 目录中的 truth.csv）")

    def handle(self, *args, **options) -> None:
        if options["check"]:
            self._check(options)
            return
        if not options["out"] or options["certificates"] is None:
            raise CommandError("[E_ARGS] 生成数据需要 --out 和 --certificates", returncode=2)
        if min(options["certificates"], options["roster"], options["training"],
               options["exams"]) < 0:
            raise CommandError("[E_ARGS] 行数不能为负", returncode=2)
        try:
            made = generate(out_dir=options["out"], certificates=options["certificates"],
                            roster=options["roster"], training=options["training"],
                            exams=options["exams"], seed=options["seed"], fmt=options["format"])
        except (ValueError, RuntimeError) as exc:
            raise CommandError(f"[E_SYNTH] 无法生成：{exc}", returncode=2) from exc
        rate = made.rows["certificates"] / made.seconds if made.seconds else 0
        self.stdout.write(f"已写入 {made.out_dir}（基准日 {made.as_of}，"
                          f"用时 {made.seconds:.1f} 秒，"
                          f"证书 {rate:,.0f} 行/秒）")
        for name, count in made.rows.items():
            self.stdout.write(f"  {name:<13}{count:>12,}  {made.files[name].name}")
        self.stdout.write(f"  预埋线索 {sum(made.planted.values())} 条 → {made.truth.name}")

    def _check(self, options: dict) -> None:
        clues = Path(options["check"])
        truth = self._truth(clues, options)
        if not clues.is_file():
            raise CommandError(f"[E_NO_FILE] 线索文件不存在：{clues}", returncode=2)
        scores = check(clues=clues, truth=truth)
        self.stdout.write(f"{'规则':<6}{'线索':>8}{'真值':>8}{'命中':>8}{'准确率':>9}{'召回率':>9}")
        for s in scores:
            self.stdout.write(f"{s.rule:<6}{s.clues:>8}{s.truth:>8}{s.matched:>8}"
                              f"{s.precision:>9.3f}{s.recall:>9.3f}")
        self.stdout.write(json.dumps({"scores": [s.as_dict() for s in scores]}, ensure_ascii=False))

    def _truth(self, clues: Path, options: dict) -> Path:
        if options["truth"]:
            candidates = [Path(options["truth"])]
        else:
            candidates = [clues.parent / "truth.csv"]
            if options["out"]:
                candidates.insert(0, Path(options["out"]) / "truth.csv")
        for path in candidates:
            if path.is_file():
                return path
        raise CommandError("[E_NO_TRUTH] 找不到真值文件 truth.csv，请用 --truth 指定", returncode=2)
