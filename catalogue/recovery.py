"""Read a catalogue with a YAML syntax slip and still find the file's other problems.

A slip (an unclosed bracket, a bad indent) stops a YAML parser at one line. A catalogue author then
wants that line and every other problem of the file in one run, not one problem per run. So when the
text does not parse, the list item holding the slip (a service, a department, ...) is set aside: its
first line becomes ``- null`` and its other lines blank, which keeps every later line number and list
index where it was, and the text is parsed again. The slip is reported once at the line the parser
gave; the set-aside items are named so that nothing is reported about them, and their codes (when a
``code:`` line can be read) are known, so references to them are not reported as unknown either.

Only the text is changed, never the parser: any reader that raises ``YamlSyntaxError`` with a line works.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalogue.yaml_source import LineMap, YamlSyntaxError

__all__ = ["Recovered", "read_recovering"]

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_ITEM = re.compile(r"^(\s*)- ")
_CODE = re.compile(r"^\s*(?:- )?\s*code:\s*['\"]?([a-z][a-z0-9_-]*)")
_MAX_ITEMS_SET_ASIDE = 50


@dataclass
class Recovered:
    """The data read, the line map, the slips found (line, message), and what was set aside.

    ``parsed`` is false when a slip stood outside every list item, so the text could not be read at
    all; then ``data`` is None and only ``slips`` can be reported. ``set_aside`` holds the first line of
    each item set aside, by top-level section; ``codes`` the codes read from those items, by section.
    """

    data: Any
    lines: LineMap
    slips: list[tuple[int, str]] = field(default_factory=list)
    set_aside: dict[str, list[int]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)
    parsed: bool = True

    def skipped_paths(self) -> set[str]:
        """The paths (``services[3]``) of the items set aside."""
        at_line = {line: path for path, line in self.lines.lines.items()}
        return {at_line[line] for lines in self.set_aside.values() for line in lines if line in at_line}


def _enclosing_item(lines: list[str], index: int) -> tuple[str, int, int] | None:
    """(section, first, end) of the top-level list item holding line ``index`` (0-based), or None."""
    top = next((i for i in range(min(index, len(lines) - 1), -1, -1) if _TOP_KEY.match(lines[i])), None)
    if top is None:
        return None
    section = lines[top].split(":", 1)[0].strip()
    indent = next((len(m.group(1)) for line in lines[top + 1 :] if (m := _ITEM.match(line))), None)
    if indent is None:
        return None
    first = next(
        (i for i in range(index, top, -1) if (m := _ITEM.match(lines[i])) and len(m.group(1)) == indent), None
    )
    if first is None:
        return None
    end = first + 1
    while end < len(lines):
        line = lines[end]
        if _TOP_KEY.match(line) or ((m := _ITEM.match(line)) and len(m.group(1)) == indent):
            break
        end += 1
    return section, first, end


def read_recovering(text: str, read: Callable[[str], tuple[Any, LineMap]]) -> Recovered:
    """Parse ``text`` with ``read``; on a syntax slip, set aside the item holding it and parse again.

    Raises ``YamlSyntaxError`` when the first slip is in no list item: nothing else can then be checked.
    """
    original = text.split("\n")
    lines = list(original)
    slips: list[tuple[int, str]] = []
    aside: dict[int, tuple[str, int]] = {}  # first line (0-based) of each item set aside -> (section, end)
    earliest = len(lines) + 1  # first line (1-based) of the earliest item set aside
    for _ in range(_MAX_ITEMS_SET_ASIDE):
        try:
            data, line_map = read("\n".join(lines))
        except YamlSyntaxError as exc:
            # A parser stops at the first slip it meets, so a slip at or above an item already set aside
            # is the same slip, which reached into that item: it is now found nearer its cause.
            if slips and exc.line <= earliest:
                slips[-1] = (exc.line, exc.message)
            else:
                slips.append((exc.line, exc.message))
            found = _enclosing_item(lines, exc.line - 1)
            if found is not None and found[1] in aside:
                # The parser stopped at an item already set aside: the cause is in the item before it,
                # and the one set aside was sound after all.
                later = found[1]
                section, end = aside.pop(later)
                lines[later:end] = original[later:end]
                found = _enclosing_item(lines, later - 1) if later > 0 else None
            if found is None:
                if len(slips) == 1 and not aside:
                    raise
                return _recovered(None, LineMap(), slips, aside, original, parsed=False)
            section, first, end = found
            earliest = min(earliest, first + 1)
            indent = len(lines[first]) - len(lines[first].lstrip())
            lines[first] = " " * indent + "- null"
            for i in range(first + 1, end):
                lines[i] = ""
            aside[first] = (section, end)
            continue
        return _recovered(data, line_map, slips, aside, original)
    return _recovered(None, LineMap(), slips, aside, original, parsed=False)


def _recovered(
    data: Any,
    line_map: LineMap,
    slips: list[tuple[int, str]],
    aside: dict[int, tuple[str, int]],
    original: list[str],
    parsed: bool = True,
) -> Recovered:
    set_aside: dict[str, list[int]] = {}
    codes: dict[str, set[str]] = {}
    for first, (section, end) in sorted(aside.items()):
        set_aside.setdefault(section, []).append(first + 1)
        codes.setdefault(section, set()).update(
            m.group(1) for line in original[first:end] if (m := _CODE.match(line))
        )
    return Recovered(data, line_map, slips, set_aside, codes, parsed)
