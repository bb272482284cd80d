"""Runtimes: the ways a world is brought up (``local`` processes, ``docker`` containers)."""
