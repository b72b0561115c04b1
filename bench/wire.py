"""What crosses the wire: a TCP relay between the browser and the app that counts the bytes each way.

The browser is pointed at the relay's port; everything it receives (HTTP responses, the websocket's frames as
sent, compressed or not, headers included) passes through and is counted. Playwright's own websocket events give
frames after decompression: this gives what a phone on a slow line actually waits for.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


class Relay:
    """Relays 127.0.0.1:`port` to `target_port`; `to_browser` and `to_server` count the bytes each way."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.to_browser = 0
        self.to_server = 0
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.to_browser = self.to_server = 0

    def _count(self, towards_browser: bool, size: int) -> None:
        with self._lock:
            if towards_browser:
                self.to_browser += size
            else:
                self.to_server += size

    def _accept(self) -> None:
        while self._open:
            try:
                browser, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink, towards in ((browser, server, False), (server, browser, True)):
                threading.Thread(target=self._pipe, args=(source, sink, towards), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, towards_browser: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._count(towards_browser, len(data))
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._open = False
        self._listener.close()


@contextlib.contextmanager
def relay(url: str) -> Iterator[tuple[str, Relay]]:
    """A relay in front of the app at `url` (http://127.0.0.1:PORT); yields (the relay's URL, the relay)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    counter = Relay(port)
    try:
        yield f"http://127.0.0.1:{counter.port}", counter
    finally:
        counter.close()
