from datetime import date

from engine.methodology.model import FormField
from engine.rules.sample_answers import sample_answers

TODAY = date(2026, 11, 2)


def field(id, type, **kw):
    return FormField(id=id, label=id, type=type, line=1, **kw)


def test_each_type_gets_a_value_within_its_limits():
    fields = [field("note", "string", minimum="3"), field("count", "long", minimum="5", maximum="9"),
              field("share", "money", maximum="0.5"), field("ok", "boolean"), field("on", "date"),
              field("pick", "enum", choices=(("first", "First"), ("second", "Second"))), field("none", "enum")]
    assert sample_answers(fields, TODAY) == {"note": "xxx", "count": "5", "share": "0.5", "ok": True,
                                             "on": "2026-11-02", "pick": "first"}
