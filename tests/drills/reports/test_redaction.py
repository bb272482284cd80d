from __future__ import annotations

import threading

import pytest

from drills.reports import MASK, KnownSecrets, Redactor, is_secret_name
from drills.timeline import DrillRecord, Event, EventKind


def test_redactor_text_masks_every_occurrence() -> None:
    assert Redactor(["hunter2"]).text("pw=hunter2, again hunter2!") == "pw=***, again ***!"


def test_redactor_text_masks_a_longer_secret_whole_before_one_it_contains() -> None:
    redactor = Redactor(["abc", "abcdef"])

    assert redactor.text("x abcdef y abc") == "x *** y ***"


def test_redactor_text_masks_the_secret_as_it_appears_in_urls_and_json() -> None:
    redactor = Redactor(['p@ss w/"q"'])

    assert [
        redactor.text("curl https://x/?secret=p%40ss%20w%2F%22q%22"),
        redactor.text("body=p%40ss+w%2F%22q%22"),
        redactor.text('{"secret": "p@ss w/\\"q\\""}'),
        redactor.text('p@ss w/"q"'),
    ] == ["curl https://x/?secret=***", "body=***", '{"secret": "***"}', MASK]


def test_redactor_ignores_empty_secrets_and_leaves_text_alone_without_any() -> None:
    assert (Redactor([""]).text("unchanged"), Redactor([]).text("unchanged")) == ("unchanged", "unchanged")


def test_redactor_json_masks_keys_and_nested_values() -> None:
    value = {"token-abc": ["x token-abc y", {"nested": "token-abc"}], "n": 3, "ok": True, "none": None}

    assert Redactor(["token-abc"]).json(value) == {
        "***": ["x *** y", {"nested": "***"}],
        "n": 3,
        "ok": True,
        "none": None,
    }


def test_redactor_record_masks_free_text_and_keeps_times_and_kinds(leaky_record: DrillRecord) -> None:
    clean = Redactor(["s3cr3t-client-secret!", "eyJhbGciOi.token.value"]).record(leaky_record)
    command = next(event for event in clean.timeline if event.kind is EventKind.COMMAND)

    assert (command.message, command.data) == (
        "curl -u drillbit-app:*** -H 'Authorization: Bearer ***' | jq",
        {"argv": ["curl", "-d", "client_secret=***"], "env": {"***": "as a key", "body": '{"secret": "***"}'}},
    )
    assert [(event.at, event.scenario_at, event.kind) for event in clean.timeline] == [
        (event.at, event.scenario_at, event.kind) for event in leaky_record.timeline
    ]


def test_redactor_record_masks_secrets_in_the_scenario_summary(leaky_record: DrillRecord) -> None:
    scenario = leaky_record.scenario.model_copy(
        update={"fix": "set CLIENT_SECRET=hunter2", "title": "hunter2 leak", "impact": "hunter2 is public"}
    )
    clean = Redactor(["hunter2"]).record(leaky_record.model_copy(update={"scenario": scenario}))

    assert (clean.scenario.fix, clean.scenario.title, clean.scenario.impact) == (
        "set CLIENT_SECRET=***",
        "*** leak",
        "*** is public",
    )


@pytest.mark.parametrize(
    ("name", "secret"),
    [("SCHEDULER_SECRET", True), ("mail_api_key", True), ("PGPASSWORD", True), ("ACCESS_TOKEN", True), ("URL", False)],
)
def test_is_secret_name_goes_by_the_words_in_a_name(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_known_secrets_mask_with_every_secret_learnt_so_far() -> None:
    known = KnownSecrets(["world-secret-1"])
    before = known.text("world-secret-1 then learnt-later-2")
    known.add("learnt-later-2", "short")
    assert (before, known.text("world-secret-1 then learnt-later-2 short")) == (
        "*** then learnt-later-2",
        "*** then *** short",
    )
    assert known.values() == ["learnt-later-2", "world-secret-1"]


def test_known_secrets_mask_an_events_source_message_and_data() -> None:
    known = KnownSecrets(["client-secret-9"])
    event = Event(
        at=1.0,
        scenario_at=1.0,
        kind=EventKind.STEP_FINISHED,
        source="responder:auto",
        message="read client-secret-9 from the console",
        data={"step": "read", "ok": True, "output": ["client-secret-9"]},
    )
    shown = known.event(event)
    assert (shown.message, shown.data, event.message) == (
        "read *** from the console",
        {"step": "read", "ok": True, "output": ["***"]},
        "read client-secret-9 from the console",
    )


def test_known_secrets_learn_from_many_threads_at_once() -> None:
    known = KnownSecrets()
    threads = [threading.Thread(target=known.add, args=(f"secret-number-{index}",)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert known.text(" ".join(f"secret-number-{index}" for index in range(20))) == " ".join(["***"] * 20)
