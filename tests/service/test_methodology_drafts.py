"""Changing a deployed methodology through a draft (engine.service.drafts): saved
files are checked by the validator the CLI uses, compared with the deployed version,
deployed as a new version (audited) or discarded; nothing deployed changes before.
Reps and managers are refused; a file's name can only name one of the methodology's."""

import pytest

from engine.errors import ConflictError, FormError, MethodologyError, NotFoundError, PermissionDeniedError
from engine.service.drafts import MAX_FILE_BYTES

STAGES = "stages/small-deal.yaml"


@pytest.fixture
def drafts(tmp_path):
    return str(tmp_path / "methodologies-drafts")


@pytest.fixture
def designer(engine):
    engine.create_user("designer", "designer", "Dana Designer")
    return "designer"


def stages_text(engine):
    return engine.methodology_files("small-deal")[STAGES]


def changed(engine, label="1.1", probability="55"):
    text = stages_text(engine)
    return (text.replace('version: "1.0"', f'version: "{label}"')
            .replace("    name: Oferta\n    probability: 50\n", f"    name: Oferta\n    probability: {probability}\n"))


def numbers(engine):
    return [v.number for m in engine.methodologies_overview(viewer="admin") for v in m.versions]


def test_without_a_draft_the_page_shows_the_deployed_files_ready_to_change(engine, drafts, designer):
    view = engine.methodology_draft(drafts, "small-deal", viewer=designer)
    assert not view.exists and view.problems == () and view.texts == ()
    assert view.editing == STAGES and view.text == stages_text(engine)
    assert [f.path for f in view.files] == ["bpmn/deal.bpmn", "bpmn/deal_tier.dmn",
                                            "questionnaires/qualification.yaml", STAGES]


def test_an_uploaded_file_with_errors_is_kept_and_every_problem_is_shown_beside_it(engine, drafts, designer):
    broken = changed(engine).replace("    probability: 20\n", "    probability: twenty\n").replace(
        "    outcome: won\n", "    outcome: victory\n")
    assert engine.save_draft_file(drafts, "small-deal", "small-deal.yaml", broken.encode(), actor=designer) == STAGES
    view = engine.methodology_draft(drafts, "small-deal", viewer=designer)
    assert view.exists and view.text == broken  # nothing typed is lost
    assert len(view.problems) == 2 and all(p.startswith(f"{STAGES}:") for p in view.problems)
    assert [f.problems for f in view.files if f.path == STAGES][0] == view.problems
    assert not view.deployable
    with pytest.raises(MethodologyError) as refused:
        engine.deploy_draft(drafts, "small-deal", actor=designer)
    assert [str(p) for p in refused.value.problems] == list(view.problems)
    assert numbers(engine) == [1]  # nothing deployed changed


def test_an_unchanged_label_is_a_problem_at_its_line(engine, drafts, designer):
    engine.save_draft_file(drafts, "small-deal", STAGES, changed(engine, label="1.0"), actor=designer)
    view = engine.methodology_draft(drafts, "small-deal", viewer=designer)
    assert view.problems == (f'{STAGES}:3: version "1.0" is already deployed (deployed: 1.0); '
                             f"give the changed methodology a new version: label",)


def test_a_fixed_draft_shows_its_differences_and_deploys_as_a_new_version(engine, drafts, designer, tmp_path):
    engine.save_draft_file(drafts, "small-deal", STAGES, "methodology: small-deal\nversion: [\n", actor=designer)
    engine.save_draft_file(drafts, "small-deal", STAGES, changed(engine).replace("\n", "\r\n"), actor=designer)
    view = engine.methodology_draft(drafts, "small-deal", viewer=designer)
    assert view.problems == () and view.deployable and view.updated_by == "Dana Designer"
    assert [(line.op, line.section, line.subject, line.detail) for line in view.lines] == [
        ("~", "Methodology", "methodology 'small-deal'", "version '1.0' -> '1.1'"),
        ("~", "Stages", "stage \u201cOferta\u201d (offer)", "probability 50 % -> 55 %")]
    assert [t.path for t in view.texts] == [STAGES]
    assert "-    probability: 50" in view.texts[0].lines and "+    probability: 55" in view.texts[0].lines
    done = engine.deploy_draft(drafts, "small-deal", actor=designer)
    assert (done.new, done.label, done.number) == (True, "1.1", 2)
    assert numbers(engine) == [2, 1]
    assert "probability: 55" in stages_text(engine) and "\r" not in stages_text(engine)
    assert not (tmp_path / "methodologies-drafts" / "small-deal").exists()  # the draft is gone
    audit = engine.organisation_overview(viewer="admin").audit
    assert [(e.kind, e.actor, e.subject) for e in audit][-1] == (
        "methodologies_deployed", "designer", "small-deal@1.1 (from the web's draft)")
    after = engine.methodology_draft(drafts, "small-deal", viewer=designer)
    assert not after.exists and after.base.number == 2


def test_a_deployed_draft_is_written_into_the_methodologies_folder_that_holds_its_files(engine, drafts, designer,
                                                                                         tmp_path):
    folder = tmp_path / "methodologies"
    for path, text in engine.methodology_files("small-deal").items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    engine.save_draft_file(drafts, "small-deal", STAGES, changed(engine), actor=designer)
    done = engine.deploy_draft(drafts, "small-deal", actor=designer, folder=str(folder))
    assert done.changed == done.written == (STAGES,)
    assert (folder / STAGES).read_text(encoding="utf-8") == stages_text(engine)  # the folder is the new version
    assert engine.deploy(str(folder), actor="admin").versions[0].new is False  # deploying the folder keeps it
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    newer = stages_text(engine).replace('version: "1.1"', 'version: "1.2"').replace("probability: 55", "probability: 60")
    engine.save_draft_file(drafts, "small-deal", STAGES, newer, actor=designer)
    again = engine.deploy_draft(drafts, "small-deal", actor=designer, folder=str(elsewhere))
    assert again.written == () and list(elsewhere.iterdir()) == []  # no piecemeal copy of a methodology


def test_saving_the_deployed_text_again_leaves_no_draft(engine, drafts, designer):
    engine.save_draft_file(drafts, "small-deal", STAGES, changed(engine), actor=designer)
    engine.save_draft_file(drafts, "small-deal", STAGES, stages_text(engine), actor=designer)
    assert not engine.methodology_draft(drafts, "small-deal", viewer=designer).exists
    with pytest.raises(ConflictError, match="changes nothing"):
        engine.deploy_draft(drafts, "small-deal", actor=designer)


def test_a_draft_over_a_version_deployed_since_is_not_deployed(engine, drafts, designer, tmp_path):
    engine.save_draft_file(drafts, "small-deal", STAGES, changed(engine), actor=designer)
    other = tmp_path / "other-drafts"
    engine.save_draft_file(str(other), "small-deal", STAGES, changed(engine, "1.2", "60"), actor="admin")
    engine.deploy_draft(str(other), "small-deal", actor="admin")
    view = engine.methodology_draft(drafts, "small-deal", viewer=designer)
    assert view.stale and not view.deployable and view.base.number == 1 and view.current.number == 2
    with pytest.raises(ConflictError, match="was deployed after this draft began"):
        engine.deploy_draft(drafts, "small-deal", actor=designer)
    assert numbers(engine) == [2, 1]
    assert engine.discard_draft(drafts, "small-deal", actor=designer) is True
    assert not engine.methodology_draft(drafts, "small-deal", viewer=designer).exists


@pytest.mark.parametrize("name", ["../../etc/passwd", "../stages/small-deal.yaml", "/etc/passwd",
                                  "stages/../../x.yaml", "other.yaml", "deal.txt", "..\\small-deal.yaml", ""])
def test_only_a_file_of_the_methodology_can_be_saved(engine, drafts, designer, name, tmp_path):
    with pytest.raises(FormError) as refused:
        engine.save_draft_file(drafts, "small-deal", name, b"x: 1\n", actor=designer)
    assert "is not a file of small-deal" in refused.value.fields["file"]
    assert not (tmp_path / "methodologies-drafts").exists() and not (tmp_path / "etc").exists()


def test_large_and_binary_files_are_refused(engine, drafts, designer):
    with pytest.raises(FormError, match="at most 512 KiB"):
        engine.save_draft_file(drafts, "small-deal", "deal.bpmn", b"x" * (MAX_FILE_BYTES + 1), actor=designer)
    with pytest.raises(FormError, match="is not UTF-8 text"):
        engine.save_draft_file(drafts, "small-deal", "deal.bpmn", b"\xff\xfe\x00<", actor=designer)
    assert not engine.methodology_draft(drafts, "small-deal", viewer=designer).exists


def test_an_unknown_methodology_is_not_found(engine, drafts, designer):
    for methodology in ("nothing", "../small-deal", ".."):
        with pytest.raises(NotFoundError):
            engine.methodology_draft(drafts, methodology, viewer=designer)
        with pytest.raises(NotFoundError):
            engine.save_draft_file(drafts, methodology, STAGES, "x", actor=designer)


@pytest.mark.parametrize("user", ["rep1", "manager"])
def test_reps_and_managers_may_not_see_change_deploy_or_discard_a_draft(engine, drafts, designer, user):
    engine.save_draft_file(drafts, "small-deal", STAGES, changed(engine), actor=designer)
    calls = (lambda: engine.methodology_draft(drafts, "small-deal", viewer=user),
             lambda: engine.save_draft_file(drafts, "small-deal", STAGES, "x", actor=user),
             lambda: engine.deploy_draft(drafts, "small-deal", actor=user),
             lambda: engine.discard_draft(drafts, "small-deal", actor=user))
    for call in calls:
        with pytest.raises(PermissionDeniedError):
            call()
    assert numbers(engine) == [1]
    assert engine.methodology_draft(drafts, "small-deal", viewer=designer).text == changed(engine)
