"""Scripts for working on drillbit itself; not part of the installed package."""
