"""The web app asks flags (``may_*`` on the views), never role names: who may do what
is decided in engine.rules.policy alone."""

import re
from pathlib import Path

WEBUI = Path(__file__).resolve().parents[2] / "webui"
ROLE_COMPARISON = re.compile(r"""\.role\s*(==|!=|\bin\b|\bnot\s+in\b)|(==|!=)\s*["'](rep|manager|designer|admin)["']""")


def test_no_module_or_template_of_the_web_app_compares_role_names():
    found = [f"{path.relative_to(WEBUI.parent)}:{number}: {line.strip()}"
             for path in sorted(WEBUI.rglob("*")) if path.suffix in (".py", ".html")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if ROLE_COMPARISON.search(line)]
    assert found == []


def test_the_check_would_see_the_comparisons_it_forbids():
    for line in ('if g.api_user.role not in CREATORS:', '{% if current_user.role in (\'manager\', \'admin\') %}',
                 'reps = [u for u in users if u.role == "rep"]', 'if kind != "admin":'):
        assert ROLE_COMPARISON.search(line), line
    assert not ROLE_COMPARISON.search('<td data-label="Role">{{ c.role_name or "—" }}</td>')
