"""Custom-jewelry design configurator: design documents, geometry, sizes, pricing and export.

Units are millimetres everywhere; the finger axis of a ring is Y and its head points up +Z.
"""

__version__ = "0.1.0"
