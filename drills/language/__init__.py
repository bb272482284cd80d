"""The words a scenario is written in: typed fields, expectations, conditions, references, YAML with line numbers.

Everything here is below the world: probes, faults and response steps are built from these parts, and
:mod:`drills.scenario` puts them together into a scenario.
"""
