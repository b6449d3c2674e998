"""The one error type the library raises for bad input; the CLI prints it as a single line."""


class StanceError(Exception):
    """Bad input or a bad model file. The message names the file, row, column and value."""


class EmptyTextWarning(UserWarning):
    """Rows whose text is empty were skipped while classifying; the CLI prints it as `warning:`."""
