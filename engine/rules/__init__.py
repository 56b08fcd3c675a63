"""Pure decisions over plain data: routing, scoring, exit criteria, forms, swap plans."""
