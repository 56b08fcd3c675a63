"""Conformance: real-world BPMN files from the team's shared corpus, run as users run them."""
