"""Deployed methodology versions and routing rules: storing them, finding the current one,
and reading back the files, spec and labels each was made of."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.store.models import MethodologyVersion, RoutingVersion


def version_files(session: Session, version_id: int) -> dict:
    """The files (relative path -> text) of one deployed version."""
    return session.scalar(select(MethodologyVersion.files).where(MethodologyVersion.id == version_id)) or {}


def deployed_files(session: Session, methodology_id: str, label: str | None) -> dict[str, str] | None:
    """The files (relative path -> text) of the version of ``methodology_id`` deployed
    last — with the designer's ``label`` if given; None when there is none."""
    version_id = current_version_id(session, methodology_id, label)
    return dict(version_files(session, version_id)) if version_id is not None else None


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


def find_version(session: Session, methodology_id: str, content_hash: str) -> MethodologyVersion | None:
    """The version of ``methodology_id`` made of exactly these files, if deployed."""
    return session.scalar(select(MethodologyVersion).where(
        MethodologyVersion.methodology_id == methodology_id, MethodologyVersion.content_hash == content_hash))


def add_version(session: Session, **values) -> MethodologyVersion:
    """Store a new version, made current (the highest activation); its id is set."""
    row = MethodologyVersion(**values, activation=next_activation(session))
    session.add(row)
    session.flush()
    return row


def version_number(session: Session, row: MethodologyVersion) -> int:
    """Which version of its methodology ``row`` is: 1 for the first one deployed (the row
    ids count across every methodology, which reads wrong in "its version 7")."""
    return session.scalar(select(func.count()).select_from(MethodologyVersion).where(
        MethodologyVersion.methodology_id == row.methodology_id, MethodologyVersion.id <= row.id))


def next_activation(session: Session) -> int:
    """The activation number that makes a version the current one of its methodology."""
    return (session.scalar(select(func.max(MethodologyVersion.activation))) or 0) + 1


def current_version_id(session: Session, methodology_id: str, label: str | None = None) -> int | None:
    """The id of the version of ``methodology_id`` deployed last (optionally with this label)."""
    query = select(MethodologyVersion.id).where(MethodologyVersion.methodology_id == methodology_id)
    if label is not None:
        query = query.where(MethodologyVersion.label == label)
    return session.scalar(query.order_by(MethodologyVersion.activation.desc()).limit(1))


def version_facts(session: Session, version_id: int) -> tuple[str, str, str] | None:
    """(methodology id, label, content hash) of one version; None when there is none."""
    row = session.execute(select(
        MethodologyVersion.methodology_id, MethodologyVersion.label, MethodologyVersion.content_hash)
        .where(MethodologyVersion.id == version_id)).first()
    return tuple(row) if row is not None else None


def version_spec(session: Session, version_id: int) -> str:
    """The workflow spec text stored with a version when it was deployed."""
    return session.scalar(select(MethodologyVersion.spec).where(MethodologyVersion.id == version_id))


def newest_routing(session: Session) -> RoutingVersion | None:
    """The routing rules deployed last."""
    return session.scalar(select(RoutingVersion).order_by(RoutingVersion.id.desc()).limit(1))


def newest_routing_id(session: Session) -> int | None:
    """The id of the routing rules deployed last (cheap: the files are not read)."""
    return session.scalar(select(func.max(RoutingVersion.id)))


def routing_files(session: Session, routing_id: int) -> dict[str, str]:
    """The files (relative path -> text) of one deployed routing version."""
    return session.scalar(select(RoutingVersion.files).where(RoutingVersion.id == routing_id))


def add_routing(session: Session, content_hash: str, files: dict[str, str], deployed_at: datetime) -> None:
    session.add(RoutingVersion(content_hash=content_hash, files=files, deployed_at=deployed_at))
