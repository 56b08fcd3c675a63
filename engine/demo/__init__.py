"""The demo: a client of the engine's public API (``engine.Engine`` and its views)
like any other, used by ``dealflow demo`` and ``dealflow serve --demo``.

    examples  which methodologies it deploys (given, ./methodologies, or the packaged examples)
    answers   what its people type into each form of the example methodologies
    walk      ``dealflow demo``: five deals walked to won and to lost, each stage printed
    seed      ``dealflow serve --demo``: accounts with passwords and a populated funnel
"""

from engine.demo.answers import ANSWERS, WALKS
from engine.demo.examples import MethodologiesFolder, choose_methodologies, packaged_examples
from engine.demo.seed import demo_deals, seed_demo
from engine.demo.walk import run_demo

__all__ = ["ANSWERS", "WALKS", "MethodologiesFolder", "choose_methodologies", "demo_deals", "packaged_examples",
           "run_demo", "seed_demo"]
