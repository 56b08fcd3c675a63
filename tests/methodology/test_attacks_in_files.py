"""Every known attack, written into every place a methodology file holds an
expression, is refused by `dealflow validate` at the line where it was written.
(tests/runtime shows the same attacks refused when smuggled past validation.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

BASE = Path(__file__).parent / "base"

ATTACKS = {
    "import": "__import__('os').system('touch pwned')",
    "subclasses": "().__class__.__base__.__subclasses__()",
    "open": "open('/etc/passwd').read()",
    "eval": "eval('1')",
    "getattr": "getattr(amount, 'real')",
    "globals": "globals()",
    "lambda": "(lambda: 1)()",
    "format-escape": "'{0.__class__}'.format(amount)",
    "huge-power": "9 ** 9 ** 9 ** 9",
    "percent-format": "'%s' % amount",
    "huge-fixed-point": "f'{1e999999999:f}'",
    "huge-width": "f'{amount:>1000000000}'",
}

# (file, text in the base to replace, how the attack is written there)
PLACES = {
    "gateway": ("bpmn/deal.bpmn", "result == 'accepted'", "{}"),
    "script": ("bpmn/deal.bpmn", "    discount = 10", "    discount = {}"),
    "timer": ("bpmn/deal.bpmn", '"P3D"', "{}"),
    "dmn-output": ("bpmn/deal_tier.dmn", "'gold'", "{}"),
    "dmn-input": ("bpmn/deal_tier.dmn", "<text>amount</text>", "<text>{}</text>"),
    "segment": ("routing/default.yaml", "channel == 'horeca' and currency == 'PLN' and amount < 50000", '"{}"'),
}


def escape_for(file: str, text: str) -> str:
    if file.endswith((".bpmn", ".dmn")):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', '\\"')


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_attack_in_a_methodology_file_is_refused_at_its_line(tmp_path, monkeypatch, run_cli, attack, place):
    shutil.copytree(BASE, tmp_path / "methodologies")
    monkeypatch.chdir(tmp_path)
    file, old, template = PLACES[place]
    path = Path("methodologies") / file
    text = path.read_text("utf-8")
    at = text.index(old)
    line = text.count("\n", 0, at) + 1
    path.write_text(text[:at] + template.format(escape_for(file, ATTACKS[attack])) + text[at + len(old):], "utf-8")

    result = run_cli("validate", "methodologies")

    assert result.exit_code == 1
    assert f"methodologies/{file}:{line}: " in result.stdout, result.stdout
    assert "Traceback" not in result.output
    assert not (tmp_path / "pwned").exists()
