"""``dealflow partner``: business partners (M10) — create, show, list, update, archive,
restore, and their contact persons (``partner contact add|update``). Every command
acts ``--as`` a user, whom the engine's policy lets see or change the partner; a
mistake is one line (group.py). The hand-over command (handover.py) joins this group."""

from __future__ import annotations

import click

from engine.cli.common import open_engine
from engine.cli.render import when
from engine.views.partners import PartnerContactView, PartnerListPage, PartnerView


@click.group()
def partner() -> None:
    """Business partners: prospects, customers, resellers, suppliers."""


# The card's options: (option, field, help). Each given one is sent; "" empties a field.
CARD_OPTIONS = (
    ("--name", "name", "The company's name."),
    ("--kind", "kind", "prospect (default), customer, reseller or supplier."),
    ("--tax-id", "tax_id", "NIP (123-456-32-18) or a VAT number with its country prefix."),
    ("--regon", "regon", "A Polish REGON."),
    ("--email", "email", None), ("--phone", "phone", None), ("--website", "website", None),
    ("--street", "street", None), ("--postal-code", "postal_code", None), ("--city", "city", None),
    ("--country", "country", "A two-letter code such as PL."),
    ("--territory", "territory", None), ("--channel", "channel", None), ("--industry", "industry", None),
    ("--source", "source", "campaign, fair, cold call, web, ..."), ("--campaign", "campaign", None),
    ("--balance", "balance", "An exact amount, e.g. 1200.00."),
    ("--credit-limit", "credit_limit", "An exact amount; \"\" for no limit."),
    ("--currency", "currency", "Of balance and credit limit (default PLN)."),
    ("--notes", "notes", None),
)


def card_options(command):
    for option, field, text in reversed(CARD_OPTIONS):
        command = click.option(option, field, default=None, help=text)(command)
    return command


def given(values: dict) -> dict:
    """The card fields the command line named."""
    return {field: values[field] for _, field, _ in CARD_OPTIONS if values.get(field) is not None}


@partner.command("create")
@card_options
@click.option("--owner", default=None, help="A rep (managers and admins); a rep's partner is their own.")
@click.option("--as", "actor", required=True, help="Who opens it (a username).")
def partner_create(owner, actor, **values) -> None:
    """Open a partner (a prospect unless --kind says otherwise)."""
    if values.get("name") is None:
        raise click.UsageError("Missing option '--name'.")
    click.echo(card_text(open_engine().create_partner(actor=actor, owner=owner, **given(values))))


@partner.command("show")
@click.argument("partner_id", type=int)
@click.option("--as", "viewer", required=True, help="Who looks (a username).")
def partner_show(partner_id: int, viewer: str) -> None:
    """A partner's card: contacts, open and closed deals, credit, history."""
    click.echo(card_text(open_engine().partner(partner_id, viewer=viewer)))


@partner.command("list")
@click.option("--search", "-q", "text", default=None, help="Name, city, tax id or e-mail.")
@click.option("--kind", default=None)
@click.option("--territory", default=None)
@click.option("--channel", default=None)
@click.option("--industry", default=None)
@click.option("--owner", default=None, help="The owner rep's username.")
@click.option("--source", default=None)
@click.option("--status", default="active", show_default=True, help="active, archived or all.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--per-page", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--as", "viewer", required=True, help="Whose partners (a username).")
def partner_list(page: int, per_page: int, viewer: str, **criteria) -> None:
    """The partners the user sees, one per line, by name."""
    found = open_engine().partners(viewer, {k: v for k, v in criteria.items() if v is not None},
                                   page=page, per_page=per_page)
    click.echo(list_text(found))


@partner.command("update")
@click.argument("partner_id", type=int)
@card_options
@click.option("--as", "actor", required=True, help="The owner, their manager or an admin.")
def partner_update(partner_id: int, actor: str, **values) -> None:
    """Change the card's fields given (\"\" empties one); the history keeps before and after."""
    changes = given(values)
    if not changes:
        raise click.UsageError("name at least one field to change, e.g. --city Gdańsk")
    click.echo(card_text(open_engine().update_partner(partner_id, actor=actor, **changes)))


@partner.command("archive")
@click.argument("partner_id", type=int)
@click.option("--as", "actor", required=True)
def partner_archive(partner_id: int, actor: str) -> None:
    """Archive a partner: read-only and out of the list; its deals and history stay."""
    card = open_engine().archive_partner(partner_id, actor=actor)
    click.echo(f"Partner #{card.id} {card.name} archived; 'dealflow partner restore {card.id} --as USER' undoes it")


@partner.command("restore")
@click.argument("partner_id", type=int)
@click.option("--as", "actor", required=True)
def partner_restore(partner_id: int, actor: str) -> None:
    """Make an archived partner active again."""
    card = open_engine().restore_partner(partner_id, actor=actor)
    click.echo(f"Partner #{card.id} {card.name} is active again")


@partner.group("contact")
def contact() -> None:
    """A partner's contact persons."""


@contact.command("add")
@click.argument("partner_id", type=int)
@click.option("--name", required=True)
@click.option("--function", default="", help="Their function, e.g. head of purchasing.")
@click.option("--email", default=None)
@click.option("--phone", default=None)
@click.option("--as", "actor", required=True)
def contact_add(partner_id: int, name: str, function: str, email, phone, actor: str) -> None:
    """Add a contact person to partner PARTNER_ID."""
    person = open_engine().add_partner_contact(partner_id, actor=actor, name=name, function=function, email=email,
                                               phone=phone)
    click.echo(contact_line(person))


@contact.command("update")
@click.argument("contact_id", type=int)
@click.option("--name", default=None)
@click.option("--function", default=None)
@click.option("--email", default=None)
@click.option("--phone", default=None)
@click.option("--active/--inactive", default=None, help="--inactive: they left the company.")
@click.option("--as", "actor", required=True)
def contact_update(contact_id: int, actor: str, **values) -> None:
    """Change contact person CONTACT_ID (the options given)."""
    changes = {k: v for k, v in values.items() if v is not None}
    if not changes:
        raise click.UsageError("name at least one field to change, e.g. --phone '+48 600 100 200'")
    click.echo(contact_line(open_engine().update_partner_contact(contact_id, actor=actor, **changes)))


# --- text out -------------------------------------------------------------------------

def contact_line(c: PartnerContactView) -> str:
    extras = ", ".join(x for x in (c.function, c.email, c.phone) if x)
    return f"#{c.id} {c.name}" + (f" ({extras})" if extras else "") + ("" if c.active else " [inactive]")


def card_text(p: PartnerView) -> str:
    def row(label: str, value) -> str | None:
        return f"  {label:<15}{value}" if value not in (None, "", ()) else None

    address = ", ".join(x for x in (p.street, " ".join(x for x in (p.postal_code, p.city) if x), p.country) if x)
    limit = f"{p.credit_limit} {p.currency}" if p.credit_limit is not None else "none"
    lines = [
        f"Partner #{p.id}: {p.name} ({p.kind}, {p.status})",
        row("tax id", p.tax_id), row("REGON", p.regon), row("address", address), row("e-mail", p.email),
        row("phone", p.phone), row("website", p.website),
        row("segment", ", ".join(f"{k}={v}" for k, v in (("territory", p.territory), ("channel", p.channel),
                                                          ("industry", p.industry), ("source", p.source),
                                                          ("campaign", p.campaign)) if v)),
        row("owner", p.owner or "nobody"),
        row("credit", f"balance {p.balance} {p.currency}; limit {limit}; exposure {p.credit.exposure}"),
        row("WARNING", p.credit.warning),
        row("customer since", f"{when(p.became_customer_at)}, deal #{p.became_customer_opportunity_id} "
                              f"won by {p.became_customer_by or 'the engine'}" if p.became_customer_at else None),
        row("notes", p.notes),
    ]
    lines = [line for line in lines if line is not None]
    lines.append("  Contacts:" if p.contacts else "  Contacts: none")
    lines += [f"    {contact_line(c)}" for c in p.contacts]
    for title, deals in (("Open deals", p.open_deals), ("Closed deals", p.closed_deals)):
        lines.append(f"  {title}:" if deals else f"  {title}: none")
        lines += [f"    #{d.id} {d.status:<5} {d.stage_name or '-':<20} {d.amount:>12} {d.currency}  "
                  f"{d.owner or '-':<12} {d.title}" for d in deals]
    lines.append("  History (newest first):")
    lines += [f"    {when(e.at)}  {e.text}" for e in p.history]
    return "\n".join(lines)


def list_text(page: PartnerListPage) -> str:
    lines = [f"#{s.id:<6} {s.kind:<9} {s.status:<8} {s.name[:40]:<40} {(s.city or '-')[:20]:<20} "
             f"{s.territory or '-':<10} {s.owner or '-':<12} {s.open_deals} open" for s in page.items]
    lines.append(f"{page.total} partner{'s' if page.total != 1 else ''}"
                 + (f" (page {page.page} of {page.pages})" if page.pages > 1 else ""))
    return "\n".join(lines)


COMMANDS = [partner]
