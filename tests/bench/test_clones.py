"""bench/clones.py: a clone holds its template's rows as the database holds them —
JSON columns byte for byte — but for fresh UUIDs (renewed consistently across the
deal's tables), its own id, title and owner; and the next step runs on it."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import JSON, Text, cast, create_engine, select

from bench.clones import Cloner, deal_tables, walked_templates
from engine.demo import ANSWERS, seed_demo
from engine.service import Engine

METHODOLOGIES = Path(__file__).resolve().parents[2] / "methodologies"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def stored_rows(connection, opportunity_id: int) -> dict[str, list[dict]]:
    """A deal's rows, each JSON column as the text the database holds."""
    found = {}
    for table in deal_tables():
        key = table.c.id if table.name == "opportunities" else table.c.opportunity_id
        columns = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.c]
        rows = [dict(r) for r in connection.execute(select(*columns).where(key == opportunity_id)).mappings()]
        if rows:
            found[table.name] = rows
    return found


def test_a_clone_is_its_template_with_fresh_uuids_and_its_own_id_title_and_owner(db_url):
    engine = Engine(db_url, upgrade_schema=True)
    try:
        seed_demo(engine, str(METHODOLOGIES), count=0)
        templates, team = walked_templates(engine)
        engine.create_user("clone01", "rep", "Clone Rep")
        engine.add_team_member(team, "clone01")
        owner = engine.user_view("clone01").id
        database = create_engine(engine.url)
        cloner = Cloner(db_url, batch=5)  # several batches
        plan = [(t, owner, f"Clone {n}") for n, t in enumerate(templates * 2)]
        list(cloner.clone(plan))
        with database.connect() as connection:
            first = connection.execute(select(cloner.table("opportunities").c.id).where(
                cloner.table("opportunities").c.title == "Clone 0")).scalar_one()
            seen: set[str] = set()
            for n, (template, _, title) in enumerate(plan):
                original = {name: [{**row, **text} for row, text in zip(rows, template.texts[name])]
                            for name, rows in template.rows.items()}  # as the walk's step left it
                clone = stored_rows(connection, first + n)
                assert sorted(clone) == sorted(original)
                renewed: dict[str, str] = {}
                for name, rows in original.items():
                    table = cloner.table(name)
                    users = {c.name for c in table.c if any(fk.column.table.name == "users" for fk in c.foreign_keys)}
                    own = {"id", "title"} if name == "opportunities" else {"id"}

                    def plain(row, owner_id, deal_id):
                        """The row without its own ids; the deal and its owner named as such."""
                        return {k: "DEAL" if k == "opportunity_id" and v == deal_id else
                                "OWNER" if k in users and v == owner_id else v
                                for k, v in row.items() if k not in own}

                    def key(row):
                        return repr(sorted((k, UUID.sub("U", v) if isinstance(v, str) else v) for k, v in row.items()))

                    befores = sorted((plain(r, template.owner_id, template.rows["opportunities"][0]["id"])
                                      for r in rows), key=key)
                    afters = sorted((plain(r, owner, first + n) for r in clone[name]), key=key)
                    assert [key(r) for r in afters] == [key(r) for r in befores], name
                    for before, after in zip(befores, afters):
                        for column, value in before.items():
                            if isinstance(value, str):
                                for old, new in zip(UUID.findall(value), UUID.findall(after[column])):
                                    assert renewed.setdefault(old, new) == new  # one fresh UUID per UUID
                                assert UUID.sub(lambda m: renewed[m.group(0)], value) == after[column]
                            else:
                                assert after[column] == value
                assert clone["opportunities"][0]["title"] == title
                assert not set(renewed.values()) & (set(renewed) | seen)  # fresh: in no other deal
                seen |= set(renewed.values())
        database.dispose()
        cloner.finish()
        deal = engine.opportunity_for(first, viewer="clone01")
        step = next(t for t in deal.open_tasks if t.kind == "workflow")
        after = engine.complete_task(step.id, actor="clone01", data=dict(ANSWERS.get(step.node_id, {})))
        assert after.error_message is None and step.id not in {t.id for t in after.open_tasks}
    finally:
        engine.close()
