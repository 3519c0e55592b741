"""Just enough GraphQL for the Shopify emulator: parse a document's selections, resolve them
against plain dicts, and price them the way Shopify's calculated query cost does.

This is not a GraphQL engine: no fragments, no directives, and no schema of its own (given
Shopify's published one, ``shopify_access`` checks fields and scopes against it). A field the
emulator's objects do not have is an error, as Shopify's own "Field 'x' doesn't exist" would
be, so a connector that asks for something the emulator cannot answer fails loudly in tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Field",
    "GraphQLError",
    "Operation",
    "actual_cost",
    "parse_operation",
    "requested_cost",
    "resolve",
]

Resolver = Callable[[dict[str, Any]], Any]
"""A field whose value depends on its arguments (connections, ``order(id:)``)."""


class GraphQLError(Exception):
    """A query-level error; ``code`` goes into ``extensions.code``."""

    def __init__(self, message: str, code: str = "BAD_REQUEST", **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extensions = extensions


@dataclass(frozen=True)
class Field:
    name: str
    alias: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    selections: tuple[Field, ...] = ()

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass(frozen=True)
class Operation:
    kind: str
    """``query`` or ``mutation``."""
    fields: tuple[Field, ...]

    @property
    def root_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


_TOKEN = re.compile(
    r"\s+|,|#[^\n]*|(?P<punct>\.\.\.|[!$():=@\[\]{}|])|(?P<name>[_A-Za-z][_0-9A-Za-z]*)"
    r'|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<string>"(?:[^"\\\n]|\\.)*")'
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise GraphQLError(f"Parse error on {text[pos : pos + 10]!r}", "PARSE_ERROR")
        pos = match.end()
        kind = match.lastgroup
        if kind is not None:
            out.append((kind, match.group(kind)))
    return out


class _Parser:
    def __init__(self, text: str, variables: Mapping[str, Any]) -> None:
        self._tokens = _tokens(text)
        self._pos = 0
        self._variables = variables

    def _peek(self) -> tuple[str, str]:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else ("eof", "")

    def _take(self, value: str | None = None) -> str:
        kind, text = self._peek()
        if kind == "eof" or (value is not None and text != value):
            raise GraphQLError(f"Parse error: expected {value or 'a token'}, got {text!r}")
        self._pos += 1
        return text

    def operation(self) -> Operation:
        kind = "query"
        if self._peek()[1] in ("query", "mutation", "subscription"):
            kind = self._take()
            if self._peek()[0] == "name":
                self._take()
            if self._peek()[1] == "(":
                self._skip_group("(", ")")
        fields = self._selection_set()
        if self._peek()[0] != "eof":
            raise GraphQLError("Only one operation per document is supported by the emulator")
        return Operation(kind, fields)

    def _skip_group(self, opening: str, closing: str) -> None:
        depth = 0
        while True:
            text = self._take()
            depth += text == opening
            depth -= text == closing
            if depth == 0:
                return

    def _selection_set(self) -> tuple[Field, ...]:
        self._take("{")
        fields: list[Field] = []
        while self._peek()[1] != "}":
            if self._peek()[1] == "...":
                raise GraphQLError("Fragments are not supported by the emulator")
            fields.append(self._field())
        self._take("}")
        return tuple(fields)

    def _field(self) -> Field:
        name = self._take()
        alias = None
        if self._peek()[1] == ":":
            self._take(":")
            alias, name = name, self._take()
        args: dict[str, Any] = {}
        if self._peek()[1] == "(":
            self._take("(")
            while self._peek()[1] != ")":
                arg = self._take()
                self._take(":")
                args[arg] = self._value()
            self._take(")")
        selections = self._selection_set() if self._peek()[1] == "{" else ()
        return Field(name, alias, args, selections)

    def _value(self) -> Any:
        kind, text = self._peek()
        if text == "$":
            self._take()
            return self._variables.get(self._take())
        if text == "[":
            self._take()
            items = []
            while self._peek()[1] != "]":
                items.append(self._value())
            self._take("]")
            return items
        if text == "{":
            self._take()
            obj: dict[str, Any] = {}
            while self._peek()[1] != "}":
                key = self._take()
                self._take(":")
                obj[key] = self._value()
            self._take("}")
            return obj
        self._take()
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        return {"true": True, "false": False, "null": None}.get(text, text)


def parse_operation(query: str, variables: Mapping[str, Any] | None = None) -> Operation:
    """The document's one operation, with ``$variables`` substituted into the arguments."""
    return _Parser(query, variables or {}).operation()


def resolve(source: Any, selections: Sequence[Field], type_name: str = "object") -> Any:
    """Project ``source`` (dicts, lists, scalars, ``Resolver`` callables) onto ``selections``."""
    if source is None:
        return None
    if isinstance(source, list):
        return [resolve(item, selections, type_name) for item in source]
    if not selections:
        return source
    out: dict[str, Any] = {}
    for selected in selections:
        if selected.name == "__typename":
            out[selected.key] = source.get("__typename", type_name)
            continue
        if selected.name not in source:
            raise GraphQLError(
                f"Field '{selected.name}' doesn't exist on type '{type_name}'", "undefinedField"
            )
        value = source[selected.name]
        if callable(value):
            value = value(selected.args)
        out[selected.key] = resolve(value, selected.selections, selected.name)
    return out


def _node_selections(connection: Field) -> tuple[Field, ...]:
    """The per-node selections of a connection (``nodes { ... }`` or ``edges { node { ... } }``)."""
    found: list[Field] = []
    for child in connection.selections:
        if child.name == "nodes":
            found.extend(child.selections)
        elif child.name == "edges":
            for edge_child in child.selections:
                if edge_child.name == "node":
                    found.extend(edge_child.selections)
    return tuple(found)


def _field_cost(selected: Field, returned: Any = None, *, actual: bool = False) -> int:
    # Shopify: scalars and enums 0, objects 1, connections 2 + first x (node cost).
    if not selected.selections:
        return 0
    if "first" in selected.args or "last" in selected.args:
        # A plain list that takes ``first`` (``Order.fulfillments``) is priced like a connection.
        is_connection = any(c.name in ("nodes", "edges") for c in selected.selections)
        nodes = _node_selections(selected) if is_connection else selected.selections
        size = int(selected.args.get("first") or selected.args.get("last") or 0)
        node_values: list[Any] = []
        if actual:
            if isinstance(returned, list):
                node_values = returned
            elif isinstance(returned, Mapping):
                node_values = list(returned.get("nodes") or [])
                node_values += [e.get("node") for e in returned.get("edges") or []]
            size = len(node_values)
        per_node = [
            1 + _selection_cost(nodes, node_values[i] if actual else None, actual=actual)
            for i in range(size if actual else 1)
        ]
        return 2 + (sum(per_node) if actual else size * per_node[0])
    if actual and returned is None:
        return 0
    if actual and isinstance(returned, list):
        return sum(1 + _selection_cost(selected.selections, item, actual=True) for item in returned)
    return 1 + _selection_cost(selected.selections, returned, actual=actual)


def _selection_cost(selections: Sequence[Field], returned: Any, *, actual: bool) -> int:
    total = 0
    for child in selections:
        if child.name in ("pageInfo", "nodes", "edges"):
            continue
        value = returned.get(child.key) if isinstance(returned, Mapping) else None
        total += _field_cost(child, value, actual=actual)
    return total


def requested_cost(operation: Operation) -> int:
    """What Shopify would reserve before running ``operation`` (mutations cost 10 each)."""
    base = 10 if operation.kind == "mutation" else 0
    return sum(base + _field_cost(f) for f in operation.fields)


def actual_cost(operation: Operation, data: Mapping[str, Any]) -> int:
    """The cost of what was really returned; the difference from the request is refunded."""
    base = 10 if operation.kind == "mutation" else 0
    return sum(base + _field_cost(f, data.get(f.key), actual=True) for f in operation.fields)
