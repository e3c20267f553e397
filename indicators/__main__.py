"""`python -m indicators …`: the command line (what git runs as the merge driver)."""

from indicators.cli import main

raise SystemExit(main())
