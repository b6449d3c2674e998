"""The one error type the library raises for bad input; the CLI prints it as a single line."""


class StanceError(Exception):
    """Bad input or a bad model file. The message names the file, row, column and value."""


class EmptyTextWarning(UserWarning):
    """Rows whose text is empty were kept with no stance; the CLI prints it as `warning:`."""


class InputWarning(UserWarning):
    """Input that is used, but not quite as given (a column ignored); the CLI prints it as `warning:`."""


class NotEnglishWarning(InputWarning):
    """Statements that do not look like English were labelled anyway; their stance is unreliable."""
