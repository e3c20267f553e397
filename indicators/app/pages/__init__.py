"""The board's pages: one module per page, layout and widgets only."""
