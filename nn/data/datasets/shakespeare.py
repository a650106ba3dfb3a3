"""The bundled Shakespeare text: about 300 KB of plays that work offline (see nn/data/text/README.md)."""
from pathlib import Path

TEXT_PATH = Path(__file__).resolve().parent.parent / "text" / "shakespeare.txt"


def load_shakespeare():
    """Return the bundled text (299,868 characters of Shakespeare's plays, ASCII) as one string."""
    return TEXT_PATH.read_text(encoding="ascii")
