"""Dealflow: a workflow engine for declarative sales methodologies."""
