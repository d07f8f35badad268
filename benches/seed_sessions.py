"""Adds browser sessions to a cognito-bff SQLite store for benches/sessions.sh, shaped like the
real one already there (the admin's, from POST /login) and sealed as the service seals them, so
that the service opens them as its own.

COUNT sessions in all. The first len(TOKENS) of them hold one of the access tokens in TOKENS
(minted by benches/mint_tokens.py, one per line) and get a cookie, written to COOKIES as a
`Cookie` header value; the rest hold the real session's tokens, and no one has their cookie.

Sealed form (src/vocab/seal.rs): `v1.<first 4 bytes of SHA-256(key), hex>.<base64url(nonce ||
AES-256-GCM(key, nonce, tokens JSON, associated data = the row's id hash))>`; the id hash is
the hex SHA-256 of the cookie value.

Usage: seed_sessions.py DB KEY_BASE64 COUNT TOKENS COOKIES COOKIE_NAME
"""

import base64
import hashlib
import json
import os
import sqlite3
import sys
import time

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    db_path, key_b64, count, tokens_path, cookies_path, cookie_name = sys.argv[1:7]
    key = base64.b64decode(key_b64)
    key_id = hashlib.sha256(key).digest()[:4].hex()
    aead = AESGCM(key)
    tokens = [line.strip() for line in open(tokens_path) if line.strip()]

    db = sqlite3.connect(db_path, timeout=30)
    cursor = db.execute("SELECT * FROM browser_sessions LIMIT 1")
    columns = [d[0] for d in cursor.description]
    real = dict(zip(columns, cursor.fetchone()))
    # The real session's tokens, opened with the same key: the ID and refresh token every
    # seeded session holds, and the access token of those no one uses.
    version, kid, body = real["tokens"].split(".", 2)
    assert (version, kid) == ("v1", key_id), "the service's key is not KEY_BASE64"
    sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    held = json.loads(aead.decrypt(sealed[:12], sealed[12:], real["id_hash"].encode()))

    now = int(time.time() * 1000)
    with open(cookies_path, "w") as cookies:

        def row(i: int):
            value = b64url(os.urandom(32))
            id_hash = hashlib.sha256(value.encode()).hexdigest()
            kept = dict(held)
            if i < len(tokens):
                kept["access_token"] = tokens[i]
                print(f"{cookie_name}={value}", file=cookies)
            nonce = os.urandom(12)
            sealed = aead.encrypt(nonce, json.dumps(kept).encode(), id_hash.encode())
            r = dict(real)
            r.update(
                id_hash=id_hash,
                public_id=b64url(os.urandom(16)),
                sub=f"bench-{i}",
                tokens=f"v1.{key_id}.{b64url(nonce + sealed)}",
                last_seen_at=now,
                created_at=now,
            )
            return tuple(r[c] for c in columns)

        marks = ",".join("?" * len(columns))
        with db:
            db.executemany(
                f"INSERT INTO browser_sessions VALUES ({marks})",
                (row(i) for i in range(int(count))),
            )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(len(real["tokens"]))


if __name__ == "__main__":
    main()
