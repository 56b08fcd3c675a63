"""Reading a YAML methodology file while remembering where every value came from.

PyYAML's ``safe_load`` throws the positions away, and it silently keeps the last of
two equal keys. We compose the node graph instead (``yaml.compose`` keeps a mark on
every node), build plain Python values from it ourselves, and record the line of each
value under its JSON path — so a schema error at ``stages/3/probability`` can name
the line a designer has to fix. A plain file (nearly every one) is read to the same
result in one pass over the parser's events (``yaml_plain``); anything else, and every
problem, goes the careful way below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import re

import yaml

from engine.methodology.problems import Problem
from engine.methodology.yaml_plain import read_plain
from engine.methodology.yaml_shape import shape_problem, too_deep

JsonPath = tuple  # of str keys and int indexes, as jsonschema's error.absolute_path


@dataclass
class YamlDocument:
    """A parsed YAML file: its data and the 1-based line of every value and key."""

    path: str
    data: object
    value_lines: dict = field(default_factory=dict)  # JsonPath -> line of the value
    key_lines: dict = field(default_factory=dict)  # JsonPath -> line of the mapping key
    raw_scalars: dict = field(default_factory=dict)  # JsonPath -> the scalar as written
    literal_blocks: set = field(default_factory=set)  # JsonPaths of scalars written as '|' blocks

    def line_of(self, path: JsonPath) -> int:
        """The line of the value at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while path:
            if path in self.value_lines:
                return self.value_lines[path]
            path = path[:-1]
        return self.value_lines.get((), 1)

    def key_line_of(self, path: JsonPath) -> int:
        """The line of the key that names ``path`` (falls back to the value's line)."""
        return self.key_lines.get(tuple(path)) or self.line_of(path)

    def line_in_text(self, path: JsonPath, line: int | None) -> int:
        """The file's line of line ``line`` (1-based) of the text at ``path``. Exact for
        a literal block (``when: |``), whose lines are the file's lines after the
        ``|``; any other text was read as one line (a quoted, plain or ``>`` scalar
        folds its lines into spaces, so its own lines no longer match the file's):
        the line it starts on."""
        start = self.line_of(path)
        if line is None or tuple(path) not in self.literal_blocks:
            return start
        return start + line


def _yaml_1_2_booleans(loader_class):
    """YAML 1.2 booleans: only true/false. YAML 1.1 also reads yes/no/on/off as
    booleans, which turns an answer text "No" or an id "yes" into False/True —
    a trap for designers who are not programmers."""
    loader_class.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader_class.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    return loader_class


@_yaml_1_2_booleans
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's parser when PyYAML has it (PyPI wheels do): about 5x faster."""


@_yaml_1_2_booleans
class _ExplainingLoader(yaml.SafeLoader):
    """PyYAML's own parser, used only to describe a syntax error: its messages
    ("mapping values are not allowed here", "found character '\\t'") say more
    than libyaml's."""


_STR = "tag:yaml.org,2002:str"  # most scalars: built as they are written


class _Builder(yaml.constructor.SafeConstructor):
    """Turns composed nodes into plain values; scalars are resolved as safe_load would."""

    def __init__(self, doc: YamlDocument, problems: list[Problem]):
        super().__init__()
        self.doc = doc
        self.problems = problems

    def build(self, node, path: JsonPath = ()):
        self.doc.value_lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        self.doc.raw_scalars[path] = node.value
        if node.style == "|":
            self.doc.literal_blocks.add(path)
        if node.tag == _STR:
            return node.value  # what construct_object would return, without its bookkeeping
        if node.tag == "tag:yaml.org,2002:timestamp":
            # Dates stay text: the schema says which fields are dates, and a date
            # object would not survive JSON Schema validation or serialization.
            return node.value
        try:
            return self.construct_object(node, deep=True)
        except (ValueError, OverflowError) as err:
            shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
            raise _UnreadableScalar(node.start_mark.line + 1,
                                    f"YAML error: cannot read {shown!r} ({str(err).split(':')[0]}); "
                                    "put it in quotes if it is text") from None

    def _mapping(self, node, path: JsonPath) -> dict:
        self.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                # `yes:` or `1:` as a key: YAML 1.1 turns them into bool/int.
                self.problems.append(Problem(
                    self.doc.path, line,
                    f"key {key_node.value!r} must be text; put it in quotes: '{key_node.value}'"))
                key = str(key_node.value)
            if key in result:
                first = self.doc.key_lines[path + (key,)]
                self.problems.append(Problem(
                    self.doc.path, line,
                    f"duplicate key '{key}' (first given on line {first}); "
                    "YAML would silently keep only the last one"))
                continue
            self.doc.key_lines[path + (key,)] = line
            result[key] = self.build(value_node, path + (key,))
        return result


def read_yaml(path: str, text: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse ``text`` (the contents of ``path``); ``None`` and a problem on bad syntax,
    or on a file too hostile to build (see ``yaml_shape``)."""
    plain = read_plain(text, _Loader)  # one pass for the usual file; None for anything else
    if plain is not None:
        return YamlDocument(path, *plain), []
    problems: list[Problem] = []
    try:
        hostile = shape_problem(path, text)
        if hostile is not None:
            return None, [hostile]
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as err:
        if "maximum nesting depth" in str(err.problem):  # libyaml's own limit, 1,000 levels
            return None, [too_deep(path, err.problem_mark.line + 1 if err.problem_mark else 1)]
        return None, [_syntax_problem(path, text)]
    except yaml.YAMLError as err:  # errors without a position, e.g. bad encoding
        return None, [Problem(path, 1, f"YAML error: {err}")]
    if len(nodes) != 1:
        line = nodes[1].start_mark.line + 1 if len(nodes) > 1 else 1
        message = ("file is empty; delete it or fill it in ('dealflow schema KIND' lists the fields)"
                   if not nodes else "one document per file; remove the '---' separator")
        return None, [Problem(path, line, message)]
    doc = YamlDocument(path=path, data=None)
    try:
        doc.data = _Builder(doc, problems).build(nodes[0])
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        return None, [Problem(path, mark.line + 1 if mark else 1, f"YAML error: {err.problem}")]
    except _UnreadableScalar as err:
        return None, [Problem(path, err.line, err.message)]
    return doc, problems


class _UnreadableScalar(Exception):
    """A scalar PyYAML resolved to a type it then cannot build (a 5,000-digit number)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def _syntax_problem(path: str, text: str) -> Problem:
    try:
        # Events first, shape checked: libyaml refuses 1,000 levels of nesting as a
        # syntax error, and PyYAML's composer would recurse through them.
        hostile = shape_problem(path, text, _ExplainingLoader)
        if hostile is not None:
            return hostile
        list(yaml.compose_all(text, Loader=_ExplainingLoader))
        return Problem(path, 1, "YAML syntax error")  # only libyaml refused it
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = err.problem or err.context or "invalid YAML"
        flow = {"while parsing a flow sequence": "[]", "while parsing a flow mapping": "{}"}.get(err.context or "")
        if flow and err.context_mark and mark and err.context_mark.line != mark.line:
            # PyYAML notices on a later line; the bracket to close opened here.
            return Problem(path, err.context_mark.line + 1,
                           f"YAML syntax error: the '{flow[0]}' opened on this line is not closed "
                           f"before line {mark.line + 1}; add the missing '{flow[1]}' or ','")
        return Problem(path, mark.line + 1 if mark else 1, f"YAML syntax error: {what}{_syntax_hint(what)}")


def _syntax_hint(what: str) -> str:
    if "found character '\\t'" in what:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed here" in what:
        return "; a value containing ': ' must be quoted"
    return ""
