"""Earlier reads of rated metrics, kept by whoever evaluates a probe again and again, so a rate can be taken."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

SeriesKey = tuple[tuple[str, str], ...]
Series = dict[SeriesKey, float]
"""Samples of one metric name, by their sorted labels."""


@dataclass(frozen=True)
class SeriesRead:
    """The series of one metric as read at one moment (wall seconds on the drill's clock)."""

    at: float
    series: Series


class MetricHistory:
    """Earlier reads of every rated metric, so a rate can be taken over its window (thread-safe)."""

    def __init__(self) -> None:
        self._reads: dict[str, list[SeriesRead]] = {}
        self._lock = threading.Lock()

    def increases(self, key: str, read: SeriesRead, window_s: float) -> tuple[Series, float] | None:
        """Each series' increase over the reads of ``key`` within the window, and the seconds they span.

        None while there is only one read in the window: a rate cannot be had from one point.
        """
        with self._lock:
            kept = [earlier for earlier in self._reads.get(key, []) if earlier.at >= read.at - window_s]
            kept.append(read)
            self._reads[key] = kept
        span = read.at - kept[0].at
        if span <= 0:
            return None
        return {series: _increase(kept, series) for series in read.series}, span


def _increase(reads: Sequence[SeriesRead], key: SeriesKey) -> float:
    values = [read.series[key] for read in reads if key in read.series]
    # A counter that went down was reset (its process restarted) and counted up again from zero.
    return math.fsum(later - earlier if later >= earlier else later for earlier, later in itertools.pairwise(values))
