"""The import engine: every extract of spec/extracts.md comes in through here, all or nothing."""
