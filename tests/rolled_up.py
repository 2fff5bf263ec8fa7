"""Factories of the rows the rollups sum (reports/rollups.py): an import recomputes the days it
writes, so a row a factory makes recomputes its day too, and the figures see it as they would an
imported one."""

import factory

from reports.rollups import ROLLUPS, daily_totals_recompute


class RolledUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row = super()._create(model_class, *args, **kwargs)
        [rollup] = [r for r in ROLLUPS if r.fact is model_class]
        day = rollup.local_day(getattr(row, rollup.day))
        daily_totals_recompute(rollup=rollup, first=day, last=day)
        return row
