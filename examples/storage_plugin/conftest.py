"""Let the example's tests import it from its source folder, installed or not."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "src"))
