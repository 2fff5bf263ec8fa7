"""The import engine: every extract of docs/extracts.md comes in through here, all or nothing."""
