"""The docker runtime: every service of the world as a container, through testcontainers.

``plan`` turns a world spec into container settings without an engine; ``engine`` says whether one answers;
``runtime`` and ``world`` run the plan. testcontainers, the Docker SDK and toxiproxy-python are imported only here,
and only when a docker world is brought up or an engine is asked for.
"""
