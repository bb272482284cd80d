from __future__ import annotations

import pytest

from drills.language.runbook import (
    CodeBlock,
    Runbook,
    Section,
    hint_sections,
    names_section,
    parse_runbook,
    slugify,
)

RUNBOOK = """\
# Reports runbook

Intro text.

## oauth-refresh-failing

### Rotate the client secret

```bash
curl -X POST "$APP_URL/rotate"
# a comment, not a heading
```

~~~~sh
echo tilde fence
~~~~

## Cron: not firing ##

  ```
  indented
     keeps its own extra indent
  ```
"""


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("Rotate the client secret", "rotate-the-client-secret"),
        ("Fix it (now!)", "fix-it-now"),
        ("Step 1: check `pg_stat_activity`.", "step-1-check-pg_stat_activity"),
        ("[Fleet health](https://example.test/fleet) page", "fleet-health-page"),
        ("_Emphasis_ and snake_case", "emphasis-and-snake_case"),
        ("Two  spaces", "two--spaces"),
        ("Überschrift mit Umlaut", "überschrift-mit-umlaut"),
        ("oauth-refresh-failing", "oauth-refresh-failing"),
        ("<code>HTML</code> tags", "html-tags"),
    ],
)
def test_slugify_makes_githubs_anchor(title: str, anchor: str) -> None:
    assert slugify(title) == anchor


ROTATE_BODY = """\
```bash
curl -X POST "$APP_URL/rotate"
# a comment, not a heading
```

~~~~sh
echo tilde fence
~~~~"""
INDENTED_BODY = "  ```\n  indented\n     keeps its own extra indent\n  ```"


def test_parse_runbook_reads_sections_their_code_blocks_and_bodies() -> None:
    rotate = CodeBlock("bash", 'curl -X POST "$APP_URL/rotate"\n# a comment, not a heading\n', 9)
    tilde = CodeBlock("sh", "echo tilde fence\n", 14)
    indented = CodeBlock("", "indented\n   keeps its own extra indent\n", 20)
    assert parse_runbook(RUNBOOK) == Runbook(
        (
            Section("reports-runbook", "Reports runbook", 1, 1, (rotate, tilde, indented), "Intro text."),
            Section("oauth-refresh-failing", "oauth-refresh-failing", 2, 5, (rotate, tilde), ""),
            Section("rotate-the-client-secret", "Rotate the client secret", 3, 7, (rotate, tilde), ROTATE_BODY),
            Section("cron-not-firing", "Cron: not firing", 2, 18, (indented,), INDENTED_BODY),
        )
    )


def test_parse_runbook_body_stops_at_a_heading_of_any_level() -> None:
    runbook = parse_runbook("## Entry\n\nAbout it.\n\n#### Deep\n\nDeeper.\n\n# Top\n")
    assert [section.body for section in runbook.sections] == ["About it.", "Deeper.", ""]


def test_parse_runbook_body_keeps_a_hash_inside_a_fence_and_trailing_spaces() -> None:
    runbook = parse_runbook("## Fix\nFirst line  \nsecond.\n```sh\n# comment\n```\n\n\n## Next\n")
    assert runbook.sections[0].body == "First line  \nsecond.\n```sh\n# comment\n```"


NESTED = """\
## entry
Intro.
### Confirm
Look.
### Fix
Do it.
#### If that fails
Roll back.
### Verify
## other
### Not ours
"""


def test_runbook_children_are_the_sub_sections_one_level_below() -> None:
    runbook = parse_runbook(NESTED)
    entry = runbook.sections[0]
    assert [section.title for section in runbook.children(entry)] == ["Confirm", "Fix", "Verify"]


def test_runbook_children_of_a_section_without_sub_sections_is_empty() -> None:
    runbook = parse_runbook(NESTED)
    assert (runbook.children(runbook.sections[1]), runbook.children(runbook.sections[4])) == ((), ())


def test_runbook_within_is_every_sub_section_at_any_depth() -> None:
    runbook = parse_runbook(NESTED)
    entry = runbook.sections[0]
    assert [section.title for section in runbook.within(entry)] == ["Confirm", "Fix", "If that fails", "Verify"]


def test_runbook_within_refuses_a_section_of_another_runbook() -> None:
    with pytest.raises(ValueError, match="not in tuple"):
        parse_runbook(NESTED).within(parse_runbook("## elsewhere\n").sections[0])


def test_runbook_text_is_the_body_then_each_sub_section_with_its_heading() -> None:
    runbook = parse_runbook(NESTED)
    fix, entry = runbook.sections[2], runbook.sections[0]
    assert (runbook.text(fix), runbook.text(entry)) == (
        "Do it.\n\n#### If that fails\n\nRoll back.",
        "Intro.\n\n### Confirm\n\nLook.\n\n### Fix\n\nDo it.\n\n#### If that fails\n\nRoll back.\n\n### Verify",
    )


def test_parse_runbook_numbers_repeated_anchors() -> None:
    runbook = parse_runbook("## Fix\n## Fix\n## Fix 1\n## Fix\n")
    assert runbook.anchors == ("fix", "fix-1", "fix-1-1", "fix-2")


def test_parse_runbook_ignores_headings_inside_fenced_code() -> None:
    runbook = parse_runbook("## Real\n```\n## not a heading\n```\n")
    assert runbook.anchors == ("real",)


def test_parse_runbook_reads_a_longer_fence_with_a_shorter_one_inside() -> None:
    runbook = parse_runbook("## Example\n````markdown\n```bash\nls\n```\n````\n")
    assert runbook.sections[0].blocks == (CodeBlock("markdown", "```bash\nls\n```\n", 2),)


def test_parse_runbook_runs_an_unclosed_fence_to_the_end() -> None:
    runbook = parse_runbook("## Last\n```bash\nstill code\n## still code\n")
    assert runbook.sections[0].blocks == (CodeBlock("bash", "still code\n## still code\n", 2),)


def test_parse_runbook_does_not_take_a_hash_without_space_for_a_heading() -> None:
    assert parse_runbook("#hashtag\n####### seven\n").sections == ()


def test_runbook_section_finds_an_anchor_with_or_without_its_hash() -> None:
    runbook = parse_runbook(RUNBOOK)
    assert runbook.section("#cron-not-firing") == runbook.section("cron-not-firing") == runbook.sections[3]


def test_runbook_section_is_none_for_an_unknown_anchor() -> None:
    assert parse_runbook(RUNBOOK).section("rollback") is None


@pytest.mark.parametrize(
    ("name", "names"),
    [
        ("How it is noticed", True),
        ("how IT is NOTICED", True),
        ("how-it-is-noticed-1", True),
        ("#how-it-is-noticed-1", True),
        ("how-it-is-noticed", True),
        ("How-It-Is-Noticed-1", True),
        ("noticed", False),
        ("how-it-is-noticed-2", False),
    ],
)
def test_names_section_by_title_anchor_or_the_titles_anchor(name: str, names: bool) -> None:
    noticed = parse_runbook("## a\n### How it is noticed\n## b\n### How it is noticed\n").sections[3]

    assert names_section(name, noticed) is names


def test_hint_sections_are_an_entrys_direct_sub_sections_or_the_entry_itself() -> None:
    runbook = parse_runbook("## a\n### Confirm\n#### Deeper\n### Fix\n## b\nJust text.\n")
    a, confirm, _, fix, b = runbook.sections

    assert (hint_sections(runbook, a), hint_sections(runbook, b)) == ((confirm, fix), (b,))
