"""Signed, offline-verifiable electronic certificates (COSE_Sign1 / CWT, zlib, base45, QR).

The modules here other than ``apps`` and ``management`` are pure Python: no Django import, so a
verifier can run in a notebook, a kiosk or a test without settings.
"""
