"""Network governance: look-alike query sites and certificate-selling ads.

The engines (``hostnames``, ``lookalike``, ``domainscore``, ``feed``, ``keywords``, ``textnorm``,
``adcorpus``, ``adclassifier``) are plain Python with no Django imports, so they run the same
from the CLI, a background job, a benchmark or a notebook; data they need (official hosts,
keyword lists) comes in as plain structures that the database can later supply.
"""
