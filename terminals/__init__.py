"""ATMs, POS terminals, merchants, terminal transactions and the logbooks."""
