"""The Textual reader: widgets and screens only; every behaviour is a call into the core."""
