"""Attachment extraction in a child process, under a time and a memory limit.

PDF, Word, Excel, zip and OCR work on files from the web is run by
``python -m govreports.attachments.worker``, a fresh interpreter per file (never a
fork of the crawling process):

* the parent writes the request (file path, name hint, OCR flag, :class:`Limits`)
  as JSON to the child's stdin and reads the :class:`Extraction` back as JSON from
  a temporary file (capped at :data:`MAX_RESULT_BYTES`);
* the child limits its own address space (``RLIMIT_AS`` = ``memory_mib``) and CPU
  time (``RLIMIT_CPU`` ≈ ``timeout``) before reading the file; LibreOffice,
  antiword, pdftoppm and Tesseract inherit both, and every conversion ends before
  the file's deadline (:func:`legacy.set_deadline`);
* the parent kills the child's process group after ``timeout`` seconds of wall
  clock.

Outcome → status: a result → its own status; the memory limit
(``MemoryError``, or exit code :data:`EXIT_MEMORY` when even reporting it failed)
→ ``too_large``; the wall clock or CPU limit → ``timeout``; any other death of the
child → ``failed`` with the exit code or signal.  Decided from exit codes and
signals, never from message text.

One process per file rather than a pool: start-up costs about the import of
pdfplumber (see ``benchmarks/attachment_speed.py --worker``), small next to a
report's extraction and hidden behind polite downloading; in exchange each file
gets a fresh memory and CPU allowance, and whatever it allocated is returned to
the system when it ends.

:class:`ExtractionWorkers` is the asynchronous front for the crawl: at most
``workers`` children at once, each awaited in a thread so the reactor never
blocks.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import signal
import site
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .extract import Extraction, _fail, extract
from .limits import TIMEOUT, TOO_LARGE, Limits, MiB

EXIT_MEMORY = 3  # the child ran out of memory and could not even report it
MAX_RESULT_BYTES = 64 * MiB  # JSON a child may hand back (text of a 300-page report: ~1 MB)
CONVERTER_MARGIN = 3.0  # s: converters are stopped this long before the file's deadline
CPU_GRACE = 5  # s between SIGXCPU (soft CPU limit) and SIGKILL (hard)

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # where `import govreports` works


# ---------------------------------------------------------------------------- (de)serialising

def to_json(extraction: Extraction) -> dict:
    return dataclasses.asdict(extraction)


def from_json(data: dict) -> Extraction:
    fields = {f.name for f in dataclasses.fields(Extraction)}
    members = [from_json(m) for m in data.get("members", [])]
    return Extraction(**{k: v for k, v in data.items() if k in fields and k != "members"}, members=members)


# ---------------------------------------------------------------------------- parent side

def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    installed = set(site.getsitepackages()) | {site.getusersitepackages()}
    if _PACKAGE_ROOT not in installed:  # running from a checkout: let the child import it too
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    return env


def extract_file(path: str | Path, *, filename: str = "", ocr: bool = False, limits: Limits = Limits(),
                 kind: str = "unknown") -> Extraction:
    """Extract the file at ``path`` in a worker process under ``limits``.  Blocks;
    never raises for a bad file.  ``filename`` is the type hint :func:`extract`
    takes; ``kind`` (the caller's sniff) labels the results the worker could not
    give itself (a timeout, a crash)."""
    request = json.dumps({"path": str(path), "filename": filename, "ocr": ocr, "limits": limits.as_dict()})
    with tempfile.TemporaryFile(prefix="govreports-worker-") as out, \
            tempfile.TemporaryFile(prefix="govreports-worker-") as err:
        # -P: nothing importable from the current directory.
        proc = subprocess.Popen([sys.executable, "-P", "-m", "govreports.attachments.worker"],
                                stdin=subprocess.PIPE, stdout=out, stderr=err, env=_worker_env(),
                                start_new_session=True)
        try:
            proc.communicate(request.encode(), timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            # The child is not reaped yet, so its group id cannot have been reused.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            return _fail(kind, f"extraction took longer than {limits.timeout:g} s: stopped", status=TIMEOUT)
        rc = proc.returncode
        if rc == 0:
            if out.seek(0, os.SEEK_END) > MAX_RESULT_BYTES:
                return _fail(kind, f"extracted text larger than {MAX_RESULT_BYTES} bytes", status=TOO_LARGE)
            out.seek(0)
            try:
                return from_json(json.loads(out.read()))
            except (ValueError, TypeError) as exc:
                return _fail(kind, f"extraction worker returned no result ({exc})")
        err.seek(max(0, err.seek(0, os.SEEK_END) - 2000))
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[-1][:300]}" if lines else ""
    if rc == EXIT_MEMORY:
        return _fail(kind, f"over the memory limit of {limits.memory_mib} MiB while extracting", status=TOO_LARGE)
    if rc == -signal.SIGXCPU:
        return _fail(kind, f"over the CPU time limit of {limits.timeout:g} s while extracting", status=TIMEOUT)
    if rc < 0:
        return _fail(kind, f"extraction worker killed by signal {-rc}{detail}")
    return _fail(kind, f"extraction worker failed with exit code {rc}{detail}")


class ExtractionWorkers:
    """At most ``workers`` extraction processes at once, awaited without blocking
    the event loop."""

    def __init__(self, limits: Limits = Limits(), workers: int = 2):
        import asyncio  # here: the child process does not need it (26 ms of its start-up)

        self.limits = limits
        self._slots = asyncio.Semaphore(max(1, workers))

    @classmethod
    def from_settings(cls, settings) -> "ExtractionWorkers":
        return cls(Limits.from_settings(settings), settings.getint("GOVREPORTS_ATTACHMENT_WORKERS", 2))

    async def extract(self, path: str | Path, *, filename: str = "", ocr: bool = False,
                      kind: str = "unknown") -> Extraction:
        import asyncio

        async with self._slots:
            return await asyncio.to_thread(extract_file, path, filename=filename, ocr=ocr, limits=self.limits,
                                           kind=kind)


# ---------------------------------------------------------------------------- child side

def _lower(which: int, soft: int, hard: int) -> None:
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))


def _limit_self(limits: Limits) -> None:
    memory = limits.memory_mib * MiB
    _lower(resource.RLIMIT_AS, memory, memory)
    cpu = max(1, int(limits.timeout + 0.999))
    _lower(resource.RLIMIT_CPU, cpu, cpu + CPU_GRACE)
    _lower(resource.RLIMIT_CORE, 0, 0)  # SIGXCPU would dump core otherwise


def main() -> int:
    request = json.load(sys.stdin)
    limits = Limits(**request["limits"])
    started = time.monotonic()
    _limit_self(limits)
    from . import legacy

    legacy.set_deadline(started + limits.timeout - CONVERTER_MARGIN)
    try:
        data = Path(request["path"]).read_bytes()
        result = extract(data, filename=request["filename"], ocr=request["ocr"], max_pages=limits.max_pages,
                         timeout=max(1, int(limits.timeout - CONVERTER_MARGIN)), max_inflated=limits.max_inflated,
                         max_inflated_member=limits.max_inflated_member)
        del data
        # ASCII JSON: text from a damaged PDF may hold lone surrogates, which UTF-8 cannot carry.
        sys.stdout.buffer.write(json.dumps(to_json(result)).encode("ascii"))
        sys.stdout.flush()
    except MemoryError:
        os._exit(EXIT_MEMORY)  # nothing more can be done safely: skip the interpreter's clean-up
    return 0


if __name__ == "__main__":
    sys.exit(main())
