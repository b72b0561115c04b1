"""Files written whole or not at all: every target checked, staged beside it, synced, then renamed into place.

The lowest layer of the library (it imports nothing of it but its errors): exports, spec sheets and the price
table all write through `write_atomically`.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import time
from pathlib import Path

from .errors import ConfiguratorError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


STALE_PART_S = 3600  # a staging file of ours older than this was left by a killed run: the next run removes it


def quoted(path: Path | str) -> str:
    """A path as messages show it: quoted, so a newline or an escape in a name cannot forge a line."""
    text = str(path)
    return repr(text) if not text.isprintable() or "'" in text or " " in text else f"'{text}'"


def _check_target(target: Path) -> None:
    """Refuse a target that is not a regular file (a device, a FIFO, a folder) or has no folder to go in."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ConfiguratorError(f"cannot write {quoted(target)}: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "a link" if stat.S_ISLNK(mode) else "not a regular file"
        raise ConfiguratorError(f"will not write over {quoted(target)}: it is {kind}")
    if not target.parent.is_dir():
        raise ConfiguratorError(f"cannot write {quoted(target)}: its folder does not exist")


def _remove_stale_parts(directory: Path, name: str) -> None:
    """Staging files of `name` that a killed run left behind (ours by their pattern, and old)."""
    now = time.time()
    for stale in directory.glob(f".{glob.escape(name)}.*.part"):
        try:
            if now - stale.stat().st_mtime > STALE_PART_S:
                stale.unlink()
        except OSError:
            continue


def write_atomically(files: dict[Path, bytes]) -> None:
    """Write every file or none. Every target is checked first (a regular file or nothing, in a folder that
    exists), every file staged beside its target, and only then are they renamed into place; should a rename fail,
    the files already replaced are put back. Staging files never outlive a failure."""
    targets = {Path(target): data for target, data in files.items()}
    for target in targets:
        _check_target(target)
    staged: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path | None]] = []
    try:
        for target, data in targets.items():
            directory = target.resolve().parent
            _remove_stale_parts(directory, target.name)
            handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
            staged.append((Path(temp), target))
            os.fchmod(handle, 0o666 & ~_umask())
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for temp, target in staged:
            backup = None
            if target.exists():  # keep the old file until every new one is in place
                handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.resolve().parent)
                os.close(handle)
                backup = Path(name)
                os.replace(target, backup)
            backups.append((target, backup))
            os.replace(temp, target)
    except OSError as exc:
        for target, backup in reversed(backups):  # undo: the targets as they were
            try:
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                pass
        name = exc.filename or "the export"
        raise ConfiguratorError(f"cannot write {quoted(name)}: {exc.strerror}; nothing was written") from None
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)
