#!/usr/bin/env python3
"""Verify a Warden attestation envelope with securesystemslib, independently of Warden.

Warden signs attestation reports as DSSE envelopes (payloadType
application/vnd.in-toto+json) with an Ed25519 key. This script checks such an
envelope with the reference Python implementation, securesystemslib, so that a
bug in Warden's own verifier cannot hide a bad signature.

Setup (once):
    python3 -m venv venv && venv/bin/pip install securesystemslib

Usage:
    verify-envelope.py ENVELOPE.json PUBLIC_KEY_HEX KEYID
    verify-envelope.py --tamper ENVELOPE.json PUBLIC_KEY_HEX KEYID

    ENVELOPE.json   the DSSE envelope Warden produced
    PUBLIC_KEY_HEX  the raw Ed25519 public key, 64 hex characters (the "hex"
                    Warden publishes for the key; securesystemslib's keyval "public")
    KEYID           the key's keyid as Warden publishes it. securesystemslib only
                    tries a key on signatures carrying the same keyid.
    --tamper        flip one byte of the decoded payload before verifying, to show
                    that tampering is caught: the exit status is then 0 only if
                    verification FAILED.

Exit status: 0 verified (with --tamper: tampering detected), 1 not verified
(with --tamper: the tampered envelope still verified), 2 usage error.

The key is built as SSlibKey(KEYID, "ed25519", "ed25519", {"public": HEX}),
the envelope with Envelope.from_dict, and checked with envelope.verify([key], 1).
"""

import argparse
import json
import sys

try:
    from securesystemslib import exceptions
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey
except ImportError:
    sys.exit("securesystemslib is not installed: pip install securesystemslib")


def default_keyid(public_hex):
    """securesystemslib's own default keyid for this key, or None if unavailable."""
    try:
        from securesystemslib.signer._utils import compute_default_keyid
    except ImportError:
        return None
    return compute_default_keyid("ed25519", "ed25519", {"public": public_hex})


def verify(envelope_path, public_hex, keyid, tamper):
    """Returns (verified, message)."""
    with open(envelope_path, "rb") as f:
        data = json.load(f)
    envelope = Envelope.from_dict(data)
    if tamper:
        payload = bytearray(envelope.payload)
        if not payload:
            raise ValueError("the payload is empty: there is no byte to flip")
        payload[len(payload) // 2] ^= 0x01
        envelope.payload = bytes(payload)

    key = SSlibKey(keyid, "ed25519", "ed25519", {"public": public_hex})
    try:
        accepted = envelope.verify([key], 1)
    except exceptions.VerificationError as error:
        signed_by = ", ".join(envelope.signatures) or "(no signatures)"
        return False, f"{error} (envelope signed by keyid {signed_by}; key given has keyid {keyid})"
    return True, "signed by keyid " + ", ".join(accepted)


def main():
    parser = argparse.ArgumentParser(
        description="Verify a Warden DSSE attestation envelope with securesystemslib.")
    parser.add_argument("envelope", metavar="ENVELOPE.json")
    parser.add_argument("public_hex", metavar="PUBLIC_KEY_HEX")
    parser.add_argument("keyid", metavar="KEYID")
    parser.add_argument("--tamper", action="store_true",
                        help="flip one payload byte first; succeed only if verification then fails")
    args = parser.parse_args()

    public_hex = args.public_hex.strip().lower()
    if len(public_hex) != 64 or any(c not in "0123456789abcdef" for c in public_hex):
        parser.error("PUBLIC_KEY_HEX must be 64 hexadecimal characters (a raw Ed25519 public key)")
    expected = default_keyid(public_hex)
    if expected is not None and expected != args.keyid:
        print(f"note: securesystemslib's default keyid for this key is {expected}, not {args.keyid}",
              file=sys.stderr)

    try:
        verified, message = verify(args.envelope, public_hex, args.keyid, args.tamper)
    except (OSError, ValueError, KeyError, TypeError, exceptions.FormatError) as error:
        # binascii.Error (bad base64) and json.JSONDecodeError are ValueErrors.
        print(f"FAILED: cannot read the envelope {args.envelope}: {type(error).__name__}: {error}")
        return 1

    if args.tamper:
        if verified:
            print(f"FAILED: the tampered envelope still verified ({message})")
            return 1
        print(f"OK: tampering detected, verification of the tampered payload failed: {message}")
        return 0
    if verified:
        print(f"OK: {args.envelope} verified with securesystemslib: {message}")
        return 0
    print(f"FAILED: {args.envelope} did not verify: {message}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
