"""The play terminal: lines typed by the responder, and what the harness shows them, from any thread.

Typed lines are read on a thread of their own, so the session can wait for input and for the world at once: a
page arrives while the responder is typing, and a recovery is noticed while nobody types anything. Standard
input may be a terminal, a pipe or a pseudo-terminal; a closed input is the end of the session.
"""

from __future__ import annotations

import queue
import threading
from typing import Final, TextIO

from rich.console import Console, RenderableType


class InputClosed:
    """The responder's input ended (end of file, or the terminal went away)."""


CLOSED: Final = InputClosed()


class PlayTerminal:
    """Reads the responder's lines in the background and writes to the console one renderable at a time."""

    def __init__(self, source: TextIO, console: Console) -> None:
        self.console = console
        self._source = source
        self._lines: queue.Queue[str | InputClosed] = queue.Queue()
        self._write = threading.Lock()
        self._interactive = source.isatty()
        self._reader: threading.Thread | None = None

    def start(self) -> None:
        self._reader = threading.Thread(target=self._read_lines, name="play-input", daemon=True)
        self._reader.start()

    def _read_lines(self) -> None:
        try:
            for line in self._source:
                self._lines.put(line.rstrip("\r\n"))
        except (OSError, ValueError):  # the terminal went away, or its file was closed under us
            pass
        self._lines.put(CLOSED)

    def read(self, timeout: float) -> str | InputClosed | None:
        """The next typed line, CLOSED once input ended, or None if nothing came within ``timeout`` seconds."""
        try:
            return self._lines.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def show(self, *renderables: RenderableType, bell: bool = False) -> None:
        """Prints, whole, without another thread's output cutting into it."""
        with self._write:
            if bell:
                self.console.bell()
            for renderable in renderables:
                self.console.print(renderable)

    def say(self, text: str, style: str | None = None) -> None:
        """One line of plain text (never read as markup: it may hold a command's output)."""
        with self._write:
            self.console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)

    def prompt(self) -> None:
        """Shows the prompt on a terminal; a pipe or a test gets none, so its output stays whole lines."""
        if self._interactive:
            with self._write:
                self.console.print("[bold]play>[/] ", end="")
