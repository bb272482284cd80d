"""drillbit's engine: worlds, runtimes, scenarios, faults, probes, the runner, scoring and reports.

Importing ``drills`` has no side effects.
"""
