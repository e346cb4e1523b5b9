"""Shared pieces of the JSONL importers (documents, applications): per-line errors and the run summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LineError:
    """One rejected line: its number in the file and the reason, in Chinese."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.reason}"


@dataclass
class ImportSummary:
    """Counts of one import run and the rejected lines."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)

    def __str__(self) -> str:
        return f"新建 {self.created}，更新 {self.updated}，未变 {self.unchanged}，失败 {self.failed}"


class LineRejected(Exception):
    """A line that cannot be imported; the message is the reason shown to the user."""
