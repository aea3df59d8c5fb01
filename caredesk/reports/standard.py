"""The care standard: what "very good" means here, in one place.

    current_standard() -> Standard       the goals in force (the stored row, defaults filled in)
    meets(metric, value) -> bool | None  whether a figure meets its goal (None: no goal, or no figure)

Other apps (coaching, surveys, quality) read goals only through these two functions. Metric names are
the keys of METRICS; times are in business minutes, rates and CSAT in percent, NPS from -100 to 100, CES
on its 1-7 scale, reply quality per behaviour from 0 to 1.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

AT_LEAST, AT_MOST = "at_least", "at_most"
DIRECTIONS = {AT_LEAST: _("at least"), AT_MOST: _("at most")}


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # "min", "%", "" (a plain number)
    direction: str  # the default: which way is better
    default: float | None
    low: float  # the range a goal may take
    high: float
    behaviour: bool = False  # a reply-quality behaviour (scored 0..1 by the quality app)


METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in [
        Metric("first_reply", _("First reply time"), "min", AT_MOST, 60, 0, 100_000),
        Metric("next_reply", _("Next reply time"), "min", AT_MOST, 240, 0, 100_000),
        Metric("resolution", _("Resolution time"), "min", AT_MOST, 1440, 0, 1_000_000),
        Metric("promises_kept", _("Promises kept"), "%", AT_LEAST, 95, 0, 100),
        Metric("attainment", _("Targets met"), "%", AT_LEAST, 90, 0, 100),
        Metric("handoffs", _("Hand-offs per ticket"), "", AT_MOST, 0.5, 0, 100),
        Metric("reopen_rate", _("Reopen rate"), "%", AT_MOST, 5, 0, 100),
        Metric("csat", _("CSAT (good or average)"), "%", AT_LEAST, 90, 0, 100),
        Metric("nps", _("NPS"), "", AT_LEAST, 30, -100, 100),
        Metric("ces", _("Customer effort (CES)"), "", AT_LEAST, 5.5, 1, 7),
        Metric("warm", _("Warm"), "", AT_LEAST, 0.8, 0, 1, True),
        Metric("interested", _("Interested"), "", AT_LEAST, 0.8, 0, 1, True),
        Metric("willing", _("Willing"), "", AT_LEAST, 0.8, 0, 1, True),
        Metric("positive", _("Positive language"), "", AT_LEAST, 0.8, 0, 1, True),
        Metric("empathy", _("Empathy"), "", AT_LEAST, 0.8, 0, 1, True),
        Metric("polite", _("Polite requests"), "", AT_LEAST, 0.8, 0, 1, True),
    ]
}
BEHAVIOURS = [name for name, metric in METRICS.items() if metric.behaviour]


@dataclass(frozen=True)
class Goal:
    metric: Metric
    value: float
    direction: str

    def meets(self, value: float) -> bool:
        return value >= self.value if self.direction == AT_LEAST else value <= self.value

    def get_direction_display(self) -> str:
        return str(DIRECTIONS[self.direction])

    @property
    def label(self) -> str:
        return f"{DIRECTIONS[self.direction]} {self.value:g}{' ' + self.metric.unit if self.metric.unit else ''}"


@dataclass(frozen=True)
class Standard:
    goals: dict[str, Goal]

    def goal(self, metric: str) -> Goal | None:
        return self.goals.get(metric)

    def meets(self, metric: str, value: float | None) -> bool | None:
        goal = self.goals.get(metric)
        if goal is None or value is None:
            return None
        return goal.meets(value)


def defaults() -> dict[str, dict]:
    return {
        name: {"value": metric.default, "direction": metric.direction}
        for name, metric in METRICS.items()
        if metric.default is not None
    }


def from_stored(stored: dict) -> Standard:
    """The goals of a stored row; what it leaves out keeps its default, an entry with value None has none.
    Entries that make no sense (an unknown metric, a value out of range) are ignored, never trusted."""
    goals = {}
    merged = {**defaults(), **(stored or {})}
    for name, entry in merged.items():
        metric = METRICS.get(name)
        if metric is None or not isinstance(entry, dict):
            continue
        value, direction = entry.get("value"), entry.get("direction", metric.direction)
        if isinstance(value, bool) or not isinstance(value, int | float) or direction not in DIRECTIONS:
            continue
        if not metric.low <= value <= metric.high:
            continue
        goals[name] = Goal(metric, float(value), direction)
    return Standard(goals)


def current_standard() -> Standard:
    """The care standard in force: one query."""
    from .models import CareStandard

    row = CareStandard.objects.order_by("pk").first()
    return from_stored(row.goals if row else {})


def meets(metric: str, value: float | None, *, standard: Standard | None = None) -> bool | None:
    """Whether `value` of `metric` meets the care standard; None when there is no goal or no value."""
    if metric not in METRICS:
        raise KeyError(f"Unknown metric: {metric}")
    return (standard or current_standard()).meets(metric, value)
