"""The whole schema: every table of ``models`` (deals, tasks, methodologies) and of
``partner_models`` (partners, activities, lead imports) in one MetaData, which the
migrations are compared against."""

from engine.store import partner_models  # noqa: F401  (registers its tables on Base)
from engine.store.models import Base

metadata = Base.metadata
