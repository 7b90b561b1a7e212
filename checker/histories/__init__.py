"""Recorded histories: readers (JSON lines, Jepsen EDN, Jepsen logs), the
linearizability search, explanations, and judging a history file."""

from __future__ import annotations

from .check import HistoryReport, Verdict, check_history_file, check_ops
from .confirm import Confirmation, confirm, confirm_violation
from .read import FORMATS, History, read_history

__all__ = [
    "FORMATS",
    "Confirmation",
    "History",
    "HistoryReport",
    "Verdict",
    "check_history_file",
    "check_ops",
    "confirm",
    "confirm_violation",
    "read_history",
]
