"""Who may do what: every permission decision of Dealflow, as pure functions over
plain facts (no database, no web). The façade asks these for every use case, the
web app and the command line alike; views carry the answers as ``may_*`` flags, so
nothing outside this module compares role names.

The rules (``manager of the deal`` = the manager of the deal's team when it opened,
``Deal.manager_id``; ``team`` = a team the actor is a member of):

    decision                  rep                          manager                          designer  admin
    may_create_deal           no                           yes                              no        yes
    may_see_deal              owns it, or worked on it*    manages it, its team's, worked*  yes       yes
    may_see_task              may work it, assignee,       (same as rep)                    yes       yes
                              completed it, owns the deal
    may_work                  assignee; queued for a team  also on deals they manage        no**      yes
                              of theirs while unclaimed
    may_claim                 the task waits for a team of theirs                           (same)    (same)
    may_release               whoever claimed it           also the deal's manager          no**      yes
    may_manage (reassign)     no                           the deal's manager               no        yes
    may_close (as lost)       the deal's owner             the deal's manager (or owner)    no        yes
    may_override_probability  no                           the deal's manager               no        yes
    may_edit_deal             the deal's owner             the deal's manager, or above     no        yes
    may_retry                 no                           the deal's manager               yes       yes
    may_edit_buying_center    the deal's owner             the deal's manager, or above     no        yes
    may_answer_questionnaire  whoever may see the deal (may_see_deal)
    may_revise_answers        whoever completed the task (while they still take tasks; when:
                              engine.rules.revision)
    may_swap (segments)       no                           yes                              no        yes
    may_import_leads          no                           yes                              no        yes
    may_see_lead_import,      no                           the imports they ran             no        yes
      may_revert_lead_import
    may_see_pipeline          no                           their own deals                  all       all
    may_see_lost_report       no                           their own deals                  all       all
    may_deploy                no                           no                               yes       yes
    may_own_deals             yes                          no                               no        no
    may_take_tasks            yes                          yes                              no        yes
    plans_activities          yes                          yes                              no        no

    may_see_partner           owns it; may see one of      manages its owner***, it has no  no        yes
                              its deals (may_see_deal)     owner, or may see one of its deals
    may_edit_partner          owns it                      manages its owner***, or it has  no        yes
      (archive, restore,                                   no owner and they see it
       its contacts)
    may_hand_over_partner     no                           (same as may_edit_partner)       no        yes
    may_create_partner        yes (owned by themselves)    yes                              no        yes

    *  worked on it: assigned a task of it, completed one, or one of its READY tasks
       waits, unclaimed, in a queue of the actor's team (``waits_for``). Visibility
       follows the claim: once a teammate claims the deal's queued task, the others
       of the team no longer see the deal through it (issue 11); releasing it shows
       it to them again.
    ** unless the task is theirs (assigned to them) or queued for a team of theirs.
    *** manages the owner: the manager of a team the partner's owner belongs to
       (``Team.manager_id``), or a manager who is a member of such a team (as a
       manager sees the deals of their teams).

Designers see no partner: they fix methodologies, and a partner's card holds
personal data (contact persons' e-mails and phones) they have no need for. The
deals they see still carry the partner's name.

Defects this module settles once the façade asks it (issue 10): the façade's
create_opportunity checked no role, so a rep could open a deal through it (the
command line, tests/conformance/corpus.py) that the API refused — may_create_deal
is the one answer for both; and show_opportunity names no viewer at all (the command
line's operator view), while opportunity_for asks may_see_deal.

Use cases raise PermissionDeniedError where the actor may see the deal but not do
the thing, and NotFoundError (saying nothing of the deal) where they may not see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from engine.errors import DealflowError, PermissionDeniedError
from engine.rules.hierarchy import Hierarchy


class Role(str, Enum):
    """What a user is in the sales organisation (stored as its value)."""

    REP = "rep"
    MANAGER = "manager"
    DESIGNER = "designer"
    ADMIN = "admin"

    @classmethod
    def of(cls, name: "str | Role") -> "Role":
        """The role named ``name``; DealflowError naming the roles otherwise."""
        try:
            return cls(name)
        except ValueError:
            raise DealflowError(f"unknown role '{name}'; use one of: {', '.join(ROLES)}") from None

    def __str__(self) -> str:
        return self.value


ROLES = tuple(r.value for r in Role)  # in the order people are told about them


@dataclass(frozen=True)
class Actor:
    """Who asks: their user id, role and the ids of the teams they belong to."""

    user_id: int
    role: Role
    team_ids: frozenset[int] = frozenset()

    def __post_init__(self):
        object.__setattr__(self, "role", Role.of(self.role))
        object.__setattr__(self, "team_ids", frozenset(self.team_ids))


@dataclass(frozen=True)
class Task:
    """A task of a deal as the rules see it: who holds it, which queue it waits in,
    who completed it, and its status (ready, completed, cancelled)."""

    assignee_id: int | None
    candidate_team_id: int | None = None
    completed_by_id: int | None = None
    status: str = "ready"


@dataclass(frozen=True)
class Deal:
    """A deal as the rules see it. ``tasks``: its tasks (any status) — what
    ``worked_on`` reads; leave it empty when the decision does not need it."""

    owner_id: int
    manager_id: int | None
    team_id: int | None = None
    tasks: tuple[Task, ...] = ()


# --- by role alone --------------------------------------------------------------------

def sees_everything(actor: Actor) -> bool:
    """Admins and designers see every deal and task (designers fix what broke)."""
    return actor.role in (Role.ADMIN, Role.DESIGNER)


def may_create_deal(actor: Actor) -> bool:
    """Managers and admins open new deals (routing then picks the owner)."""
    return actor.role in (Role.MANAGER, Role.ADMIN)


def may_swap(actor: Actor) -> bool:
    """Managers and admins see the segments, swap a segment's methodology and reverse a swap."""
    return actor.role in (Role.MANAGER, Role.ADMIN)


def may_import_leads(actor: Actor) -> bool:
    """Managers and admins import lead files (and preview them)."""
    return actor.role in (Role.MANAGER, Role.ADMIN)


def may_see_lead_import(actor: Actor, importer_id: int | None) -> bool:
    """An admin sees every lead import; a manager the ones they ran."""
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.MANAGER and importer_id == actor.user_id


def may_revert_lead_import(actor: Actor, importer_id: int | None) -> bool:
    return may_see_lead_import(actor, importer_id)


def may_see_pipeline(actor: Actor) -> bool:
    return actor.role in (Role.MANAGER, Role.ADMIN, Role.DESIGNER)


def may_see_lost_report(actor: Actor) -> bool:
    """The lost-deal report (M13) follows the pipeline: managers see the deals of
    their report scope (engine.rules.report_scope), admins and designers every deal
    (a designer reads where a methodology loses deals); reps are refused, as for the
    pipeline — their own lost deals are on their deal pages."""
    return may_see_pipeline(actor)


def may_deploy(actor: Actor) -> bool:
    """Designers and admins deploy methodologies. (Deploying from the command line
    names no actor: whoever runs it has the files and the database already.)"""
    return actor.role in (Role.DESIGNER, Role.ADMIN)


def may_own_deals(role: Role | str) -> bool:
    """A deal's owner is a rep (routing assigns reps; reassigning hands to a rep)."""
    return Role.of(role) in OWNER_ROLES


OWNER_ROLES = (Role.REP,)  # may_own_deals, for a query that picks owners


def may_take_tasks(role: Role | str) -> bool:
    """Whom a manager may hand a task to: reps, managers and admins (designers fix
    methodologies, they do not work deals)."""
    return Role.of(role) in (Role.REP, Role.MANAGER, Role.ADMIN)


def plans_activities(role: Role | str) -> bool:
    """Whose week a manager looks at: the people who plan and hold activities with
    customers, reps and managers (an admin may see any week, but keeps none)."""
    return Role.of(role) in (Role.REP, Role.MANAGER)


@dataclass(frozen=True)
class InboxScope:
    """Which READY tasks an inbox lists: ``everything`` (an admin), else the actor's
    own and those queued for their teams, plus — ``managed`` — those on the deals
    they manage (a manager)."""

    everything: bool
    managed: bool


def inbox_scope(actor: Actor) -> InboxScope:
    return InboxScope(everything=actor.role is Role.ADMIN, managed=actor.role is Role.MANAGER)


# --- over a deal and its tasks --------------------------------------------------------

def manages(actor: Actor, deal: Deal) -> bool:
    """The deal's manager (whatever their role) or an admin."""
    return actor.role is Role.ADMIN or (deal.manager_id is not None and actor.user_id == deal.manager_id)


def waits_for(actor: Actor, task: Task) -> bool:
    """The task waits, unclaimed, in the queue of one of the actor's teams."""
    return (task.assignee_id is None and task.candidate_team_id is not None
            and task.candidate_team_id in actor.team_ids)


def worked_on(actor: Actor, deal: Deal) -> bool:
    """The actor has, had, or may claim a task of the deal: a READY task that a
    teammate claimed is theirs, not the team's."""
    return any(actor.user_id in (t.assignee_id, t.completed_by_id) or (t.status == "ready" and waits_for(actor, t))
               for t in deal.tasks)


def may_see_deal(actor: Actor, deal: Deal) -> bool:
    """Admins and designers every deal; anyone the deals they own or manage; a
    manager their teams' deals; anyone the deals they worked on (``worked_on``)."""
    if sees_everything(actor) or actor.user_id in (deal.owner_id, deal.manager_id):
        return True
    if actor.role is Role.MANAGER and deal.team_id is not None and deal.team_id in actor.team_ids:
        return True
    return worked_on(actor, deal)


def may_work(actor: Actor, task: Task, deal: Deal) -> bool:
    """Complete the task: its assignee, a member of its queue's team while nobody has
    claimed it, the deal's manager, or an admin. (Whether it is still READY is not a
    permission: that is a conflict.)"""
    return manages(actor, deal) or actor.user_id == task.assignee_id or waits_for(actor, task)


def may_revise_answers(actor: Actor, task: Task) -> bool:
    """Revise the answers of a completed task: only whoever completed it — the answers
    are theirs, as in Camunda Tasklist — and only while they still take tasks. (Whether
    the stage was left meanwhile is not a permission: engine.rules.revision.)"""
    return task.completed_by_id is not None and task.completed_by_id == actor.user_id \
        and may_take_tasks(actor.role)


def may_see_task(actor: Actor, task: Task, deal: Deal) -> bool:
    """Whoever may work it, sees everything, holds or completed it, or owns the deal."""
    if sees_everything(actor) or may_work(actor, task, deal):
        return True
    return actor.user_id in (task.assignee_id, task.completed_by_id, deal.owner_id)


def may_claim(actor: Actor, task: Task) -> bool:
    """Take a queued task: a member of the team it waits for (whether someone was
    quicker is a conflict, not a permission). The one rule for claiming: the inbox
    shows a Claim button and counts a task "in my teams' queues" exactly when this
    holds (engine.store.inbox.Visibility.queued is its SQL form), so a manager who
    sees a queued task on a deal they manage, outside their teams, may work or hand
    it over but is not offered a claim the façade would refuse."""
    return task.candidate_team_id is not None and task.candidate_team_id in actor.team_ids


def may_release(actor: Actor, task: Task, deal: Deal) -> bool:
    """Put a claimed task back: whoever claimed it, the deal's manager or an admin."""
    return manages(actor, deal) or (task.assignee_id is not None and actor.user_id == task.assignee_id)


def may_manage(actor: Actor, deal: Deal) -> bool:
    """Hand the deal, or one of its tasks, to someone else: its manager or an admin."""
    return manages(actor, deal)


def may_close(actor: Actor, deal: Deal) -> bool:
    """Close the deal as lost by hand: its owner, its manager or an admin."""
    return manages(actor, deal) or actor.user_id == deal.owner_id


def may_set_forecast(actor: Actor, deal: Deal) -> bool:
    """Move the deal's expected close date, or override its forecast category (M15):
    its owner (the rep who believes in it), its manager or an admin."""
    return manages(actor, deal) or actor.user_id == deal.owner_id


def may_edit_deal(actor: Actor, deal: Deal, *, above: bool = False) -> bool:
    """Change the deal's title, partner, amount, currency or close date: its owner,
    its manager, a manager above the owner or manager in the hierarchy (``above``,
    which the caller reads from engine.rules.hierarchy), or an admin. Never a designer."""
    return manages(actor, deal) or actor.user_id == deal.owner_id or (above and actor.role is Role.MANAGER)


def may_override_probability(actor: Actor, deal: Deal) -> bool:
    """Set or reset the deal's probability by hand: its manager or an admin."""
    return manages(actor, deal)


def may_retry(actor: Actor, deal: Deal) -> bool:
    """Run a deal's failed step again: its manager, a designer or an admin."""
    return manages(actor, deal) or actor.role is Role.DESIGNER


def may_edit_buying_center(actor: Actor, deal: Deal, *, above: bool = False) -> bool:
    """Add, change and remove the people of the deal's buying center and their
    relationships: whoever may change the deal (``may_edit_deal``: its owner, its
    manager or a manager above, an admin — never a designer, who sees every deal to
    fix methodologies). Whoever may see the deal may read it."""
    return may_edit_deal(actor, deal, above=above)


def may_answer_questionnaire(actor: Actor, deal: Deal) -> bool:
    """Whoever may see the deal may answer its questionnaires."""
    return may_see_deal(actor, deal)


# --- over a business partner ----------------------------------------------------------

@dataclass(frozen=True)
class PartnerFacts:
    """A partner as the rules see it: its owner, the teams its owner belongs to and
    those teams' managers, and its deals (``Deal``, with tasks when the decision
    needs whether the actor worked on one)."""

    owner_id: int | None
    owner_team_ids: frozenset[int] = frozenset()
    owner_manager_ids: frozenset[int] = frozenset()
    deals: tuple[Deal, ...] = ()


def manages_partner(actor: Actor, partner: PartnerFacts) -> bool:
    """An admin, or the manager of a team the partner's owner belongs to (by
    ``Team.manager_id``, or a manager who is a member of that team)."""
    if actor.role is Role.ADMIN:
        return True
    if partner.owner_id is None:
        return False
    return actor.user_id in partner.owner_manager_ids or (
        actor.role is Role.MANAGER and bool(partner.owner_team_ids & actor.team_ids))


def may_see_partner(actor: Actor, partner: PartnerFacts) -> bool:
    """Admins every partner; designers none; anyone the partners they own; managers
    those whose owner they manage and those nobody owns; anyone the partners of a
    deal they may see."""
    if actor.role is Role.DESIGNER:
        return False
    if partner.owner_id is None and actor.role is Role.MANAGER:
        return True  # the pool of partners nobody owns yet: any manager may give them to a rep
    if manages_partner(actor, partner) or (partner.owner_id is not None and actor.user_id == partner.owner_id):
        return True
    return any(may_see_deal(actor, deal) for deal in partner.deals)


def may_edit_partner(actor: Actor, partner: PartnerFacts) -> bool:
    """Change the card, its contacts, archive or restore it: its owner, whoever
    manages its owner, an admin; a partner without an owner, any manager who sees it."""
    if partner.owner_id is not None and actor.user_id == partner.owner_id and actor.role is not Role.DESIGNER:
        return True
    if manages_partner(actor, partner):
        return True
    return partner.owner_id is None and actor.role is Role.MANAGER and may_see_partner(actor, partner)


def may_hand_over_partner(actor: Actor, partner: PartnerFacts) -> bool:
    """Give the partner (and its open deals) to another rep: whoever manages its
    owner, an admin; a partner without an owner, any manager who sees it."""
    if actor.role not in (Role.MANAGER, Role.ADMIN):
        return False
    return may_edit_partner(actor, partner)


def may_create_partner(actor: Actor) -> bool:
    """Reps (a partner they open is theirs), managers and admins."""
    return actor.role in (Role.REP, Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class PartnerScope:
    """Which partners a list shows the actor, as ``may_see_partner`` decides one by
    one: ``everything`` (an admin), ``nothing`` (a designer), else those owned by
    ``user_id``, or by a member of a team in ``managed_team_ids`` or managed by
    ``user_id`` (a manager), or with a deal the actor may see (the deal rules:
    ``user_id`` owns or manages it, its team is in ``deal_team_ids``, or they worked
    on it), or — ``unowned`` — that nobody owns."""

    everything: bool
    nothing: bool
    unowned: bool  # a manager: the partners nobody owns
    user_id: int
    member_team_ids: frozenset[int]  # the actor's teams: their queued tasks show the deal
    deal_team_ids: frozenset[int]  # a manager's teams: their deals show the partner
    managed_team_ids: frozenset[int]  # a manager's teams: their members' partners


def partner_scope(actor: Actor) -> PartnerScope:
    manager = actor.role is Role.MANAGER
    return PartnerScope(everything=actor.role is Role.ADMIN, nothing=actor.role is Role.DESIGNER,
                        unowned=manager, user_id=actor.user_id, member_team_ids=actor.team_ids,
                        deal_team_ids=actor.team_ids if manager else frozenset(),
                        managed_team_ids=actor.team_ids if manager else frozenset())


def require(allowed: bool, message: str) -> None:
    """PermissionDeniedError(message) unless ``allowed``."""
    if not allowed:
        raise PermissionDeniedError(message)


# --- quotas and forecasts (M14, M15), over the manager hierarchy ------------------------
# "above": the person's manager, or their manager's, at any depth (engine.rules.hierarchy).
#
#    decision               rep          manager                                    designer  admin
#    may_set_quota          no           of someone below them                      no        anyone's
#    may_split_quota        no           their own, or of a manager below them      no        any manager's
#    may_see_quota          their own    their own, and of everyone below them      no        anyone's
#    may_see_split          committed splits of their manager (their team's); drafts: only their author
#    may_see_forecast       their own    their own, and of everyone below them      no        anyone's
#    may_adjust_forecast    no           a direct report's who has no reports       no        no
#    may_submit_forecast    their own    their own                                  no        no

def may_use_quotas(actor: Actor) -> bool:
    """Quotas and forecasts are for the sales organisation: reps, managers, admins."""
    return actor.role in (Role.REP, Role.MANAGER, Role.ADMIN)


def may_set_quota(actor: Actor, hierarchy: Hierarchy, subject_id: int) -> bool:
    """Set someone's quota from above: an admin, or a manager above them (so the
    top manager's quota comes from an admin or their own manager)."""
    return actor.role is Role.ADMIN or hierarchy.is_above(actor.user_id, subject_id)


def may_split_quota(actor: Actor, hierarchy: Hierarchy, manager_id: int) -> bool:
    """Split a manager's quota among their direct reports: the manager themselves,
    a manager above them, or an admin."""
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.MANAGER and (actor.user_id == manager_id or hierarchy.is_above(actor.user_id,
                                                                                             manager_id))


def may_see_quota(actor: Actor, hierarchy: Hierarchy, subject_id: int) -> bool:
    """A person's quota and forecast: their own, a manager's above them, an admin's."""
    if actor.role is Role.ADMIN or actor.user_id == subject_id:
        return True
    return actor.role is not Role.DESIGNER and hierarchy.is_above(actor.user_id, subject_id)


def may_see_split(actor: Actor, hierarchy: Hierarchy, manager_id: int, *, committed: bool,
                  author_id: int | None = None) -> bool:
    """A draft only by its author; a committed split by whoever may see the
    manager's quota, and by the team it was split among (the manager's reports)."""
    if not committed:
        return author_id == actor.user_id
    return (may_see_quota(actor, hierarchy, manager_id)
            or actor.user_id in hierarchy.direct_reports(manager_id))


def may_see_forecast(actor: Actor, hierarchy: Hierarchy, subject_id: int) -> bool:
    """Reps their own forecast, managers their hierarchy's, admins everyone's."""
    return may_see_quota(actor, hierarchy, subject_id)


def may_adjust_forecast(actor: Actor, hierarchy: Hierarchy, subject_id: int) -> bool:
    """Adjust a direct report's forecast (with a note): their manager. Only of a person
    without reports: an adjustment replaces that person's own figures, and a manager's
    figures are their team's rollup, which their own reps' adjustments already make
    (adjusting the rollup itself is not built: it would count the team twice)."""
    return (actor.role == Role.MANAGER and actor.user_id in hierarchy.managers_of(subject_id)
            and not hierarchy.direct_reports(subject_id))


def may_submit_forecast(actor: Actor, subject_id: int) -> bool:
    """Submit a forecast: its person, for themselves (reps and managers)."""
    return actor.user_id == subject_id and actor.role in (Role.REP, Role.MANAGER)


# --- call and mailing lists, archiving and deleting partners (M11) ----------------------

def may_keep_partner_lists(actor: Actor) -> bool:
    """Reps, managers and admins save call and mailing lists (of the partners they see)."""
    return actor.role in (Role.REP, Role.MANAGER, Role.ADMIN)


def may_change_partner_list(actor: Actor, owner_id: int) -> bool:
    """See, rename or delete a saved list: its owner or an admin."""
    return actor.role is Role.ADMIN or actor.user_id == owner_id


def may_archive_partners(actor: Actor) -> bool:
    """Archive inactive prospects in bulk and undo it: managers and admins, each only
    the prospects they may archive one by one (``may_edit_partner``)."""
    return actor.role in (Role.MANAGER, Role.ADMIN)


def archives_anyones(actor: Actor) -> bool:
    """An admin archives anyone's prospects and sees every archival and saved list;
    a manager their own archivals."""
    return actor.role is Role.ADMIN


def may_delete_partner(actor: Actor) -> bool:
    """Delete a partner for good (one without deals or activities): admins only."""
    return actor.role is Role.ADMIN


# --- early warnings (M18) -------------------------------------------------------------

# Whose deals' warnings someone sees is engine.rules.report_scope's (for_warnings).


def may_train_win_model(actor: Actor) -> bool:
    """Training the learned win probability by hand (the worker trains it daily
    without an actor): admins and designers, who look after how deals are judged."""
    return actor.role in (Role.ADMIN, Role.DESIGNER)


def may_sweep_warnings(actor: Actor) -> bool:
    """Running the warnings' sweep by hand (the worker runs it without an actor): admins."""
    return actor.role is Role.ADMIN


def may_administer(actor: Actor) -> bool:
    """Admins manage users, roles, teams and API tokens (the users-and-teams screen)."""
    return actor.role is Role.ADMIN
