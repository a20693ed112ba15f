"""Grievances as CM Helpline 181 takes them: levels with day limits, escalation, closure with the
citizen's say. ``service.py`` documents the public interface."""

from gateway.grievances.errors import GrievanceNotFound
from gateway.grievances.reference import InvalidGrievanceNumber, format_grievance, parse_grievance
from gateway.grievances.service import Grievances

__all__ = ["GrievanceNotFound", "Grievances", "InvalidGrievanceNumber", "format_grievance", "parse_grievance"]
