"""Upload handling that survives any file name a browser sends.

Django names the temporary file of a large upload after the upload's extension; an "extension" of a few
hundred bytes (a long name with a dot early in it) exceeds the file system's 255-byte limit and the request
fails with a 500 before any form could say what is wrong. Here the suffix is dropped when it is long, so the
upload reaches the form and is refused (or accepted) by its real rules.
"""

from __future__ import annotations

import os
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.uploadhandler import TemporaryFileUploadHandler as DjangoTemporaryFileUploadHandler

MAX_SUFFIX_BYTES = 16


class ShortSuffixUploadedFile(TemporaryUploadedFile):
    """A TemporaryUploadedFile whose temporary name keeps the extension only when it is short."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None) -> None:
        _, ext = os.path.splitext(name)
        ext = ext if len(ext.encode("utf-8", "replace")) <= MAX_SUFFIX_BYTES else ""
        file = tempfile.NamedTemporaryFile(suffix=".upload" + ext, dir=settings.FILE_UPLOAD_TEMP_DIR)
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


class TemporaryFileUploadHandler(DjangoTemporaryFileUploadHandler):
    """Django's handler for uploads kept on disk, with ShortSuffixUploadedFile."""

    def new_file(self, *args, **kwargs) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = ShortSuffixUploadedFile(self.file_name, self.content_type, 0, self.charset,
                                            self.content_type_extra)
