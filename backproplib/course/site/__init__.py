"""``backprop-course site``: the lessons as a static HTML site to read without a kernel.

``mathml`` turns the lessons' LaTeX into MathML at build time, ``render`` turns one notebook
into the body of a page, ``build`` writes the pages, the index, the images and the style sheet.
Nothing in the site is fetched from the network.
"""
