"""What the users-and-teams screen shows (issue 15): users with their role and
teams, teams with their manager and members, a user's API tokens (never the
secret), and the audit trail of these changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PersonRow:
    username: str
    display_name: str
    role: str
    active: bool
    teams: tuple[str, ...]


@dataclass(frozen=True)
class TeamRow:
    name: str
    manager: str | None  # username
    manager_name: str | None
    members: tuple[tuple[str, str], ...]  # (username, display name)


@dataclass(frozen=True)
class TokenRow:
    id: int
    created_at: datetime
    revoked_at: datetime | None

    @property
    def live(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class AuditRow:
    kind: str
    actor: str | None
    at: datetime
    subject: str
    data: dict


@dataclass(frozen=True)
class Organisation:
    users: tuple[PersonRow, ...]
    teams: tuple[TeamRow, ...]
    roles: tuple[str, ...]
    audit: tuple[AuditRow, ...]
