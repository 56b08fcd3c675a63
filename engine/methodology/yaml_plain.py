"""Reading a plain YAML file in one pass over libyaml's events.

Nearly every methodology file is plain: one document of mappings, lists and scalars,
text keys each given once, no tags, anchors, aliases or merge keys. For such a file
the careful reader (``yaml_source.read_yaml``) does three things where one would do:
it reads the events once to refuse a hostile shape (``yaml_shape``), has libyaml
compose a node graph (calling back into Python to resolve every scalar's type), then
walks the graph to build the values and their lines. ``read_plain`` builds the same
values and lines straight from the events.

It gives up — returns None — at the first thing that is not plain (or not valid),
and the careful reader then reads the file from the start, so every problem a
designer sees is still worded by the careful reader alone. Giving up is always
safe; ``tests/methodology/test_yaml_plain.py`` holds the two readers to the same
result on every YAML file of the repository.
"""

from __future__ import annotations

import yaml

from engine.methodology.yaml_shape import MAX_YAML_DEPTH, MAX_YAML_VALUES

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Tags whose value the careful reader builds with SafeConstructor (a merge key,
# "=", and the rest make it report a problem, which only it words).
_BUILT = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                    "tag:yaml.org,2002:null"})
_MAPPING, _SEQUENCE = object(), object()  # a frame's kind
_AWAITING_KEY = object()


class _GiveUp(Exception):
    """Not a plain file: the careful reader takes over."""


def read_plain(text: str, loader_class) -> tuple[object, dict, dict, dict, set] | None:
    """(data, value_lines, key_lines, raw_scalars, literal_blocks) as ``read_yaml`` would build them
    with ``loader_class`` (its scalar resolution), or None when the file is not plain."""
    loader = loader_class(text)
    try:
        return _Reader(loader).read()
    except (_GiveUp, yaml.YAMLError, ValueError, OverflowError):
        return None
    finally:
        loader.dispose()


class _Reader:
    def __init__(self, loader):
        self.loader = loader
        resolvers = loader.yaml_implicit_resolvers
        self.wildcard = resolvers.get(None, [])
        # BaseResolver.resolve's lookup, joined once per first character instead of per scalar
        self.by_first = {first: listed + self.wildcard for first, listed in resolvers.items() if first is not None}
        self.constructors = loader.yaml_constructors
        if loader.yaml_path_resolvers:  # types chosen by position: not ours to repeat
            raise _GiveUp

    def read(self):
        get = self.loader.get_event
        if type(get()) is not yaml.StreamStartEvent or type(get()) is not yaml.DocumentStartEvent:
            raise _GiveUp  # an empty file: the careful reader says so
        value_lines: dict = {}
        key_lines: dict = {}
        raw_scalars: dict = {}
        literal_blocks: set = set()
        tags: dict = {}  # plain scalar -> its tag: keys and values repeat, the resolver's regexps run once each
        tag_of = self._tag
        # One frame per open mapping or list: [kind, container, path, key awaited or given];
        # ``frame`` is the innermost (stack[-1]), or None before the root.
        stack: list[list] = []
        frame = None
        root = None
        values = 0
        scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        while True:
            event = get()
            kind = type(event)
            if kind is scalar_event or kind is mapping_start or kind is sequence_start:
                if event.tag is not None or event.anchor is not None:
                    raise _GiveUp
                values += 1
                if values > MAX_YAML_VALUES:
                    raise _GiveUp
                if frame is None:
                    path = ()
                elif frame[0] is _MAPPING:
                    if frame[3] is _AWAITING_KEY:  # a key: text given once (_key's checks, inline)
                        if kind is not scalar_event:
                            raise _GiveUp  # a list or mapping as a key
                        key = event.value
                        if event.implicit[0]:
                            tag = tags.get(key)
                            if tag is None:
                                tag = tags[key] = tag_of(key, True)
                            if tag != _STR:
                                raise _GiveUp  # a key that is not text (or is <<)
                        if key in frame[1]:
                            raise _GiveUp  # a duplicate
                        key_lines[frame[2] + (key,)] = event.start_mark.line + 1
                        frame[3] = key
                        continue
                    path = frame[2] + (frame[3],)
                else:
                    path = frame[2] + (len(frame[1]),)
                value_lines[path] = event.start_mark.line + 1
                if kind is scalar_event:
                    value = raw_scalars[path] = event.value
                    if event.style == "|":
                        literal_blocks.add(path)
                    if event.implicit[0]:
                        tag = tags.get(value)
                        if tag is None:
                            tag = tags[value] = tag_of(value, True)
                        if tag != _STR and tag != _TIMESTAMP:  # dates stay text, as in read_yaml
                            value = self._built(tag, value)
                else:
                    value = {} if kind is mapping_start else []
                if frame is None:
                    root = value
                elif frame[0] is _MAPPING:
                    frame[1][frame[3]] = value
                    frame[3] = _AWAITING_KEY
                else:
                    frame[1].append(value)
                if kind is not scalar_event:
                    frame = [_MAPPING, value, path, _AWAITING_KEY] if kind is mapping_start \
                        else [_SEQUENCE, value, path, None]
                    stack.append(frame)
                    if len(stack) > MAX_YAML_DEPTH:
                        raise _GiveUp
            elif kind is mapping_end or kind is sequence_end:
                stack.pop()
                frame = stack[-1] if stack else None
            elif kind is yaml.DocumentEndEvent:
                break
            else:  # an alias
                raise _GiveUp
        if type(get()) is not yaml.StreamEndEvent:
            raise _GiveUp  # a second document
        return root, value_lines, key_lines, raw_scalars, literal_blocks

    def _tag(self, value: str, plain: bool) -> str:
        """The tag libyaml's composer would give the scalar (``BaseResolver.resolve``
        for a scalar, with no path resolvers)."""
        if plain:
            for tag, regexp in self.by_first.get(value[:1], self.wildcard):
                if regexp.match(value):
                    return tag
        return _STR

    def _built(self, tag: str, value: str) -> object:
        """A plain scalar of another tag than text or date: built as SafeConstructor builds it."""
        if tag not in _BUILT:
            raise _GiveUp
        return self.constructors[tag](self.loader, yaml.ScalarNode(tag, value))
