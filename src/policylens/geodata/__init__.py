"""Country shapes shipped with policylens (see LICENSE.txt and tools/build_geodata.py)."""
