"""The booking app's Prometheus metrics: the kit's, and booking requests and confirmations by outcome."""

from __future__ import annotations

from prometheus_client import Counter

from fakes.kit.metrics import PREFIX, AppMetrics


class BookingMetrics(AppMetrics):
    """The kit's instruments, and booking requests and confirmation mails by outcome."""

    def __init__(self) -> None:
        super().__init__()
        self.bookings = Counter(
            f"{PREFIX}_bookings", "Booking requests by outcome (created, replayed, refused).", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.confirmations = Counter(
            f"{PREFIX}_booking_confirmations", "Confirmation mails by outcome (sent, failed).", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
