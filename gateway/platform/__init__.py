"""The platform every capability stands on: settings, the one clock, the database, the catalogue being
served, the audit trail, the problem shape, principals and policies, and the one guard.

Capabilities depend on the platform (and on each other's public interfaces); the platform depends on no
capability but the audit trail, which it builds for all of them.
"""
