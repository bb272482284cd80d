"""Credentials that rotate, and idempotency keys: shared by the sending providers."""

from __future__ import annotations

import random

from fakes.providers.credentials import Credential, random_secret


def test_credential_rotation_retires_the_old_one_as_expired() -> None:
    credential = Credential("old")

    credential.rotate("new")

    assert [credential.check(key) for key in ("new", "old", "other", None)] == [
        "valid",
        "expired",
        "unknown",
        "unknown",
    ]


def test_credential_rotation_to_the_same_value_changes_nothing() -> None:
    credential = Credential("same")

    credential.rotate("same")

    assert credential == Credential("same", [])


def test_random_secret_is_reproducible_from_the_seed() -> None:
    first = [random_secret(random.Random(7), "k_") for _ in range(2)]

    assert (first[0] == first[1], first[0][:2], len(first[0])) == (True, "k_", 34)
