"""Build every brief of the matrix as HTML and PDF: plan, execute, render, publish.

Modules, in the order a build uses them:

* ``matrix``   read ``reports/briefs.yaml`` strictly, type and check every parameter;
* ``plan``     input hashes, the manifest, what is up to date (no heavy imports);
* ``lock``     one build per output folder;
* ``execute``  run notebooks in forked warm workers (or fresh kernels where fork is missing);
* ``render``   executed notebook -> blocks -> HTML (nbconvert + nh3) and PDF (Typst);
* ``site``     ``index.html``, ``manifest.json``, publishing and merging shards.

See docs/build.md for the design.
"""
