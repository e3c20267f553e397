"""Scoring: indicator status as of a date, warning scores, levels and trends; the frames and Altair
charts that pages and reports draw from."""
