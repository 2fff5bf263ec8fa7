"""gunicorn's settings, read from the project root (where it is started): every log line masks card
and ID numbers, and the access log writes the path without its query string."""

logger_class = "ebank.gunicorn_logging.MaskingLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
