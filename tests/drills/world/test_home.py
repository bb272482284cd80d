"""Where worlds keep their files: DRILLBIT_HOME when set, else memory when the machine has a roomy tmpfs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from drills.world import home


def ram_folder_usable() -> bool:
    return home._roomy_tmpfs(home.RAM_FOLDER)


def test_a_folder_on_disk_is_not_taken_for_memory(tmp_path: Path) -> None:
    assert home._roomy_tmpfs(tmp_path) is False


def test_a_folder_that_does_not_exist_is_not_taken_for_memory(tmp_path: Path) -> None:
    assert home._roomy_tmpfs(tmp_path / "nowhere") is False


@pytest.mark.skipif(not ram_folder_usable(), reason="this machine has no tmpfs at /dev/shm with 1 GiB of room")
def test_worlds_live_in_memory_by_default_when_there_is_room(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRILLBIT_HOME", raising=False)

    assert home.worlds_root() == Path("/dev/shm/drillbit/worlds").resolve()


def test_worlds_live_in_the_temporary_folder_when_memory_has_too_little_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRILLBIT_HOME", raising=False)
    monkeypatch.setattr(home, "RAM_FOLDER", tmp_path / "shm")  # a folder, not a tmpfs of its own
    (tmp_path / "shm").mkdir()

    assert home.default_home() == Path(tempfile.gettempdir()) / "drillbit"


def test_worlds_stay_in_memory_once_they_live_there_whatever_its_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRILLBIT_HOME", raising=False)
    monkeypatch.setattr(home, "RAM_FOLDER", tmp_path / "shm")
    (tmp_path / "shm" / "drillbit").mkdir(parents=True)

    assert home.default_home() == tmp_path / "shm" / "drillbit"


def test_drillbit_home_says_where_worlds_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRILLBIT_HOME", str(tmp_path / "here"))

    assert (home.worlds_root(), home.install_cache()) == (
        (tmp_path / "here" / "worlds").resolve(),
        (tmp_path / "here" / "cache").resolve(),
    )


def test_the_install_cache_is_never_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRILLBIT_HOME", raising=False)

    assert home.install_cache() == (Path(tempfile.gettempdir()) / "drillbit" / "cache").resolve()


def test_the_user_cache_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    assert home.user_cache("list") == tmp_path / "drillbit" / "list"


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", "/home/someone")

    assert home.user_cache("list") == Path("/home/someone/.cache/drillbit/list")
    assert os.path.isabs(str(home.user_cache("list")))


@pytest.mark.skipif(not ram_folder_usable(), reason="this machine has no tmpfs at /dev/shm with 1 GiB of room")
def test_a_tmpfs_without_the_room_asked_for_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home, "RAM_ROOM_BYTES", 1 << 62)

    assert home._roomy_tmpfs(home.RAM_FOLDER) is False
