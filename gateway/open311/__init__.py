"""Open311 GeoReport v2 over seva's grievances (``build_open311``)."""

from gateway.open311.apps import Open311Apps
from gateway.open311.service import Open311

__all__ = ["Open311", "Open311Apps"]
