"""YAML 1.1 and 1.2 edge cases, each with the reader that must answer it.

``FAST``: the fast reader takes the text, and the test checks PyYAML reads exactly the same data.
``REFERENCE``: the fast reader declines it (the two parsers read it differently, or one refuses it), so
the catalogue is read as PyYAML reads it. ``LENIENT``: yaml-rs reads a form PyYAML refuses and the fast
reader does not see it; the data it gives has a key no catalogue record has, so the loader finds a
problem and the reference reader reports PyYAML's error, as it always did.

Kept as Python strings so that tabs, carriage returns, control characters and a missing final line
break can be written down.
"""

from __future__ import annotations

FAST = "fast"
REFERENCE = "reference"
LENIENT = "lenient"

EDGE_CASES: list[tuple[str, str, str]] = [
    # Scalars both versions read alike.
    ("booleans both versions share", "a: true\nb: False\nc: TRUE\nd: tRUE\n", FAST),
    ("nulls", "a: null\nb: Null\nc: NULL\nd: ~\ne:\nf: ''\n", FAST),
    ("plain decimal numbers", "a: 0\nb: -5\nc: 15\nd: 1.5\ne: -0.25\nf: 2010\n", FAST),
    ("big integer", "a: 9223372036854775808\n", FAST),
    ("number inside a sentence", "a: 12 months\nb: Rs 300 for a two-wheeler, Rs 600 for a car\n", FAST),
    ("single letters y and n", "a: y\nb: n\nc: Y\nd: N\n", FAST),
    ("words that are not booleans", "a: inf\nb: nan\nc: Infinity\nd: FaLse\ne: nULL\nf: '1,000'\n", FAST),
    ("quoted look-alikes", "a: 'yes'\nb: \"010\"\nc: '1:30'\nd: \"2024-01-01\"\ne: '='\n", FAST),
    ("the word on inside a sentence", 'a: "registration is done\n  on\n  the same day"\n', FAST),
    ("double-quoted escapes", 'a: "\\/ \\x41 \\u0905 \\U0001F600 \\N \\_ \\e \\L \\P"\n', FAST),
    ("an escaped tab", 'a: "\\\t"\n', REFERENCE),
    ("single-quoted escape", "a: 'it''s'\n", FAST),
    ("folded plain and quoted scalars", 'a: x\n  y\nb: "x\n  y"\nc: \'x\n\n  y\'\nd: "x\\\n  y"\n', FAST),
    (
        "block scalars",
        "a: |\n  x\n  y\nb: >\n  x\n\n  y\n   z\nc: |-\n  x\nd: >+\n  x\n\ne: |2\n   x\n",
        FAST,
    ),
    ("a block scalar, then a final line break", "a: |\n  x\n", FAST),
    ("flow collections", "a: {b: 1, c: [d, {e: f}], g: }\nh: [x, y, ]\ni: {j}\n", FAST),
    ("JSON-like flow keys", 'a: {"b":1}\nc: ["d":2]\n', FAST),
    ("colons and hashes inside plain text", "a: b:c\nd: e#f\ng: h #comment\ni: [a:b]\n", FAST),
    ("non-string keys", "1: a\n1.5: b\nfalse: c\nnull: d\n", FAST),
    ("keys equal in Python, 1 and true", "1: a\ntrue: b\n", REFERENCE),
    ("a first document marker", "--- \na: 1\n", FAST),
    ("Windows line ends", "a: b\r\nc:\r\n  - d\r\n  - e\r\n", FAST),
    ("a tab inside a value after the indicator", "a: b\tc\n", REFERENCE),
    ("anchors and aliases are left to PyYAML", "a: &x 1\nb: *x\n", REFERENCE),
    ("an ampersand in text", "a: Terms & conditions\nb: [x & y]\n", FAST),
    ("Devanagari", "a: आय प्रमाण पत्र\nb: {en: Income, hi: आय}\n", FAST),
    ("an empty document", "", FAST),
    ("only a comment", "# nothing\n", FAST),
    ("a top-level list", "- a\n- b\n", FAST),
    # YAML 1.1 booleans: PyYAML reads true and false, YAML 1.2 reads text.
    ("yes and no", "a: yes\nb: no\n", REFERENCE),
    ("on and off", "a: On\nb: OFF\n", REFERENCE),
    ("a boolean word as a key", "on: 1\n", REFERENCE),
    ("a boolean word in a flow list", "a: [yes, no]\n", REFERENCE),
    ("a boolean word in a JSON-like mapping", 'a: {"b":yes}\n', REFERENCE),
    ("a boolean word at the very start", "yes\n", REFERENCE),
    ("a boolean word on Windows line ends", "a: on\r\n", REFERENCE),
    # Numbers that differ between the versions.
    ("YAML 1.1 octal", "a: 010\n", REFERENCE),
    ("YAML 1.2 octal", "a: 0o10\n", REFERENCE),
    ("a leading zero that is not octal", "a: 09\n", REFERENCE),
    ("sexagesimal integer", "a: 1:30\n", REFERENCE),
    ("sexagesimal float", "a: 190:20:30.15\n", REFERENCE),
    ("exponent without a dot", "a: 1e3\n", REFERENCE),
    ("exponent without a sign", "a: 1.0e3\n", REFERENCE),
    ("capital exponent", "a: 1.5E3\n", REFERENCE),
    ("a float with a sign and no integer part", "a: [-.5, +.5]\n", REFERENCE),
    ("leading underscore", "a: _60\n", REFERENCE),
    ("capital hexadecimal prefix", "a: 0X1F\n", REFERENCE),
    ("a large exponent", "a: 1e400\n", REFERENCE),
    ("NaN spelt .Nan", "a: .Nan\n", REFERENCE),
    (
        "numbers both read alike but not plain",
        "a: 0x1F\nb: 0b101\nc: 1_000\nd: +5\ne: .inf\nf: 1.0e+3\n",
        FAST,
    ),
    ("dates", "a: 2024-01-01\n", REFERENCE),
    ("a timestamp with a space", "a: 2001-12-14 21:59:43.10 -5\n", REFERENCE),
    ("the value key", "a: =\n", REFERENCE),
    ("merge keys", "base: {x: 1}\nchild:\n  <<: {y: 2}\n", REFERENCE),
    # Tags, directives, several documents, explicit keys.
    ("a standard tag", "a: !!str 5\n", REFERENCE),
    ("a binary tag", "a: !!binary aGk=\n", REFERENCE),
    ("a local tag", "a: !x 1\n", REFERENCE),
    ("a directive", "%YAML 1.1\n---\na: 1\n", REFERENCE),
    ("two documents", "a: 1\n---\nb: 2\n", REFERENCE),
    ("a document end marker", "a: 1\n...\n", REFERENCE),
    ("an explicit key", "? a\n: b\n", REFERENCE),
    ("an explicit key in a flow mapping", "a: {?b: c}\n", REFERENCE),
    # Characters PyYAML treats differently.
    ("a tab in indentation", "a:\n\t- 1\n", REFERENCE),
    ("next line (NEL)", "a: b\x85c\n", REFERENCE),
    ("line separator", "a: b\u2028c\n", REFERENCE),
    ("paragraph separator", "a: b\u2029c\n", REFERENCE),
    ("a control character", "a: \x07\n", REFERENCE),
    ("a C1 control character", "a: b\x9bc\n", REFERENCE),
    ("a byte order mark", "\ufeffa: 1\n", REFERENCE),
    ("a byte order mark inside", "a: b\ufeffc\n", REFERENCE),
    ("a carriage return alone", "a: b\rc: d\n", REFERENCE),
    ("a lone surrogate", "a: \ud800\n", REFERENCE),
    # Block scalars with no final line break: PyYAML ends them without one, yaml-rs with one.
    ("literal block scalar at the end", "a: |\n  x", REFERENCE),
    ("folded block scalar at the end", "a: >\n  x", REFERENCE),
    ("keep-chomping block scalar at the end", "a: |+\n  x", REFERENCE),
    ("no final line break after a plain scalar", "a: x", FAST),
    # Forms yaml-rs reads and PyYAML refuses.
    ("a flow value left empty", "a: {b:, c: 1}\n", REFERENCE),
    ("a flow value left empty at the end", "a: {b: 1, c:}\n", REFERENCE),
    ("an empty flow key", "a: {en: x, : y}\n", REFERENCE),
    ("an empty key in a flow list", "a: [: x]\n", REFERENCE),
    ("an empty block key", "a: 1\n: b\n", REFERENCE),
    ("a colon starting a flow key", "a: {b: c, :d: e}\n", REFERENCE),
    ("a colon starting a flow value", "a: {b: :c}\n", REFERENCE),
    ("a colon after a blank inside a flow value", "a: {b: c :d}\n", REFERENCE),
    ("a blank before a key's colon", "a : b\nc:\n  d : e\n", FAST),
    ("a block indicator in a flow mapping", "a: {b: |x}\n", REFERENCE),
    ("a folded indicator in a flow list", "a: [>x]\n", REFERENCE),
    ("a block scalar header in a flow mapping", "a: {b: |\n  x\n  }\n", REFERENCE),
    ("an anchor on nothing", "a: {b: &x, c: 1}\n", REFERENCE),
    # Malformed for both.
    ("a colon after a value", "a: x: y\n", REFERENCE),
    ("an unclosed flow list", "a: [b, c\nd: e\n", REFERENCE),
    ("a duplicate key", "a: 1\na: 2\n", REFERENCE),
    ("a reserved indicator", "a: @x\n", REFERENCE),
    ("an unknown escape", 'a: "\\q"\n', REFERENCE),
    ("a list key", "[a]: b\n", REFERENCE),
    ("a mapping key", "{a: 1}: b\n", REFERENCE),
    ("a list key after blanks", "a:\n  [b] : c\n", REFERENCE),
    ("a plain key broken across lines in a flow mapping", "a: {b: c, d\n  e: 1}\n", LENIENT),
]
