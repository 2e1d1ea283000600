"""Dispo's Qt Widgets interface: a thin layer over ``core``."""
