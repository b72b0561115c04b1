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


class Frames:
    """Websocket frames read off one direction of a connection as they pass (uncompressed frames: the server
    started with `--server.enableWebsocketCompression false`): each frame's arrival time and whether its payload
    holds `marker`."""

    def __init__(self, masked: bool, marker: bytes) -> None:
        self.masked, self.marker = masked, marker
        self.buffer = bytearray()
        self.seen: list[tuple[float, bool]] = []
        self.upgraded = False

    def feed(self, data: bytes, at: float) -> None:
        self.buffer += data
        if not self.upgraded:  # the HTTP upgrade first
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            del self.buffer[:end + 4]
            self.upgraded = True
        while len(self.buffer) >= 2:
            length, start = self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                length, start = int.from_bytes(self.buffer[2:4], "big"), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                length, start = int.from_bytes(self.buffer[2:10], "big"), 10
            mask = b""
            if self.buffer[1] & 0x80:
                mask, start = bytes(self.buffer[start:start + 4]), start + 4
            if len(self.buffer) < start + length:
                return
            payload = bytes(self.buffer[start:start + length])
            if mask:
                payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            del self.buffer[:start + length]
            self.seen.append((at, self.marker in payload))


class Relay:
    """Relays 127.0.0.1:`port` to `target_port`; `to_browser` and `to_server` count the bytes each way. With
    `marker`, the websocket connections' frames are read too (`streams`: per connection, (from the browser, to the
    browser))."""

    def __init__(self, target_port: int, marker: bytes | None = None) -> None:
        self.target_port = target_port
        self.marker = marker
        self.streams: list[tuple[Frames, Frames]] = []
        self._held: list[tuple[socket.socket, bytearray]] | None = None  # while held: what waits to go to the server
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

    def hold(self) -> None:
        """From now, what browsers send on websockets waits here (see `release`)."""
        with self._lock:
            self._held = []

    def waiting(self) -> int:
        """How many connections have something held."""
        with self._lock:
            return len(self._held or [])

    def release(self) -> float:
        """Send everything held to the server at once; returns the moment (time.perf_counter)."""
        import time

        with self._lock:
            held, self._held = self._held or [], None
            at = time.perf_counter()
            for sink, data in held:
                sink.sendall(bytes(data))
        return at

    def _held_for(self, sink: socket.socket, data: bytes) -> bool:
        with self._lock:
            if self._held is None:
                return False
            for waiting_sink, buffer in self._held:
                if waiting_sink is sink:
                    buffer += data
                    return True
            self._held.append((sink, bytearray(data)))
            return True

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
            frames = (None, None)
            if self.marker is not None:
                frames = (Frames(True, self.marker), Frames(False, self.marker))
            for source, sink, towards, watch in ((browser, server, False, frames[0]),
                                                 (server, browser, True, frames[1])):
                threading.Thread(target=self._pipe, args=(source, sink, towards, watch, frames), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, towards_browser: bool, watch, frames) -> None:
        import time

        first = True
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._count(towards_browser, len(data))
                if watch is not None:
                    if first and not towards_browser:
                        if not data.startswith(b"GET /_stcore/stream"):
                            watch = None  # plain HTTP: not watched
                        else:
                            with self._lock:
                                self.streams.append(frames)
                    first = False
                    if watch is not None:
                        watch.feed(data, time.perf_counter())
                        if not towards_browser and self._held_for(sink, data):
                            continue
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
def relay(url: str, marker: bytes | None = None) -> Iterator[tuple[str, Relay]]:
    """A relay in front of the app at `url` (http://127.0.0.1:PORT); yields (the relay's URL, the relay)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    counter = Relay(port, marker)
    try:
        yield f"http://127.0.0.1:{counter.port}", counter
    finally:
        counter.close()
