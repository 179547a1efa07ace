"""Translation: engines, the pipeline, glossary enforcement, the memory, Argos packages."""
