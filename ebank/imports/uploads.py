"""Uploads are bounded: a file beyond settings.UPLOAD_MAX_MB is not written to disk at all.

Django writes an upload to a temporary file before any form sees it, so a size check in the form
would come after the disk had filled. This handler stops receiving the file at the limit and
leaves the reason on the request for the form to show.
"""

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.utils.translation import gettext as _


def upload_limit_bytes() -> int:
    return settings.UPLOAD_MAX_MB << 20


def upload_too_large_message() -> str:
    return _(
        "The file is larger than the limit of %(limit)s MB; split it or ask IT to raise UPLOAD_MAX_MB."
    ) % {"limit": f"{settings.UPLOAD_MAX_MB:,}"}


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, refusing a file larger than the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > upload_limit_bytes() + (1 << 20):
            self.request.upload_refused = upload_too_large_message()
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def new_file(self, *args, **kwargs):
        if getattr(self.request, "upload_refused", ""):
            raise SkipFile()
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit_bytes():
            # Django closes (and so deletes) the temporary file and reads on past the rest.
            self.request.upload_refused = upload_too_large_message()
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)
