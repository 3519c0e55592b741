"""One app per profile: a second start hands over to the running one (which comes to the front)
and exits, instead of opening a second window that would sync the same store twice."""

from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from desktop_sync import APP_NAME

__all__ = ["SHOW_MESSAGE", "SingleInstance", "instance_key"]

log = logging.getLogger(__name__)

SHOW_MESSAGE = b"show"
_REPLY = b"ok"
_CONNECT_TIMEOUT_MS = 1000


def instance_key(profile: Path | None = None, user: str | None = None) -> str:
    """The local server's name for ``profile`` (default: this profile's data folder).

    Hashed, because a socket or pipe name has a short length limit and no path characters;
    the user name is in the hash because Windows pipe names are shared by all users.
    """
    if profile is None:
        from desktop_sync.app.facade import DesktopSync

        profile = DesktopSync.data_dir()
    try:
        who = user if user is not None else getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (some containers)
        who = ""
    digest = hashlib.sha256(f"{who}\0{Path(profile).resolve()}".encode()).hexdigest()
    return f"{APP_NAME}-{digest[:24]}"


class SingleInstance(QObject):
    """``start()`` decides: True when this process is the app (it now listens for later starts);
    False when another instance runs, which has just been asked to show its window.

    The running instance emits ``activation_requested`` each time a later start knocks.
    """

    activation_requested = Signal()

    def __init__(
        self,
        key: str | None = None,
        parent: QObject | None = None,
        *,
        reply_timeout_ms: int = 1000,
    ) -> None:
        super().__init__(parent)
        self.key = key or instance_key()
        self.reply_timeout_ms = reply_timeout_ms
        """How long a second start waits for the first to confirm (0: do not wait)."""
        self._server: QLocalServer | None = None
        self._clients: list[QLocalSocket] = []

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def start(self) -> bool:
        """True: this is the first instance. False: another one was told to show itself."""
        if self._tell_running_instance():
            return False
        server = QLocalServer(self)
        # Only this user may knock (matters on Windows, where pipes are global).
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        in_use = QAbstractSocket.SocketError.AddressInUseError
        if not server.listen(self.key) and server.serverError() == in_use:
            # Nobody answered, so the name is left over from a crash: reclaim it.
            if self._tell_running_instance():
                return False
            QLocalServer.removeServer(self.key)
            server.listen(self.key)
        if not server.isListening():
            # Running without the guard beats refusing to start; the profile lock still
            # keeps two syncs apart.
            log.warning("Could not listen for a second start: %s", server.errorString())
            return True
        server.newConnection.connect(self._accept)
        self._server = server
        return True

    def close(self) -> None:
        """Stop listening (the app is quitting); a start after this becomes the first."""
        server, self._server = self._server, None
        if server is not None:
            server.newConnection.disconnect(self._accept)
            server.close()
        clients, self._clients = self._clients, []
        for client in clients:
            # Unhooked first: aborting emits ``disconnected``, which must not reach us now.
            client.readyRead.disconnect()
            client.disconnected.disconnect()
            client.abort()

    # -- the second start ------------------------------------------------------------------

    def _tell_running_instance(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(_CONNECT_TIMEOUT_MS):
            return False
        socket.write(SHOW_MESSAGE + b"\n")
        socket.waitForBytesWritten(_CONNECT_TIMEOUT_MS)
        # Waiting for the reply keeps the message from being dropped by a pipe closed too
        # early; no reply (a busy first instance) still means it runs, so this start ends.
        if self.reply_timeout_ms > 0:
            socket.waitForReadyRead(self.reply_timeout_ms)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(_CONNECT_TIMEOUT_MS)
        return True

    # -- the first instance ----------------------------------------------------------------

    def _accept(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            client = self._server.nextPendingConnection()
            if client is None:
                break
            self._clients.append(client)
            client.readyRead.connect(lambda c=client: self._read(c))
            client.disconnected.connect(lambda c=client: self._forget(c))
            # The message may have arrived with the connection itself.
            self._read(client)

    def _read(self, client: QLocalSocket) -> None:
        while client.canReadLine():
            line = bytes(client.readLine().data()).strip()
            if line == SHOW_MESSAGE:
                client.write(_REPLY + b"\n")
                client.flush()
                self.activation_requested.emit()
            elif line:
                log.info("Ignored an unknown message from a second start")

    def _forget(self, client: QLocalSocket) -> None:
        self._read(client)  # a short message can arrive together with the hang-up
        # Not deleteLater(): the server owns the socket and frees it when it goes; deleting it
        # from its own signal while PySide still wraps it crashed under pytest-qt.
        if client in self._clients:
            self._clients.remove(client)
