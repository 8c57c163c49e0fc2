"""Regenerate synthetic.csv, the calibration example's SYNTHETIC data set.

    python examples/calibration/make_data.py

The data are made by the model itself from the true values in spec.toml's
[truth] table (default world, 800 consumers, 52 weeks, model seed 2026):
weekly sales with a tenth of the weeks missing at random, and mean brand
trust as a monthly survey would give it (every fourth week).
"""

from pathlib import Path

import scenarios
from experiments.calibration import synthetic_csv
from simulation import parameters

HERE = Path(__file__).resolve().parent
TRUTH = {"companies[0].quality": 0.55, "companies[1].quality": 0.75, "word_of_mouth": 0.35}


def main() -> None:
    base = parameters.set_path(scenarios.load("default").config, "consumers", 800)
    text = synthetic_csv(base, 52, TRUTH, seed=2026, series=("sales", "trust"),
                         every={"trust": 4}, missing=0.1,
                         note="Regenerate with: python examples/calibration/make_data.py")
    (HERE / "synthetic.csv").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
