"""Train the shipped default model: `stance train --compare` with the defaults.

Run from the repository root; it reads data/labeled/train.csv, scores data/labeled/test.csv once,
and writes models/stance.joblib with its card models/stance.json. Extra arguments pass through
(for example --real-dev PATH).
"""

import sys

from stance.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", "--compare", *sys.argv[1:]]))
