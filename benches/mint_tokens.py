"""Mints access tokens for benches/load.sh: COUNT tokens shaped like SAMPLE (a real access token
the emulator issued through POST /login), each for a user of its own, signed with the
emulator's own key, so the pool's JWKS verifies them as it does the emulator's. One token per
line in OUT.

The emulator (moto) signs every pool's tokens with one key pair shipped in its package
(`moto/cognitoidp/resources/jwks-private.json`). Signing them here instead of signing in
COUNT users through the emulator takes a fraction of a millisecond per token instead of
tens of milliseconds, and gives the same tokens: same header, same claims, the same size.

Usage: mint_tokens.py SAMPLE_FILE COUNT OUT PREFIX
  PREFIX tells users of different batches apart (usernames PREFIX-000000, PREFIX-000001, ...)
"""

import base64
import gzip
import json
import multiprocessing
import os
import sys
import time
import uuid

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# How long a minted token is valid: longer than any run.
VALIDITY_SECONDS = 6 * 3600


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64_int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def emulator_key() -> rsa.RSAPrivateKey:
    """The emulator's private key. Its JWK has no CRT parameters; they are recovered from
    n, e and d so that signing runs at full speed."""
    import moto

    path = os.path.join(
        os.path.dirname(moto.__file__), "cognitoidp", "resources", "jwks-private.json.gz"
    )
    with gzip.open(path) as f:
        jwk = json.load(f)
    n, e, d = unb64_int(jwk["n"]), unb64_int(jwk["e"]), unb64_int(jwk["d"])
    p, q = rsa.rsa_recover_prime_factors(n, e, d)
    numbers = rsa.RSAPrivateNumbers(
        p,
        q,
        d,
        rsa.rsa_crt_dmp1(d, p),
        rsa.rsa_crt_dmq1(d, q),
        rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, n),
    )
    return numbers.private_key()


KEY = None
HEADER = ""
CLAIMS: dict = {}
PREFIX = ""


def init(header: str, claims: dict, prefix: str) -> None:
    global KEY, HEADER, CLAIMS, PREFIX
    KEY = emulator_key()
    HEADER, CLAIMS, PREFIX = header, claims, prefix


def mint(i: int) -> str:
    now = int(time.time())
    claims = dict(CLAIMS)
    claims.update(
        sub=str(uuid.uuid4()),
        username=f"{PREFIX}-{i:06d}",
        jti=str(uuid.uuid4()),
        origin_jti=str(uuid.uuid4()),
        iat=now,
        auth_time=now,
        exp=now + VALIDITY_SECONDS,
    )
    if "event_id" in claims:
        claims["event_id"] = str(uuid.uuid4())
    signing_input = f"{HEADER}.{b64(json.dumps(claims, separators=(',', ':')).encode())}"
    signature = KEY.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


def main() -> None:
    sample_file, count, out, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(sample_file) as f:
        header, payload, _ = f.read().strip().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if claims.get("token_use") != "access":
        sys.exit("the sample is not an access token")
    with multiprocessing.Pool(os.cpu_count(), init, (header, claims, prefix)) as pool:
        with open(out, "w") as f:
            for token in pool.imap(mint, range(count), chunksize=256):
                f.write(token + "\n")


if __name__ == "__main__":
    main()
