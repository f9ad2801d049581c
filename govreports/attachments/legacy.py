"""Legacy binary formats (doc, wps, et, and xls as a fallback) through real converters.

LibreOffice headless turns them into OOXML, which the DOCX/XLSX readers then handle,
so merged cells and tables survive.  ``antiword`` is the fallback for .doc when
LibreOffice is absent: plain text only (its "|cell|cell|" table lines are read back
as grids).  Each conversion runs in a private temporary directory under a fixed
file name, with a LibreOffice profile no other running conversion uses (a shared one
locks up when two conversions run at once), inside its own process group so a timeout
kills it all.  Inside the extraction worker a conversion also ends before the file's
time limit (:func:`set_deadline`): the worker's own kill would not reach a converter
in its own process group.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_TIMEOUT = 120  # s; a healthy conversion of a report takes 2–10 s

_deadline: float | None = None  # time.monotonic() by which every conversion must be over


class ConversionError(RuntimeError):
    pass


class ConversionTimeout(ConversionError):
    """The converter ran out of time (its own timeout or the file's time limit)."""


def set_deadline(deadline: float | None) -> None:
    """End every later conversion by this ``time.monotonic()`` (None: no deadline)."""
    global _deadline
    _deadline = deadline


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(cmd: list[str], timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    if _deadline is not None:
        timeout = min(timeout, _deadline - time.monotonic())
        if timeout <= 0:
            raise ConversionTimeout(f"no time left to run {Path(cmd[0]).name} (the file's time limit)")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice forks soffice.bin: kill the group
        proc.communicate()
        raise ConversionTimeout(f"{Path(cmd[0]).name} timed out after {timeout:.0f}s")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@contextmanager
def _profile_dir() -> Iterator[Path]:
    """A LibreOffice profile directory for this conversion alone, reused across
    conversions and processes (creating a fresh profile costs seconds per file): the
    first slot whose lock file no one holds; slots grow only with concurrency."""
    base = Path(tempfile.gettempdir())
    for slot in itertools.count():
        lock = open(base / f"govreports-lo-profile-{os.getuid()}-{slot}.lock", "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        try:
            yield base / f"govreports-lo-profile-{os.getuid()}-{slot}"
        finally:
            lock.close()  # releases the lock
        return


def libreoffice_convert(data: bytes, src_ext: str, target: str, timeout: int = DEFAULT_TIMEOUT) -> bytes:
    """Convert bytes with ``soffice --headless --convert-to <target>``; returns the output bytes."""
    binary = soffice_binary()
    if not binary:
        raise ConversionError("LibreOffice (soffice) not installed")
    with tempfile.TemporaryDirectory(prefix="govreports-convert-") as tmp:
        src = Path(tmp) / f"input.{src_ext}"  # never the server's file name
        src.write_bytes(data)
        env = dict(os.environ, HOME=tmp)  # LibreOffice writes under $HOME otherwise
        with _profile_dir() as profile:
            res = _run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--nolockcheck", "--convert-to", target, "--outdir", tmp, str(src)], timeout, env)
        out = Path(tmp) / f"input.{target.split(':')[0]}"
        if not out.exists() or out.stat().st_size == 0:
            detail = (res.stderr or res.stdout).decode("utf-8", "replace").strip()[:300]
            raise ConversionError(f"LibreOffice could not convert the .{src_ext} file ({detail or 'no output'})")
        return out.read_bytes()


def antiword_text(data: bytes, timeout: int = 60) -> str:
    binary = shutil.which("antiword")
    if not binary:
        raise ConversionError("antiword not installed")
    with tempfile.TemporaryDirectory(prefix="govreports-antiword-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        res = _run([binary, "-m", "UTF-8.txt", "-w", "0", str(src)], timeout)
    if res.returncode != 0:
        raise ConversionError("antiword: " + res.stderr.decode("utf-8", "replace").strip()[:300])
    return res.stdout.decode("utf-8", "replace")


def antiword_tables(text: str) -> list[list[list[str]]]:
    """antiword prints table rows as "|a   |b   |": read consecutive rows back as grids."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.split("\n") + [""]:
        s = line.strip()
        if s.startswith("|") and s.endswith("|") and len(s) > 1:
            current.append([c.strip() for c in s[1:-1].split("|")])
        elif current:
            width = max(len(r) for r in current)
            tables.append([r + [""] * (width - len(r)) for r in current])
            current = []
    return tables


def antiword_plain(text: str) -> str:
    """antiword's table lines rewritten in the " | " form the rest of the project reads."""
    return "\n".join(
        " | ".join(c.strip() for c in l.strip()[1:-1].split("|")) if re.match(r"^\s*\|.*\|\s*$", l) else l
        for l in text.split("\n")
    )
