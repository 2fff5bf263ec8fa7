"""The benchmark of issue 9: `python manage.py bench --scale tiny|county|province`.

It builds a database of its own, loads a synthetic data set in the extract formats with the real
import, and measures each thing beside a reference measured in the same run (docs/performance.md).
The platform imports no area at import time; the bench exercises every area, so its functions do.
"""
