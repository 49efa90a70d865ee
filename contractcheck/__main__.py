"""``python -m contractcheck``: the same command line as the ``contractcheck`` script."""

from contractcheck.cli import main

if __name__ == "__main__":
    main()
