"""Logging filters named in settings.LOGGING, and the access logger of `gongkai serve`."""

from __future__ import annotations

import logging
import re

from gunicorn import glogging


class WithoutTraceback(logging.Filter):
    """Keep the message, drop the stack trace: for an expected refusal (a forged Host) a trace is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


# What must not reach an access log from a URL, a Referer or a header: a tracking token (an old ?token= link,
# or the X-Access-Token header if a log format names it), and personal numbers typed into a search box, as
# they appear percent-encoded (a space is + or %20). Over-masking a long number is the safe side.
_SEP = r"(?:[ +\-]|%20|%2[dD])?"
_NOT_ESCAPE = r"(?<!%)(?<!%[0-9A-Fa-f])"  # a number does not start inside a %XX escape
_URL_PATTERNS = (
    (re.compile(r"(?i)((?:^|[?&;])[\w-]*token=)[^&;\s#]*"), r"\1*"),
    (re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+"), "*"),
    (re.compile(rf"{_NOT_ESCAPE}\d(?:{_SEP}\d){{16}}{_SEP}[\dxX]"), "*"),  # resident id number, perhaps split
    (re.compile(rf"{_NOT_ESCAPE}1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"), "*"),  # mobile number, perhaps split
    (re.compile(rf"{_NOT_ESCAPE}\d{{7,}}[xX]?"), "*"),
)
_MASKED_ATOMS = ("r", "q", "U", "f", "{referer}i", "{raw_uri}e", "{query_string}e", "{request_uri}e",
                 "{path_info}e", "{http_referer}e")
_SECRET_ATOMS = ("{x-access-token}i", "{http_x_access_token}e", "{cookie}i", "{http_cookie}e",
                 "{authorization}i", "{http_authorization}e")


def mask_url(text: str) -> str:
    """A request line, URL or query string with tokens and personal numbers replaced by *."""
    for pattern, replacement in _URL_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskingAccessLogger(glogging.Logger):
    """gunicorn's logger, with every URL-bearing access-log field masked (`gongkai serve --access-log`)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in _MASKED_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = mask_url(atoms[key])
        for key in _SECRET_ATOMS:
            if key in atoms:
                atoms[key] = "*"
        return atoms
