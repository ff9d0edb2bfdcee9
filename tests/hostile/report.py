"""The hostile suite's tally: what was tried, and what got through.

Every hostile test adds to one of four rows and also asserts that nothing got
through, so ``make test`` fails on the first bypass. ``make test`` and ``make
hostile`` print the table (``tests/conftest.py``); under pytest-xdist each worker
keeps its own tally and hands it to the controller, which merges them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ROWS", "Report", "report"]

# row → (what was tried, what got through)
ROWS = {
    "input": ("payloads tried", "dangerous"),
    "api": ("API calls", "5xx / schema violations"),
    "attacks": ("attacks tried", "succeeded"),
    "faults": ("faults injected", "data lost"),
}


@dataclass
class Report:
    tried: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROWS, 0))
    failed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROWS, 0))
    notes: dict[str, list[str]] = field(default_factory=lambda: {row: [] for row in ROWS})

    def add(self, row: str, tried: int, failed: int = 0, note: str | None = None) -> None:
        """Count ``tried`` attempts of kind ``row``, ``failed`` of which got through."""
        self.tried[row] += tried
        self.failed[row] += failed
        if failed and note:
            self.notes[row].append(note)

    def state(self) -> dict[str, dict[str, Any]]:
        """The tally as plain data, as a pytest-xdist worker sends it."""
        return {"tried": self.tried, "failed": self.failed, "notes": self.notes}

    def merge(self, state: dict[str, dict[str, Any]]) -> None:
        """Add another process's tally (from ``state``) to this one."""
        for row in ROWS:
            self.tried[row] += state["tried"][row]
            self.failed[row] += state["failed"][row]
            self.notes[row] += state["notes"][row]

    def table(self) -> str:
        width = max(len(tried) for tried, _ in ROWS.values())
        lines = ["hostile suite", "-" * (width + 34)]
        for row, (tried, failed) in ROWS.items():
            lines.append(f"{tried:<{width}}  {self.tried[row]:>8}   {failed}: {self.failed[row]}")
            lines += [f"    {note}" for note in self.notes[row]]
        return "\n".join(lines)


report = Report()
