"""The fake services of drillbit's reference world.

Each fake is a real program: ``python -m fakes.<name>`` serves it over HTTP. Fakes never import ``drills``;
the engine drives them over the network, through their public APIs and their ``/_control`` endpoints.
"""
