"""The deal page and its partner: the partner's name links to its card, and a deal
that takes the partner past its credit limit shows the warning to the rep and the
manager, with the link."""

from tests.webui.pages_support import client_for


def test_the_rep_and_the_manager_see_the_credit_warning_with_a_link_to_the_partner(app, engine):
    card = engine.create_partner(actor="manager", name="Acme <b>", channel="retail", credit_limit="1000")
    within = engine.create_opportunity(title="Small", amount="400.00", partner_id=card.id, actor="manager")
    page = client_for(app, within.owner).get(f"/opportunities/{within.id}")
    assert f'<a href="/partners/{card.id}">Acme &lt;b&gt;</a>' in page.text
    assert 'id="credit-warning"' not in page.text
    over = engine.create_opportunity(title="Big", amount="700.00", partner_id=card.id, actor="manager",
                                     owner=within.owner)
    for user in (over.owner, "manager"):
        page = client_for(app, user).get(f"/opportunities/{over.id}")
        warning = page.text.split('id="credit-warning">')[1].split("</p>")[0]
        assert warning.startswith("Credit limit exceeded: balance 0.00 + open deals 1\u202f100.00 = 1\u202f100.00 PLN")
        assert f'<a href="/partners/{card.id}">the partner\'s card</a>' in warning
