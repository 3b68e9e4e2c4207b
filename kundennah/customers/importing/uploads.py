"""The upload size limit, applied while the request body is read.

Django writes uploads above FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, so even a huge
upload never sits in memory; this handler makes sure one above IMPORT_MAX_UPLOAD_BYTES is not
written anywhere either. It stops at the first byte over the limit, reads the rest of the body
without keeping it (so the browser gets the answer instead of a reset connection) and leaves a
flag for the view to show the error at the file field.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

# The multipart envelope and the other form fields around the file.
_ENVELOPE = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self._request_too_large = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self._request_too_large = content_length > self.limit + _ENVELOPE
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self._request_too_large:
            self._stop()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _stop(self) -> None:
        self.too_large = True
        raise StopUpload(connection_reset=False)
