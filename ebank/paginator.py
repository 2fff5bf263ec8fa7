"""Pagination over big tables, shared by the admin and the API."""

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Pages without an exact COUNT(*) over a big table: on PostgreSQL, when the planner expects
    more than ESTIMATE_ABOVE rows, its estimate is the count (the last page may then be short)."""

    ESTIMATE_ABOVE = 10_000
    DEEP = 1_000  # rows skipped from which a page is found by its ids first

    @cached_property
    def count(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            try:
                sql, params = queryset.order_by().query.sql_with_params()
            except EmptyResultSet:  # a filter no row can match (an empty list of branches)
                return 0
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                estimate = int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])
            if estimate > self.ESTIMATE_ABOVE:
                return estimate
        return super().count

    def page(self, number):
        """A page found by its rows' ids first, then those rows read with their related objects:
        deep in a big table (page 1,000) the database skips ids on an index instead of joining
        every skipped row to its card and branch first."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.DEEP or not hasattr(self.object_list, "values_list"):
            return super().page(number)  # near the top one query is cheaper than two
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
