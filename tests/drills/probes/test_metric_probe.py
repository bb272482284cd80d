"""Metric probes reading Prometheus text from a real HTTP server of the test's own."""

from __future__ import annotations

from typing import Any

import pytest

from drills.clock import ManualClock
from drills.probes import Evaluator, ProbeResult, evaluate
from drills.probes.history import Series
from drills.probes.kinds.metric import NoValue, histogram_quantile
from drills.world.context import DrillContext
from tests.drills.probes.probe_world import HttpServer, Reply, make_probe

METRICS = """\
# HELP http_requests_total Requests answered.
# TYPE http_requests_total counter
http_requests_total{path="/api/v1/health",status="200"} 90
http_requests_total{path="/api/v1/health",status="503"} 6
http_requests_total{path="/api/v1/ready",status="500"} 4
# HELP provider_errors_total Provider calls that failed.
# TYPE provider_errors_total counter
# HELP db_pool_in_use Connections taken from the pool.
# TYPE db_pool_in_use gauge
db_pool_in_use{pool="main"} 7
db_pool_in_use{pool="audit"} 1
# HELP request_seconds Request latency.
# TYPE request_seconds histogram
request_seconds_bucket{le="0.25"} 2
request_seconds_bucket{le="0.5"} 6
request_seconds_bucket{le="1.0"} 8
request_seconds_bucket{le="+Inf"} 10
request_seconds_count 10
request_seconds_sum 5.5
"""


def serve(server: HttpServer, text: str = METRICS) -> None:
    server.answer("/metrics", Reply(200, text, {"Content-Type": "text/plain; version=0.0.4"}))


def metric(**fields: Any) -> dict[str, Any]:
    return {"kind": "metric", "url": "{app.url}/metrics", "expect": {"value": {"ge": 0}}, **fields}


def counter(value: float) -> str:
    return f'# TYPE http_requests_total counter\nhttp_requests_total{{status="200"}} {value}\n'


def test_metric_probe_sums_the_series_a_label_regex_selects(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    probe = make_probe(metric(metric="http_requests_total", labels={"status": "~5.."}, expect={"value": 10}))
    assert evaluate(probe, context) == ProbeResult(
        held=True, detail='http_requests_total{status=~"5.."} = 10', value=10.0, output="10", parsed=10.0
    )


def test_metric_probe_matches_a_label_exactly(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    probe = make_probe(metric(metric="http_requests_total", labels={"path": "/api/v1/health"}))
    assert evaluate(probe, context).value == 96.0


@pytest.mark.parametrize(("aggregate", "value"), [("sum", 8.0), ("max", 7.0), ("min", 1.0), ("avg", 4.0)])
def test_metric_probe_aggregates_series(
    http_server: HttpServer, context: DrillContext, aggregate: str, value: float
) -> None:
    serve(http_server)
    assert evaluate(make_probe(metric(metric="db_pool_in_use", aggregate=aggregate)), context).value == value


def test_metric_probe_says_when_the_value_is_not_as_expected(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    probe = make_probe(metric(metric="db_pool_in_use", aggregate="max", expect={"value": {"lt": 5}}))
    assert (evaluate(probe, context).held, evaluate(probe, context).detail) == (
        False,
        "db_pool_in_use: expected < 5, got 7",
    )


def test_metric_probe_sum_of_a_declared_metric_without_series_is_zero(
    http_server: HttpServer, context: DrillContext
) -> None:
    serve(http_server)
    assert evaluate(make_probe(metric(metric="provider_errors_total", expect={"value": 0})), context).held is True


def test_metric_probe_max_of_no_series_has_no_value(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    assert evaluate(make_probe(metric(metric="provider_errors_total", aggregate="max")), context) == ProbeResult(
        held=False, detail="provider_errors_total: no series matches, so there is no max"
    )


def test_metric_probe_without_such_a_metric_does_not_hold(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    assert evaluate(make_probe(metric(metric="http_request_total")), context) == ProbeResult(
        held=False, detail=f"http_request_total: {http_server.url}/metrics has no metric named http_request_total"
    )


@pytest.mark.parametrize(("quantile", "value"), [(0.5, 0.4375), (0.1, 0.125), (0.95, 1.0)])
def test_metric_probe_reads_a_quantile_from_histogram_buckets(
    http_server: HttpServer, context: DrillContext, quantile: float, value: float
) -> None:
    serve(http_server)
    assert evaluate(make_probe(metric(metric="request_seconds", quantile=quantile)), context).value == value


def test_metric_probe_quantile_of_an_empty_histogram_has_no_value(
    http_server: HttpServer, context: DrillContext
) -> None:
    serve(http_server, 'request_seconds_bucket{le="0.5"} 0\nrequest_seconds_bucket{le="+Inf"} 0\n')
    probe = make_probe(metric(metric="request_seconds", quantile=0.99))
    assert evaluate(probe, context).detail == "quantile 0.99 of request_seconds: the histogram has no observations"


def test_metric_probe_divides_by_a_second_metric(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    probe = make_probe(
        metric(
            metric="http_requests_total",
            labels={"status": "~5.."},
            divided_by={"metric": "http_requests_total"},
            expect={"value": {"lt": 0.05}},
        )
    )
    assert evaluate(probe, context).detail == (
        'http_requests_total{status=~"5.."} / http_requests_total: expected < 0.05, got 0.1'
    )


def test_metric_probe_ratio_of_nothing_to_nothing_is_zero(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    probe = make_probe(
        metric(metric="provider_errors_total", divided_by={"metric": "provider_errors_total"}, expect={"value": 0})
    )
    assert evaluate(probe, context).held is True


def test_metric_probe_ratio_to_zero_has_no_value(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server)
    probe = make_probe(metric(metric="db_pool_in_use", divided_by={"metric": "provider_errors_total"}))
    assert evaluate(probe, context).detail == (
        "db_pool_in_use / provider_errors_total: the ratio is undefined: 8 divided by 0"
    )


def test_metric_probe_rate_needs_a_second_read(http_server: HttpServer, context: DrillContext) -> None:
    serve(http_server, counter(90))
    probe = make_probe(metric(metric="http_requests_total", rate="1m"))
    assert Evaluator().evaluate(probe, context) == ProbeResult(
        held=False,
        detail="rate[1m] of http_requests_total: a rate over 1m needs a second read within that window",
    )


def test_metric_probe_rate_is_per_scenario_second(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    evaluator = Evaluator()
    probe = make_probe(metric(metric="http_requests_total", rate="1m", expect={"value": 2}))
    serve(http_server, counter(90))
    evaluator.evaluate(probe, context)
    serve(http_server, counter(150))
    manual_clock.advance(0.5)  # 30 scenario seconds at 60x
    assert evaluator.evaluate(probe, context) == ProbeResult(
        held=True, detail="rate[1m] of http_requests_total = 2", value=2.0, output="2", parsed=2.0
    )


def test_metric_probe_rate_counts_a_reset_counter_from_zero(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    evaluator = Evaluator()
    probe = make_probe(metric(metric="http_requests_total", rate="1m"))
    for value in (100, 120, 15):
        serve(http_server, counter(value))
        evaluator.evaluate(probe, context)
        manual_clock.advance(0.25)
    serve(http_server, counter(20))
    # 20 before the restart, 15 and then 5 after it, over 45 scenario seconds.
    assert evaluator.evaluate(probe, context).value == 40 / 45


def test_metric_probe_rate_forgets_reads_older_than_its_window(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    evaluator = Evaluator()
    probe = make_probe(metric(metric="http_requests_total", rate="1m"))
    serve(http_server, counter(90))
    evaluator.evaluate(probe, context)
    manual_clock.advance(2.0)  # two scenario minutes: the first read is out of the window
    assert evaluator.evaluate(probe, context).held is False


def test_metric_probe_quantile_of_a_rate_uses_the_bucket_increases(
    http_server: HttpServer, context: DrillContext, manual_clock: ManualClock
) -> None:
    evaluator = Evaluator()
    probe = make_probe(metric(metric="request_seconds", quantile=0.5, rate="5m"))
    serve(http_server, 'request_seconds_bucket{le="0.5"} 100\nrequest_seconds_bucket{le="+Inf"} 100\n')
    evaluator.evaluate(probe, context)
    serve(http_server, 'request_seconds_bucket{le="0.5"} 100\nrequest_seconds_bucket{le="+Inf"} 110\n')
    manual_clock.advance(1.0)
    # Every observation since the first read was slower than 0.5s: the median is in the +Inf bucket.
    assert evaluator.evaluate(probe, context).value == 0.5


def test_metric_probe_of_text_that_is_not_prometheus_does_not_hold(
    http_server: HttpServer, context: DrillContext
) -> None:
    serve(http_server, "<html>dashboard</html>")
    assert evaluate(make_probe(metric(metric="up")), context).detail == (
        f"{http_server.url}/metrics is not Prometheus text: invalid metric name:<html>dashboard</html>"
    )


def test_metric_probe_of_a_failing_endpoint_does_not_hold(http_server: HttpServer, context: DrillContext) -> None:
    http_server.answer("/metrics", Reply(500, "boom"))
    assert evaluate(make_probe(metric(metric="up")), context) == ProbeResult(
        held=False, detail=f"GET {http_server.url}/metrics: answered 500"
    )


def test_histogram_quantile_interpolates_within_the_first_bucket_from_zero() -> None:
    buckets: Series = {(("le", "1"),): 4.0, (("le", "+Inf"),): 4.0}
    assert histogram_quantile(0.25, buckets) == 0.25


def test_histogram_quantile_sums_buckets_of_several_series() -> None:
    buckets: Series = {
        (("le", "1"), ("path", "/a")): 1.0,
        (("le", "+Inf"), ("path", "/a")): 2.0,
        (("le", "1"), ("path", "/b")): 1.0,
        (("le", "+Inf"), ("path", "/b")): 2.0,
    }
    assert histogram_quantile(0.5, buckets) == 1.0


def test_histogram_quantile_needs_an_infinite_bucket() -> None:
    with pytest.raises(NoValue, match=r"^a quantile needs a histogram's buckets, up to le=\+Inf$"):
        histogram_quantile(0.5, {(("le", "1"),): 4.0, (("le", "2"),): 5.0})
