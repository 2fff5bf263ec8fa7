"""The benchmark's result: one line per measurement, beside its reference and against its goal, as
a table for people and as JSON for machines."""

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

MET, NOT_MET, NOT_JUDGED, BROKEN = "met", "not met", "n/a", "broken"


@dataclass
class Line:
    key: str  # stable: "import:cards", "admin:cards:page1", … (the test checks them)
    label: str  # what was measured
    value: str  # the measurement
    reference: str  # the reference measured in the same run
    ratio: float | None  # value / reference, where that is the goal's measure
    goal: str  # the goal this line answers (docs/performance.md)
    status: str  # met, not met, n/a (with why), broken
    why: str = ""  # why a goal is not judged, or what broke
    data: dict = field(default_factory=dict)  # the raw numbers


@dataclass
class Report:
    meta: dict = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # what went wrong (the command then exits 1)

    def add(self, line: Line) -> Line:
        self.lines.append(line)
        return line

    def merge(self, earlier: dict) -> None:
        """Lead with the lines of an earlier shard's JSON (as_json), and carry what broke there."""
        self.lines[:0] = [Line(**line) for line in earlier["lines"]]
        self.broken[:0] = earlier["broken"]
        self.meta["earlier"] = earlier["meta"]

    def fail(self, *, key: str, label: str, goal: str, error: str) -> None:
        """Record a measurement that could not be taken."""
        self.broken.append(f"{label}: {error}")
        self.add(Line(key, label, "—", "—", None, goal, BROKEN, why=error))

    def table(self) -> str:
        header = ("measurement", "value", "reference (same run)", "ratio", "goal", "status")
        rows = [
            (
                line.label,
                line.value,
                line.reference,
                "" if line.ratio is None else f"{line.ratio:.2f}×",
                line.goal,
                f"{line.status} ({line.why})" if line.why else line.status,
            )
            for line in self.lines
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        rule = "  ".join("-" * width for width in widths)
        text = [_row(header, widths), rule, *(_row(row, widths) for row in rows)]
        return "\n".join(line.rstrip() for line in text)

    def as_json(self) -> dict:
        return {"meta": self.meta, "lines": [asdict(line) for line in self.lines], "broken": self.broken}

    def write_json(self, path: Path) -> None:
        path.write_text(
            json.dumps(self.as_json(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )


def _row(cells, widths) -> str:
    return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths))


def seconds(value: float) -> str:
    """A duration as people read it: 850 ms, 3.42 s, 95.1 s."""
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p50, p95) of a few timings."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio_line(
    *,
    key: str,
    label: str,
    value: float,
    reference: float,
    reference_label: str,
    goal: str,
    limit: float,
    judged: bool = True,
    why_not: str = "",
    data: dict | None = None,
) -> Line:
    """A line whose goal is `value` within `limit` × `reference` (both durations in seconds)."""
    ratio = value / reference if reference > 0 else float("inf")
    status = (MET if ratio <= limit else NOT_MET) if judged else NOT_JUDGED
    return Line(
        key=key,
        label=label,
        value=seconds(value),
        reference=f"{reference_label} {seconds(reference)}",
        ratio=ratio,
        goal=goal,
        status=status,
        why="" if judged else why_not,
        data={**(data or {}), "seconds": value, "reference_seconds": reference},
    )
