"""The staff console: server-rendered pages under ``/console`` (docs/staff.md).

Every route but the login page sits behind ``auth.require_staff`` (admin pages, under
``/console/admin``, behind ``auth.require_admin``), which also checks the CSRF token of
every request that changes something; tests/console enumerates the routes to keep it so.
"""
