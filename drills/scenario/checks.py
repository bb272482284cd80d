"""Checks of a scenario that no single field can make: its references, names, targets, runbook and ordering.

They read the YAML data as written (so they run, and report, even when the model found other mistakes)
and return problems located by data path; the loader turns paths into line numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from pydantic import ValidationError

from drills.durations import format_duration, parse_duration
from drills.errors import did_you_mean
from drills.language.fields import RunbookRef
from drills.language.runbook import Runbook, Section, hint_sections, names_section, parse_runbook
from drills.language.source import DataPath, DuplicateKey, YamlDocument
from drills.language.templating import SAVED, Reference, check_reference, find_references
from drills.scenario.problem import Problem
from drills.scenario.setting_checks import check_settings
from drills.scenario.steps import ACKNOWLEDGE_LIMIT
from drills.world.settings import SettingSpec
from drills.world.spec import WorldSpec
from drills.world.targets import literal_refusal, refusal_message, show_address, shown_url
from drills.world.worlds import DEFAULT_PRODUCT
from drills.world_clock import QUANTUM_WALL_S

# Values under these keys are the world's data (bodies, settings, labels), not names the scenario refers by.
_OPAQUE_KEYS: Final = frozenset({"attributes", "body", "env", "expect", "form", "headers", "json", "labels", "save"})
_SHELL_LANGUAGES: Final = frozenset({"", "sh", "bash", "shell", "zsh", "console"})
_BEFORE_RESPONSE: Final = ("world", "steady_state", "faults", "monitors")
_DEFAULT_TIMEOUTS: Final = {
    "wait_until": 600.0,
    "acknowledge": ACKNOWLEDGE_LIMIT.total_seconds(),
}
"""Step kinds whose timeout is not StepBase's one minute when the scenario gives none."""
_AIM_HINT: Final = "aim at the world's own services through references: {app.url}, or {app.host} and {app.port}"


@dataclass(frozen=True)
class WorldNames:
    """The services and proxies a scenario may name, and the settings each service reads, in its world."""

    services: frozenset[str]
    proxies: frozenset[str]
    settings: Mapping[str, tuple[SettingSpec, ...]] = field(default_factory=dict)
    product: str = DEFAULT_PRODUCT

    @classmethod
    def of(cls, world: WorldSpec) -> WorldNames:
        return cls(
            services=frozenset(world.names()),
            proxies=frozenset(proxy.name for proxy in world.proxies),
            settings={service.name: service.settings for service in world.services},
            product=world.name,
        )


def check_scenario(document: YamlDocument, directory: Path, world: WorldNames) -> list[Problem]:
    """Every problem the model cannot see, in ``document`` read from a file in ``directory``."""
    problems = [_duplicate_key(duplicate) for duplicate in document.duplicates]
    data = document.data
    if not isinstance(data, dict):
        return problems
    extra = _mapping(_mapping(data.get("world")).get("extra_services"))
    services = world.services | {name for name in extra if isinstance(name, str)}
    return [
        *problems,
        *_check_names(data, services, world),
        *check_settings(data, world.settings),
        *_check_references(data, sorted(services)),
        *_check_targets(data),
        *_check_runbooks(data, directory),
        *_check_unique(document, data),
        *_check_acknowledged(data),
        *_check_timeouts(data),
    ]


def _duplicate_key(duplicate: DuplicateKey) -> Problem:
    message = f"written twice in one mapping (first at line {duplicate.first_line}); only the last would count"
    return Problem(duplicate.path, message)


def _mapping(value: object) -> Mapping[Hashable, object]:
    return value if isinstance(value, dict) else {}


def _items(value: object) -> list[tuple[int, Mapping[Hashable, object]]]:
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _closest(word: str, choices: Sequence[str], show: Callable[[str], str] = repr) -> str:
    return did_you_mean(word, choices, show=show) or "one of: " + (", ".join(map(show, choices)) or "none")


def _its(word: str, kind: str, choices: Sequence[str]) -> str:
    """The closest name, if one is close, and every name the world has: ``did you mean 'app'? its services: ...``."""
    close = did_you_mean(word, choices)
    every = f"its {kind}s: {', '.join(choices) or 'none'}"
    return f"{close} {every}" if close else every


def _check_names(data: Mapping[Hashable, object], services: frozenset[str], world: WorldNames) -> list[Problem]:
    known = {"service": sorted(services), "proxy": sorted(world.proxies), "copy_of": sorted(world.services)}
    what = {"service": "service", "proxy": "proxy", "copy_of": "service"}
    problems = []
    for path, key, value in _entries(data, ()):
        if key in known and isinstance(value, str) and value not in known[key]:
            hint = _its(value, what[key], known[key])
            problems.append(Problem(path, f"world {world.product} has no {what[key]} named {value!r}", hint))
    world_part = _mapping(data.get("world"))
    for name in _mapping(world_part.get("settings")):
        if name not in services:
            message = f"world {world.product} has no service named {name!r}"
            problems.append(Problem(("world", "settings", name), message, _its(str(name), "service", sorted(services))))
    for name in _mapping(world_part.get("extra_services")):
        if name in world.services:
            message = f"{name!r} is already a service of the world: give the copy another name"
            problems.append(Problem(("world", "extra_services", name), message))
    return problems


def _entries(value: object, path: DataPath) -> Iterator[tuple[DataPath, Hashable, object]]:
    """Every key and value under ``value``, except inside the world's own data."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), key, item
            if key not in _OPAQUE_KEYS and not (path == ("world",) and key == "settings"):
                yield from _entries(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _entries(item, (*path, index))


def _strings(value: object, path: DataPath) -> Iterator[tuple[DataPath, str]]:
    """Every text value under ``value`` (not keys, not ``save`` expressions), where references may be."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "save":
                yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _saved_by_steps(data: Mapping[Hashable, object]) -> list[tuple[int, set[str]]]:
    return [(index, {str(name) for name in _mapping(step.get("save"))}) for index, step in _items(data.get("response"))]


def _scopes(data: Mapping[Hashable, object]) -> Iterator[tuple[DataPath, object, set[str] | None]]:
    """Each part of the scenario with the saved names it may use (None: it runs before any step)."""
    steps = _saved_by_steps(data)
    every = set().union(*(saved for _, saved in steps))
    for section in _BEFORE_RESPONSE:
        yield (section,), data.get(section), None
    for index, invariant in _items(data.get("invariants")):
        yield ("invariants", index), invariant, None if "interval" in invariant else every
    yield ("recovery",), data.get("recovery"), every
    available: set[str] = set()
    for index, step in _items(data.get("response")):
        yield ("response", index), step, set(available)
        available |= next(saved for position, saved in steps if position == index)


def _check_references(data: Mapping[Hashable, object], services: list[str]) -> list[Problem]:
    later = {name: index for index, saved in reversed(_saved_by_steps(data)) for name in saved}
    problems = []
    for scope, value, available in _scopes(data):
        for path, text in _strings(value, scope):
            for reference in find_references(text):
                problem = check_reference(reference, services)
                if problem is not None:
                    problems.append(Problem(path, problem, _reference_hint(reference, services)))
                elif reference.namespace == SAVED and reference.parts[1] not in (available or set()):
                    problems.append(_saved_too_early(path, reference, available, later))
    return problems


def _reference_hint(reference: Reference, services: list[str]) -> str | None:
    if reference.namespace in services:
        return None
    rest = reference.name.removeprefix(reference.namespace)
    namespaces = [*services, "saved", "secrets", "settings", "world"]
    return _closest(reference.namespace, namespaces, lambda namespace: f"{{{namespace}{rest}}}")


def _saved_too_early(
    path: DataPath, reference: Reference, available: set[str] | None, later: dict[str, int]
) -> Problem:
    name = reference.parts[1]
    message = f"{reference} is used before any step saves it"
    if available is None:
        where = "this part of the scenario is checked before the response runs"
        return Problem(path, f"{message}: {where}", "use saved values in response steps, recovery, or final invariants")
    if name in later:
        return Problem(path, f"{message}: response[{later[name]}] saves it, later", "save it in an earlier step")
    return Problem(path, f"{message}: no step saves {name!r}", f"add `save: {{{name}: ...}}` to an earlier step")


def _check_targets(data: Mapping[Hashable, object]) -> list[Problem]:
    """A host written literally where a probe, step or request will connect must be loopback: nothing else is the
    world's. A host given by a reference is the world's to fill in, and is checked when the drill renders it."""
    problems = []
    for path, part in _aimed_parts(data):
        url, host, port = part.get("url"), part.get("host"), part.get("port")
        if isinstance(url, str):
            written = _written_host(url)
            reason = None if written is None else literal_refusal(written)
            if reason is not None:
                problems.append(Problem((*path, "url"), refusal_message(shown_url(url), reason), _AIM_HINT))
        if part.get("kind") == "tcp" and isinstance(host, str) and not _has_braces(host):
            reason = literal_refusal(host)
            if reason is not None:
                shown = host if port is None else show_address(host, str(port))
                problems.append(Problem((*path, "host"), refusal_message(shown, reason), _AIM_HINT))
    return problems


def _aimed_parts(data: Mapping[Hashable, object]) -> Iterator[tuple[DataPath, Mapping[Hashable, object]]]:
    """Every probe, response step and traffic request, where it is: what may connect to a host it names."""
    for index, probe in _items(data.get("steady_state")):
        yield ("steady_state", index), probe
    for section in ("monitors", "invariants"):
        for index, item in _items(data.get(section)):
            yield (section, index, "probe"), _mapping(item.get("probe"))
    for index, check in _items(_mapping(data.get("recovery")).get("checks")):
        yield ("recovery", "checks", index), check
    for index, step in _items(data.get("response")):
        yield ("response", index), step
        yield ("response", index, "probe"), _mapping(step.get("probe"))
    for index, fault in _items(data.get("faults")):
        for number, request in _items(fault.get("requests")):
            yield ("faults", index, "requests", number), request


def _written_host(url: str) -> str | None:
    """The host a URL names as written; None when a reference stands for it (``{app.url}/health``) or it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return None if host is None or _has_braces(host) else host


def _has_braces(text: str) -> bool:
    return "{" in text or "}" in text


def _runbook_ref(value: object, directory: Path) -> RunbookRef | None:
    try:
        return RunbookRef.model_validate(value, context={"directory": directory})
    except ValidationError:
        return None


class _Runbooks:
    """The runbooks of one scenario, each read once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._read: dict[str, Runbook | None] = {}

    def get(self, file: str) -> Runbook | None:
        if file not in self._read:
            self._read[file] = _read_runbook(self.directory / file)
        return self._read[file]


def _check_runbooks(data: Mapping[Hashable, object], directory: Path) -> list[Problem]:
    scenario_ref = _runbook_ref(data.get("runbook"), directory)
    if scenario_ref is None or scenario_ref.file is None:
        return []
    runbooks = _Runbooks(directory)
    entry, problems = _check_section(("runbook",), scenario_ref.file, scenario_ref.anchor, runbooks)
    runbook = runbooks.get(scenario_ref.file)
    if entry is not None and runbook is not None:
        problems += _check_hint_costs(_mapping(data.get("hint_cost")), runbook, entry)
    for index, step in _items(data.get("response")):
        if step.get("kind") == "shell":
            problems += _check_step(("response", index), step, scenario_ref.file, runbooks)
    return problems


def _check_step(path: DataPath, step: Mapping[Hashable, object], default: str, runbooks: _Runbooks) -> list[Problem]:
    ref = _runbook_ref(step.get("runbook"), runbooks.directory)
    if ref is None or (ref.file is None and runbooks.get(default) is None):
        return []  # not a runbook step, or its runbook's absence is reported once, at the top
    section, problems = _check_section((*path, "runbook"), ref.file or default, ref.anchor, runbooks)
    block = step.get("block", 1)
    block = int(block) if isinstance(block, str) and block.isdigit() else block
    if section is None or not isinstance(block, int):
        return problems
    return problems + _check_block((*path, "block" if "block" in step else "runbook"), section, block)


def _check_section(path: DataPath, file: str, anchor: str, runbooks: _Runbooks) -> tuple[Section | None, list[Problem]]:
    runbook = runbooks.get(file)
    if runbook is None:
        return None, [Problem(path, f"runbook file {file} not found", f"looked for {runbooks.directory / file}")]
    section = runbook.section(anchor)
    if section is None:
        hint = _closest(anchor, runbook.anchors, "#".__add__) if runbook.anchors else "it has no headings"
        return None, [Problem(path, f"{file} has no section #{anchor}", hint)]
    return section, []


def _check_hint_costs(costs: Mapping[Hashable, object], runbook: Runbook, entry: Section) -> list[Problem]:
    """Each key of ``hint_cost`` names one hint of the entry, and no hint is named twice."""
    sections = hint_sections(runbook, entry)
    titles = [section.title for section in sections]
    named: dict[str, str] = {}
    problems = []
    for name in costs:
        if not isinstance(name, str):
            continue  # the model reports a key that is not text
        section = next((section for section in sections if names_section(name, section)), None)
        if section is None:
            message = f"#{entry.anchor} has no hint named {name!r}"
            problems.append(Problem(("hint_cost", name), message, _closest_title(name, titles)))
        elif section.anchor in named:
            message = f"{name!r} and {named[section.anchor]!r} both name the hint {section.title!r}"
            problems.append(Problem(("hint_cost", name), message, "keep one of them"))
        else:
            named[section.anchor] = name
    return problems


def _closest_title(name: str, titles: list[str]) -> str:
    return did_you_mean(name, titles, ignore_case=True) or "its hints are: " + ", ".join(titles)


def _read_runbook(path: Path) -> Runbook | None:
    try:
        return parse_runbook(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _check_block(path: DataPath, section: Section, block: int) -> list[Problem]:
    blocks = section.blocks
    if block > len(blocks):
        message = f"section #{section.anchor} has {len(blocks)} code block(s): there is no block {block}"
        return [Problem(path, message, "blocks are counted from 1, sub-sections included")]
    language = blocks[block - 1].language
    if language not in _SHELL_LANGUAGES:
        message = f"block {block} of #{section.anchor} is a {language!r} block, not a shell script"
        return [Problem(path, message, "mark the block ```bash or ```sh, or pick another block")]
    return []


def _check_unique(document: YamlDocument, data: Mapping[Hashable, object]) -> list[Problem]:
    problems = []
    for section, key, what in (
        ("faults", "id", "fault id"),
        ("monitors", "name", "monitor name"),
        ("invariants", "name", "invariant name"),
    ):
        first: dict[object, int] = {}
        for index, item in _items(data.get(section)):
            value, path = item.get(key), (section, index, key)
            if isinstance(value, str) and value in first:
                problems.append(Problem(path, f"duplicate {what} {value!r}: first used at line {first[value]}"))
            elif isinstance(value, str):
                first[value] = document.line_of(path)
    return problems


def _check_timeouts(data: Mapping[Hashable, object]) -> list[Problem]:
    """A step's timeout bounds a wait for the world: one shorter than the world's own polling at the scenario's
    time scale could end before the world was able to answer, so it means nothing."""
    scale = _mapping(data.get("world")).get("time_scale", 1.0)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        return []
    shortest = QUANTUM_WALL_S * scale
    problems = []
    for index, step in _items(data.get("response")):
        written = step.get("timeout")
        timeout = _seconds(written) if written is not None else _DEFAULT_TIMEOUTS.get(str(step.get("kind")), 60.0)
        if timeout is None or timeout >= shortest:
            continue
        path: DataPath = ("response", index, "timeout") if written is not None else ("response", index)
        given = format_duration(timeout) + ("" if written is not None else " (the default)")
        message = (
            f"a timeout of {given} is shorter than the world clock can resolve at time scale {scale:g}: the world's "
            f"processes notice scenario time in steps of {format_duration(shortest)} there"
        )
        problems.append(Problem(path, message, f"give it {format_duration(shortest)} or more, or a finer time_scale"))
    return problems


def _seconds(written: object) -> float | None:
    try:
        return parse_duration(written).total_seconds() if isinstance(written, str) else None
    except ValueError:
        return None  # the model reports a malformed duration


def _check_acknowledged(data: Mapping[Hashable, object]) -> list[Problem]:
    monitors = [str(item.get("name")) for _, item in _items(data.get("monitors"))]
    problems = []
    for index, step in _items(data.get("response")):
        monitor = step.get("monitor")
        if step.get("kind") == "acknowledge" and isinstance(monitor, str) and monitor not in monitors:
            hint = _closest(monitor, monitors)
            problems.append(Problem(("response", index, "monitor"), f"there is no monitor named {monitor!r}", hint))
    return problems
