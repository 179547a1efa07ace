"""The glossary: the CSV file, term matching, interchange, suggestions."""
