"""Signed, offline-verifiable electronic certificates (COSE_Sign1 / CWT, zlib, base45, QR).

The core modules (codec, cose, algorithms, keys, fields, issue, trustlist, revocation, signed,
verifier, result, errors, qr, urlcheck, cli) are pure Python: no Django import, so a verifier
can run in a notebook, a kiosk or a test without settings. models, keystore, services, views,
api and demo are the platform layer over them.
"""
