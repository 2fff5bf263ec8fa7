"""Online-banking customers, security media, transfers and tickets."""
