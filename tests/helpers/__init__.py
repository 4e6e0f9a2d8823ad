"""Test helpers: hand-built GGUF bytes (for files gguf-py cannot or will not write) and gguf-py oracles."""
