"""Documents: bytes in any supported format to a cleaned `Document`."""
