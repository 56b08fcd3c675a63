from webui import create_app


def test_each_call_builds_a_separate_app_with_its_own_config():
    first = create_app({"TESTING": True, "METHODOLOGIES_PATH": "a"})
    second = create_app()
    assert first is not second
    assert first.config["METHODOLOGIES_PATH"] == "a"
    assert second.config["METHODOLOGIES_PATH"] == "methodologies"


def test_the_health_check_answers_json():
    response = create_app({"TESTING": True}).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_an_unknown_path_is_404():
    assert create_app({"TESTING": True}).test_client().get("/nope").status_code == 404
