# (filled in by its family)
