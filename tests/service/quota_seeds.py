"""The organisation quota and forecast tests share: over the test engine's people, a
director managing the two managers (manager: rep1, rep2; manager2: rep3)."""


def with_director(engine):
    engine.create_user("director", "manager")
    engine.create_user("designer", "designer")
    engine.create_team("leadership", "director", ["manager", "manager2"])
    return engine
