"""Totals the analysis reports read instead of scanning the rows they sum (issue 13:
every report p95 <= 300 ms at 100,000 deals; bench/reports.py). Each is kept in the
same transaction as the rows it sums, and can be rebuilt from them
(``engine.store.snapshot_totals``); tests compare it with a recomputation.

``snapshot_day_totals``: per snapshot day and the owner, manager, team and currency
the filed deals had that day, the deals, their amount in cents and amount in cents
x probability (exact: the trend divides by 10,000 once). The trend over 90 days reads
a few thousand of these instead of ~3,000,000 snapshot rows. No manager or no team
is stored as 0 (a key column cannot be NULL; no user or team has id 0, so a scope
naming people or teams never matches it, as it never matches NULL).

``deal_stage_facts`` and ``stage_history_totals``: each deal's part in the funnel's
stage figures (reached, finished stays, advanced) and their sums per owner,
manager, team, segment, version and stage (``engine.store.stage_totals``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models import Base


class SnapshotDayTotal(Base):
    __tablename__ = "snapshot_day_totals"

    snapshot_date: Mapped[date] = mapped_column(Date, primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: none
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: none
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    weighted_cents: Mapped[int] = mapped_column(BigInteger)  # sum of amount cents x probability (0..100)


class DealStageFact(Base):
    """One deal's part in the stage figures (``engine.rules.stage_facts.Fact``) with
    the keys it was summed under, kept so that it can be taken out of the sums again
    when the deal changes. ``reached`` is implied (1)."""

    __tablename__ = "deal_stage_facts"

    opportunity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    methodology_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer)
    manager_id: Mapped[int] = mapped_column(Integer)  # 0: none
    team_id: Mapped[int] = mapped_column(Integer)  # 0: none
    segment_id: Mapped[str] = mapped_column(String(80))
    stays: Mapped[int] = mapped_column(Integer)
    stay_us: Mapped[int] = mapped_column(BigInteger)  # microseconds of the finished stays
    advanced: Mapped[int] = mapped_column(Integer)  # 1: went on to a later stage, 0: not


class StageHistoryTotal(Base):
    """The deals' parts summed per owner, manager, team, segment, version and stage:
    what the funnel and the methodology comparison read (a few thousand rows at
    100,000 deals instead of ~330,000 history rows). A row whose deals all moved to
    other keys stays, with zero deals."""

    __tablename__ = "stage_history_totals"

    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    methodology_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    reached: Mapped[int] = mapped_column(Integer)
    stays: Mapped[int] = mapped_column(Integer)
    stay_us: Mapped[int] = mapped_column(BigInteger)
    advanced: Mapped[int] = mapped_column(Integer)


class DealReportFact(Base):
    """One deal's part in the pipeline analysis's grouped totals (``DealReportTotal``)
    with every key it is summed under, kept so that it can be taken out of the sums
    again when the deal (or its partner card) changes (``engine.store.deal_totals``).
    No manager or team is 0, no stage or attribute is '' (key columns)."""

    __tablename__ = "deal_report_facts"

    opportunity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer)
    manager_id: Mapped[int] = mapped_column(Integer)  # 0: none
    team_id: Mapped[int] = mapped_column(Integer)  # 0: none
    status: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    methodology_version_id: Mapped[int] = mapped_column(Integer)
    stage_id: Mapped[str] = mapped_column(Text)  # '': no stage
    segment_id: Mapped[str] = mapped_column(Text)
    territory: Mapped[str] = mapped_column(Text)  # the deal's attribute, else the partner card's; '': none
    industry: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    campaign: Mapped[str] = mapped_column(Text)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    weighted_units: Mapped[int] = mapped_column(BigInteger)  # amount cents x probability (0..100)
    cycle_us: Mapped[int] = mapped_column(BigInteger)  # opened -> closed in microseconds; 0 while open
    closed_cycle_us: Mapped[int | None] = mapped_column(BigInteger)  # the same, None while open (the medians)

    __table_args__ = (
        # the methodology comparison's medians: the closed deals' cycles in order per version and segment,
        # with the scope's columns (the index alone answers a manager's median)
        Index("ix_deal_report_facts_cycle", "methodology_version_id", "segment_id", "closed_cycle_us",
              "owner_id", "manager_id", "team_id"),
    )


class DealReportTotal(Base):
    """The deals' parts summed per grouping kind and key, owner, manager, team,
    status and currency: what the pipeline analysis and the methodology comparison
    read (a few thousand rows at 100,000 deals instead of the deals). Kinds:

        stage      k1 version id, k2 stage, k3 segment (stage, methodology, segment,
                   rep and team groupings: rep and team are the owner and team columns)
        source     k1 lead source, k2 campaign
        territory  k1
        industry   k1

    A row whose deals all moved to other keys stays, with zero deals."""

    __tablename__ = "deal_report_totals"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    k1: Mapped[str] = mapped_column(Text, primary_key=True)
    k2: Mapped[str] = mapped_column(Text, primary_key=True)
    k3: Mapped[str] = mapped_column(Text, primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    manager_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    deals: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    weighted_units: Mapped[int] = mapped_column(BigInteger)
    cycle_us: Mapped[int] = mapped_column(BigInteger)
