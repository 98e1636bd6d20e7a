"""
Text made safe to log: secrets out of URLs, device text cut short and kept on one line.

Everything the node logs or publishes in diagnostics about the device URL goes through
``redact_url`` (a password in ``ws://user:secret@host`` must not reach a log file or the
``hardware_id`` that every /diagnostics subscriber sees), and every piece of text that
came from the network goes through ``printable`` (a peer must not write a megabyte, a
fake log line or terminal escapes into the node's log).
"""

import re
from typing import Union
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = '***'
DEVICE_TEXT_LIMIT = 200  # characters of device-supplied text that a log line may carry
_SECRET_KEY = re.compile(r'token|pass|secret|key|auth', re.IGNORECASE)
_UNPRINTABLE = re.compile(r'[^\x20-\x7e\u00a0-\u2027\u2030-\uffff]+')  # and no line/bidi marks


def redact_url(url: str) -> str:
    """
    Return ``url`` with its password and secret-looking query values replaced by ***.

    The user name stays (it says which account, not how to log in to it). Text that
    does not parse as a URL comes back with anything between ``//`` and ``@`` hidden.
    """
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if '@' in netloc:
            userinfo, host = netloc.rsplit('@', 1)
            user = userinfo.split(':', 1)[0]
            netloc = f'{user}:{HIDDEN}@{host}' if ':' in userinfo else f'{user}@{host}'
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode([(k, HIDDEN if _SECRET_KEY.search(k) else v) for k, v in pairs],
                              safe='*')
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return re.sub(r'//[^/@]*@', f'//{HIDDEN}@', url)


def printable(text: Union[str, bytes, bytearray, memoryview],
              limit: int = DEVICE_TEXT_LIMIT) -> str:
    """Return ``text`` (str or bytes) on one line, control characters blanked, cut at ``limit``."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text[:limit * 4]).decode('utf-8', 'replace')
    text = _UNPRINTABLE.sub(' ', str(text[:limit * 4])).strip()
    return text if len(text) <= limit else text[:limit - 3] + '...'
