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

PDFs take one or two children (:func:`extract_file`): the first reads the text
layer with PDFium; the parent judges it with the report parser (already imported
in the crawl) and only when it cannot vouch for the text's tables does a second
child read the file with pdfplumber, within what is left of the time limit.

Outcome → status: a result → its own status; the memory limit
(``MemoryError``, or exit code :data:`EXIT_MEMORY` when even reporting it failed)
→ ``too_large``; the wall clock or CPU limit → ``timeout``; a child killed by any
other signal is run once more with pdfplumber only (PDFium aborts the process
when it runs out of memory: pdfplumber then reports the memory limit as
``too_large``), and if that one dies too → ``failed`` with the signal; any other
exit code → ``failed``.  Decided from exit codes and signals, never from message
text.

One process per file rather than a pool: start-up costs about the imports
(PDFium, or pdfplumber; see ``benchmarks/attachment_speed.py --worker``), small
next to polite downloading; in exchange each file gets a fresh memory and CPU
allowance, and whatever it allocated is returned to the system when it ends.

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
from .pdf import with_fallback_warning
from .sniff import sniff_type

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
    give itself (a timeout, a crash).

    A PDF's child reads only its text layer (``pdf_reader="pdfium"``: it need not
    import the report parser), and this process judges that text with the parser
    (:func:`.vouch.unvouched`), as :func:`extract` does in-process with "auto".  A text
    it cannot vouch for, or a child that PDFium crashed (running out of memory inside
    PDFium aborts the process), is read again by a second child with pdfplumber,
    within what is left of ``limits.timeout``."""
    started = time.monotonic()
    reader = "pdfium" if _starts_like_a_pdf(path) else "auto"
    result, crashed = _run_child(path, filename, ocr, limits, kind, reader, limits.timeout)
    if crashed:
        why = f"the first reading crashed ({result.error})"
    elif reader == "pdfium" and result.reader == "pdfium":
        from .vouch import unvouched_or_error

        why = unvouched_or_error(result.text, result.table_pages)
    else:
        return result
    if not why:
        return result
    left = limits.timeout - (time.monotonic() - started)
    if left < 1:
        return _fail(kind, f"extraction took longer than {limits.timeout:g} s: stopped", status=TIMEOUT)
    again, _ = _run_child(path, filename, ocr, dataclasses.replace(limits, timeout=left), kind, "pdfplumber",
                          limits.timeout)
    return with_fallback_warning(again, why)


def _starts_like_a_pdf(path: str | Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return sniff_type(fh.read(1024)) == "pdf"
    except OSError:
        return False  # the child reports it


def _run_child(path: str | Path, filename: str, ocr: bool, limits: Limits, kind: str, pdf_reader: str,
               timeout_told: float) -> tuple[Extraction, bool]:
    """One child's result, and whether it crashed (killed by a signal that is not a
    limit).  ``timeout_told``: the file's time limit, as error messages state it."""
    request = json.dumps({"path": str(path), "filename": filename, "ocr": ocr, "limits": limits.as_dict(),
                          "pdf_reader": pdf_reader})
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
            return _fail(kind, f"extraction took longer than {timeout_told:g} s: stopped", status=TIMEOUT), False
        rc = proc.returncode
        if rc == 0:
            if out.seek(0, os.SEEK_END) > MAX_RESULT_BYTES:
                return _fail(kind, f"extracted text larger than {MAX_RESULT_BYTES} bytes", status=TOO_LARGE), False
            out.seek(0)
            try:
                return from_json(json.loads(out.read())), False
            except (ValueError, TypeError) as exc:
                return _fail(kind, f"extraction worker returned no result ({exc})"), False
        err.seek(max(0, err.seek(0, os.SEEK_END) - 2000))
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
        detail = f": {lines[-1][:300]}" if lines else ""
    if rc == EXIT_MEMORY:
        return _fail(kind, f"over the memory limit of {limits.memory_mib} MiB while extracting", status=TOO_LARGE), False
    if rc == -signal.SIGXCPU:
        return _fail(kind, f"over the CPU time limit of {timeout_told:g} s while extracting", status=TIMEOUT), False
    if rc < 0:
        return _fail(kind, f"extraction worker killed by signal {-rc}{detail}"), True
    return _fail(kind, f"extraction worker failed with exit code {rc}{detail}"), False


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
                         max_inflated_member=limits.max_inflated_member,
                         pdf_reader=request.get("pdf_reader", "auto"))
        del data
        # ASCII JSON: text from a damaged PDF may hold lone surrogates, which UTF-8 cannot carry.
        sys.stdout.buffer.write(json.dumps(to_json(result)).encode("ascii"))
        sys.stdout.flush()
    except MemoryError:
        os._exit(EXIT_MEMORY)  # nothing more can be done safely: skip the interpreter's clean-up
    return 0


if __name__ == "__main__":
    sys.exit(main())
