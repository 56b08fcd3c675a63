from webui import create_app, engine_of


def make(tmp_path, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/w.db",
                       **config})


def test_each_call_builds_a_separate_app_with_its_own_config(tmp_path):
    first = make(tmp_path, METHODOLOGIES_PATH="a")
    second = make(tmp_path)
    assert first is not second and engine_of(first) is not engine_of(second)
    assert first.config["METHODOLOGIES_PATH"] == "a"
    assert second.config["METHODOLOGIES_PATH"] == "methodologies"


def test_session_cookies_are_http_only_and_same_site(tmp_path):
    app = make(tmp_path)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_health_check_answers_json(tmp_path):
    response = make(tmp_path).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_an_unknown_path_is_404(tmp_path):
    assert make(tmp_path).test_client().get("/nope").status_code == 404
