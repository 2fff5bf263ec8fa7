"""The registers kit: the append-only register (登记簿) every area keeps its logbooks in.

A register is one model (a subclass of models.Entry) and one declaration (declarations.Register)
in its area's registers.py; the kit gives it its admin, its API, its A4 printout, its place in
the roles and the scoping, and its history of corrections. See docs/architecture.md.
"""
