"""The admin's users-and-teams screen: users with role and teams, teams with manager
and members, creating a user, changing a role, adding and removing team members, a
user's API tokens (never the secret in a list; a new one shown once; revoking), each
change audited. Everyone but an admin is refused; every POST needs its CSRF token."""

import pytest

from engine.errors import PermissionDeniedError
from tests.webui.pages_support import client_for, csrf_token, log_in, make_app


@pytest.fixture
def admin(app):
    return client_for(app, "admin")


def test_the_admin_sees_users_with_roles_and_teams_with_manager_and_members(admin):
    page = admin.get("/admin/users")
    assert page.status_code == 200 and 'id="nav-admin"' in page.text
    rep1 = page.text.split('id="user-rep1"')[1].split("</tr>")[0]
    assert '<option value="rep" selected>' in rep1 and "horeca, sales" in rep1
    sales = page.text.split('id="team-sales"')[1].split("</article>")[0]
    assert 'class="team-manager">manager<' in sales
    assert 'id="member-sales-rep1"' in sales and 'id="member-sales-rep2"' in sales
    assert 'id="member-sales-rep3"' not in sales
    assert '<option value="rep3">' in sales  # who may be added


def test_create_a_user_then_add_them_to_a_team_and_remove_them(admin, engine):
    made = admin.post("/admin/users", data={"username": "rep4", "display_name": "Rita Rep", "role": "rep",
                                            "password": "long enough"})
    assert made.status_code == 303
    assert engine.user_view("rep4").role == "rep"
    assert engine.authenticate("rep4", "long enough").display_name == "Rita Rep"
    added = admin.post("/admin/teams/sales/members", data={"username": "rep4"})
    assert added.status_code == 303 and added.location.endswith("/admin/users#teams")
    page = admin.get("/admin/users")
    assert "rep4 added to sales." in page.text and 'id="member-sales-rep4"' in page.text
    assert engine.user_view("rep4").teams == ("sales",)
    removed = admin.post("/admin/teams/sales/members/rep4/remove")
    assert removed.status_code == 303
    assert engine.user_view("rep4").teams == ()
    page = admin.get("/admin/users")
    kinds = [e.kind for e in engine.organisation_overview(viewer="admin").audit]
    assert kinds[:3] == ["team_member_removed", "team_member_added", "user_created"]
    assert "team member removed: sales · member rep4" in page.text


def test_refused_changes_are_messages_on_the_page(admin, engine):
    twice = admin.post("/admin/users", data={"username": "rep1", "role": "rep"})
    assert twice.status_code == 303
    assert "user &#39;rep1&#39; already exists" in admin.get("/admin/users").text
    admin.post("/admin/users", data={"username": "x", "role": "rep", "password": "short"})
    assert "a password needs at least 8 characters" in admin.get("/admin/users").text
    admin.post("/admin/users", data={"username": "x", "role": "boss"})
    assert "unknown role &#39;boss&#39;" in admin.get("/admin/users").text
    admin.post("/admin/teams/sales/members/rep3/remove")
    assert "rep3 is not a member of sales" in admin.get("/admin/users").text
    admin.post("/admin/users/manager/role", data={"role": "rep"})
    assert "manager manages horeca, sales; give the team another manager" in admin.get("/admin/users").text
    assert engine.user_view("manager").role == "manager"
    admin.post("/admin/users/admin/role", data={"role": "rep"})
    assert "you cannot change your own role" in admin.get("/admin/users").text
    assert engine.user_view("admin").role == "admin"


def test_open_work_keeps_a_role_that_may_hold_it(admin, engine):
    from tests.webui.pages_support import open_deal

    deal = open_deal(engine)  # rep1's, with its first task
    admin.post(f"/admin/users/{deal.owner}/role", data={"role": "designer"})
    assert f"{deal.owner} owns 1 open deal(s); hand them over" in admin.get("/admin/users").text
    assert engine.user_view(deal.owner).role == "rep"


def test_change_a_role(admin, engine):
    assert admin.post("/admin/users/rep3/role", data={"role": "designer"}).status_code == 303
    assert engine.user_view("rep3").role == "designer"
    audit = engine.organisation_overview(viewer="admin").audit[0]
    assert (audit.kind, audit.actor, audit.subject, audit.data) == ("role_changed", "admin", "rep3",
                                                                    {"old": "rep", "new": "designer"})


def test_tokens_are_listed_without_secret_shown_once_and_revoked(admin, engine):
    assert admin.get("/admin/users/rep1/tokens").status_code == 200
    made = admin.post("/admin/users/rep1/tokens")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    secret = made.text.split('id="token-secret">')[1].split("<")[0]
    assert secret.startswith("dft_") and engine.user_for_token(secret).username == "rep1"
    listed = admin.get("/admin/users/rep1/tokens")
    assert secret not in listed.text and "in use" in listed.text
    token_id = engine.api_tokens("rep1", viewer="admin")[0].id
    unticked = admin.post(f"/admin/users/rep1/tokens/{token_id}/revoke")  # the confirm box left empty
    assert "was not revoked: tick the box" in admin.get(unticked.location).text
    assert engine.user_for_token(secret).username == "rep1"
    revoked = admin.post(f"/admin/users/rep1/tokens/{token_id}/revoke", data={"confirm": "yes"})
    assert revoked.status_code == 303
    assert f"Token #{token_id} revoked" in admin.get(revoked.location).text
    with pytest.raises(PermissionDeniedError):
        engine.user_for_token(secret)
    assert admin.post(f"/admin/users/rep2/tokens/{token_id}/revoke",
                      data={"confirm": "yes"}).status_code == 404  # not rep2's
    kinds = [e.kind for e in engine.organisation_overview(viewer="admin").audit]
    assert kinds[:2] == ["token_revoked", "token_created"]


POSTS = ["/admin/users", "/admin/users/rep1/role", "/admin/teams/sales/members", "/admin/teams/sales/members/rep1/remove",
         "/admin/users/rep1/tokens", "/admin/users/rep1/tokens/1/revoke"]
GETS = ["/admin/users", "/admin/users/rep1/tokens"]


@pytest.mark.parametrize("user", ["rep1", "manager", "designer"])
def test_everyone_but_an_admin_is_refused(app, engine, user):
    engine.create_user("designer", "designer")
    engine.ensure_demo_user("designer", "designer", "designer")
    engine.admin_create_token("rep1", actor="admin")
    client = client_for(app, user)
    for path in GETS:
        page = client.get(path)
        assert page.status_code == 403 and "managed by admins" in page.text, path
    data = {"username": "rep3", "role": "admin", "confirm": "yes"}
    for path in POSTS:
        assert client.post(path, data=data).status_code == 403, path
    assert engine.user_view("rep1").role == "rep" and engine.user_view("rep1").teams == ("horeca", "sales")
    assert engine.user_view("rep3").teams == ("others",)
    assert [t.live for t in engine.api_tokens("rep1", viewer="admin")] == [True]
    assert [e.kind for e in engine.organisation_overview(viewer="admin").audit] == ["token_created"]


def test_anonymous_visitors_are_sent_to_log_in(app):
    client = app.test_client()
    for path in GETS:
        assert client.get(path).status_code == 302
    for path in POSTS:
        assert client.post(path).status_code in (302, 401)


def test_every_change_needs_the_csrf_token(engine):
    app = make_app(engine, csrf=True)
    client = app.test_client()
    assert log_in(client, "admin", csrf=True).status_code == 302
    for path in POSTS:
        assert client.post(path, data={"username": "rep3", "role": "admin"}).status_code == 400, path
    token = csrf_token(client.get("/admin/users").text)
    done = client.post("/admin/teams/sales/members", data={"username": "rep3", "csrf_token": token})
    assert done.status_code == 303 and engine.user_view("rep3").teams == ("others", "sales")
