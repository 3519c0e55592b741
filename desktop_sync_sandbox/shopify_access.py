"""Shopify's access rules, read from its published Admin GraphQL schema: the scopes each type
and field needs (its ``requiredAccess`` prose) and the fields that hold protected customer data.

The Shopify emulator enforces these field by field, as Shopify does (a field the token may not
read comes back null with an ``ACCESS_DENIED`` error and the rest of the data); the spec tests
derive the connector's scopes from them. The schema file itself is not part of the project:
it is handed in by path (tests find it with ``tests.specs.spec_path``).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "PROTECTED_CONTENTS",
    "AccessSchema",
    "Denial",
    "FieldRule",
    "Requirement",
    "expand_granted",
    "parse_required_access",
    "satisfied",
    "unknown_fields",
    "withhold",
]

Requirement = tuple[frozenset[str], ...]
"""Alternatives: any one set of scopes suffices. ``()`` means no scope is needed."""

PROTECTED_CONTENTS = ("name", "email", "phone", "address")
"""Shopify's level 2 protected customer fields, as the schema's ``protectedContent`` names them."""

_PROTECTED_DOCS = "https://shopify.dev/docs/apps/launch/protected-customer-data"
_SCOPE = re.compile(r"`([a-z][a-z0-9_]*)`")
# A scope named as a staff member's permission, not an app's access scope.
_USER_PERMISSION = re.compile(r"`[a-z0-9_]+`\s+user permission")


def _alternatives(text: str) -> Requirement:
    """``a, b or c`` (each an access scope) as three alternatives."""
    text = _USER_PERMISSION.sub("", text)
    return tuple(frozenset({name}) for name in dict.fromkeys(_SCOPE.findall(text)))


def _both(left: Requirement, right: Requirement) -> Requirement:
    """Every alternative of ``left`` with every one of ``right``."""
    if not left:
        return right
    if not right:
        return left
    combined = {a | b for a in left for b in right}
    # Keep only minimal sets: {read_orders} makes {read_orders, x} redundant.
    return tuple(sorted((s for s in combined if not any(o < s for o in combined)), key=sorted))


def parse_required_access(text: str | None) -> Requirement:
    """Shopify's ``requiredAccess`` prose as alternatives of scope sets.

    Read: "`a` access scope, `b` access scope or `c` access scope." (any one); "`a` access
    scope and (`b` ... or `c` ...)." (a with b or c); "Any of `a` or `b` access scopes or `x`
    user permission." (the user permission is a staff member's, not the app's, and left out);
    "... Also: Requires `x` scope." (x as well); "`a` for queries and both `a` as well as `b`
    for mutations." (a, since the connector only reads such types). What follows "Also:" about
    staff permissions or shop features is not about scopes and is left out.
    """
    if not text:
        return ()
    main, _, also = text.partition("Also:")
    main = main.split(" for queries", 1)[0]
    if " and (" in main:
        head, _, rest = main.partition(" and (")
        requirement = _both(_alternatives(head), _alternatives(rest))
    else:
        requirement = _alternatives(main)
    for clause in re.split(r"(?<=\.)\s+", also):
        if re.search(r"\b(requires|must have)\b.*`[a-z0-9_]+`.*\bscope\b", clause, re.I):
            requirement = _both(requirement, _alternatives(clause))
    return requirement


def expand_granted(scopes: Iterable[str]) -> frozenset[str]:
    """The scopes a token really holds: Shopify's ``write_x`` includes ``read_x``."""
    granted = {s.strip() for s in scopes if s and s.strip()}
    granted |= {"read_" + s.removeprefix("write_") for s in granted if s.startswith("write_")}
    return frozenset(granted)


def satisfied(requirement: Requirement, granted: frozenset[str]) -> bool:
    return not requirement or any(alternative <= granted for alternative in requirement)


@dataclass(frozen=True)
class FieldRule:
    """What reading one field takes."""

    type_name: str
    """The named type the field returns (lists and non-null unwrapped)."""
    requirement: Requirement
    """The field's own ``requiredAccess`` with its type's (and a connection's node type's)."""
    required_access: str
    """Shopify's own words for the first part of ``requirement`` a token can miss."""
    protected: str = ""
    """``name``, ``email``, ``phone`` or ``address`` for a protected customer field."""
    own_text: str = ""
    type_text: str = ""


def _named(type_ref: Mapping[str, Any]) -> str:
    while type_ref.get("ofType") is not None and type_ref.get("kind") in ("NON_NULL", "LIST"):
        type_ref = type_ref["ofType"]
    return str(type_ref.get("name") or "")


class AccessSchema:
    """One version's types and fields with their access rules."""

    def __init__(self, introspection: Mapping[str, Any], version: str = "") -> None:
        schema = introspection["data"]["__schema"] if "data" in introspection else introspection
        self.version = version
        self.query_type = str(schema["queryType"]["name"])
        self.mutation_type = str((schema.get("mutationType") or {}).get("name") or "Mutation")
        self._types: dict[str, Mapping[str, Any]] = {str(t["name"]): t for t in schema["types"]}
        self._fields: dict[str, dict[str, Mapping[str, Any]]] = {
            name: {str(f["name"]): f for f in t.get("fields") or ()}
            for name, t in self._types.items()
        }
        self._rules: dict[tuple[str, str], FieldRule | None] = {}

    @classmethod
    def load(cls, path: str | Path) -> AccessSchema:
        """An introspection file (``.json`` or ``.json.gz``) such as ``admin_2026-10.json.gz``."""
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        match = re.search(r"(\d{4}-\d{2})", path.name)
        return cls(data, match.group(1) if match else "")

    def has_type(self, name: str) -> bool:
        return name in self._types

    def type_access(self, name: str) -> str:
        return str(self._types.get(name, {}).get("requiredAccess") or "")

    def field(self, parent: str, name: str) -> FieldRule | None:
        """The rule for ``parent.name``; None when the schema has no such field."""
        key = (parent, name)
        if key not in self._rules:
            self._rules[key] = self._rule(parent, name)
        return self._rules[key]

    def _rule(self, parent: str, name: str) -> FieldRule | None:
        if name == "__typename":
            return FieldRule(parent, (), "")
        spec = self._fields.get(parent, {}).get(name)
        if spec is None:
            return None
        type_name = _named(spec["type"])
        own = str(spec.get("requiredAccess") or "")
        type_text = self.type_access(type_name)
        node_fields = self._fields.get(type_name, {})
        if type_name.endswith("Connection") and "nodes" in node_fields and not type_text:
            type_text = self.type_access(_named(node_fields["nodes"]["type"]))
        requirement = _both(parse_required_access(own), parse_required_access(type_text))
        protected = str(spec.get("protectedContent") or "") if spec.get("isProtected") else ""
        return FieldRule(
            type_name=type_name,
            requirement=requirement,
            required_access=own or type_text,
            protected=protected,
            own_text=own,
            type_text=type_text,
        )

    def missing_text(self, rule: FieldRule, granted: frozenset[str]) -> str:
        """Shopify's words for the part of ``rule`` that ``granted`` does not meet."""
        if rule.own_text and not satisfied(parse_required_access(rule.own_text), granted):
            return rule.own_text
        return rule.type_text or rule.own_text


@dataclass
class Denial:
    """One field withheld from the token: its path and why."""

    path: list[str | int]
    field: str
    message: str
    code: str
    required_access: str = ""


def withhold(
    schema: AccessSchema,
    root_type: str,
    selections: Iterable[Any],
    data: dict[str, Any],
    granted: frozenset[str],
    protected_granted: frozenset[str],
) -> list[Denial]:
    """Null every field of ``data`` (an answer to ``selections``, the emulator's parsed
    ``Field`` tree) that ``granted`` may not read, and say why, as Shopify does: the rest of
    the data stays. Protected customer fields need their content in ``protected_granted``."""
    denials: list[Denial] = []
    _walk(schema, root_type, tuple(selections), data, [], granted, protected_granted, denials)
    return denials


def _walk(
    schema: AccessSchema,
    type_name: str,
    selections: tuple[Any, ...],
    value: Any,
    path: list[str | int],
    granted: frozenset[str],
    protected_granted: frozenset[str],
    denials: list[Denial],
) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _walk(
                schema,
                type_name,
                selections,
                item,
                [*path, index],
                granted,
                protected_granted,
                denials,
            )
        return
    if not isinstance(value, dict):
        return
    for selected in selections:
        if selected.key not in value:
            continue
        rule = schema.field(type_name, selected.name)
        here = [*path, selected.key]
        if rule is None:
            continue  # the emulator's own shapes answer for fields it invented (none are sent)
        if not satisfied(rule.requirement, granted):
            text = schema.missing_text(rule, granted)
            value[selected.key] = None
            denials.append(
                Denial(
                    here,
                    selected.name,
                    f"Access denied for {selected.name} field. Required access: {text}",
                    "ACCESS_DENIED",
                    text,
                )
            )
            continue
        if rule.protected and rule.protected not in protected_granted:
            value[selected.key] = None
            denials.append(
                Denial(
                    here,
                    selected.name,
                    f"This app is not approved to access the {selected.name} field of "
                    f"{type_name}. See {_PROTECTED_DOCS} for more details.",
                    "ACCESS_DENIED",
                )
            )
            continue
        if selected.selections:
            _walk(
                schema,
                rule.type_name,
                selected.selections,
                value[selected.key],
                here,
                granted,
                protected_granted,
                denials,
            )


def unknown_fields(schema: AccessSchema, operation: Any) -> list[dict[str, Any]]:
    """Shopify's errors for fields ``operation`` (the emulator's parsed one) selects that the
    schema does not have; Shopify answers such a document with these errors and no data."""
    root = schema.mutation_type if operation.kind == "mutation" else schema.query_type
    errors: list[dict[str, Any]] = []

    def walk(type_name: str, fields: tuple[Any, ...]) -> None:
        for selected in fields:
            rule = schema.field(type_name, selected.name)
            if rule is None:
                errors.append(
                    {
                        "message": f"Field '{selected.name}' doesn't exist on type '{type_name}'",
                        "extensions": {
                            "code": "undefinedField",
                            "typeName": type_name,
                            "fieldName": selected.name,
                        },
                    }
                )
                continue
            walk(rule.type_name, selected.selections)

    walk(root, tuple(operation.fields))
    return errors
