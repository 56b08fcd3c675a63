"""The service layer: the façade ``Engine`` and the use cases it delegates to."""

from engine.service.facade import Engine

__all__ = ["Engine"]
