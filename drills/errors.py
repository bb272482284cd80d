"""Every error drillbit raises on purpose, and the exit code the CLI gives it.

    DrillbitError                     exit 1 unless said otherwise
    ├── InputError                    exit 2: the user's input is wrong
    │   ├── ScenarioError             a scenario file: `file:line: message`
    │   ├── UnknownScenarioError      an id that no scenario file has
    │   ├── UnresolvedReferenceError  a `{reference}` that nothing in the drill provides
    │   ├── ReportError               a report.json that cannot be read back
    │   └── UnknownNameError          a service, setting, backup or running world that does not exist
    ├── WorldError                    a world could not come up, or a service misbehaved
    │   ├── ServiceStartError         one service did not become healthy (with its last log lines)
    │   ├── RedeployFailedError       a service the deploy tool redeployed did not start (and what became of it)
    │   ├── MissingBinaryError        a server binary (postgres, redis-server) was not found
    │   └── TargetRefusedError        a fault or step aimed outside the world's own services
    ├── FaultError                    injecting or reverting a fault failed
    └── ProbeError                    a probe could not be evaluated (not the same as "did not hold")

    FormatWarning                     (a warning) a file of an earlier format version, still read

Messages end with a ``Hint:`` line when the user can do something about it; :func:`did_you_mean` writes the
hint for a mistyped name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable


class DrillbitError(Exception):
    """The root of every error drillbit raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\nHint: {self.hint}"


class InputError(DrillbitError):
    """The user's input is wrong: exit code 2."""

    exit_code = 2


class ScenarioError(InputError):
    """A scenario file is malformed; says where as `file:line: message`."""

    def __init__(self, path: str, line: int | None, message: str, *, hint: str | None = None) -> None:
        self.path = path
        self.line = line
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}", hint=hint)


class UnknownScenarioError(InputError):
    """No scenario has the id asked for."""


class UnresolvedReferenceError(InputError):
    """A scenario's ``{reference}`` names a value that neither the world nor an earlier step provides."""

    def __init__(self, reference: str, message: str, *, hint: str | None = None) -> None:
        self.reference = reference
        super().__init__(message, hint=hint)


class ReportError(InputError):
    """A saved report cannot be read back."""


class UnknownNameError(InputError):
    """A service, setting, backup or running world named by the user does not exist; the hint names those that do."""


class WorldError(DrillbitError):
    """A world could not come up, or one of its services misbehaved."""


class ServiceStartError(WorldError):
    """A service did not become healthy in time."""

    def __init__(self, service: str, reason: str, log_tail: str = "", *, hint: str | None = None) -> None:
        self.service = service
        self.log_tail = log_tail
        detail = f"\n--- last lines of {service}'s log ---\n{log_tail}" if log_tail else ""
        super().__init__(f"service {service!r} did not start: {reason}{detail}", hint=hint)


class RedeployFailedError(WorldError):
    """A service the deploy tool redeployed did not start; ``rollback`` says how the deploy tool answered that."""

    def __init__(self, failure: ServiceStartError, rollback: str) -> None:
        self.failure = failure.message.splitlines()[0]
        self.rollback = rollback
        detail = f"\n--- last lines of {failure.service}'s log ---\n{failure.log_tail}" if failure.log_tail else ""
        super().__init__(f"{self.failure}\n{rollback}{detail}", hint=failure.hint)


class MissingBinaryError(WorldError):
    """A server binary the world needs was not found."""


class TargetRefusedError(WorldError):
    """An action was aimed at something outside the world's own services."""


class FaultError(DrillbitError):
    """Injecting or reverting a fault failed."""


class ProbeError(DrillbitError):
    """A probe could not be evaluated at all."""


class FormatWarning(UserWarning):
    """A file written in an earlier version of its format: it is still read, and the message says what to change."""


def did_you_mean(
    word: str, choices: Iterable[str], *, show: Callable[[str], str] = repr, most: int = 1, ignore_case: bool = False
) -> str | None:
    """``did you mean 'x'?``, naming the choices closest to ``word`` (at most ``most``); None when none is close."""

    def key(text: str) -> str:
        return text.casefold() if ignore_case else text

    by_key = {key(choice): choice for choice in choices}
    close = difflib.get_close_matches(key(word), list(by_key), n=most)
    if not close:
        return None
    return "did you mean " + " or ".join(show(by_key[found]) for found in close) + "?"
