"""Tripartite evolutionary games: the bridge between published games and the agent model.

A game is a TOML file (see ``docs/games.md``) naming three populations with two
strategies each and a payoff for every one of the eight strategy profiles.

- :mod:`sim.games.spec` loads and validates a game file; payoffs are arithmetic
  expressions of named parameters, evaluated by a small safe parser.
- :mod:`sim.games.replicator` derives the replicator equations, integrates them
  and classifies the eight pure-strategy equilibria.
- :mod:`sim.games.agents` and :mod:`sim.games.model` play the same game with
  three populations of Mesa agents (well-mixed or on a network).
- :mod:`sim.games.plots` draws trajectories; :mod:`sim.games.cli` is
  ``python -m sim game``.
"""

from sim.games.spec import GameSpec, GameSpecError, load_game, parse_game

__all__ = ["GameSpec", "GameSpecError", "load_game", "parse_game"]
