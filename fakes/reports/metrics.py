"""The scheduled-report app's Prometheus metrics: the kit's, and report runs and token refreshes."""

from __future__ import annotations

from prometheus_client import Counter

from fakes.kit.metrics import PREFIX, AppMetrics


class ReportMetrics(AppMetrics):
    """The kit's instruments, and report runs and token refreshes by outcome."""

    def __init__(self) -> None:
        super().__init__()
        self.report_runs = Counter(
            f"{PREFIX}_report_runs", "Report runs by outcome (sent, failed, skipped).", ["status"],
            registry=self.registry,
        )  # fmt: skip
        self.token_refreshes = Counter(
            f"{PREFIX}_token_refreshes", "Access-token refreshes by outcome.", ["outcome"], registry=self.registry
        )
