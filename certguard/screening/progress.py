"""Engine progress events as one job progress bar: loading 0–10, rules 10–85, saving 85–100."""

from __future__ import annotations

from collections.abc import Callable

TOTAL = 100
JobProgress = Callable[..., None]


def _span(start: int, width: int, done: int, total: int) -> int:
    return start + (width * done // total if total else 0)


class ProgressMapper:
    def __init__(self, progress: JobProgress) -> None:
        self.progress = progress

    def __call__(self, event) -> None:
        if event.stage == "load":
            self.progress(_span(0, 10, event.done, event.total), TOTAL, f"读取 {event.message}")
        elif event.stage == "rule_start":
            self.progress(_span(10, 75, event.done, event.total), TOTAL,
                          f"正在运行规则 {event.rule}（{event.done + 1}/{event.total}）")
        elif event.stage == "rule_done":
            self.progress(_span(10, 75, event.done, event.total), TOTAL,
                          f"规则 {event.rule} 完成：线索 {event.clues} 条")
        elif event.stage == "rule_skipped":
            self.progress(_span(10, 75, event.done, event.total), TOTAL,
                          f"规则 {event.rule} 跳过：{event.message}")
        elif event.stage in ("write", "done"):
            self.progress(85, TOTAL, "正在写出线索文件")

    def saving(self, done: int, total: int | None) -> None:
        share = _span(85, 14, done, total) if total else 85
        self.progress(share, TOTAL, f"正在保存线索：{done} 条")
