"""The benchmark: `python manage.py bench --scale tiny|county|province` (development and tests only).

It builds a database of its own, loads a synthetic data set in the extract formats with the real
import, and measures each thing beside a reference measured in the same run (docs/performance.md).
On the top floor (tools/), it may import every area; production does not install it.
"""
