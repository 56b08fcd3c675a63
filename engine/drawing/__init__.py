"""Pure drawing: diagrams as SVG text, with no scripts, styles or external references.

    svg                     the one escaper and element writer both diagrams use
    bpmn_diagram            a BPMN file's own diagram (BPMN DI), a deal's position marked
    bpmn_shapes             how each BPMN element is drawn
    buying_center_diagram   the buying center: layout by reporting lines, cards, lines
"""
