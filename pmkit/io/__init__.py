"""The data model: a council's register, measures and settings read, checked and written back."""
