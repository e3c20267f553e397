"""The workspace: scales, models, the YAML reader, validation, loading, the parse cache and the JSON Schemas.

Everything that turns a data folder into a validated `Workspace` (or located problems) lives here.
"""
