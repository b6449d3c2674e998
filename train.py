"""Train the shipped default model: `stance train --compare` with the defaults.

Run from the repository root; it reads data/labeled/train.csv, scores data/labeled/test.csv once,
and writes models/stance.joblib (the scikit-learn pipeline), models/stance.npz (the same model as
plain arrays, what `stance` loads by default) and their card models/stance.json. Extra arguments
pass through (for example --real-dev PATH).
"""

import sys

from stance.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "--compare", "--out", "models/stance.joblib", *sys.argv[1:]]))
