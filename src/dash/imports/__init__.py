"""Imports: one small adapter per format onto the validated row types in ``rows``."""

from .curated import CuratedError, Dataset, load_curated
from .writer import BuildRefused, build_database, write_dataset

__all__ = [
    "BuildRefused",
    "CuratedError",
    "Dataset",
    "build_database",
    "load_curated",
    "write_dataset",
]
