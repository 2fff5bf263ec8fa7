"""Organisation: branches, users and their roles, and the scoping layer every interface uses."""
