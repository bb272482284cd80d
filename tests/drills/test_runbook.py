from __future__ import annotations

import pytest

from drills.runbook import CodeBlock, Runbook, Section, parse_runbook, slugify

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


def test_parse_runbook_reads_sections_and_their_code_blocks() -> None:
    rotate = CodeBlock("bash", 'curl -X POST "$APP_URL/rotate"\n# a comment, not a heading\n', 9)
    tilde = CodeBlock("sh", "echo tilde fence\n", 14)
    indented = CodeBlock("", "indented\n   keeps its own extra indent\n", 20)
    assert parse_runbook(RUNBOOK) == Runbook(
        (
            Section("reports-runbook", "Reports runbook", 1, 1, (rotate, tilde, indented)),
            Section("oauth-refresh-failing", "oauth-refresh-failing", 2, 5, (rotate, tilde)),
            Section("rotate-the-client-secret", "Rotate the client secret", 3, 7, (rotate, tilde)),
            Section("cron-not-firing", "Cron: not firing", 2, 18, (indented,)),
        )
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
