"""The flash tool's exit codes and the error that carries one to the user."""

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_NO_PLATFORMIO = 10
EXIT_NO_FIRMWARE = 11
EXIT_UNKNOWN_BOARD = 12
EXIT_NO_PORT = 13
EXIT_PORT_BUSY = 14
EXIT_PORT_ACCESS = 15
EXIT_RELEASE_FAILED = 16
EXIT_PORT_AMBIGUOUS = 17
EXIT_INTERRUPTED = 130


class FlashError(Exception):
    """A failure with a message for the user and the exit code to return."""

    def __init__(self, code: int, message: str):
        """Make an error that ends the tool with exit code ``code``."""
        super().__init__(message)
        self.code = code
