"""Reports: the snapshot of the board, markings (what a recipient may see), comparisons of two
snapshots, shared wording, and one module per export format."""
