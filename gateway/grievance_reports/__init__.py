"""Reports on grievances for auditors (``build_grievance_reports``)."""

from gateway.grievance_reports.service import GrievanceReports

__all__ = ["GrievanceReports"]
