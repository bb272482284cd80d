"""The limits every fake puts on a request body: the depth scan, and the middleware that reads within them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from fakes.kit.request_limits import MAX_BODY_BYTES, MAX_JSON_DEPTH, BodyLimits, BodyRefused, Refusal, check_depth

TOO_LARGE = {"error": "invalid_request", "detail": "the body is larger than 1048576 bytes"}
TOO_DEEP = {"error": "invalid_request", "detail": "the body nests arrays and objects deeper than 64 levels"}


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_limits_are_1_mib_and_64_levels() -> None:
    assert (MAX_BODY_BYTES, MAX_JSON_DEPTH) == (1_048_576, 64)


@pytest.mark.parametrize(
    "body",
    [
        nested(64),
        b'{"a": ' * 64 + b"1" + b"}" * 64,
        b"[]" * 100_000,
        b'["' + b"[" * 100 + b'"]',
        b'["\\"' + b"{" * 100 + b'"]',
        b'["\\\\", ' + nested(64)[1:] + b"]",
        b"name=" + b"x" * 1000,
    ],
)
def test_check_depth_passes_bodies_nested_64_deep_or_less(body: bytes) -> None:
    check_depth(body)


@pytest.mark.parametrize(
    "body",
    [
        nested(65),
        nested(100_000),
        b"[" * 65,
        b'{"a": ' * 65 + b"1" + b"}" * 65,
        b'["\\\\", ' + nested(65)[1:] + b"]",
        ('"\\""' + "[" * 65).encode("utf-16-le"),
    ],
)
def test_check_depth_refuses_bodies_nested_deeper_than_64(body: bytes) -> None:
    with pytest.raises(BodyRefused) as refused:
        check_depth(body)

    assert str(refused.value) == "the body nests arrays and objects deeper than 64 levels"


async def echo(request: Request) -> Response:
    return Response(await request.body(), media_type="application/octet-stream")


async def post(content: bytes | AsyncIterator[bytes], refuse: Refusal | None = None) -> httpx.Response:
    limits = Middleware(BodyLimits) if refuse is None else Middleware(BodyLimits, refuse=refuse)
    app = Starlette(routes=[Route("/", echo, methods=["POST"])], middleware=[limits])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fake") as client:
        return await client.post("/", content=content)


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body streamed without a Content-Length, as chunked uploads come."""
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


@pytest.mark.anyio
async def test_body_limits_hand_a_body_at_both_limits_on_unchanged() -> None:
    body = nested(64) + b" " * (MAX_BODY_BYTES - 128)

    answer = await post(body)

    assert (answer.status_code, len(answer.content), answer.content == body) == (200, MAX_BODY_BYTES, True)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b" " * (MAX_BODY_BYTES + 1), TOO_LARGE),
        (chunks(MAX_BODY_BYTES + 1), TOO_LARGE),
        (nested(100_000), TOO_DEEP),
    ],
    ids=["declared", "streamed", "deep"],
)
async def test_body_limits_refuse_a_body_past_a_limit_with_400(
    content: bytes | AsyncIterator[bytes], expected: dict[str, str]
) -> None:
    answer = await post(content)

    assert (answer.status_code, answer.json()) == (400, expected)


@pytest.mark.anyio
async def test_body_limits_refuse_in_the_shape_the_fake_gives() -> None:
    answer = await post(nested(65), refuse=lambda message: PlainTextResponse(f"no: {message}", 400))

    assert (answer.status_code, answer.text) == (400, "no: the body nests arrays and objects deeper than 64 levels")
