"""The demo's partner cards: each partner the demo deals opened gets what a rep would
have filled in by now — a valid NIP, an address, industry and lead source, a credit
limit for the larger customers, two contact persons — and a few activities: calls
and visits done last week, a call and a meeting planned for the coming days, so that
the agenda, the week calendar and the partner pages have something to show.

Idempotent like the rest of the seed: a partner that already has contact persons is
left as it is."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from engine import Engine

# name -> (city, street, postal code, industry, source, credit limit or None)
CARDS = {
    "Sieć Sklepów Społem": ("Warszawa", "ul. Marszałkowska 10", "00-590", "grocery retail", "trade fair",
                            Decimal("250000.00")),
    "Hurtownia Bałtyk": ("Gdańsk", "ul. Długa 4", "80-827", "food wholesale", "cold call", Decimal("150000.00")),
    "Hotel Górski": ("Zakopane", "ul. Krupówki 20", "34-500", "hotels", "web", None),
    "Kawiarnie Ziarno": ("Wrocław", "ul. Świdnicka 8", "50-066", "cafés", "campaign", None),
    "Delikatesy Centrum": ("Rzeszów", "ul. Grunwaldzka 1", "35-068", "grocery retail", "partner referral",
                           Decimal("100000.00")),
    "Hurtownia Śląsk": ("Katowice", "ul. Mariacka 3", "40-014", "food wholesale", "trade fair",
                        Decimal("60000.00")),
    "Restauracja Pod Lipami": ("Poznań", "Stary Rynek 50", "61-772", "restaurants", "web", None),
    "Market Wiślany": ("Toruń", "ul. Szeroka 12", "87-100", "grocery retail", "cold call", None),
    "Hurt-Pol Łódź": ("Łódź", "ul. Piotrkowska 100", "90-004", "food wholesale", "campaign",
                      Decimal("80000.00")),
    "Szkoła Gastronomiczna": ("Lublin", "ul. Narutowicza 5", "20-004", "education", "tender", None),
    "Piekarnie Mazurskie": ("Olsztyn", "ul. Staromiejska 2", "10-017", "bakeries", "web", None),
    "Browar Kraft": ("Opole", "ul. Krakowska 7", "45-018", "breweries", "trade fair", None),
    "Hurtownia Podlasie": ("Białystok", "ul. Lipowa 9", "15-424", "food wholesale", "cold call", None),
}
_PEOPLE = [("Anna Nowak", "purchasing manager"), ("Piotr Wiśniewski", "owner"), ("Katarzyna Wójcik", "CFO"),
           ("Tomasz Kamiński", "operations director"), ("Magdalena Lewandowska", "store manager"),
           ("Marek Zieliński", "chief technician")]


def demo_nip(number: int) -> str:
    """A valid Polish NIP derived from ``number`` (weights 6 5 7 2 3 4 5 6 7, check digit
    the sum modulo 11; a sum giving 10 has no NIP, so the next base is taken)."""
    base = 5260000000 // 10 + number * 7919
    while True:
        digits = [int(d) for d in f"{base:09d}"[-9:]]
        check = sum(w * d for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), digits)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)
        base += 1


def seed_partner_cards(engine: Engine, now: datetime) -> int:
    """Fill in the demo partners' cards, contacts and activities; how many it filled."""
    filled = 0
    page = engine.partners("admin", {"status": "active"}, per_page=200)
    for index, summary in enumerate(sorted(page.items, key=lambda s: s.id)):
        card = CARDS.get(summary.name)
        if card is None or engine.partner(summary.id, viewer="admin").contacts:
            continue
        city, street, postal_code, industry, source, limit = card
        domain = "".join(c for c in summary.name.lower() if c.isascii() and c.isalnum())[:20] + ".example.pl"
        engine.update_partner(summary.id, actor="admin", tax_id=demo_nip(index + 1), city=city, street=street,
                              postal_code=postal_code, country="PL", industry=industry, source=source,
                              email=f"biuro@{domain}", phone=f"+48 22 {500 + index:03d} {10 + index:02d} 00",
                              credit_limit=limit, currency="PLN")
        for offset in range(2):
            name, function = _PEOPLE[(index + offset * 3) % len(_PEOPLE)]
            login = name.split()[0].lower()
            engine.add_partner_contact(summary.id, actor="admin", name=name, function=function,
                                       email=f"{login}@{domain}", phone=f"+48 600 {100 + index:03d} {offset}{index:02d}")
        _activities(engine, summary, index, now)
        filled += 1
    return filled


def _activities(engine: Engine, summary, index: int, now: datetime) -> None:
    """A done call last week and, for the partners a rep owns, a call and a visit planned
    in the coming working days, at office hours (UTC, Poland in winter is UTC+1)."""
    owner = summary.owner if summary.owner in ("rep1", "rep2") else None
    if owner is None:
        return
    day = now.replace(hour=8, minute=0, second=0, microsecond=0)
    engine.log_done_activity(actor=owner, partner_id=summary.id, kind="call", subject="Introductory call",
                             starts_at=day - timedelta(days=7 - index % 3, hours=-index % 4), duration_minutes=20,
                             outcome="interested, asked for references")
    engine.plan_activity(actor=owner, partner_id=summary.id, kind="call", subject="Follow-up call",
                         starts_at=day + timedelta(days=1 + index % 4, hours=index % 6), duration_minutes=30)
    if index % 3 == 0:
        engine.plan_activity(actor=owner, partner_id=summary.id, kind="visit", subject="Site visit and survey",
                             starts_at=day + timedelta(days=2 + index % 5, hours=1 + index % 5),
                             duration_minutes=90)
