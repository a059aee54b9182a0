"""walkrx: a progressive walking program for low back pain."""

__version__ = "0.1.0"
