"""report.json: the drill's record with its score beside it, written and read back with validation."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from drills.errors import FormatWarning, ReportError
from drills.scoring.score import Score, score
from drills.timeline import READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION, DrillRecord

REPORT_JSON: Final = "report.json"
_HINT: Final = (
    "report.json is written by drillbit and read back as it was written; restore the original file "
    "or run the drill again."
)
_SHOWN_ERRORS: Final = 5
# Computed keys added after the first report.json files were written, each with a stand-in of its shape: a file
# without one is still read, since drillbit recomputes every computed key from the record.
_LATER_SCORE_KEYS: Final[Mapping[str, object]] = {"points": 0, "steps": []}


def report_document(record: DrillRecord) -> dict[str, Any]:
    """The record's fields, then the computed verdict and metrics, then the timeline last (it is the longest)."""
    saved = record.model_dump(mode="json")
    timeline = saved.pop("timeline")
    return {**saved, **score(record).model_dump(mode="json"), "timeline": timeline}


def dumps_report(record: DrillRecord) -> str:
    return json.dumps(report_document(record), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def loads_report(text: str, source: str = REPORT_JSON) -> DrillRecord:
    """The record saved in a report.json; the computed keys are checked for shape, then recomputed by callers."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError(f"{source}: not JSON: {error}", hint=_HINT) from error
    if not isinstance(document, dict):
        raise ReportError(f"{source}: expected a JSON object, found {type(document).__name__}", hint=_HINT)
    _check_version(document.get("schema_version"), source)
    record_keys, score_keys = set(DrillRecord.model_fields), set(Score.model_fields)
    unknown = sorted(set(document) - record_keys - score_keys)
    if unknown:
        raise ReportError(f"{source}: unknown keys: {', '.join(unknown)}", hint=_HINT)
    saved_score = {key: value for key, value in document.items() if key in score_keys}
    try:
        Score.model_validate({**_LATER_SCORE_KEYS, **saved_score})
        record = DrillRecord.model_validate({key: value for key, value in document.items() if key in record_keys})
    except ValidationError as error:
        raise ReportError(f"{source}: not a valid drill report:\n{_describe(error)}", hint=_HINT) from error
    if record.schema_version != SCHEMA_VERSION:
        warnings.warn(_earlier_version(record.schema_version, source), stacklevel=2)
    return record


def _earlier_version(version: int, source: str) -> FormatWarning:
    missing = (
        "does not list the scenario's response steps, so a step that never ran is not counted against this drill"
        if version == 1
        else "has no polling intervals on its events, so each time's ± is the time scale's alone, and its times "
        "include the harness's own work"
    )
    return FormatWarning(
        f"{source}: schema_version {version} {missing}; drill the scenario again for a version {SCHEMA_VERSION} report"
    )


def read_report(path: Path | str) -> DrillRecord:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReportError(f"{path}: cannot read the report: {error}", hint="Give the path of a report.json.") from error
    return loads_report(text, str(path))


def _check_version(version: object, source: str) -> None:
    if version == SCHEMA_VERSION:
        return
    if version in READABLE_SCHEMA_VERSIONS:
        return
    if version is None:
        raise ReportError(f"{source}: no schema_version: this is not a drillbit report.json", hint=_HINT)
    raise ReportError(
        f"{source}: schema_version {version!r} is not one this drillbit reads (it reads {_readable()})",
        hint="Render it with the drillbit version that wrote it.",
    )


def _readable() -> str:
    return ", ".join(map(str, READABLE_SCHEMA_VERSIONS))


def _describe(error: ValidationError) -> str:
    problems = error.errors()
    lines = [f"  {'.'.join(map(str, problem['loc'])) or '(top)'}: {problem['msg']}" for problem in problems]
    hidden = len(lines) - _SHOWN_ERRORS
    shown = lines[:_SHOWN_ERRORS] + ([f"  ... and {hidden} more"] if hidden > 0 else [])
    return "\n".join(shown)
