"""Errors the configurator reports to people: each carries one readable line."""


class ConfiguratorError(Exception):
    """A problem with user input or data, worded for the person who supplied it."""


class DesignError(ConfiguratorError):
    """A design document that is not valid; the message names the field."""


class CatalogueError(ConfiguratorError):
    """A catalogue or price file in `assets/` that is malformed; the message names the file and field."""
