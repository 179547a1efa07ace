"""reader: a Chinese-to-English bilingual reader and glossary tool."""

__version__ = "0.1.0"
