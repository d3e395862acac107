"""A local stand-in for the Hugging Face Hub on 127.0.0.1: the part of its HTTP
API that huggingface_hub uses to read a model without its weights, so that the
real client (HF_ENDPOINT pointing here) is what the tests run.

- GET /api/models/ORG/REPO[/revision/REV]: the repo's info with its files
  (rfilename, size);
- HEAD and GET /ORG/REPO/resolve/REV/PATH: a file, with the headers the
  client reads (X-Repo-Commit, ETag, Content-Length), and byte ranges (206);
- a gated repo answers its files with 401 and X-Error-Code: GatedRepo unless
  the request carries the repo's token; an unknown repo 401 RepoNotFound, as
  the Hub answers a client without a token.
Every request is kept (path, Range, Authorization) so a test can say what the
client asked for.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+?)(?:/revision/[^/]+)?/?$")
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/[^/]+/(?P<path>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass
class Repo:
    files: dict[str, bytes]
    token: str | None = None  # set: gated, readable only with this token


@dataclass
class Request:
    method: str
    path: str
    range: str | None
    authorization: str | None


@dataclass
class Hub:
    repos: dict[str, Repo] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def bytes_served(self, suffix: str) -> int:
        """How many bytes of files whose path ends with `suffix` were asked for (ranges counted as asked)."""
        total = 0
        for request in self.requests:
            if request.method == "GET" and request.path.endswith(suffix) and "/resolve/" in request.path:
                found = _RANGE.match(request.range or "")
                total += int(found[2]) - int(found[1]) + 1 if found and found[2] else 1 << 62
        return total


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, code: str, message: str) -> None:
            self._send(status, json.dumps({"error": message}).encode(),
                       {"X-Error-Code": code, "X-Error-Message": message, "Content-Type": "application/json"})

        def _serve(self) -> None:
            path = unquote(urlsplit(self.path).path)
            hub.requests.append(Request(self.command, path, self.headers.get("Range"),
                                        self.headers.get("Authorization")))
            api, resolve = _API.match(path), _RESOLVE.match(path)
            found = api or resolve
            repo = hub.repos.get(found["repo"]) if found else None
            if found is None or repo is None:
                self._error(401, "RepoNotFound", "Repository not found")
                return
            if api:
                siblings = [{"rfilename": name, "size": len(data)} for name, data in sorted(repo.files.items())]
                info = {"id": api["repo"], "modelId": api["repo"], "sha": COMMIT, "private": False,
                        "gated": "manual" if repo.token else False, "siblings": siblings}
                self._send(200, json.dumps(info).encode(), {"Content-Type": "application/json"})
                return
            if repo.token and self.headers.get("Authorization") != f"Bearer {repo.token}":
                self._error(401, "GatedRepo", "Access to this model is restricted: accept its conditions")
                return
            data = repo.files.get(resolve["path"]) if resolve else None
            if data is None:
                self._error(404, "EntryNotFound", "Entry not found")
                return
            headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{hashlib.sha1(data).hexdigest()}"',
                       "Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
            asked = _RANGE.match(self.headers.get("Range") or "")
            if asked:
                start = int(asked[1])
                end = min(int(asked[2]) if asked[2] else len(data) - 1, len(data) - 1)
                headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
                self._send(206, data[start:end + 1], headers)
                return
            self._send(200, data, headers)

        do_GET = _serve
        do_HEAD = _serve

    return Handler


@contextmanager
def running_hub(repos: dict[str, Repo]) -> Iterator[Hub]:
    hub = Hub(repos=repos)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
