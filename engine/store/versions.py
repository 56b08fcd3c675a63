"""Deployed methodology versions read back: the files each was made of, and their labels."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import MethodologyVersion


def version_files(session: Session, version_id: int) -> dict:
    """The files (relative path -> text) of one deployed version."""
    return session.scalar(select(MethodologyVersion.files).where(MethodologyVersion.id == version_id)) or {}


def deployed_files(session: Session, methodology_id: str, label: str | None) -> dict[str, str] | None:
    """The files (relative path -> text) of the version of ``methodology_id`` deployed
    last — with the designer's ``label`` if given; None when there is none."""
    query = select(MethodologyVersion.files).where(MethodologyVersion.methodology_id == methodology_id)
    if label is not None:
        query = query.where(MethodologyVersion.label == label)
    files = session.scalar(query.order_by(MethodologyVersion.activation.desc()).limit(1))
    return dict(files) if files is not None else None


def deployed_labels(session: Session, methodology_id: str) -> list[str]:
    """The labels deployed for ``methodology_id``, oldest first (for messages)."""
    rows = session.execute(select(MethodologyVersion.label, MethodologyVersion.activation)
                           .where(MethodologyVersion.methodology_id == methodology_id)
                           .order_by(MethodologyVersion.activation)).all()
    return list(dict.fromkeys(label for label, _ in rows))


def deployed_versions(session: Session) -> list[str]:
    """Every deployed version as "id@label": by methodology, the current one first."""
    rows = session.execute(select(MethodologyVersion.methodology_id, MethodologyVersion.label)
                           .order_by(MethodologyVersion.methodology_id, MethodologyVersion.activation.desc()))
    return [f"{methodology_id}@{label}" for methodology_id, label in rows]
