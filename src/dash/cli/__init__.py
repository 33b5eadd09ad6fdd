"""``conflict-events``: the command-line tool over the store, as ``sqlite-utils`` is over its
Database. Every write to the database goes through here, never through a page rerun.

``main`` holds the group and the shared options; each ``*_commands`` module adds its commands
to it when imported here."""

from . import export_commands, fetch_commands, import_commands, store_commands
from .main import cli

__all__ = ["cli", "export_commands", "fetch_commands", "import_commands", "store_commands"]
