"""JSON as Go writes and reads it: what toxiproxy's clients see byte for byte."""

from __future__ import annotations

import pytest

from fakes.toxiproxy.gojson import GoJsonError, dumps, format_float32, loads


def test_gojson_dumps_compact_with_html_characters_escaped():
    assert (
        dumps({"a": [1, True, None], "b": "<x> & é"}) == b'{"a":[1,true,null],"b":"\\u003cx\\u003e \\u0026 \xc3\xa9"}'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.5, "0.5"),
        (0.1, "0.1"),
        (0.3333333, "0.3333333"),
        (0.0, "0"),
        (1e-7, "1e-07"),
        (2.5e21, "2.5e+21"),
    ],
)
def test_gojson_formats_floats_as_go_float32(value, text):
    assert format_float32(value) == text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "EOF"),
        (b"  \n", "EOF"),
        (b"{", "unexpected EOF"),
        (b'{"a":1', "unexpected EOF"),
        (b"x", "invalid character 'x' looking for beginning of value"),
        (b"{x", "invalid character 'x' looking for beginning of object key string"),
        (b'{"a" 1}', "invalid character '1' after object key"),
        (b'{"a":1 2}', "invalid character '2' after object key:value pair"),
        (b"[1 2]", "invalid character '2' after array element"),
        (b"tru!", "invalid character '!' in literal true (expecting 'e')"),
        (b"NaN", "invalid character 'N' looking for beginning of value"),
    ],
)
def test_gojson_loads_refuses_bad_bodies_in_go_words(body, message):
    with pytest.raises(GoJsonError) as refused:
        loads(body)

    assert str(refused.value) == message


def test_gojson_loads_reads_the_first_value_and_ignores_the_rest():
    assert loads(b' {"name": "a"} trailing') == {"name": "a"}


def test_gojson_loads_refuses_a_body_nested_past_the_fakes_limit_without_recursing():
    with pytest.raises(GoJsonError) as refused:
        loads(b"[" * 100_000 + b"]" * 100_000)

    assert str(refused.value) == "the body nests arrays and objects deeper than 64 levels"
