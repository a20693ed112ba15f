"""Read YAML into plain Python data, fast for the common case and with the line of every value on demand.

Two readers stand behind the loader:

- ``read_yaml`` is the reference: PyYAML (YAML 1.1) composes the document into nodes that keep their
  marks, so every path (``services[3].form[0].name``) is mapped to its line and duplicate keys are
  found. It is slow (about 5 s for a catalogue of 2,000 services), so it runs only when there is a
  problem to locate, or when the fast reader might read the text differently.
- ``read_yaml_fast`` parses with yaml-rs (a YAML 1.2 parser in Rust, about thirty times faster), but
  only returns data when PyYAML is known to read the same text the same way; otherwise it returns None.

YAML 1.1 and 1.2 differ in which plain scalars are booleans and numbers (``yes``, ``on``, ``010``,
``1:30``, ``1e3``, ``2024-01-01``), in a few flow-collection forms, in tags and merge keys, and in which
characters count as line breaks. The fast reader declines any text with an odd character, a tag, an
anchor or alias, a merge key, a directive, a second document, an explicit key, an empty key or value,
a colon PyYAML would take for a flow indicator, or a block scalar at the very end of a file with no
final line break; and for every plain scalar that either parser could read as something other than
text, it checks that both read it alike (a word such as ``on`` matters only if the fast reader's data
holds that exact text). ``docs/catalogue.md`` lists the differences and how each is met.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import msgspec
import yaml
import yaml_rs
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["FastYaml", "LineMap", "YamlSyntaxError", "read_yaml", "read_yaml_fast"]

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    """The text is not well-formed YAML."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class LineMap:
    """Lines of values by path, and duplicate keys found on the way."""

    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def line_of(self, path: str) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.lines.get("", 1)


def read_yaml(text: str) -> tuple[Any, LineMap]:
    """Parse ``text``; return its data and where each value stands."""
    lines = LineMap()
    try:
        root = yaml.compose(text, Loader=_Loader)
        # Scalars are constructed while converting: an unknown tag or `=` fails here, at its line.
        return (None if root is None else _convert(root, "", lines, SafeConstructor())), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"malformed YAML: {exc}") from None
    except UnicodeEncodeError:  # a lone surrogate, which no file read as UTF-8 can hold
        raise YamlSyntaxError(1, "malformed YAML: the text holds a lone surrogate") from None


def _convert(node: Node, path: str, lines: LineMap, constructor: SafeConstructor) -> Any:
    lines.lines[path] = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return constructor.construct_object(node)
    if isinstance(node, SequenceNode):
        return [_convert(child, f"{path}[{i}]", lines, constructor) for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        constructor.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node)
            child = f"{path}.{key}" if path else str(key)
            if not isinstance(key_node, ScalarNode):
                line = key_node.start_mark.line + 1
                raise YamlSyntaxError(
                    line, "malformed YAML: a key must be a single value, not a list or a mapping"
                )
            if key in result:
                lines.duplicates.append((child, key_node.start_mark.line + 1))
            result[key] = _convert(value_node, child, lines, constructor)
        return result
    raise YamlSyntaxError(node.start_mark.line + 1, f"unsupported YAML node {type(node).__name__}")


# -- the fast reader ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FastYaml:
    """Data read by the fast parser, which PyYAML would read the same (a wrapper, as None is data too)."""

    data: Any


# ASCII control characters (tab included: PyYAML refuses it where 1.2 allows it).
_ASCII_ODD = bytes([*range(0x0A), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F])
_ASCII_USUAL = bytes(b for b in range(256) if b not in _ASCII_ODD)
# UTF-8 of the Unicode line and paragraph separators (line breaks to PyYAML, not to YAML 1.2), of C1
# controls and NEL, of BOMs and non-characters, and a carriage return alone. Each regex starts with a
# literal byte, which the regex engine finds as fast as a plain search.
_SEPARATORS = re.compile(rb"\xe2\x80[\xa8\xa9]")
_RARE_ODD = (
    (b"\xc2", re.compile(rb"\xc2[\x80-\x9f]")),
    (b"\xef", re.compile(rb"\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")),
    (b"\r", re.compile(rb"\r(?!\n)")),
)
# Merge keys; directives and document markers but a first `---`.
_MARKS = (re.compile(rb"<<"), re.compile(rb"\n(?:%|---(?=\s|$)|\.\.\.(?=\s|$))"))
# A flow value left empty (`{a:, b}`), and a colon after white space, an indicator or a closing bracket,
# which may end an empty key (`{: a}`, `- : a`, `{a: b, :c}`) or a list or mapping used as a key
# (`[a]: b`). yaml-rs reads all of these; PyYAML refuses them.
_COLONS = re.compile(rb":(?:[,\]}]|(?<=[\s\[\]{},?\-]:))")
# Where a scalar starts and ends. START is wider than YAML's (any white space) and END too, so every
# plain scalar that could stand alone is seen; a match inside longer text only costs a closer look.
_START = rb"[\s\[{,:]"
_END = rb"(?=[ \t]*(?:\r?$|[,\]}#]|:(?:[\s,\[\]{}]|$)))"
# Plain scalars that PyYAML (YAML 1.1) or yaml-rs may read as something other than text: numbers in any
# form but plain decimals, YAML 1.1's booleans, timestamps and its value key `=`.
_PLAIN_NUMBER = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?" + _END
_TIMESTAMP = (
    rb"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    rb"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
_SUSPECT = re.compile(
    _START + rb"(?=[-+._0-9yYnNoO=])(?!" + _PLAIN_NUMBER + rb")("
    + _TIMESTAMP
    + rb"|(?:[-+._]*[0-9]|[-+]?\.[A-Za-z])[0-9A-Za-z_.:+-]*(?<!:)"
    rb"|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|=)" + _END,
    re.M,
)  # fmt: skip
# Where _SUSPECT may match, found in a copy of the text with each byte replaced by its class: `b` a blank,
# `n` a line break, `o` an opening bracket, `c` a comma, `k` a colon, `e` a closing bracket or `#`, `d` a
# digit or `-+._=`, `w` a letter that begins yes, no, on or off and `v` one that continues them, `a` any
# other ASCII letter. A regex that starts with a literal byte skips along that copy several times faster
# than _SUSPECT's first character class tries every byte of the text; these two find where a token
# starts after a START character and ends before an END (a word: yes, no, on, off or alike), and only
# there is _SUSPECT tried. They find more than _SUSPECT would (every word of two such letters), never
# less: tests/catalogue/test_yaml_readers.py holds them to the same findings.
_CLASSES = b"".join(
    b"b" if b in b" \t" else b"n" if b in b"\n\r\f\v" else b"o" if b in b"[{" else b"c" if b == 0x2C
    else b"k" if b == 0x3A else b"e" if b in b"]}#" else b"d" if b in b"0123456789-+._="
    else b"w" if b in b"yYnNoO" else b"v" if b in b"eEsSfF" else b"a" if bytes([b]).isalpha() else b"x"
    for b in range(256)
)  # fmt: skip
_CLASS_END = rb"b*(?:n|[ce]|k(?:[bnoce]|$)|$)"
# Each match is the token's first byte alone (the rest is looked ahead at), so that no match hides another
# that starts inside it.
_MAY_BE_SUSPECT = (
    # (A timestamp may hold blanks after its date, `2001-12-14 21:59:43.10 -5`.)
    re.compile(rb"d(?<=[bnock]d)(?=(?:d{7}[dwvakb]*?|[dwvak]*?)" + _CLASS_END + rb")"),
    re.compile(rb"w(?<=[bnock]w)(?=(?:w|vv)" + _CLASS_END + rb")"),
)
_PIECE = 1 << 16
_NAMED = re.compile(rb"[^\s,\[\]{}]")  # an anchor's or alias's name (`&a`, not `Terms & conditions`)
_BLOCK_SCALAR_HEADER = re.compile(rb"[|>][-+0-9]*[ \t]*(?:#.*)?\r?$", re.M)
_AS_JSON = msgspec.json.Encoder()


def read_yaml_fast(raw: bytes) -> FastYaml | None:
    """The data of the UTF-8 text ``raw`` from the fast parser, or None when ``read_yaml`` must read it.

    None means the text holds a form the two parsers may read differently, or the fast parser refused
    it (malformed YAML or UTF-8, a duplicate key): the reference parser then gives the answer and the
    lines. Bytes rather than text: everything looked for is ASCII, searching bytes is several times
    faster, and a file read as bytes never needs the text at all (half the memory).
    """
    if _needs_reference(raw):
        return None
    # The scalars that may be read differently are looked for before parsing, so that the text's copies
    # made to look for them are gone before the data is made (a lower peak of memory).
    unsafe = _unsafe_texts(raw)
    if unsafe is None:
        return None
    try:
        data = yaml_rs.load(raw, parse_datetime=False, encoding="utf-8", encoder_errors="strict")
    except Exception:  # whatever it refuses, the reference parser explains
        return None
    if unsafe and not _holds_none_of(data, unsafe):
        return None
    return FastYaml(data)


def _needs_reference(raw: bytes) -> bool:
    """Whether ``raw`` holds a character or form that only the reference parser reads as today."""
    if raw.translate(None, _ASCII_USUAL) or _SEPARATORS.search(raw):
        return True
    if any(byte in raw and odd.search(raw) for byte, odd in _RARE_ODD):
        return True
    if raw.startswith((b"%", b"...")):
        return True
    if any(marks.search(raw) for marks in _MARKS):
        return True
    if any(colon.group() != b":" or _odd_key(raw, colon.start()) for colon in _COLONS.finditer(raw)):
        return True
    if _at_node_start(raw, b"!") or _at_node_start(raw, b"?"):  # a tag; an explicit key, `[?a]` too
        return True
    if _at_node_start(raw, b"&", _NAMED) or _at_node_start(raw, b"*", _NAMED):  # anchors and aliases
        return True
    # With no final line break, PyYAML ends a block scalar without one; yaml-rs adds it.
    return bool(raw) and not raw.endswith(b"\n") and _BLOCK_SCALAR_HEADER.search(raw) is not None


def _odd_key(raw: bytes, colon: int) -> bool:
    """Whether the colon at ``colon``, which follows white space or an indicator, may be read differently:
    it ends an empty key (only blanks between it and the start of its line or an indicator, `{: a}`), a
    list or mapping used as a key (`[a]: b`), or follows another colon (`{a: :b}`); or it follows text
    and blanks and precedes more text (`{a: b :c}`): in a flow collection PyYAML takes each of these for
    a value indicator, where YAML 1.2 reads null or plain text."""
    before = colon - 1
    while before >= 0 and raw[before] in b" \t":
        before -= 1
    if before < 0 or raw[before] in b"\r\n[]{},?-:":
        return True
    return before < colon - 1 and raw[colon + 1 : colon + 2] not in (b"", b" ", b"\t", b"\r", b"\n")


def _at_node_start(raw: bytes, char: bytes, then: re.Pattern[bytes] | None = None) -> bool:
    """Whether ``char`` stands where a node may start (after white space or a flow indicator, or first),
    followed by what ``then`` matches if given."""
    at = raw.find(char)
    while at != -1:
        if (at == 0 or raw[at - 1] in b" \t\r\n[{,:") and (then is None or then.match(raw, at + 1)):
            return True
        at = raw.find(char, at + 1)
    return False


def _unsafe_texts(raw: bytes) -> list[bytes] | None:
    """What PyYAML reads otherwise than yaml-rs among the scalars of ``raw`` that could be more than text:
    None when yaml-rs reads one as other than text (the fast reader must decline), else the texts (as
    JSON) that yaml-rs's data must not hold."""
    # A word PyYAML would read as a boolean (the same word in a sentence is harmless), or text starting
    # with a block scalar indicator, which yaml-rs reads as plain text inside a flow collection
    # (`{a: |x}`) where PyYAML refuses it.
    unsafe: list[bytes] = []
    first_line = b"\n" + raw[: raw.find(b"\n") + 1 or None]  # START wants a character before
    for token in {*_suspects(raw), *_SUSPECT.findall(first_line)}:
        try:
            fast = yaml_rs.loads(token.decode(), parse_datetime=False)
            reference = yaml.load(token, Loader=_Loader)  # noqa: S506 - the safe loader
        except Exception:  # `=` alone, for one, is an error in PyYAML
            return None
        if _identical(fast, reference):
            continue
        if not isinstance(fast, str):
            return None
        unsafe.append(_AS_JSON.encode(fast))
    if _at_node_start(raw, b"|") or _at_node_start(raw, b">"):
        unsafe += [b'"|', b'">']  # in JSON a quote followed by these opens a string
    return unsafe


def _holds_none_of(data: Any, unsafe: list[bytes]) -> bool:
    """Whether none of the ``unsafe`` texts (as JSON) is a text of ``data``."""
    try:
        encoded = _AS_JSON.encode(data)
    except Exception:  # keys that JSON cannot hold
        return False
    return not any(word in encoded for word in unsafe)


def _suspects(raw: bytes) -> list[bytes]:
    """``_SUSPECT.findall(raw)``, trying the pattern only where _MAY_BE_SUSPECT finds a token may start."""
    starts: list[int] = []
    begin = 0
    while begin < len(raw):
        # By pieces of about 64 kB that end at a line break (no scalar spans one; the next piece starts
        # with it, as a START): a copy of the whole text would outlive its use in the allocator's heap.
        end = raw.find(b"\n", begin + _PIECE)
        end = len(raw) if end == -1 else end
        classes = raw[begin:end].translate(_CLASSES)
        starts += [begin + found.start() - 1 for may in _MAY_BE_SUSPECT for found in may.finditer(classes)]
        begin = end
    starts.sort()
    suspects: list[bytes] = []
    match = _SUSPECT.match
    end = 0
    for at in starts:
        if at >= end:  # findall goes on after the end of each match
            suspect = match(raw, at)
            if suspect is not None:
                suspects.append(suspect.group(1))
                end = suspect.end()
    return suspects


def _identical(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)
