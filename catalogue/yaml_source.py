"""Read YAML into plain Python data while remembering the line of every value.

``msgspec.yaml`` decodes straight into structs but forgets where a value stood; catalogue errors must
name the line. So the document is composed into PyYAML's node tree (which keeps marks), turned into
plain data here, and every path (``services[3].form[0].name``) is mapped to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["LineMap", "YamlSyntaxError", "read_yaml"]

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
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, f"malformed YAML: {exc}") from None
    lines = LineMap()
    if root is None:
        return None, lines
    return _convert(root, "", lines, SafeConstructor()), lines


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
            if key in result:
                lines.duplicates.append((child, key_node.start_mark.line + 1))
            result[key] = _convert(value_node, child, lines, constructor)
        return result
    raise YamlSyntaxError(node.start_mark.line + 1, f"unsupported YAML node {type(node).__name__}")
