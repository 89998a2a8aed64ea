"""Doubles of outside services, served for real on 127.0.0.1 so the real client libraries run against them."""
