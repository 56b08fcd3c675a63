"""This process's API tokens already checked, valid for one access epoch.

Every API request names its caller by a token (``accounts.user_for_token``). The full
check is a statement joining tokens, users and teams (≈ 0.3–0.7 ms of client CPU and
its backend's work); a hit here costs one read of the access epoch
(``engine.store.access_epoch``: ≈ 0.02 ms), run on the request itself. Triggers count the
epoch up in the very transaction that revokes a token, disables or deletes a user,
changes a role, a name or a team membership (migration 0031), so a request that
starts after such a commit reads a newer epoch than every kept answer and checks in
full: nothing is served from the cache that the database would refuse at that moment,
on any worker. The kept answers hold the epoch their check statement read in its own
snapshot; a newer epoch drops them all (such changes are rare). PostgreSQL only: on
SQLite the check is in process and nothing is kept."""

from __future__ import annotations

from engine.store.access_epoch import EpochReader
from engine.views import UserView

LIMIT = 10_000  # tokens kept per process; past it the cache starts afresh


class TokenCache:
    def __init__(self, epochs: EpochReader):
        self._epochs = epochs
        # (epoch, token hash -> view), replaced whole: a reader sees one or the other
        self._kept: tuple[int | None, dict[str, UserView]] = (None, {})

    def epoch(self) -> int | None:
        """The access epoch now, or None (unreadable: check in full)."""
        return self._epochs.read()

    def get(self, token_hash: str, epoch: int) -> UserView | None:
        kept_at, views = self._kept
        return views.get(token_hash) if kept_at == epoch else None

    def put(self, token_hash: str, view: UserView, epoch: int) -> None:
        """Keep ``view``, checked by a statement that read ``epoch``."""
        kept_at, views = self._kept
        if kept_at is not None and epoch < kept_at:
            return  # checked before a change another request has seen: not kept
        if kept_at != epoch or len(views) >= LIMIT:
            self._kept = (epoch, {token_hash: view})
        else:
            views[token_hash] = view  # a racing swap leaves this in the dropped dict: harmless

    def close(self) -> None:
        self._epochs.close()
