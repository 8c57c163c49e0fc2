"""``python -m simulation``: the same command line as the ``influence`` script."""

from simulation.cli import main

if __name__ == "__main__":
    main()
