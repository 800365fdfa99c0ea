"""Screens: the dashboard, and the modal screens opened from it."""
