"""One mechanism of the brief per module; each is a set of pure numpy functions.

The model (:mod:`sim.model`) calls them in its step order. Every mechanism can
be switched off through its parameters (documented in docs/ODD.md).
"""
