"""The voucher app's Prometheus metrics: the kit's, and campaign sends, pending targets and dispatcher ticks."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from fakes.kit.metrics import PREFIX, AppMetrics


class VoucherMetrics(AppMetrics):
    """The kit's instruments, and campaign sends, pending targets and dispatcher ticks."""

    def __init__(self) -> None:
        super().__init__()
        self.campaign_sends = Counter(
            f"{PREFIX}_campaign_sends", "Campaign send attempts by outcome (sent, rate_limited, error, failed).",
            ["outcome"], registry=self.registry,
        )  # fmt: skip
        self.campaign_targets_pending = Gauge(
            f"{PREFIX}_campaign_targets_pending", "Campaign targets not yet sent or failed, as of the last tick.",
            registry=self.registry,
        )  # fmt: skip
        self.dispatch_ticks = Counter(
            f"{PREFIX}_dispatch_ticks", "Dispatcher ticks by outcome (ok, error).", ["outcome"], registry=self.registry
        )
