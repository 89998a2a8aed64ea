"""The desk: what staff do and see — escalations and replies, the FAQ loop, analytics,
privacy (access, erasure, retention), accounts and the audit log."""
