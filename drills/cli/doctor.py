"""``drillbit doctor``: which binaries were found, their versions, what is missing, and whether a Docker engine
answers (only the docker runtime needs one, so its absence is said, not counted against the machine).

Besides the servers, it checks every program the runbooks' shell blocks call, looked up on the PATH a drill's
shell steps get (``psql`` and ``redis-cli`` beside the servers first), so a missing ``jq`` shows here, not as an
exit code 127 in the middle of a drill.
"""

from __future__ import annotations

import platform
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from drills.errors import MissingBinaryError, ScenarioError
from drills.language.files import read_text
from drills.language.runbook import parse_runbook
from drills.runtimes.docker.engine import engine_answers
from drills.runtimes.local.drivers.postgres_template import templates_root
from drills.runtimes.local.privileges import service_account
from drills.world.binaries import Binary, companion, find_postgres, find_redis
from drills.world.env import shell_env
from drills.world.home import RAM_FOLDER, worlds_root

RUNBOOKS: Final = Path("scenarios/runbooks")
SHELL_LANGUAGES: Final = frozenset({"sh", "bash", "shell", "zsh", "console"})
THIS_PROGRAM: Final = "drillbit"
SHOWN_USES: Final = 3
# Words that run no program themselves but may come before one (`if curl ...`, `! grep ...`).
_PREFIXES: Final = frozenset({"!", "{", "do", "elif", "else", "exec", "if", "then", "time", "until", "while"})
# Words after which the rest of the command runs no program (`for x in a b`, `case $x in`), or that end a block.
_NOT_COMMANDS: Final = frozenset({"}", "[[", "case", "done", "esac", "fi", "for", "function", "in", "select"})
_BUILTIN_NAMES: Final = (
    ". : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown echo "
    "enable eval exit export false fc fg getopts hash help history jobs kill let local logout mapfile popd printf "
    "pushd pwd read readarray readonly return set shift shopt source suspend test times trap true type typeset "
    "ulimit umask unalias unset wait"
)
_BUILTINS: Final = frozenset(_BUILTIN_NAMES.split())
_ASSIGNMENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^]]*\])?\+?=")
_REDIRECTION: Final = re.compile(r"\d*(?:[<>]|&>)")
_BARE_REDIRECTION: Final = re.compile(r"\d*(?:<<-?|<<<|>>|>\||<>|[<>]&?|&>>?)")
_WORD_END: Final = " \t\n;&|()"


@dataclass(frozen=True)
class Call:
    """A program a script runs, and the line (counted from 1) of the command that runs it."""

    program: str
    line: int


def shell_programs(code: str) -> list[Call]:
    """The programs a shell script calls, in the order their commands start.

    A command's program is the first word of each pipeline segment (after ``|``, ``&&``, ``||``, ``;``, a newline,
    ``$(`` or a backquote), after variable assignments and redirections, and after keywords such as ``if``.
    Builtins, keywords and words that are not known until the script runs (``$TOOL``) are not programs.
    """
    scanner = _Scanner(code)
    scanner.script()
    calls = [_program(words) for words in scanner.commands]
    return sorted((call for call in calls if call is not None), key=lambda call: call.line)


def console_commands(code: str) -> str:
    """A ``console`` block's commands (``$ `` lines and their continuations), the output lines blanked.

    A block with no ``$ `` prompt is a script as it stands. Lines keep their numbers.
    """
    lines = code.splitlines()
    if not any(line.startswith("$ ") for line in lines):
        return code
    kept, continued = [], False
    for line in lines:
        command = line[2:] if line.startswith("$ ") else line if continued else ""
        continued = bool(command) and command.endswith("\\")
        kept.append(command)
    return "\n".join(kept) + "\n"


def runbook_programs(directory: Path) -> dict[str, list[str]]:
    """Every program the shell blocks of ``directory``'s runbooks (``*.md``) call, with each ``name.md:line``."""
    uses: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.md")):
        sections = parse_runbook(read_text(path)).sections
        blocks = sorted({block.line: block for section in sections for block in section.blocks}.items())
        for opening, block in blocks:
            if block.language not in SHELL_LANGUAGES:
                continue
            code = console_commands(block.code) if block.language == "console" else block.code
            for call in shell_programs(code):
                uses.setdefault(call.program, []).append(f"{path.name}:{opening + call.line}")
    return uses


def _program(words: list[tuple[str, int]]) -> Call | None:
    after_redirection = False
    for word, line in words:
        if after_redirection or _REDIRECTION.match(word) or _ASSIGNMENT.match(word) or word in _PREFIXES:
            after_redirection = not after_redirection and _BARE_REDIRECTION.fullmatch(word) is not None
            continue
        if word in _NOT_COMMANDS or word in _BUILTINS or "$" in word or "`" in word or not word:
            return None
        return Call(word, line)
    return None


class _Scanner:
    """Splits shell code into simple commands: each a list of its words (quotes removed) with their lines.

    ``$(...)`` and backquotes, in words or in double quotes, are read as scripts of their own, and the word keeps
    a ``$`` in their place. Here-document bodies are skipped; ``$((...))`` arithmetic is not a command.
    """

    def __init__(self, code: str) -> None:
        self.code = code
        self.at = 0
        self.line = 1
        self.commands: list[list[tuple[str, int]]] = []
        self.here_documents: list[str] = []
        self.closers: list[str] = []

    def script(self, closer: str = "") -> None:
        """Reads commands up to ``closer`` (``)`` or a backquote, consumed) or the end of the code."""
        words: list[tuple[str, int]] = []
        subshells = 0
        while self.at < len(self.code):
            char = self.code[self.at]
            ends_subshell = char == ")" and subshells > 0
            if ends_subshell:
                subshells -= 1
            elif char == closer:
                self.at += 1
                break
            elif char in " \t" or self.code.startswith("\\\n", self.at):
                self._advance(2 if char == "\\" else 1)
                continue
            elif char == "#":
                self._skip_to("\n")
                continue
            elif char == "(" and self.code.startswith("((", self.at):
                self._skip_arithmetic()
                continue
            elif char == "(" and not words:
                subshells += 1
            elif char not in _WORD_END:
                line = self.line
                words.append((self._word(), line))
                continue
            # An operator ends the command; words before `(` or an unopened `)` are a function or a case pattern.
            if char not in "()" or ends_subshell:
                self.commands.append(words)
            words = []
            self._operator(char)
        self.commands.append(words)

    def _operator(self, char: str) -> None:
        self._advance(1)
        if char in ";&|" and self.at < len(self.code) and self.code[self.at] in (char + "&" if char == "|" else char):
            self._advance(1)
        if char == "\n":
            self._skip_here_documents()

    def _word(self) -> str:
        text: list[str] = []
        while self.at < len(self.code):
            char = self.code[self.at]
            if char in _WORD_END and not (char == "&" and text and text[-1] in ("<", ">")):
                break
            if char == "`" and self.closers[-1:] == ["`"]:
                break
            if char == "\\":
                text.append(self.code[self.at + 1 : self.at + 2].strip("\n"))
                self._advance(2)
            elif char == "'":
                self._advance(1)
                start = self.at
                self._skip_to("'")
                text.append(self.code[start : self.at])
                self._advance(1)
            elif char == '"':
                self._advance(1)
                text.append(self._double_quoted())
            else:
                text.append(self._expansion() if char in "$`" else char)
                if char not in "$`":
                    self._advance(1)
        word = "".join(text)
        self._note_here_document(word)
        return word

    def _double_quoted(self) -> str:
        text: list[str] = []
        while self.at < len(self.code) and self.code[self.at] != '"':
            char = self.code[self.at]
            if char == "\\":
                text.append(self.code[self.at + 1 : self.at + 2])
                self._advance(2)
            elif char in "$`":
                text.append(self._expansion())
            else:
                text.append(char)
                self._advance(1)
        self._advance(1)
        return "".join(text)

    def _expansion(self) -> str:
        """At a ``$`` or a backquote: reads a command substitution as a script, anything else as one character."""
        if self.code.startswith("$((", self.at):
            self._advance(1)
            self._skip_arithmetic()
        elif self.code.startswith("$(", self.at) or self.code[self.at] == "`":
            closer = ")" if self.code[self.at] == "$" else "`"
            self._advance(2 if closer == ")" else 1)
            self.closers.append(closer)
            self.script(closer)
            self.closers.pop()
        else:
            self._advance(1)
        return "$"

    def _skip_arithmetic(self) -> None:
        depth = 0
        while self.at < len(self.code):
            char = self.code[self.at]
            self._advance(1)
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                break

    def _note_here_document(self, word: str) -> None:
        if self.here_documents and self.here_documents[-1] == "<<":
            self.here_documents[-1] = word
        elif word.startswith("<<") and not word.startswith("<<<"):
            self.here_documents.append(word.removeprefix("<<").removeprefix("-") or "<<")

    def _skip_here_documents(self) -> None:
        while self.here_documents:
            delimiter = self.here_documents.pop(0)
            while self.at < len(self.code):
                end = self.code.find("\n", self.at)
                end = len(self.code) if end < 0 else end
                line = self.code[self.at : end]
                self._advance(end + 1 - self.at)
                if line.strip() == delimiter:
                    break

    def _skip_to(self, char: str) -> None:
        while self.at < len(self.code) and self.code[self.at] != char:
            self._advance(1)

    def _advance(self, count: int) -> None:
        self.line += self.code.count("\n", self.at, self.at + count)
        self.at = min(self.at + count, len(self.code))


def _row(table: Table, what: str, found: str, detail: str, ok: bool) -> bool:
    table.add_row(what, "[green]ok[/]" if ok else "[red]missing[/]", found, detail)
    return ok


def _server(table: Table, finder: str) -> Binary | None:
    try:
        binary = find_postgres() if finder == "postgres" else find_redis()
    except MissingBinaryError as error:
        _row(table, finder, "-", str(error), False)
        return None
    _row(table, binary.name, str(binary.path), f"{binary.version} ({binary.source})", True)
    return binary


def _docker_engine(table: Table) -> None:
    """Whether a Docker engine answers: the docker runtime needs one, the local runtime does not."""
    reason = engine_answers()
    if reason is None:
        table.add_row("docker engine", "[green]ok[/]", "answers", "`--runtime docker` can run worlds as containers")
    else:
        table.add_row("docker engine", "[yellow]none[/]", "-", escape(reason))


def report(console: Console, runbooks: Path = RUNBOOKS) -> bool:
    """Prints the tables; True when everything the local runtime and the runbooks need is there."""
    table = Table(title="drillbit doctor")
    for column in ("what", "status", "found", "detail"):
        table.add_column(column)
    _row(table, "python", platform.python_version(), platform.python_implementation(), True)
    ok = True
    for name, tool in (("postgres", "psql"), ("redis", "redis-cli")):
        server = _server(table, name)
        ok = ok and server is not None
        path = companion(server, tool) if server else None
        _row(table, tool, str(path or "-"), "for `drillbit shell`", path is not None)
    account = service_account()
    who = "the current user" if account is None else f"uid {account.uid} (the harness runs as root)"
    _row(table, "servers run as", who, "Postgres refuses to run as root", True)
    root = worlds_root()
    memory = "in memory (tmpfs)" if root.is_relative_to(RAM_FOLDER.resolve()) else "on disk"
    _row(table, "worlds folder", str(root), f"world files and logs, {memory}", True)
    templates = [made for made in templates_root().glob("cluster-*") if ".partial-" not in made.name]
    made = f"{len(templates)} made" if templates else "none yet: the first world makes one"
    _row(table, "postgres templates", str(templates_root()), f"{made}; each world copies one", True)
    _docker_engine(table)
    console.print(table)
    return runbook_report(console, runbooks) and ok


def runbook_report(console: Console, runbooks: Path = RUNBOOKS) -> bool:
    """Prints each program the runbooks call and where it was found; True when every one was."""
    if not runbooks.is_dir():
        where = escape(str(runbooks))
        console.print(f"[yellow]no runbooks in {where}[/]: run `drillbit doctor` beside scenarios/ to check them")
        return True
    try:
        uses = runbook_programs(runbooks)
    except ScenarioError as error:
        console.print(f"[red]error:[/] {escape(str(error))}")
        return False
    table = Table(title=f"programs the runbooks in {escape(str(runbooks))} call")
    for column in ("program", "status", "found", "called at"):
        table.add_column(column)
    search_path = shell_env({})["PATH"]
    missing = []
    for program, places in sorted(uses.items()):
        found = shutil.which(program, path=search_path) or ("(this program)" if program == THIS_PROGRAM else None)
        more = f" and {len(places) - SHOWN_USES} more" if len(places) > SHOWN_USES else ""
        _row(table, escape(program), found or "-", escape(", ".join(places[:SHOWN_USES]) + more), found is not None)
        if found is None:
            missing.append(program)
    console.print(table)
    if missing:
        hint = "Hint: install them; a runbook step that calls one fails with exit code 127"
        console.print(f"[red]not found on PATH:[/] {escape(', '.join(missing))}. {hint}", soft_wrap=True)
    return not missing
