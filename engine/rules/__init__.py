"""Pure decisions over plain data; the service gathers the facts and applies the answers.

    policy          who may do what (roles, may_* decisions)
    inputs          what typed values must look like: money, currency, texts, ids
    forms           a user task's submitted form against its fields
    scoring         questionnaire answers -> score, class and probability
    exit_criteria   may a deal leave its stage, and what a rep reads when not
    routing         which segment and which rep own a new deal
    progress        what one workflow step changes on a deal
    swap_plan       where each open deal goes when a segment swaps methodology
    buying_center   what a person and a relationship of a buying center may hold
    throttling      how long a login waits after failures
    leads           a lead file's rows read, matched to fields, checked and grouped (the import's core)
"""
