"""What the tests of the apps' provider clients share: the provider's address under respx, and the code, status
and Retry-After of the ``ProviderError`` a call raised."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from fakes.kit.providers import ProviderError

BASE = "http://provider.test"


async def error_of(call: Awaitable[object]) -> tuple[str, int | None, float | None]:
    with pytest.raises(ProviderError) as raised:
        await call
    return raised.value.code, raised.value.status, raised.value.retry_after
