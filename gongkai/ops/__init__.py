"""Operating an instance: backup and restore (backup.py) and the configuration check (check.py)."""
