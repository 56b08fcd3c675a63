"""The whole schema: every table of ``models`` (deals, tasks, methodologies) and of
``partner_models`` (partners, activities, lead imports) in one MetaData, which the
migrations are compared against."""

from engine.store import partner_models

# models' Base: importing partner_models registers its tables on it.
metadata = partner_models.Base.metadata
