"""A report's sections as stored: where each one's text is in the body, not a second copy.

``reports.sections`` is a JSON list, one entry per numbered section in the report's order
(:func:`govreports.parsing.sections.split_sections`), each either

* ``{"number": "一", "heading": "总体情况", "start": 120, "end": 480}`` — its text is
  ``body_text[start:end]`` (offsets in characters, i.e. code points: Python's string
  indices, and what SQLite's ``substr`` counts on text, from 1); or
* ``{"number": "一", "heading": "总体情况", "text": "…"}`` — the text itself, where it is
  not one piece of ``body_text``: a section the cover letter's preamble opens, one the
  next year's plan was cut out of, one read from an attachment, an empty one, a body
  holding a NUL (SQLite's ``substr`` stops there).  Versions kept in
  ``report_versions`` before migration m012 hold only this form.

:func:`sections_as_stored` makes the list the store writes, :func:`expand_sections`
gives back ``[{number, heading, text}]`` from either form, and the view
``report_sections`` (:data:`REPORT_SECTIONS_VIEW`) does the same in SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

# The view of every stored section with its text, one row per section; section_no is its
# place in the report (1 for the first), not form_sections' number.
REPORT_SECTIONS_VIEW = """
CREATE VIEW report_sections AS
SELECT r.report_id,
       j.key + 1 AS section_no,
       json_extract(j.value, '$.number') AS number,
       json_extract(j.value, '$.heading') AS heading,
       CASE WHEN json_type(j.value, '$.text') IS NOT NULL THEN json_extract(j.value, '$.text')
            ELSE substr(r.body_text, json_extract(j.value, '$.start') + 1,
                        json_extract(j.value, '$.end') - json_extract(j.value, '$.start')) END AS text
FROM reports r, json_each(CASE WHEN json_valid(r.sections) AND json_type(r.sections) = 'array'
                              THEN r.sections ELSE '[]' END) j
WHERE j.type = 'object'"""


def sections_as_stored(sections: Iterable[dict], body_text: str) -> list[dict]:
    """Each section's text replaced by its offsets in ``body_text`` where it is one piece of
    it, looked for from where the previous piece ended (sections follow the body's order);
    kept as text otherwise.  Exact: ``body_text[start:end]`` is always the section's text."""
    stored = []
    searchable = "\x00" not in body_text
    after = 0
    for section in sections:
        text = section["text"]
        entry = {"number": section["number"], "heading": section["heading"]}
        at = body_text.find(text, after) if text and searchable else -1
        if at >= 0:
            after = at + len(text)
            entry.update(start=at, end=after)
        else:
            entry["text"] = text
        stored.append(entry)
    return stored


def expand_sections(stored: str | list | None, body_text: str | None) -> list[dict]:
    """``[{number, heading, text}]`` from ``reports.sections`` (its JSON, or the list) and
    the row's ``body_text``: an entry with a ``text`` is taken as it is (old rows, versions
    kept before m012), offsets are read off the body.  Empty or invalid JSON, anything but
    a list: no sections; entries that are not objects are skipped (as by the view)."""
    if isinstance(stored, str):
        try:
            stored = json.loads(stored)
        except ValueError:
            return []
    if not isinstance(stored, list):
        return []
    body = body_text or ""
    return [{"number": s.get("number", ""), "heading": s.get("heading", ""),
             "text": s["text"] if "text" in s else body[s["start"]:s["end"]]}
            for s in stored if isinstance(s, dict)]
