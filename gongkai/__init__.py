"""Gongkai (公开): a platform for open government affairs (政务公开)."""

__version__ = "0.1.0"
