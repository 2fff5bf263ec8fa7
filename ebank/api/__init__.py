"""The REST API's shared parts: permissions by role, scoped viewsets, pagination, JSON errors."""
