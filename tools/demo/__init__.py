"""The demo county of PRODUCT.md (loader.py), loaded by `python manage.py load_demo`."""
