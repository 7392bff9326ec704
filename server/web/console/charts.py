"""The geometry of the console's charts, drawn by the templates as inline SVG (no script, no image files).

Shares run from 0 to 1 up the chart; a week with nothing to judge is a gap in the line, never a zero.
"""

from dataclasses import dataclass, field

LEFT, RIGHT, TOP, BOTTOM = 34, 20, 8, 22  # room for the axis labels


@dataclass
class Mark:
    x: float
    y: float
    value: float | None
    label: str


@dataclass
class Chart:
    width: int
    height: int
    marks: list[Mark]
    lines: list[str] = field(default_factory=list)  # SVG path data, one per unbroken run of weeks
    target_y: float | None = None
    grid: list[tuple[float, str]] = field(default_factory=list)  # (y, "50%")
    bar_width: float = 0
    baseline: float = 0


def _y(share: float, height: int) -> float:
    return round(TOP + (1 - share) * (height - TOP - BOTTOM), 1)


def _grid(height: int) -> list[tuple[float, str]]:
    return [(_y(share, height), f"{share:.0%}") for share in (0, 0.5, 1)]


def trend(shares: list[float | None], labels: list[str], target: float | None, width=280, height=130) -> Chart:
    """A line of weekly shares with a dot on each week, and the target as a dashed line."""
    step = (width - LEFT - RIGHT) / max(len(shares) - 1, 1)
    marks = [
        Mark(round(LEFT + i * step, 1), _y(share, height) if share is not None else 0, share, label)
        for i, (share, label) in enumerate(zip(shares, labels, strict=True))
    ]
    lines, run = [], []
    for mark in [*marks, None]:
        if mark is not None and mark.value is not None:
            run.append(mark)
            continue
        if run:
            lines.append("M" + " L".join(f"{m.x} {m.y}" for m in run))
        run = []
    target_y = _y(target, height) if target is not None else None
    return Chart(width, height, marks, lines, target_y, _grid(height))


def columns(shares: list[float | None], labels: list[str], width=560, height=160) -> Chart:
    """A column per week; a week with nothing to judge has no column and says so in the table."""
    slot = (width - LEFT - RIGHT) / max(len(shares), 1)
    marks = [
        Mark(round(LEFT + i * slot + slot * 0.2, 1), _y(share or 0, height), share, label)
        for i, (share, label) in enumerate(zip(shares, labels, strict=True))
    ]
    return Chart(width, height, marks, grid=_grid(height), bar_width=round(slot * 0.6, 1), baseline=_y(0, height))


def bars(counts: list[int], labels: list[str], width=560, row=28) -> Chart:
    """A horizontal bar per category, its length the count; the count is written at its end too."""
    label_room, most = 190, max([*counts, 1])
    marks = [
        Mark(label_room, i * row + 4, count, label) for i, (count, label) in enumerate(zip(counts, labels, strict=True))
    ]
    chart = Chart(width, row * len(counts) + 8, marks, bar_width=(width - label_room - 40) / most)
    chart.baseline = label_room
    return chart
