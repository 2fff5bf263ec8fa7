"""Figures, the quarterly assessment, dashboards, exports and the year-end summary."""
