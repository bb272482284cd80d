"""The toxic endpoints of the API, and /reset: status and whole bodies, through httpx and toxiproxy-python."""

from __future__ import annotations

import pytest

LATENCY = {
    "attributes": {"latency": 0, "jitter": 0},
    "name": "latency_downstream",
    "type": "latency",
    "stream": "downstream",
    "toxicity": 1,
}


def error(message: str, status: int) -> bytes:
    return b'{"error":"%s","status":%d}\n' % (message.encode(), status)


def test_create_toxic_answers_200_with_toxiproxy_defaults(api, echo_proxy):
    answer = api.post("/proxies/echo/toxics", json={"type": "latency"})

    assert (answer.status_code, answer.headers["content-type"]) == (200, "application/json")
    assert answer.content == (
        b'{"attributes":{"latency":0,"jitter":0},"name":"latency_downstream","type":"latency",'
        b'"stream":"downstream","toxicity":1}'
    )


def test_create_toxic_keeps_given_name_stream_toxicity_and_attributes(api, echo_proxy):
    body = {"name": "slow", "type": "slicer", "stream": "upstream", "toxicity": 0.1, "attributes": {"delay": 7}}

    answer = api.post("/proxies/echo/toxics", json=body)

    assert answer.content == (
        b'{"attributes":{"average_size":0,"size_variation":0,"delay":7},"name":"slow","type":"slicer",'
        b'"stream":"upstream","toxicity":0.1}'
    )


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"type": "gremlins"}, 400, "invalid toxic type"),
        ({"type": "latency", "stream": "sideways"}, 400, "stream was invalid, can be either upstream or downstream"),
        (
            {"type": "latency", "attributes": {"latency": "5"}},
            400,
            "bad request body: json: cannot unmarshal "
            "string into Go struct field LatencyToxic.attributes.latency of type int64",
        ),
        (
            {"type": "latency", "attributes": {"latency": 1.5}},
            400,
            "bad request body: json: cannot unmarshal "
            "number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64",
        ),
    ],
)
def test_create_toxic_refuses_what_toxiproxy_refuses(api, echo_proxy, body, status, message):
    answer = api.post("/proxies/echo/toxics", json=body)

    assert (answer.status_code, answer.content) == (status, error(message, status))


@pytest.mark.parametrize(
    ("toxicity", "shown"), [(5, "5"), (-1, "-1"), (1.5, "1.5"), (-0.25, "-0.25"), (1.0000001, "1.0000001")]
)
def test_create_toxic_with_a_toxicity_outside_0_to_1_is_400_and_adds_nothing(api, echo_proxy, toxicity, shown):
    answer = api.post("/proxies/echo/toxics", json={"type": "latency", "toxicity": toxicity})

    message = f"invalid toxicity: must be from 0 to 1, not {shown}"
    assert (answer.status_code, answer.content) == (400, error(message, 400))
    assert api.get("/proxies/echo/toxics").json() == []


NEGATIVE_ATTRIBUTES = [
    ("latency", "latency", -1000),
    ("latency", "jitter", -1),
    ("bandwidth", "rate", -5),
    ("slow_close", "delay", -1),
    ("timeout", "timeout", -1),
    ("reset_peer", "timeout", -1),
    ("slicer", "average_size", -1),
    ("slicer", "size_variation", -1),
    ("slicer", "delay", -1),
    ("limit_data", "bytes", -1),
]


@pytest.mark.parametrize(("type_", "attribute", "value"), NEGATIVE_ATTRIBUTES)
def test_create_toxic_with_a_negative_attribute_is_400_and_adds_nothing(api, echo_proxy, type_, attribute, value):
    answer = api.post("/proxies/echo/toxics", json={"type": type_, "attributes": {attribute: value}})

    message = f"invalid toxic attribute: {attribute} must be 0 or more, not {value}"
    assert (answer.status_code, answer.content) == (400, error(message, 400))
    assert api.get("/proxies/echo/toxics").json() == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"toxicity": 2}, "invalid toxicity: must be from 0 to 1, not 2"),
        ({"attributes": {"latency": -1000}}, "invalid toxic attribute: latency must be 0 or more, not -1000"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_update_toxic_to_a_bad_value_is_400_and_changes_nothing(api, echo_proxy, add_toxic, method, body, message):
    toxic = add_toxic("latency", latency=10, toxicity=0.5)

    answer = api.request(method, "/proxies/echo/toxics/latency_downstream", json=body)

    assert (answer.status_code, answer.content) == (400, error(message, 400))
    assert api.get("/proxies/echo/toxics").json() == [toxic]


@pytest.mark.parametrize("toxicity", [0, 1])
def test_create_toxic_takes_toxicity_at_both_ends_and_attributes_of_0(api, echo_proxy, toxicity):
    body = {"type": "slicer", "toxicity": toxicity, "attributes": {"average_size": 0, "size_variation": 0, "delay": 0}}

    answer = api.post("/proxies/echo/toxics", json=body)

    assert (answer.status_code, answer.json()["toxicity"], answer.json()["attributes"]) == (
        200,
        toxicity,
        {"average_size": 0, "size_variation": 0, "delay": 0},
    )


def test_create_toxic_with_a_name_taken_in_the_other_stream_is_409(api, echo_proxy):
    api.post("/proxies/echo/toxics", json={"name": "slow", "type": "latency", "stream": "upstream"})

    answer = api.post("/proxies/echo/toxics", json={"name": "slow", "type": "bandwidth", "stream": "downstream"})

    assert (answer.status_code, answer.content) == (409, error("toxic already exists", 409))


def test_create_toxic_on_an_unknown_proxy_is_404(api):
    answer = api.post("/proxies/nope/toxics", json={"type": "latency"})

    assert (answer.status_code, answer.content) == (404, error("proxy not found", 404))


def test_list_toxics_gives_upstream_toxics_first(api, echo_proxy, add_toxic):
    add_toxic("latency", "downstream", latency=5)
    add_toxic("timeout", "upstream", timeout=9)

    answer = api.get("/proxies/echo/toxics")

    assert [(toxic["name"], toxic["attributes"]) for toxic in answer.json()] == [
        ("timeout_upstream", {"timeout": 9}),
        ("latency_downstream", {"latency": 5, "jitter": 0}),
    ]


def test_show_toxic_and_unknown_toxic(api, echo_proxy, add_toxic):
    add_toxic("latency", latency=0)

    shown, unknown = api.get("/proxies/echo/toxics/latency_downstream"), api.get("/proxies/echo/toxics/nope")

    assert shown.json() == LATENCY
    assert (unknown.status_code, unknown.content) == (404, error("toxic not found", 404))


def test_update_toxic_changes_only_what_it_names(api, echo_proxy, add_toxic):
    add_toxic("latency", latency=10, jitter=2)

    answer = api.patch("/proxies/echo/toxics/latency_downstream", json={"attributes": {"jitter": 3}, "toxicity": 0.5})

    assert answer.json() == {**LATENCY, "attributes": {"latency": 10, "jitter": 3}, "toxicity": 0.5}
    assert api.get("/proxies/echo/toxics").json() == [answer.json()]


def test_update_unknown_toxic_is_404(api, echo_proxy):
    answer = api.post("/proxies/echo/toxics/nope", json={"toxicity": 0.5})

    assert (answer.status_code, answer.content) == (404, error("toxic not found", 404))


def test_delete_toxic_answers_204_and_removes_it(api, echo_proxy, add_toxic):
    add_toxic("latency")

    answer = api.delete("/proxies/echo/toxics/latency_downstream")

    assert (answer.status_code, answer.content) == (204, b"")
    assert api.get("/proxies/echo/toxics").json() == []
    assert api.delete("/proxies/echo/toxics/latency_downstream").status_code == 404


def test_reset_enables_every_proxy_and_removes_every_toxic(api, echo_proxy, add_toxic):
    add_toxic("latency", latency=100)
    api.patch("/proxies/echo", json={"enabled": False})

    answer = api.post("/reset")

    assert (answer.status_code, answer.content) == (204, b"")
    assert {name: (proxy["enabled"], proxy["toxics"]) for name, proxy in api.get("/proxies").json().items()} == {
        "echo": (True, [])
    }


def test_toxiproxy_python_adds_lists_and_destroys_toxics(toxiproxy_client, echo_proxy):
    proxy = toxiproxy_client.get_proxy("echo")

    proxy.add_toxic(type="latency", attributes={"latency": 100})
    listed = {name: (toxic.type, toxic.stream, toxic.attributes) for name, toxic in proxy.toxics().items()}
    proxy.destroy_toxic("latency_downstream")

    assert listed == {"latency_downstream": ("latency", "downstream", {"latency": 100, "jitter": 0})}
    assert proxy.toxics() == {}
