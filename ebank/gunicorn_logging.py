"""gunicorn's logger (gunicorn.conf.py names it): its error and access logs mask card and ID
numbers as every other log does, whatever access format the deployment chooses."""

from gunicorn.glogging import Logger

from ebank.redaction import MaskNumbersFilter


class MaskingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskNumbersFilter) for f in handler.filters):
                    handler.addFilter(MaskNumbersFilter())
