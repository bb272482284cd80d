"""The local runtime: every service of the world as a real process on loopback."""
