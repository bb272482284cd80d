from __future__ import annotations

import re

import pytest
from pydantic import JsonValue

from drills.errors import UnresolvedReferenceError
from drills.language.expect import HttpExpect
from drills.language.requests import HttpRequest
from drills.language.templating import Reference, check_reference, find_references, resolve_model, resolve_text

SERVICES = ("app", "postgres", "scheduler-staging")
VALUES = {"app.url": "http://127.0.0.1:8000", "saved.token": "t0k3n", "secrets.scheduler": "s3cret"}


def test_find_references_finds_each_name_and_where_it_starts() -> None:
    text = "curl {app.url}/x -H 'X-Secret: {secrets.scheduler}'"
    assert find_references(text) == [Reference("app.url", 5), Reference("secrets.scheduler", 31)]


@pytest.mark.parametrize(
    "text",
    [
        '{"client_secret": "x"}',
        "echo ${HOME}",
        "awk '{print $1}'",
        "echo {1..3} {a,b}",
        "{single}",
        "{{app.url}}",
        "{ app.url }",
    ],
)
def test_find_references_leaves_other_braces_alone(text: str) -> None:
    assert find_references(text) == []


@pytest.mark.parametrize(
    "name",
    [
        "app.url",
        "app.host",
        "postgres.port",
        "scheduler-staging.url",
        "secrets.scheduler",
        "saved.new_secret",
        "settings.app.MAIL_API_KEY",
        "world.time_scale",
    ],
)
def test_check_reference_accepts_the_vocabulary(name: str) -> None:
    assert check_reference(Reference(name, 0), SERVICES) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("app.uri", "unknown reference {app.uri}: a service offers {app.host}, {app.port}, {app.url}"),
        ("app.url.path", "unknown reference {app.url.path}: a service offers {app.host}, {app.port}, {app.url}"),
        (
            "world.tenants",
            "unknown reference {world.tenants}: the world offers {world.epoch}, {world.seed}, {world.time_scale}",
        ),
        ("secrets.a.b", "{secrets.a.b} must be {secrets.NAME}, NAME a letter or _ followed by letters, digits or _"),
        ("saved.1st", "{saved.1st} must be {saved.NAME}, NAME a letter or _ followed by letters, digits or _"),
        (
            "settings.app.pool",
            "{settings.app.pool} must be {settings.SERVICE.VARIABLE}, VARIABLE in capitals like DB_POOL_SIZE",
        ),
        ("settings.ap.POOL", "unknown reference {settings.ap.POOL}: 'ap' is not a service of the world"),
        (
            "redis.url",
            "unknown reference {redis.url}: 'redis' is not a service or one of "
            "app, postgres, scheduler-staging, saved, secrets, settings, world",
        ),
    ],
)
def test_check_reference_says_what_is_wrong(name: str, problem: str) -> None:
    assert check_reference(Reference(name, 0), SERVICES) == problem


def test_resolve_text_replaces_every_reference() -> None:
    text = "curl {app.url}/api -H 'Authorization: Bearer {saved.token}' -H 'X: {secrets.scheduler}'"
    expected = "curl http://127.0.0.1:8000/api -H 'Authorization: Bearer t0k3n' -H 'X: s3cret'"
    assert resolve_text(text, VALUES) == expected


def test_resolve_text_turns_doubled_braces_into_literal_text() -> None:
    assert resolve_text("{{app.url}} is {app.url}", VALUES) == "{app.url} is http://127.0.0.1:8000"


def test_resolve_text_leaves_text_without_references_as_it_is() -> None:
    assert resolve_text("awk '{print $1}' ${HOME} {\"a\": 1}", VALUES) == "awk '{print $1}' ${HOME} {\"a\": 1}"


def test_resolve_text_names_an_unknown_reference_and_its_closest_match() -> None:
    with pytest.raises(UnresolvedReferenceError, match=re.escape("unknown reference {app.uri}")) as caught:
        resolve_text("{app.uri}/x", VALUES)
    assert (caught.value.reference, str(caught.value)) == (
        "app.uri",
        "unknown reference {app.uri}\nHint: did you mean {app.url}?",
    )


def test_resolve_text_says_a_missing_saved_value_must_be_saved_first() -> None:
    with pytest.raises(UnresolvedReferenceError, match="unknown reference") as caught:
        resolve_text("{saved.reset_link}", {"app.url": "x"})
    assert str(caught.value) == (
        "unknown reference {saved.reset_link}\nHint: a step must save it first: add `save: {reset_link: ...}` to it"
    )


def test_resolve_text_lists_what_is_known_when_nothing_is_close() -> None:
    with pytest.raises(UnresolvedReferenceError, match="unknown reference") as caught:
        resolve_text("{secrets.zzz}", {"app.url": "x", "world.seed": "0"})
    assert str(caught.value) == "unknown reference {secrets.zzz}\nHint: known here: {app.url}, {world.seed}"


def test_resolve_model_resolves_texts_at_any_depth_but_not_keys() -> None:
    body: JsonValue = {"{app.url}": ["{saved.token}", 1, None, {"secret": "{secrets.scheduler}"}], "flag": True}
    request = HttpRequest.model_validate({"url": "{app.url}/x", "headers": {"X-Key": "{saved.token}"}, "json": body})
    resolved = resolve_model(request, VALUES)
    assert (resolved.url, resolved.headers, resolved.json_body) == (
        "http://127.0.0.1:8000/x",
        {"X-Key": "t0k3n"},
        {"{app.url}": ["t0k3n", 1, None, {"secret": "s3cret"}], "flag": True},
    )


def test_resolve_model_resolves_a_nested_model_and_the_choices_of_a_condition() -> None:
    expect = HttpExpect.model_validate({"status": {"in": [200, "{saved.token}"]}, "body_contains": "{saved.token}"})
    resolved = resolve_model(expect, VALUES)
    assert (resolved.status.operators(), resolved.body_contains) == ({"in": (200, "t0k3n")}, "t0k3n")


def test_resolve_model_keeps_what_has_no_reference_and_what_was_written() -> None:
    request = HttpRequest.model_validate({"url": "http://127.0.0.1/x", "body": "{saved.token}"})
    resolved = resolve_model(request, VALUES)
    assert (resolved.headers is request.headers, resolved.given("body", "json_body", "form"), resolved.body) == (
        True,
        ["body"],
        "t0k3n",
    )
    assert resolve_model(HttpRequest(url="http://127.0.0.1/x"), VALUES) == HttpRequest(url="http://127.0.0.1/x")


def test_resolve_model_resolves_once_so_an_escaped_reference_stays_literal_text() -> None:
    request = HttpRequest.model_validate({"url": "{app.url}/echo?q={{app.url}}"})
    assert resolve_model(request, VALUES).url == "http://127.0.0.1:8000/echo?q={app.url}"
