"""The draft page of a methodology in the web: upload a changed file or edit it in the
text box, see every problem beside its file (path:line: message), the differences,
deploy or discard. Reps and managers get 403 everywhere; every form carries and needs
its CSRF token; the typed text survives a refused save."""

import io

import pytest

from tests.webui.pages_support import client_for, csrf_token, log_in, make_app
from tests.webui import test_methodology_pages as screens

app, engine, folder = screens.app, screens.engine, screens.folder  # the fixtures: a designer, the folder's copy

STAGES = "stages/small-deal.yaml"
PAGE = "/methodologies/small-deal/draft"


def configured(app, folder):
    app.config["METHODOLOGIES_PATH"] = str(folder)
    return app


def changed(folder, probability="55", label="1.1"):
    text = (folder / STAGES).read_text("utf-8")
    return (text.replace('version: "1.0"', f'version: "{label}"')
            .replace("    name: Oferta\n    probability: 50\n", f"    name: Oferta\n    probability: {probability}\n"))


def upload(client, text, name="small-deal.yaml"):
    return client.post(f"{PAGE}/upload", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def numbers(engine):
    return [v.number for m in engine.methodologies_overview(viewer="admin") for v in m.versions]


def problems_of(html):
    return [p.split("</code>")[0] for p in html.split('id="draft-problems"')[1].split("</pre>")[0]
            .split('<code class="problem">')[1:]]


def test_the_methodologies_page_links_each_methodology_to_its_draft(app):
    page = client_for(app, "designer").get("/methodologies")
    assert f'id="change-small-deal" href="{PAGE}"' in page.text or f'href="{PAGE}" id="change-small-deal"' in page.text
    draft = client_for(app, "designer").get(PAGE)
    assert draft.status_code == 200 and "These are the files of version 1 (1.0)" in draft.text
    assert 'id="draft-actions"' not in draft.text  # nothing to deploy or discard yet


def test_upload_with_an_error_then_fix_in_the_text_box_compare_and_deploy(app, engine, folder):
    client = client_for(app, "designer")
    broken = changed(folder).replace("    probability: 20\n", "    probability: twenty\n")
    sent = upload(client, broken)
    assert sent.status_code == 303 and sent.location.endswith(f"{PAGE}?file=stages/small-deal.yaml#editor")
    page = client.get(sent.location)
    problems = problems_of(page.text)
    assert len(problems) == 1 and problems[0].startswith(f"{STAGES}:16: ")
    assert 'id="editor-problems"' in page.text and problems[0] in page.text.split('id="editor-problems"')[1]
    assert "probability: twenty" in page.text.split('id="draft-text"')[1].split("</textarea>")[0]
    assert 'id="deploy-draft" disabled' in page.text
    refused = client.post(f"{PAGE}/deploy")
    assert refused.status_code == 400 and "Nothing was deployed: 1 problem to fix first." in refused.text
    assert numbers(engine) == [1]
    fixed = client.post(f"{PAGE}/edit", data={"path": STAGES, "text": changed(folder).replace("\n", "\r\n")})
    assert fixed.status_code == 303
    page = client.get(fixed.location)
    assert 'id="draft-valid"' in page.text and 'id="deploy-draft" disabled' not in page.text
    diff = page.text.split('id="draft-diff"')[1]
    assert "probability 50 % -&gt; 55 %" in diff and "+    probability: 55" in diff
    done = client.post(f"{PAGE}/deploy")
    assert done.status_code == 303 and done.location.endswith("/methodologies?deployed=small-deal:2")
    listed = client.get(done.location)
    assert "Deployed small-deal 1.1 (its version 2)" in listed.text and 'id="version-small-deal-2"' in listed.text
    assert "probability 50 % -&gt; 55 %" in listed.text.split('id="deployed-small-deal"')[1]
    assert numbers(engine) == [2, 1]
    # the server's folder follows the deployed version, so deploying the folder later keeps the change
    assert "probability: 55\n" in (folder / STAGES).read_text("utf-8")
    assert "holds no writable copy" not in listed.text


def test_a_refused_save_keeps_the_typed_text(app, engine, folder):
    client = client_for(app, "designer")
    typed = "typed by hand\n" * 40_000  # 560 KB, under the request's 1 MiB limit
    page = client.post(f"{PAGE}/edit", data={"path": STAGES, "text": typed})
    assert page.status_code == 400 and "a file may have at most 512 KiB" in page.text
    assert typed in page.text.split('id="draft-text"')[1]
    assert not engine.methodology_draft(str(folder) + "-drafts", "small-deal", viewer="designer").exists


def test_upload_of_another_file_name_is_refused_beside_the_upload(app):
    client = client_for(app, "designer")
    for name in ("../../evil.yaml", "notes.txt", "other.yaml"):
        page = upload(client, "x: 1\n", name)
        assert page.status_code == 400 and 'id="upload-error"' in page.text
        assert "is not a file of small-deal" in page.text
    assert client.post(f"{PAGE}/upload").status_code == 400  # no file chosen


def test_discard_needs_the_box_ticked_and_leaves_the_deployed_version(app, engine, folder):
    client = client_for(app, "designer")
    upload(client, changed(folder))
    kept = client.post(f"{PAGE}/discard")
    assert "The draft was kept" in client.get(kept.location).text
    gone = client.post(f"{PAGE}/discard", data={"confirm": "yes"})
    assert gone.status_code == 303
    assert "The draft of small-deal was thrown away" in client.get(gone.location).text
    assert "These are the files of version 1" in client.get(PAGE).text and numbers(engine) == [1]


@pytest.mark.parametrize("user", ["rep1", "manager"])
def test_reps_and_managers_are_refused_every_draft_endpoint(app, engine, folder, user):
    upload(client_for(app, "designer"), changed(folder))
    client = client_for(app, user)
    assert client.get(PAGE).status_code == 403
    assert upload(client, changed(folder, "60", "1.2")).status_code == 403
    assert client.post(f"{PAGE}/edit", data={"path": STAGES, "text": "x"}).status_code == 403
    assert client.post(f"{PAGE}/deploy").status_code == 403
    assert client.post(f"{PAGE}/discard", data={"confirm": "yes"}).status_code == 403
    assert numbers(engine) == [1]
    assert "probability: 55" in client_for(app, "designer").get(PAGE).text  # the draft is untouched


def test_an_unknown_methodology_is_404(app):
    client = client_for(app, "designer")
    assert client.get("/methodologies/nothing/draft").status_code == 404
    assert client.post("/methodologies/nothing/draft/edit", data={"path": STAGES, "text": "x"}).status_code == 404


def test_every_draft_form_needs_its_csrf_token(engine, folder):
    app = configured(make_app(engine, csrf=True), folder)
    client = app.test_client()
    assert log_in(client, "designer", csrf=True).status_code == 302
    for action in ("upload", "edit", "deploy", "discard"):
        assert client.post(f"{PAGE}/{action}", data={"path": STAGES, "text": "x", "confirm": "yes"}).status_code == 400
    page = client.get(PAGE).text
    assert page.count('name="csrf_token"') >= 2  # upload and edit (deploy and discard appear with a draft)
    token = csrf_token(page)
    saved = client.post(f"{PAGE}/edit", data={"csrf_token": token, "path": STAGES, "text": changed(folder)})
    assert saved.status_code == 303
    assert client.get(PAGE).text.count('name="csrf_token"') >= 4
