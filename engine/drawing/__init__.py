"""Pure drawing: diagrams as SVG text."""
