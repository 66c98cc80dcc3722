"""Widgets of the workbench; they call controllers and follow their signals."""
