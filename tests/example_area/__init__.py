"""A test-only area, made by following docs/architecture.md's recipes and nothing else: one register
(ATM key and password handovers) and one metric (handovers in the year). Installed by the test
settings only; tests/architecture/test_recipes.py checks that both reach every interface."""
