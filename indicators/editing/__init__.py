"""Editing: planned and written updates (record, assess, judge) and the splice that adds lines to
an analyst's YAML without touching the rest."""
