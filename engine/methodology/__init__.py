"""Pure: methodology files -> frozen dataclasses (``model``), and every check on the way.

    files, yaml_source, schemas, build       YAML kinds: found, read with lines, checked, built
    bpmn_source, bpmn_schema, dmn_source     BPMN/DMN: safe parsing, the XSD, the facts read
    constructs, graph, crossref, variables   checks across elements and files
    timers, due_dates                        timer and due-date values as modelers write them
    problems                                 ``path:line: message``
    diff, importer                           two versions compared; a foreign BPMN file imported
"""
