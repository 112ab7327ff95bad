"""The kernel connection the course's JupyterLab uses: every message leaves at once.

An explorer answers a slider move with a few messages in quick succession (the new picture,
then its readout). Jupyter's server writes them to the browser's websocket with the operating
system's default, Nagle's algorithm, which holds back a small write until the previous one is
acknowledged — and the browser delays that acknowledgement by up to 40 ms. Measured in
JupyterLab in Chromium on a 100 × 100 picture (``python3 -m benchmarks.run --explorers``
shows it for every explorer), a key press took 45–58 ms to reach the page instead of 15–20 ms.

``ImmediateConnection`` is Jupyter's own kernel connection with that delay switched off
(``TCP_NODELAY``, what Tornado's ``set_nodelay`` documents for interactive websockets). The
course command gives it to JupyterLab with
``--ServerApp.kernel_websocket_connection_class`` (``launch.CONNECTION_OPTION``); nothing else
changes.
"""

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class ImmediateConnection(ZMQChannelsWebsocketConnection):
    """Jupyter's kernel websocket connection, sending each message without waiting."""

    def connect(self):
        self.websocket_handler.set_nodelay(True)
        return super().connect()
