"""Files written whole or not at all, as a set, even when the process writing them is killed half-way.

The lowest layer of the library (it imports nothing of it but its errors): exports, spec sheets and the price
table all write through `write_atomically`, which writes a set of files, in one folder or several, in six steps:

1. every target is checked (a regular file or nothing, in a folder that exists), and a write that a killed process
   left unfinished in any of those folders is settled first (`recover`);
2. a journal, `.configurator-write.<random>.journal`, goes into every folder of the set, each copy naming by their
   absolute paths every target, the hidden file its new content is staged in, and the backup that will keep its
   old content (or none: the target had no old file), and every copy of the journal;
3. every new file is written and synced beside its target (`.NAME.<random>.part`), and every old target gets a
   second name, its backup (`.NAME.<random>.part`, a hard link: nothing is copied and the old file stays put);
4. the journal is marked ready, with the identity (device, inode) of every staged file, and synced; the folders are
   synced, so a power cut cannot lose a staged file, a backup or the journal once a rename has been made;
5. the staged files are renamed over their targets one by one, and the folders synced again: the new set is in;
6. the backups and the journals are removed.

What a reader sees. Every target is at every moment a whole file, the old one or the new one: a rename replaces a
name at once and the old content keeps its second name. Between the first rename and the last the set is mixed
(the first targets new, the others old); a process killed there leaves it mixed, with the journal beside it saying
so, until `recover` runs for one of the set's folders, which every later `write_atomically` into one of them does
before anything else. Recovery rolls the set back (each backup renamed over its target, a target that had no old
file removed) unless every staged file was in place already (the kill came after step 5), when it rolls forward
(the backups removed); either way the targets are then the whole old set or the whole new set, and no staging
file, backup or journal of that write is left. A target someone replaced after the kill is left as they made it.
Where a folder cannot hold hard links the old file is renamed to its backup name just before its new one comes in:
there a reader can find a target missing for that moment, and after a kill until recovery.

A journal is locked (`flock`) by the process writing it for as long as it works, and a recovery locks every copy
before it acts: a locked journal belongs to a live process and is left alone; the lock dies with a killed process.
Staging files and backups that a journal names are never removed by age. Ones that no journal names (a power cut
can lose a journal's name before its files') are removed by the next write of their target once an hour old.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import json
import os
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfiguratorError

STALE_PART_S = 3600  # a staging file of ours older than this, that no journal names, was left by a killed run
JOURNAL_PATTERN = ".configurator-write.*.journal"  # hidden beside the targets, one in every folder of a set
_NO_DIRECTORY_SYNC = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}  # filesystems that cannot sync a folder


def quoted(path: Path | str) -> str:
    """A path as messages show it: quoted, so a newline or an escape in a name cannot forge a line."""
    text = str(path)
    return repr(text) if not text.isprintable() or "'" in text or " " in text else f"'{text}'"


@dataclass(frozen=True)
class _Entry:
    """One file of a set, every path absolute: where it goes, where its new content waits, where its old one is
    kept (None: there was no old file)."""

    target: Path
    staged: Path
    backup: Path | None


@dataclass
class _Journal:
    """A set being written, as its journal records it. `staged_ids` (device, inode of each staged file) is set once
    the journal is marked ready: only then may a staged file have been renamed over its target."""

    entries: list[_Entry]
    copies: list[Path]
    staged_ids: list[tuple[int, int]] | None = None

    def header(self) -> bytes:
        files = [[str(entry.target), str(entry.staged), None if entry.backup is None else str(entry.backup)]
                 for entry in self.entries]
        return json.dumps({"files": files, "journals": [str(copy) for copy in self.copies]}).encode("ascii") + b"\n"

    def ready(self) -> bytes:
        return json.dumps({"ready": self.staged_ids}).encode("ascii") + b"\n"


def _parse(data: bytes) -> _Journal | None:
    """A journal read back; None if its first line was cut short (its writer died before it made any other file).
    A ready line cut short is no ready line: the renames begin only once it is whole and synced."""
    lines = data.split(b"\n")
    try:
        head = json.loads(lines[0]) if len(lines) > 1 else None
        entries = [_Entry(Path(target), Path(staged), None if backup is None else Path(backup))
                   for target, staged, backup in head["files"]]
        journal = _Journal(entries, [Path(copy) for copy in head["journals"]])
    except (TypeError, ValueError, KeyError):
        return None
    if len(lines) > 2:
        try:
            staged_ids = [(int(device), int(inode)) for device, inode in json.loads(lines[1])["ready"]]
        except (TypeError, ValueError, KeyError):
            staged_ids = None
        if staged_ids is not None and len(staged_ids) == len(entries):
            journal.staged_ids = staged_ids
    return journal


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _still_named(path: Path, handle: int) -> bool:
    """Whether `path` still names the file open as `handle` (a journal another process removed is not)."""
    status = os.fstat(handle)
    return _identity(path) == (status.st_dev, status.st_ino)


def _sync_folder(folder: Path) -> None:
    """Make the names in a folder (renames, new files) survive a power cut, in the order they were made."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in _NO_DIRECTORY_SYNC:
            raise
    finally:
        os.close(handle)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]


def _unlink(path: Path | None) -> None:
    if path is not None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _part_name(target: Path) -> Path:
    """A hidden name beside `target` for its staged or its old content (`.NAME.<random>.part`)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")


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


def _named_by_journals(folder: Path) -> set[Path]:
    """Every staging file and backup that a journal in `folder` names (a live write's, or one not yet settled)."""
    named: set[Path] = set()
    for path in folder.glob(JOURNAL_PATTERN):
        try:
            journal = _parse(path.read_bytes())
        except OSError:
            continue
        for entry in journal.entries if journal is not None else ():
            named.update(part for part in (entry.staged, entry.backup) if part is not None)
    return named


def _remove_stale_parts(folder: Path, name: str) -> None:
    """Staging files of `name` that a killed run left behind (ours by their pattern, an hour old, and named by no
    journal: a backup is a hard link to the old file and carries its age, however new the link). The journals are
    read after the files are listed, and a journal is always made before its files and removed after them, so a
    live write's files are never taken for stale."""
    now = time.time()
    stale = []
    for part in folder.glob(f".{glob.escape(name)}.*.part"):
        try:
            if now - part.stat().st_mtime > STALE_PART_S:
                stale.append(part)
        except OSError:
            continue
    named = _named_by_journals(folder) if stale else set()
    for part in stale:
        if part not in named:
            try:
                part.unlink()
            except OSError:
                continue


def _lock(path: Path) -> tuple[int | None, bool]:
    """A journal opened and locked: (handle, False); (None, True) if a live process holds it; (None, False) if it
    is gone (settled by another process meanwhile)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None, False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return None, True
    if not _still_named(path, handle):
        os.close(handle)
        return None, False
    return handle, False


def _claim(path: Path, handles: list[int]) -> _Journal | None:
    """The journal at `path` with every copy of it locked (handles appended), or None when it is not a dead
    write's: gone, or a live process holds a copy. A journal cut short is removed here."""
    handle, busy = _lock(path)
    if handle is None:
        return None
    handles.append(handle)
    with os.fdopen(os.dup(handle), "rb") as stream:
        journal = _parse(stream.read())
    if journal is None:  # its writer died writing it, before it made any other file
        _unlink(path)
        return None
    for copy in journal.copies:
        if copy == path:
            continue
        handle, busy = _lock(copy)
        if busy:
            return None
        if handle is not None:
            handles.append(handle)
            if journal.staged_ids is None:  # the ready mark may have reached one copy and not the other
                with os.fdopen(os.dup(handle), "rb") as stream:
                    other = _parse(stream.read())
                if other is not None and other.staged_ids is not None:
                    journal.staged_ids = other.staged_ids
    return journal


def _settle(journal: _Journal, forward: bool = True) -> None:
    """Bring a set to all new (every staged file was in place: the backups go; not when `forward` is False, as for
    a write that failed) or else all old, then remove every file of the write and its journals. Safe to repeat
    after a kill at any point of it: every target is put back before the first staged file is removed, so while a
    target may still need putting back a staged file remains, and a repeat rolls back again."""
    entries = journal.entries
    if forward and journal.staged_ids is not None and not any(os.path.lexists(e.staged) for e in entries):
        for entry in entries:
            _unlink(entry.backup)
    else:
        for entry, staged_id in zip(entries, journal.staged_ids or [None] * len(entries), strict=True):
            if staged_id is None:  # not marked ready: no target was touched
                continue
            current = _identity(entry.target)
            if entry.backup is None:
                if current == staged_id:  # a new file where there was none: it goes
                    os.unlink(entry.target)
            elif os.path.lexists(entry.backup):
                if current is not None and current == _identity(entry.backup):
                    continue  # the old file is still in place (its backup is a second name of it)
                if current is None or current == staged_id:  # not a file someone wrote after the kill
                    os.replace(entry.backup, entry.target)
        for entry in entries:
            _unlink(entry.staged)
        for entry in entries:
            _unlink(entry.backup)
    for folder in dict.fromkeys(entry.target.parent for entry in entries):
        if folder.is_dir():  # a folder removed since has nothing left to settle
            _sync_folder(folder)  # the set as settled, before the journals that could settle it again go
    for copy in journal.copies:
        _unlink(copy)


def recover(directory: Path | str) -> int:
    """Settle every write that a killed process left unfinished in `directory` (a journal there, named
    `.configurator-write.*.journal`): its targets, wherever they are, become the whole old set, or the whole new
    set if every new file was in place already, and its staging files, backups and journals are removed. A write
    whose process is alive is left alone. Returns how many writes were settled. `write_atomically` runs this for
    every folder it writes into; call it yourself to read a folder's files as one set right after a kill."""
    settled = 0
    for path in sorted(Path(directory).resolve().glob(JOURNAL_PATTERN)):
        handles: list[int] = []
        try:
            journal = _claim(path, handles)
            if journal is not None:
                _settle(journal)
                settled += 1
        except OSError as exc:
            raise ConfiguratorError(f"cannot finish the interrupted write of {quoted(path)}: {exc.strerror}; "
                                    "remove it and the files it names by hand") from None
        finally:
            for handle in handles:
                os.close(handle)
    return settled


def _create_journal(path: Path, header: bytes) -> int:
    """A journal copy made, locked and written; the handle keeps the lock. A recovery that found it empty before
    the lock was taken may have removed it as a dead write's: then it is made again."""
    for _ in range(3):
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
        fcntl.flock(handle, fcntl.LOCK_EX)
        if _still_named(path, handle):
            try:
                _write_all(handle, header)
            except OSError:
                os.close(handle)
                raise
            return handle
        os.close(handle)
    raise OSError(errno.EAGAIN, "its journal was removed while being made", str(path))


def _stage(path: Path, data: bytes) -> None:
    """The new content, written and synced under its hidden name (permissions as the umask gives a new file)."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        _write_all(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)


def write_atomically(files: dict[Path, bytes]) -> None:
    """Write every file or none, even if the process is killed half-way (see the module's steps; a reader sees
    each target whole at every moment, and the set as one once `recover` or the next write into a folder of it has
    run). Every target is checked first (a regular file or nothing, in a folder that exists), every file staged
    beside its target, and only then are they renamed into place; should anything fail, the files already replaced
    are put back. Staging files never outlive a failure."""
    targets = {Path(target): data for target, data in files.items()}
    for target in targets:
        _check_target(target)
    plan = [(target.parent.resolve() / target.name, data) for target, data in targets.items()]
    folders = list(dict.fromkeys(target.parent for target, _ in plan))
    for folder in folders:
        recover(folder)
    for target, _ in plan:
        _remove_stale_parts(target.parent, target.name)
    token = secrets.token_hex(6)
    journal = _Journal([_Entry(target, _part_name(target), _part_name(target) if os.path.lexists(target) else None)
                        for target, _ in plan],
                       [folder / f".configurator-write.{token}.journal" for folder in folders])
    handles: list[int] = []
    try:
        try:
            for copy in journal.copies:
                handles.append(_create_journal(copy, journal.header()))
            renamed_away = set()  # old files with no second name: renamed to their backup at their turn
            for entry, (_, data) in zip(journal.entries, plan, strict=True):
                _stage(entry.staged, data)
                if entry.backup is not None:
                    try:
                        os.link(entry.target, entry.backup)
                    except FileExistsError:
                        raise
                    except OSError:  # no hard links in this folder
                        renamed_away.add(entry)
            journal.staged_ids = [_identity(entry.staged) for entry in journal.entries]
            for handle in handles:
                _write_all(handle, journal.ready())
                os.fsync(handle)
            for folder in folders:
                _sync_folder(folder)
            for entry in journal.entries:
                if entry in renamed_away:
                    os.replace(entry.target, entry.backup)
                os.replace(entry.staged, entry.target)
        except OSError as exc:
            try:
                _settle(journal, forward=False)
                undone = "nothing was written"
            except OSError:
                undone = f"the old files come back with the next write into {quoted(folders[0])}"
            raise ConfiguratorError(f"cannot write {quoted(_target_of(exc, journal))}: {exc.strerror}; {undone}"
                                    ) from None
        try:
            for folder in folders:
                _sync_folder(folder)
        except OSError as exc:
            raise ConfiguratorError(f"wrote the files, but cannot sync {quoted(exc.filename or folders[0])}: "
                                    f"{exc.strerror}; they may not survive a power cut") from None
        finally:
            for entry in journal.entries:  # the new set is in: what kept the old one goes, then the journals
                _unlink_quietly(entry.backup)
            for copy in journal.copies:
                _unlink_quietly(copy)
    finally:
        for handle in handles:
            os.close(handle)


def _unlink_quietly(path: Path | None) -> None:
    """Clean-up after the new set is in: a file that will not go is settled (forward) by the next write."""
    try:
        _unlink(path)
    except OSError:
        pass


def _target_of(exc: OSError, journal: _Journal) -> str:
    """The file a message names: the target, not the hidden name of its staged or old content or of a journal."""
    name = exc.filename
    for entry in journal.entries:
        if name is not None and str(name) in (str(entry.staged), str(entry.backup)):
            return str(entry.target)
    for copy in journal.copies:
        if name is not None and str(name) == str(copy):
            return str(next(entry.target for entry in journal.entries if entry.target.parent == copy.parent))
    return name or "the export"
