"""Drives the emulator's added operations through boto3, so every request and answer is
checked against botocore's service model for cognito-idp (boto3 validates what it sends and
parses what comes back by that model). Run by tests/api/emulator.rs against a running
emulator: check_plugins.py ENDPOINT. Exits non-zero, naming the check, when one fails.

The device checks answer the emulator's device SRP with a client side written here from
the protocol (Cognito's, as AWS Amplify's client does it), not from the emulator's code. The
passkey checks register and sign in with a software authenticator written here from the
WebAuthn specification (an EC P-256 key from `cryptography`, CBOR by hand), and read the
one-time codes the emulator "sent" from its GET /emulator/codes."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config


def client(endpoint):
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )


def expect_error(call, code):
    try:
        call()
    except Exception as error:  # botocore.exceptions.ClientError, parsed by the model
        got = getattr(error, "response", {}).get("Error", {}).get("Code")
        assert got == code, f"expected {code}, got {got}: {error}"
        return
    raise AssertionError(f"expected {code}, got an answer")


def signed_in(idp, pool_id, client_id, username):
    answer = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": "Passw0rd!x"},
    )
    return answer["AuthenticationResult"]


def check_refresh_and_revocation(idp):
    pool_id = idp.create_user_pool(PoolName=f"plugins-{time.time_ns()}")["UserPool"]["Id"]
    plain = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="plain")
    plain_id = plain["UserPoolClient"]["ClientId"]
    rotating = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="rotating",
        GenerateSecret=True,
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )["UserPoolClient"]
    assert rotating["RefreshTokenRotation"]["Feature"] == "ENABLED", rotating
    rotating_id, secret = rotating["ClientId"], rotating["ClientSecret"]
    username = "plugins@example.com"
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password="Passw0rd!x", Permanent=True
    )

    # Rotation off: new access and ID tokens, no new refresh token.
    first = signed_in(idp, pool_id, plain_id, username)
    result = idp.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=plain_id
    )["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"] and "RefreshToken" not in result, result

    # Rotation on: a new refresh token each time; the old one is then refused as reused.
    first = signed_in(idp, pool_id, rotating_id, username)
    rotated = idp.get_tokens_from_refresh_token(
        RefreshToken=first["RefreshToken"], ClientId=rotating_id, ClientSecret=secret
    )["AuthenticationResult"]
    assert rotated["RefreshToken"] != first["RefreshToken"], rotated
    expect_error(
        lambda: idp.get_tokens_from_refresh_token(
            RefreshToken=first["RefreshToken"], ClientId=rotating_id, ClientSecret=secret
        ),
        "RefreshTokenReuseException",
    )
    again = idp.get_tokens_from_refresh_token(
        RefreshToken=rotated["RefreshToken"], ClientId=rotating_id, ClientSecret=secret
    )["AuthenticationResult"]
    assert again["RefreshToken"] not in (first["RefreshToken"], rotated["RefreshToken"])
    # The client secret itself, not a SECRET_HASH; a wrong one is refused.
    expect_error(
        lambda: idp.get_tokens_from_refresh_token(
            RefreshToken=again["RefreshToken"], ClientId=rotating_id, ClientSecret="x" * len(secret)
        ),
        "NotAuthorizedException",
    )
    # REFRESH_TOKEN_AUTH is refused on a client that rotates.
    expect_error(
        lambda: idp.initiate_auth(
            ClientId=rotating_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": again["RefreshToken"]},
        ),
        "NotAuthorizedException",
    )
    # Revoking the newest token ends it.
    idp.revoke_token(Token=again["RefreshToken"], ClientId=rotating_id, ClientSecret=secret)
    expect_error(
        lambda: idp.get_tokens_from_refresh_token(
            RefreshToken=again["RefreshToken"], ClientId=rotating_id, ClientSecret=secret
        ),
        "NotAuthorizedException",
    )


# The client side of device SRP ---------------------------------------------------------------

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226"
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2


def padded(number):
    """Big-endian bytes, with a zero byte in front when the top bit is set."""
    hex_digits = format(number, "x")
    if len(hex_digits) % 2:
        hex_digits = "0" + hex_digits
    elif hex_digits[0] in "89abcdef":
        hex_digits = "00" + hex_digits
    return bytes.fromhex(hex_digits)


def sha256_int(data):
    return int(hashlib.sha256(data).hexdigest(), 16)


K = sha256_int(padded(N) + padded(G))


def hkdf_sha256(salt, ikm, info, length):
    """RFC 5869."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def b64(data):
    return base64.b64encode(data).decode()


def device_identity(group_key, device_key, secret):
    return hashlib.sha256(f"{group_key}{device_key}:{secret}".encode()).digest()


def device_verifier(metadata):
    """A device secret, and the verifier ConfirmDevice takes for it."""
    secret = b64(os.urandom(40))
    salt = padded(int.from_bytes(os.urandom(16), "big") or 1)
    identity = device_identity(metadata["DeviceGroupKey"], metadata["DeviceKey"], secret)
    verifier = pow(G, sha256_int(salt + identity), N)
    return secret, {"PasswordVerifier": b64(padded(verifier)), "Salt": b64(salt)}


def cognito_timestamp():
    now = time.gmtime()
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[now.tm_wday]
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")[now.tm_mon - 1]
    clock = f"{now.tm_hour:02d}:{now.tm_min:02d}:{now.tm_sec:02d}"
    return f"{day} {month} {now.tm_mday} {clock} UTC {now.tm_year}"


def device_claim(metadata, secret, a, parameters):
    """The DEVICE_PASSWORD_VERIFIER answer: proof that this side knows the device secret."""
    big_a = pow(G, a, N)
    big_b = int(parameters["SRP_B"], 16)
    assert big_b % N != 0, parameters
    u = sha256_int(padded(big_a) + padded(big_b))
    salt_hex = parameters["SALT"]
    salt = bytes.fromhex(salt_hex.zfill(len(salt_hex) + len(salt_hex) % 2))
    if salt[0] & 0x80:
        salt = b"\x00" + salt
    identity = device_identity(metadata["DeviceGroupKey"], metadata["DeviceKey"], secret)
    x = sha256_int(salt + identity)
    s = pow((big_b - K * pow(G, x, N)) % N, a + u * x, N)
    key = hkdf_sha256(padded(u), padded(s), b"Caldera Derived Key", 16)
    timestamp = cognito_timestamp()
    message = (
        metadata["DeviceGroupKey"].encode()
        + metadata["DeviceKey"].encode()
        + base64.b64decode(parameters["SECRET_BLOCK"])
        + timestamp.encode()
    )
    return {
        "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
        "PASSWORD_CLAIM_SIGNATURE": b64(hmac.new(key, message, hashlib.sha256).digest()),
        "TIMESTAMP": timestamp,
    }


def totp(secret_code):
    """RFC 6238 (SHA-1, 30 s, 6 digits), at least 3 s before the code changes."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    key = base64.b32decode(secret_code + "=" * (-len(secret_code) % 8), casefold=True)
    counter = int(time.time()) // 30
    mac = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[offset:offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def attributes(device):
    return {a["Name"]: a.get("Value") for a in device["DeviceAttributes"]}


class Pool:
    """A device-tracking pool with an app client that has a secret, and its users."""

    def __init__(self, idp, device_configuration):
        self.idp = idp
        self.id = idp.create_user_pool(
            PoolName=f"devices-{time.time_ns()}", DeviceConfiguration=device_configuration
        )["UserPool"]["Id"]
        created = idp.describe_user_pool(UserPoolId=self.id)["UserPool"]
        assert created["DeviceConfiguration"] == device_configuration, created
        # UpdateUserPool resets what it isn't given, so the setting is sent again.
        idp.update_user_pool(UserPoolId=self.id, DeviceConfiguration=device_configuration)
        updated = idp.describe_user_pool(UserPoolId=self.id)["UserPool"]
        assert updated["DeviceConfiguration"] == device_configuration, updated
        idp.set_user_pool_mfa_config(
            UserPoolId=self.id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration="OPTIONAL",
        )
        app = idp.create_user_pool_client(
            UserPoolId=self.id, ClientName="devices", GenerateSecret=True
        )["UserPoolClient"]
        self.client_id, self.secret = app["ClientId"], app["ClientSecret"]

    def secret_hash(self, username):
        digest = hmac.new(
            self.secret.encode(), (username + self.client_id).encode(), hashlib.sha256
        ).digest()
        return b64(digest)

    def user(self, username, totp_mfa):
        self.idp.admin_create_user(
            UserPoolId=self.id, Username=username, MessageAction="SUPPRESS"
        )
        self.idp.admin_set_user_password(
            UserPoolId=self.id, Username=username, Password="Passw0rd!x", Permanent=True
        )
        user = User(self, username)
        if totp_mfa:
            tokens = user.sign_in()["AuthenticationResult"]
            code = self.idp.associate_software_token(AccessToken=tokens["AccessToken"])
            user.totp_secret = code["SecretCode"]
            self.idp.verify_software_token(
                AccessToken=tokens["AccessToken"], UserCode=totp(user.totp_secret)
            )
            self.idp.set_user_mfa_preference(
                AccessToken=tokens["AccessToken"],
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
        return user


class User:
    def __init__(self, pool, username):
        self.pool, self.idp, self.name = pool, pool.idp, username
        self.totp_secret = None

    def sign_in(self, device_key=None, **extra):
        parameters = {
            "USERNAME": self.name,
            "PASSWORD": "Passw0rd!x",
            "SECRET_HASH": self.pool.secret_hash(self.name),
        }
        if device_key:
            parameters["DEVICE_KEY"] = device_key
        return self.idp.initiate_auth(
            ClientId=self.pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters=parameters,
            **extra,
        )

    def respond(self, answer, name, responses, **extra):
        assert answer.get("ChallengeName") == name, answer
        responses = dict(
            responses, USERNAME=self.name, SECRET_HASH=self.pool.secret_hash(self.name)
        )
        return self.idp.respond_to_auth_challenge(
            ClientId=self.pool.client_id,
            ChallengeName=name,
            Session=answer["Session"],
            ChallengeResponses=responses,
            **extra,
        )

    def mfa(self, answer):
        return self.respond(
            answer, "SOFTWARE_TOKEN_MFA", {"SOFTWARE_TOKEN_MFA_CODE": totp(self.totp_secret)}
        )

    def new_device(self, answer):
        """Tokens with NewDeviceMetadata, the device confirmed: (tokens, device)."""
        tokens = answer["AuthenticationResult"]
        metadata = tokens["NewDeviceMetadata"]
        assert metadata["DeviceKey"].startswith("us-east-1_"), metadata
        secret, verifier = device_verifier(metadata)
        confirmed = self.idp.confirm_device(
            AccessToken=tokens["AccessToken"],
            DeviceKey=metadata["DeviceKey"],
            DeviceSecretVerifierConfig=verifier,
            DeviceName=f"{self.name} browser",
        )
        return tokens, dict(metadata, secret=secret, confirmed=confirmed)

    def device_srp(self, answer, device, secret=None, **extra):
        """Answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER; returns the second answer."""
        a = int.from_bytes(os.urandom(128), "big") % N
        asked = self.respond(
            answer,
            "DEVICE_SRP_AUTH",
            {"DEVICE_KEY": device["DeviceKey"], "SRP_A": format(pow(G, a, N), "x")},
        )
        parameters = asked["ChallengeParameters"]
        assert set(parameters) == {"USERNAME", "DEVICE_KEY", "SALT", "SRP_B", "SECRET_BLOCK"}
        assert parameters["DEVICE_KEY"] == device["DeviceKey"], parameters
        base64.b64decode(parameters["SECRET_BLOCK"], validate=True)
        claim = device_claim(device, secret or device["secret"], a, parameters)
        claim["DEVICE_KEY"] = device["DeviceKey"]
        return self.respond(asked, "DEVICE_PASSWORD_VERIFIER", claim, **extra)


def check_devices(idp, endpoint):
    nonce = f"check-{time.time_ns()}"
    pool = Pool(
        idp, {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}
    )
    ana = pool.user("ana@example.com", totp_mfa=True)

    # A sign-in that ends in tokens makes a new, unconfirmed device.
    answer = ana.sign_in()
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA", answer
    tokens, laptop = ana.new_device(ana.mfa(answer))
    assert laptop["confirmed"]["UserConfirmationNecessary"] is True, laptop
    got = idp.get_device(AccessToken=tokens["AccessToken"], DeviceKey=laptop["DeviceKey"])
    device = got["Device"]
    assert attributes(device) == {
        "device_status": "valid",
        "device_name": "ana@example.com browser",
        "dev:device_remembered_status": "not_remembered",
    }, device
    assert device["DeviceCreateDate"] and device["DeviceLastAuthenticatedDate"], device

    # The refresh token is tied to the device: refused without it, taken with it.
    refresh = tokens["RefreshToken"]
    expect_error(
        lambda: idp.get_tokens_from_refresh_token(
            RefreshToken=refresh, ClientId=pool.client_id, ClientSecret=pool.secret
        ),
        "NotAuthorizedException",
    )
    refreshed = idp.get_tokens_from_refresh_token(
        RefreshToken=refresh,
        ClientId=pool.client_id,
        ClientSecret=pool.secret,
        DeviceKey=laptop["DeviceKey"],
    )["AuthenticationResult"]
    assert refreshed["AccessToken"] and "NewDeviceMetadata" not in refreshed, refreshed
    refresh_auth = {"REFRESH_TOKEN": refresh, "SECRET_HASH": pool.secret_hash(ana.name)}
    expect_error(
        lambda: idp.initiate_auth(
            ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=refresh_auth
        ),
        "NotAuthorizedException",
    )
    idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters=dict(refresh_auth, DEVICE_KEY=laptop["DeviceKey"]),
    )

    # Confirmed but not remembered: MFA as before, and no new device.
    again = ana.mfa(ana.sign_in(laptop["DeviceKey"]))["AuthenticationResult"]
    assert "NewDeviceMetadata" not in again, again

    # Remembered: the device proves itself, and replaces MFA.
    idp.update_device_status(
        AccessToken=again["AccessToken"],
        DeviceKey=laptop["DeviceKey"],
        DeviceRememberedStatus="remembered",
    )
    context = {"IpAddress": "203.0.113.7", "EncodedData": nonce}
    asked = ana.sign_in(laptop["DeviceKey"], UserContextData=context)
    assert asked["ChallengeName"] == "DEVICE_SRP_AUTH", asked
    assert asked["ChallengeParameters"] == {"USERNAME": ana.name}, asked
    signed = ana.device_srp(asked, laptop, UserContextData=context)["AuthenticationResult"]
    assert signed["AccessToken"] and "NewDeviceMetadata" not in signed, signed
    idp.get_tokens_from_refresh_token(
        RefreshToken=signed["RefreshToken"],
        ClientId=pool.client_id,
        ClientSecret=pool.secret,
        DeviceKey=laptop["DeviceKey"],
    )
    device = idp.get_device(AccessToken=signed["AccessToken"], DeviceKey=laptop["DeviceKey"])
    assert attributes(device["Device"])["dev:device_remembered_status"] == "remembered"
    assert attributes(device["Device"])["last_ip_used"] == "203.0.113.7", device
    # A device session is used once.
    expect_error(
        lambda: ana.respond(
            asked, "DEVICE_SRP_AUTH", {"DEVICE_KEY": laptop["DeviceKey"], "SRP_A": "ab"}
        ),
        "NotAuthorizedException",
    )
    # A wrong device secret is refused.
    expect_error(
        lambda: ana.device_srp(ana.sign_in(laptop["DeviceKey"]), laptop, secret="wrong"),
        "NotAuthorizedException",
    )
    # USER_SRP_AUTH too: the DEVICE_KEY given at InitiateAuth holds after PASSWORD_VERIFIER.
    # (moto checks no password proof, so any signature passes that step.)
    started = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={
            "USERNAME": ana.name,
            "SRP_A": format(pow(G, 12345, N), "x"),
            "SECRET_HASH": pool.secret_hash(ana.name),
            "DEVICE_KEY": laptop["DeviceKey"],
        },
    )
    verifier = started["ChallengeParameters"]
    asked = ana.respond(
        started,
        "PASSWORD_VERIFIER",
        {
            "PASSWORD_CLAIM_SECRET_BLOCK": verifier["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": b64(b"unchecked"),
            "TIMESTAMP": cognito_timestamp(),
        },
    )
    assert asked["ChallengeName"] == "DEVICE_SRP_AUTH", asked
    assert "AuthenticationResult" in ana.device_srp(asked, laptop)
    # AdminInitiateAuth asks the remembered device too.
    admin = idp.admin_initiate_auth(
        UserPoolId=pool.id,
        ClientId=pool.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": ana.name,
            "PASSWORD": "Passw0rd!x",
            "SECRET_HASH": pool.secret_hash(ana.name),
            "DEVICE_KEY": laptop["DeviceKey"],
        },
    )
    assert admin["ChallengeName"] == "DEVICE_SRP_AUTH", admin

    # A second device; the lists hold confirmed devices only, page by page.
    tokens, phone = ana.new_device(ana.mfa(ana.sign_in()))
    first = idp.list_devices(AccessToken=tokens["AccessToken"], Limit=1)
    assert len(first["Devices"]) == 1 and first["PaginationToken"], first
    second = idp.list_devices(
        AccessToken=tokens["AccessToken"], Limit=1, PaginationToken=first["PaginationToken"]
    )
    assert len(second["Devices"]) == 1 and "PaginationToken" not in second, second
    listed = [d["DeviceKey"] for d in first["Devices"] + second["Devices"]]
    assert listed == [laptop["DeviceKey"], phone["DeviceKey"]], listed
    admin_listed = idp.admin_list_devices(UserPoolId=pool.id, Username=ana.name)["Devices"]
    assert [d["DeviceKey"] for d in admin_listed] == listed, admin_listed
    for device in admin_listed:
        assert set(attributes(device)) >= {
            "device_status", "device_name", "dev:device_remembered_status"
        }, device
        assert device["DeviceCreateDate"] <= device["DeviceLastModifiedDate"], device
    admin_got = idp.admin_get_device(
        UserPoolId=pool.id, Username=ana.name, DeviceKey=phone["DeviceKey"]
    )
    assert admin_got["Device"]["DeviceKey"] == phone["DeviceKey"], admin_got

    # Another user's device is not found; a bad access token is not authorized.
    ben = pool.user("ben@example.com", totp_mfa=False)
    ben_tokens, ben_device = ben.new_device(ben.sign_in())
    assert ben_device["confirmed"]["UserConfirmationNecessary"] is True
    for call in (idp.get_device, idp.forget_device):
        expect_error(
            lambda: call(AccessToken=tokens["AccessToken"], DeviceKey=ben_device["DeviceKey"]),
            "ResourceNotFoundException",
        )
    expect_error(
        lambda: idp.get_device(AccessToken="not-a-token", DeviceKey=phone["DeviceKey"]),
        "NotAuthorizedException",
    )
    idp.get_device(AccessToken=ben_tokens["AccessToken"], DeviceKey=ben_device["DeviceKey"])
    # Ben's device is not Ana's: naming it is refused once her password is verified, at
    # the sign-in's first answer or at a later challenge's; with a wrong password it tells
    # nothing.
    expect_error(lambda: ana.sign_in(ben_device["DeviceKey"]), "ResourceNotFoundException")
    expect_error(
        lambda: idp.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": ana.name,
                "PASSWORD": "wrong-Passw0rd",
                "SECRET_HASH": pool.secret_hash(ana.name),
                "DEVICE_KEY": ben_device["DeviceKey"],
            },
        ),
        "NotAuthorizedException",
    )
    asked = ana.sign_in()
    expect_error(
        lambda: ana.respond(
            asked,
            "SOFTWARE_TOKEN_MFA",
            {
                "SOFTWARE_TOKEN_MFA_CODE": totp(ana.totp_secret),
                "DEVICE_KEY": ben_device["DeviceKey"],
            },
        ),
        "ResourceNotFoundException",
    )

    # Forgotten: the device is gone, its refresh tokens are refused, and signing in with
    # its key is refused; signing in again without it asks for MFA and makes a new device.
    idp.forget_device(AccessToken=tokens["AccessToken"], DeviceKey=laptop["DeviceKey"])
    expect_error(
        lambda: idp.get_device(AccessToken=tokens["AccessToken"], DeviceKey=laptop["DeviceKey"]),
        "ResourceNotFoundException",
    )
    expect_error(
        lambda: idp.get_tokens_from_refresh_token(
            RefreshToken=signed["RefreshToken"],
            ClientId=pool.client_id,
            ClientSecret=pool.secret,
            DeviceKey=laptop["DeviceKey"],
        ),
        "NotAuthorizedException",
    )
    expect_error(lambda: ana.sign_in(laptop["DeviceKey"]), "ResourceNotFoundException")
    expect_error(
        lambda: idp.admin_initiate_auth(
            UserPoolId=pool.id,
            ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={
                "USERNAME": ana.name,
                "PASSWORD": "Passw0rd!x",
                "SECRET_HASH": pool.secret_hash(ana.name),
                "DEVICE_KEY": laptop["DeviceKey"],
            },
        ),
        "ResourceNotFoundException",
    )
    # USER_SRP_AUTH: InitiateAuth answers as ever; PASSWORD_VERIFIER's answer is refused.
    started = idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={
            "USERNAME": ana.name,
            "SRP_A": format(pow(G, 12345, N), "x"),
            "SECRET_HASH": pool.secret_hash(ana.name),
            "DEVICE_KEY": laptop["DeviceKey"],
        },
    )
    assert started["ChallengeName"] == "PASSWORD_VERIFIER", started
    expect_error(
        lambda: ana.respond(
            started,
            "PASSWORD_VERIFIER",
            {
                "PASSWORD_CLAIM_SECRET_BLOCK": started["ChallengeParameters"]["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": b64(b"unchecked"),
                "TIMESTAMP": cognito_timestamp(),
            },
        ),
        "ResourceNotFoundException",
    )
    answer = ana.sign_in()
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA", answer
    fresh = ana.mfa(answer)["AuthenticationResult"]["NewDeviceMetadata"]
    assert fresh["DeviceKey"] != laptop["DeviceKey"], fresh

    # A pool where a remembered device does not replace MFA, and devices are remembered
    # without asking: the device's proof comes first, then the MFA moto asks for.
    loose = Pool(
        idp, {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}
    )
    cy = loose.user("cy@example.com", totp_mfa=True)
    _, desk = cy.new_device(cy.mfa(cy.sign_in()))
    assert desk["confirmed"]["UserConfirmationNecessary"] is False, desk
    proven = cy.device_srp(cy.sign_in(desk["DeviceKey"]), desk)
    done = cy.mfa(proven)["AuthenticationResult"]
    assert done["AccessToken"] and "NewDeviceMetadata" not in done, done

    # UserContextData, as the emulator recorded it (newest last), and a call without it.
    recorded_context = {"IpAddress": "198.51.100.9", "EncodedData": f"{nonce}-recorded"}
    dee = User(pool, "dee@example.com")
    idp.sign_up(
        ClientId=pool.client_id,
        SecretHash=pool.secret_hash(dee.name),
        Username=dee.name,
        Password="Passw0rd!x",
        UserContextData=recorded_context,
    )
    idp.confirm_sign_up(
        ClientId=pool.client_id,
        SecretHash=pool.secret_hash(dee.name),
        Username=dee.name,
        ConfirmationCode="123456",
        UserContextData=recorded_context,
    )
    unconfirmed = dee.sign_in(UserContextData=recorded_context)["AuthenticationResult"]
    unconfirmed = unconfirmed["NewDeviceMetadata"]["DeviceKey"]
    # A device of hers never confirmed is ignored: the sign-in makes another.
    again = dee.sign_in(unconfirmed)["AuthenticationResult"]["NewDeviceMetadata"]
    assert again["DeviceKey"] != unconfirmed, again
    with urllib.request.urlopen(f"{endpoint}/emulator/user-context") as answer:
        assert answer.headers["Content-Type"] == "application/json", answer.headers
        recorded = json.load(answer)
    ours = [entry for entry in recorded if entry["ClientId"] == pool.client_id]
    assert ours[-1] == {
        "operation": "InitiateAuth", "ClientId": pool.client_id, "UserContextData": None
    }, ours[-1]
    with_context = [e["operation"] for e in ours if e["UserContextData"] == recorded_context]
    assert with_context == ["SignUp", "ConfirmSignUp", "InitiateAuth"], with_context


# Choice-based sign-in -------------------------------------------------------------------------

# The passkeys below are made here with a software key: a CBOR encoder, an EC P-256 key from
# `cryptography`, and the WebAuthn byte layouts (authenticator data, attestation object,
# client data), written from the WebAuthn specification, not from the emulator's code.

def cbor(value):
    """CBOR (RFC 8949) of ints, byte and text strings, and maps: what WebAuthn needs."""
    def head(major, number):
        if number < 24:
            return bytes([major << 5 | number])
        for size, info in ((1, 24), (2, 25), (4, 26), (8, 27)):
            if number < 1 << (8 * size):
                return bytes([major << 5 | info]) + number.to_bytes(size, "big")
        raise ValueError(number)

    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, dict):
        return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwarePasskey:
    """A discoverable ES256 credential on a software authenticator that verifies its user."""

    ORIGIN = "http://localhost:8443"

    def __init__(self):
        from cryptography.hazmat.primitives.asymmetric import ec

        self.ec = ec
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.id = os.urandom(32)
        self.count = 0
        self.user_handle = None

    def sign(self, data):
        from cryptography.hazmat.primitives import hashes

        return self.key.sign(data, self.ec.ECDSA(hashes.SHA256()))

    def register(self, options, origin=ORIGIN, rp_id=None, fmt="packed", verified=True):
        """RegistrationResponseJSON for CredentialCreationOptions: packed self attestation
        (signed by the credential's own key), or none."""
        numbers = self.key.public_key().public_numbers()
        cose_key = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                         -3: numbers.y.to_bytes(32, "big")})
        client_data = json.dumps({
            "type": "webauthn.create", "challenge": options["challenge"],
            "origin": origin, "crossOrigin": False,
        }).encode()
        rp_hash = hashlib.sha256((rp_id or options["rp"]["id"]).encode()).digest()
        # Flags: user present, user verified (unless told otherwise), attested credential
        # data.
        flags = 0x45 if verified else 0x41
        auth_data = (rp_hash + bytes([flags]) + self.count.to_bytes(4, "big") + bytes(16)
                     + len(self.id).to_bytes(2, "big") + self.id + cose_key)
        statement = {}
        if fmt == "packed":
            statement = {"alg": -7,
                         "sig": self.sign(auth_data + hashlib.sha256(client_data).digest())}
        self.user_handle = options["user"]["id"]
        return {
            "id": b64url(self.id),
            "rawId": b64url(self.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(
                    cbor({"fmt": fmt, "attStmt": statement, "authData": auth_data})
                ),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def assertion(self, options, origin=ORIGIN, count=None, verified=True):
        """AuthenticationResponseJSON, as JSON text, for CREDENTIAL_REQUEST_OPTIONS."""
        self.count = self.count + 1 if count is None else count
        client_data = json.dumps({
            "type": "webauthn.get", "challenge": options["challenge"],
            "origin": origin, "crossOrigin": False,
        }).encode()
        rp_hash = hashlib.sha256(options["rpId"].encode()).digest()
        auth_data = rp_hash + bytes([0x05 if verified else 0x01]) + self.count.to_bytes(4, "big")
        return json.dumps({
            "id": b64url(self.id),
            "rawId": b64url(self.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(self.sign(auth_data + hashlib.sha256(client_data).digest())),
                "userHandle": self.user_handle,
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        })


def codes(endpoint, username, purpose=None, pool=None):
    """What GET /emulator/codes answers; other tests share the emulator, so the checks name
    their pool."""
    query = f"username={urllib.parse.quote(username)}"
    if purpose:
        query += f"&purpose={purpose}"
    if pool:
        query += f"&userPoolId={pool.id}"
    with urllib.request.urlopen(f"{endpoint}/emulator/codes?{query}") as answer:
        assert answer.headers["Content-Type"] == "application/json", answer.headers
        return json.load(answer)


def code_for(endpoint, pool, username, purpose):
    found = codes(endpoint, username, purpose, pool)
    assert len(found) == 1, found
    return found[0]["code"]


def http_status(url, method="GET"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method)) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


class ChoicePool:
    """A pool for choice-based sign-in, with an app client (secret) that allows USER_AUTH."""

    def __init__(self, idp, factors, mfa=None, **pool_settings):
        self.idp = idp
        self.id = idp.create_user_pool(
            PoolName=f"choice-{time.time_ns()}",
            AutoVerifiedAttributes=["email"],
            Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}},
            **pool_settings,
        )["UserPool"]["Id"]
        if mfa is not None:
            idp.set_user_pool_mfa_config(UserPoolId=self.id, **mfa)
        app = idp.create_user_pool_client(
            UserPoolId=self.id,
            ClientName="choice",
            GenerateSecret=True,
            ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                               "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors="ENABLED",
        )["UserPoolClient"]
        self.client_id, self.secret = app["ClientId"], app["ClientSecret"]

    def secret_hash(self, username):
        return b64(hmac.new(self.secret.encode(), (username + self.client_id).encode(),
                            hashlib.sha256).digest())

    def user(self, username, password="Passw0rd!x", phone=None):
        attributes = [{"Name": "email", "Value": f"{username}@example.com"},
                      {"Name": "email_verified", "Value": "true"}]
        if phone:
            attributes += [{"Name": "phone_number", "Value": phone},
                           {"Name": "phone_number_verified", "Value": "true"}]
        self.idp.admin_create_user(UserPoolId=self.id, Username=username,
                                   UserAttributes=attributes, MessageAction="SUPPRESS")
        if password:
            self.idp.admin_set_user_password(UserPoolId=self.id, Username=username,
                                             Password=password, Permanent=True)
        return username

    def start(self, username, **parameters):
        extra = {}
        if "Session" in parameters:
            extra["Session"] = parameters.pop("Session")
        return self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_AUTH",
            AuthParameters=dict(parameters, USERNAME=username,
                                SECRET_HASH=self.secret_hash(username)),
            **extra,
        )

    def answer(self, asked, name, username, **responses):
        assert asked.get("ChallengeName") == name, asked
        return self.idp.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName=name,
            Session=asked["Session"],
            ChallengeResponses=dict(responses, USERNAME=username,
                                    SECRET_HASH=self.secret_hash(username)),
        )

    def password_sign_in(self, username, password="Passw0rd!x", **extra):
        return self.idp.initiate_auth(
            ClientId=self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password,
                            "SECRET_HASH": self.secret_hash(username), **extra},
        )


def tokens_of(answer):
    result = answer["AuthenticationResult"]
    assert result["AccessToken"] and result["RefreshToken"] and result["IdToken"], answer
    return result


def check_user_auth(idp, endpoint):
    # The pool's sign-in policy and MFA settings, as set and as answered.
    plain = idp.create_user_pool(PoolName=f"plain-{time.time_ns()}")["UserPool"]
    assert plain["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}
    expect_error(
        lambda: idp.create_user_pool(
            PoolName="bad",
            Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["SOFTWARE_TOKEN"]}},
        ),
        "InvalidParameterException",
    )
    factors = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]
    mfa = {
        "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Sign-in code"},
        "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "preferred"},
    }
    pool = ChoicePool(idp, factors, mfa)
    described = idp.describe_user_pool(UserPoolId=pool.id)["UserPool"]
    assert described["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": factors}
    configured = idp.get_user_pool_mfa_config(UserPoolId=pool.id)
    assert configured["EmailMfaConfiguration"] == mfa["EmailMfaConfiguration"], configured
    assert configured["WebAuthnConfiguration"] == {
        "RelyingPartyId": "localhost", "UserVerification": "preferred",
        "FactorConfiguration": "SINGLE_FACTOR",
    }, configured
    # UpdateUserPool keeps the policy it is given.
    idp.update_user_pool(UserPoolId=pool.id, AutoVerifiedAttributes=["email"],
                         Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}})
    described = idp.describe_user_pool(UserPoolId=pool.id)["UserPool"]
    assert described["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": factors}

    eve = pool.user("eve", phone="+15555550123")
    # A client without ALLOW_USER_AUTH is refused.
    other = idp.create_user_pool_client(UserPoolId=pool.id, ClientName="no-user-auth",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    other_id = other["UserPoolClient"]["ClientId"]
    expect_error(
        lambda: idp.initiate_auth(ClientId=other_id, AuthFlow="USER_AUTH",
                                  AuthParameters={"USERNAME": eve}),
        "InvalidParameterException",
    )
    expect_error(
        lambda: idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_AUTH",
                                  AuthParameters={"USERNAME": eve, "SECRET_HASH": "wrong"}),
        "NotAuthorizedException",
    )

    # No preference: SELECT_CHALLENGE with what the pool allows and Eve has.
    asked = pool.start(eve)
    assert asked["ChallengeName"] == "SELECT_CHALLENGE", asked
    assert asked["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    assert asked.get("ChallengeParameters", {}) == {}, asked
    expect_error(lambda: pool.answer(asked, "SELECT_CHALLENGE", eve, ANSWER="WEB_AUTHN"),
                 "InvalidParameterException")
    tokens_of(pool.answer(pool.start(eve), "SELECT_CHALLENGE", eve, ANSWER="PASSWORD",
                          PASSWORD="Passw0rd!x"))
    expect_error(
        lambda: pool.answer(pool.start(eve), "SELECT_CHALLENGE", eve, ANSWER="PASSWORD",
                            PASSWORD="wrong-Passw0rd"),
        "NotAuthorizedException",
    )
    # A preference with what it needs goes straight to it.
    tokens_of(pool.start(eve, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Passw0rd!x"))
    assert pool.start(eve, PREFERRED_CHALLENGE="PASSWORD")["ChallengeName"] == "SELECT_CHALLENGE"
    verifier = pool.start(eve, PREFERRED_CHALLENGE="PASSWORD_SRP",
                          SRP_A=format(pow(G, 12345, N), "x"))
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER", verifier
    tokens_of(pool.answer(
        verifier, "PASSWORD_VERIFIER", eve,
        PASSWORD_CLAIM_SECRET_BLOCK=verifier["ChallengeParameters"]["SECRET_BLOCK"],
        PASSWORD_CLAIM_SIGNATURE=b64(b"unchecked"), TIMESTAMP=cognito_timestamp(),
    ))

    # EMAIL_OTP: a code "sent" and read back; a wrong one is CodeMismatchException and the
    # session stays for another try.
    asked = pool.start(eve, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    assert asked["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "e***@e***",
    }, asked
    sent = codes(endpoint, eve, "EMAIL_OTP", pool)
    assert len(sent) == 1 and set(sent[0]) == {
        "userPoolId", "username", "purpose", "code", "deliveryMedium", "address", "sentAt",
    }, sent
    assert sent[0]["address"] == "eve@example.com" and sent[0]["deliveryMedium"] == "EMAIL"
    code = sent[0]["code"]
    assert len(code) == 8 and code.isdigit(), code
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    expect_error(lambda: pool.answer(asked, "EMAIL_OTP", eve, EMAIL_OTP_CODE=wrong),
                 "CodeMismatchException")
    tokens_of(pool.answer(asked, "EMAIL_OTP", eve, EMAIL_OTP_CODE=code))
    expect_error(lambda: pool.answer(asked, "EMAIL_OTP", eve, EMAIL_OTP_CODE=code),
                 "NotAuthorizedException")
    # Three wrong codes end the sign-in.
    asked = pool.start(eve, PREFERRED_CHALLENGE="EMAIL_OTP")
    code = code_for(endpoint, pool, "eve@example.com", "EMAIL_OTP")
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(3):
        expect_error(lambda: pool.answer(asked, "EMAIL_OTP", eve, EMAIL_OTP_CODE=wrong),
                     "CodeMismatchException")
    expect_error(lambda: pool.answer(asked, "EMAIL_OTP", eve, EMAIL_OTP_CODE=code),
                 "NotAuthorizedException")
    # SMS_OTP, chosen at SELECT_CHALLENGE.
    asked = pool.answer(pool.start(eve), "SELECT_CHALLENGE", eve, ANSWER="SMS_OTP")
    assert asked["ChallengeParameters"] == {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******0123",
    }, asked
    tokens_of(pool.answer(asked, "SMS_OTP", eve,
                          SMS_OTP_CODE=code_for(endpoint, pool, eve, "SMS_OTP")))
    # AdminInitiateAuth takes USER_AUTH too.
    admin = idp.admin_initiate_auth(
        UserPoolId=pool.id, ClientId=pool.client_id, AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": eve, "SECRET_HASH": pool.secret_hash(eve)},
    )
    assert admin["AvailableChallenges"][0] == "PASSWORD", admin

    # A user who doesn't exist, on a client that prevents user-existence errors, is asked
    # as anyone with a password would be; the answer is refused.
    asked = pool.start("nobody")
    assert asked["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"], asked
    expect_error(lambda: pool.answer(asked, "SELECT_CHALLENGE", "nobody", ANSWER="PASSWORD",
                                     PASSWORD="Passw0rd!x"),
                 "NotAuthorizedException")

    tokens = tokens_of(pool.start(eve, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Passw0rd!x"))
    factors_of_eve = idp.get_user_auth_factors(AccessToken=tokens["AccessToken"])
    assert factors_of_eve["Username"] == eve, factors_of_eve
    assert factors_of_eve["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    assert factors_of_eve.get("UserMFASettingList", []) == [], factors_of_eve
    return pool, eve, tokens


def check_passkeys(idp, pool, eve, tokens):
    access = tokens["AccessToken"]
    started = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    sub = next(a["Value"] for a in idp.get_user(AccessToken=access)["UserAttributes"]
               if a["Name"] == "sub")
    assert started["rp"] == {"id": "localhost", "name": "localhost"}, started
    assert started["user"] == {"id": b64url(sub.encode()), "name": eve, "displayName": eve}
    assert started["authenticatorSelection"]["residentKey"] == "required", started
    assert {p["alg"] for p in started["pubKeyCredParams"]} == {-7, -257}, started
    assert started["excludeCredentials"] == [] and unb64url(started["challenge"]), started
    laptop = SoftwarePasskey()
    assert idp.complete_web_authn_registration(
        AccessToken=access, Credential=laptop.register(started)
    )["ResponseMetadata"]["HTTPStatusCode"] == 200
    listed = idp.list_web_authn_credentials(AccessToken=access)["Credentials"]
    assert len(listed) == 1, listed
    assert listed[0]["CredentialId"] == b64url(laptop.id), listed
    assert listed[0]["RelyingPartyId"] == "localhost", listed
    assert listed[0]["AuthenticatorAttachment"] == "platform", listed
    assert listed[0]["AuthenticatorTransports"] == ["internal"], listed
    assert listed[0]["FriendlyCredentialName"] and listed[0]["CreatedAt"], listed

    # What a registration is refused for.
    expect_error(lambda: idp.complete_web_authn_registration(
        AccessToken=access, Credential=SoftwarePasskey().register(started)),
        "WebAuthnChallengeNotFoundException")
    for change, error in (
        ({"origin": "http://evil.example:8443"}, "WebAuthnOriginNotAllowedException"),
        ({"origin": "http://localhost.evil.example"}, "WebAuthnOriginNotAllowedException"),
        ({"rp_id": "example.com"}, "WebAuthnRelyingPartyMismatchException"),
    ):
        options = idp.start_web_authn_registration(AccessToken=access)
        credential = SoftwarePasskey().register(options["CredentialCreationOptions"], **change)
        expect_error(lambda: idp.complete_web_authn_registration(
            AccessToken=access, Credential=credential), error)
    options = idp.start_web_authn_registration(AccessToken=access)
    other = idp.create_user_pool_client(UserPoolId=pool.id, ClientName="other")
    elsewhere = idp.admin_initiate_auth(
        UserPoolId=pool.id, ClientId=other["UserPoolClient"]["ClientId"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": eve, "PASSWORD": "Passw0rd!x"},
    )["AuthenticationResult"]["AccessToken"]
    expect_error(lambda: idp.complete_web_authn_registration(
        AccessToken=elsewhere,
        Credential=SoftwarePasskey().register(options["CredentialCreationOptions"])),
        "WebAuthnClientMismatchException")
    # A second passkey, "none" attestation; the first is excluded from its options.
    phone = SoftwarePasskey()
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["excludeCredentials"] == [
        {"id": b64url(laptop.id), "type": "public-key"}], options
    idp.complete_web_authn_registration(AccessToken=access,
                                        Credential=phone.register(options, fmt="none"))
    first = idp.list_web_authn_credentials(AccessToken=access, MaxResults=1)
    second = idp.list_web_authn_credentials(AccessToken=access, MaxResults=1,
                                            NextToken=first["NextToken"])
    assert [c["CredentialId"] for c in first["Credentials"] + second["Credentials"]] == [
        b64url(laptop.id), b64url(phone.id)], (first, second)
    assert "NextToken" not in second, second

    # WEB_AUTHN as first factor: the options as JSON text, the assertion verified.
    asked = pool.start(eve)
    assert asked["AvailableChallenges"][-1] == "WEB_AUTHN", asked
    asked = pool.start(eve, PREFERRED_CHALLENGE="WEB_AUTHN")
    assert asked["ChallengeName"] == "WEB_AUTHN", asked
    request = json.loads(asked["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert request["rpId"] == "localhost" and request["userVerification"] == "preferred"
    assert {c["id"] for c in request["allowCredentials"]} == {b64url(laptop.id),
                                                               b64url(phone.id)}, request
    tokens_of(pool.answer(asked, "WEB_AUTHN", eve, CREDENTIAL=laptop.assertion(request)))
    # Refused: a sign count that didn't grow, another origin, another challenge, a replay.
    for make in (
        lambda request: laptop.assertion(request, count=laptop.count),
        lambda request: laptop.assertion(request, origin="https://evil.example"),
        lambda request: laptop.assertion(dict(request, challenge=b64url(os.urandom(32)))),
    ):
        asked = pool.answer(pool.start(eve), "SELECT_CHALLENGE", eve, ANSWER="WEB_AUTHN")
        request = json.loads(asked["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
        credential = make(request)
        expect_error(lambda: pool.answer(asked, "WEB_AUTHN", eve, CREDENTIAL=credential),
                     "NotAuthorizedException")
    asked = pool.start(eve, PREFERRED_CHALLENGE="WEB_AUTHN")
    request = json.loads(asked["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    tokens_of(pool.answer(asked, "WEB_AUTHN", eve, CREDENTIAL=phone.assertion(request)))
    factors_of_eve = idp.get_user_auth_factors(AccessToken=access)["ConfiguredUserAuthFactors"]
    assert factors_of_eve == ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"], factors_of_eve

    idp.delete_web_authn_credential(AccessToken=access, CredentialId=b64url(laptop.id))
    expect_error(lambda: idp.delete_web_authn_credential(
        AccessToken=access, CredentialId=b64url(laptop.id)), "ResourceNotFoundException")
    listed = idp.list_web_authn_credentials(AccessToken=access)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [b64url(phone.id)], listed
    # A pool without WEB_AUTHN among its first factors doesn't register passkeys.
    password_only = ChoicePool(idp, ["PASSWORD"])
    password_only.user("hal")
    hal = tokens_of(password_only.password_sign_in("hal"))
    expect_error(lambda: idp.start_web_authn_registration(AccessToken=hal["AccessToken"]),
                 "WebAuthnNotEnabledException")
    # Where the pool requires user verification, a passkey must verify its user.
    strict = ChoicePool(idp, ["PASSWORD", "WEB_AUTHN"], {
        "MfaConfiguration": "OFF",
        "WebAuthnConfiguration": {"RelyingPartyId": "localhost", "UserVerification": "required"},
    })
    strict.user("uma")
    uma = tokens_of(strict.password_sign_in("uma"))["AccessToken"]
    options = idp.start_web_authn_registration(AccessToken=uma)["CredentialCreationOptions"]
    assert options["authenticatorSelection"]["userVerification"] == "required", options
    credential = SoftwarePasskey().register(options, verified=False)
    expect_error(lambda: idp.complete_web_authn_registration(AccessToken=uma,
                                                             Credential=credential),
                 "InvalidParameterException")
    key = SoftwarePasskey()
    options = idp.start_web_authn_registration(AccessToken=uma)["CredentialCreationOptions"]
    idp.complete_web_authn_registration(AccessToken=uma, Credential=key.register(options))
    asked = strict.start("uma", PREFERRED_CHALLENGE="WEB_AUTHN")
    request = json.loads(asked["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert request["userVerification"] == "required", request
    credential = key.assertion(request, verified=False)
    expect_error(lambda: strict.answer(asked, "WEB_AUTHN", "uma", CREDENTIAL=credential),
                 "NotAuthorizedException")
    asked = strict.start("uma", PREFERRED_CHALLENGE="WEB_AUTHN")
    request = json.loads(asked["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    tokens_of(strict.answer(asked, "WEB_AUTHN", "uma", CREDENTIAL=key.assertion(request)))
    no_domain = ChoicePool(idp, ["PASSWORD", "WEB_AUTHN"])
    no_domain.user("ida")
    ida = tokens_of(no_domain.password_sign_in("ida"))
    expect_error(lambda: idp.start_web_authn_registration(AccessToken=ida["AccessToken"]),
                 "WebAuthnConfigurationMissingException")


def check_passwordless_sign_up(idp, endpoint, pool):
    # No password: the user signs up, confirms, and is signed in with ConfirmSignUp's
    # session, without being asked again.
    signed_up = idp.sign_up(
        ClientId=pool.client_id, SecretHash=pool.secret_hash("fay"), Username="fay",
        UserAttributes=[{"Name": "email", "Value": "fay@example.com"}],
    )
    assert signed_up["UserConfirmed"] is False and signed_up["Session"], signed_up
    confirmed = idp.confirm_sign_up(
        ClientId=pool.client_id, SecretHash=pool.secret_hash("fay"), Username="fay",
        ConfirmationCode="123456", Session=signed_up["Session"],
    )
    tokens = tokens_of(pool.start("fay", Session=confirmed["Session"]))
    expect_error(lambda: pool.start("fay", Session=confirmed["Session"]),
                 "NotAuthorizedException")
    # Fay has no password: EMAIL_OTP only (the confirmation verified her address).
    asked = pool.start("fay")
    assert asked["AvailableChallenges"] == ["EMAIL_OTP"], asked
    expect_error(lambda: pool.password_sign_in("fay", password="x"), "NotAuthorizedException")
    expect_error(
        lambda: idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "fay",
                                                  "SECRET_HASH": pool.secret_hash("fay")}),
        "NotAuthorizedException",
    )
    factors = idp.get_user_auth_factors(AccessToken=tokens["AccessToken"])
    assert factors["ConfiguredUserAuthFactors"] == ["EMAIL_OTP"], factors
    # With a password, as Amplify does it: ConfirmSignUp without SignUp's session.
    idp.sign_up(ClientId=pool.client_id, SecretHash=pool.secret_hash("gil"), Username="gil",
                Password="Passw0rd!x",
                UserAttributes=[{"Name": "email", "Value": "gil@example.com"}])
    confirmed = idp.confirm_sign_up(ClientId=pool.client_id, SecretHash=pool.secret_hash("gil"),
                                    Username="gil", ConfirmationCode="123456")
    tokens_of(pool.start("gil", Session=confirmed["Session"]))
    # Confirming again gives no session; someone else's session is refused.
    again = idp.confirm_sign_up(ClientId=pool.client_id, SecretHash=pool.secret_hash("gil"),
                                Username="gil", ConfirmationCode="123456")
    assert "Session" not in again, again
    signed_up = idp.sign_up(ClientId=pool.client_id, SecretHash=pool.secret_hash("hana"),
                            Username="hana",
                            UserAttributes=[{"Name": "email", "Value": "hana@example.com"}])
    expect_error(lambda: idp.confirm_sign_up(
        ClientId=pool.client_id, SecretHash=pool.secret_hash("ivo"), Username="ivo",
        ConfirmationCode="123456", Session=signed_up["Session"]), "NotAuthorizedException")
    # A pool that signs in with passwords only wants one.
    password_only = ChoicePool(idp, ["PASSWORD"])
    expect_error(lambda: idp.sign_up(
        ClientId=password_only.client_id, SecretHash=password_only.secret_hash("jo"),
        Username="jo", UserAttributes=[{"Name": "email", "Value": "jo@example.com"}]),
        "InvalidParameterException")


def check_email_mfa(idp, endpoint, pool):
    kim = pool.user("kim")
    access = tokens_of(pool.password_sign_in(kim))["AccessToken"]
    idp.set_user_mfa_preference(AccessToken=access,
                                EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    user = idp.get_user(AccessToken=access)
    assert user["UserMFASettingList"] == ["EMAIL_OTP"], user
    assert user["PreferredMfaSetting"] == "EMAIL_OTP", user
    factors = idp.get_user_auth_factors(AccessToken=access)
    assert factors["PreferredMfaSetting"] == "EMAIL_OTP", factors
    assert factors["UserMFASettingList"] == ["EMAIL_OTP"], factors
    # After the password: EMAIL_OTP, a 6-digit code.
    asked = pool.password_sign_in(kim)
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    assert asked["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "k***@e***", asked
    code = code_for(endpoint, pool, kim, "EMAIL_MFA")
    assert len(code) == 6, code
    tokens_of(pool.answer(asked, "EMAIL_OTP", kim, EMAIL_OTP_CODE=code))
    asked = pool.start(kim, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Passw0rd!x")
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    tokens_of(pool.answer(asked, "EMAIL_OTP", kim,
                          EMAIL_OTP_CODE=code_for(endpoint, pool, kim, "EMAIL_MFA")))
    # No MFA after a passwordless first factor.
    asked = pool.start(kim, PREFERRED_CHALLENGE="EMAIL_OTP")
    tokens_of(pool.answer(asked, "EMAIL_OTP", kim,
                          EMAIL_OTP_CODE=code_for(endpoint, pool, kim, "EMAIL_OTP")))
    idp.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=kim,
                                      EmailMfaSettings={"Enabled": False})
    tokens_of(pool.password_sign_in(kim))
    assert idp.admin_get_user(UserPoolId=pool.id, Username=kim)["UserMFASettingList"] == []
    password_only = ChoicePool(idp, ["PASSWORD"])
    password_only.user("lev")
    lev = tokens_of(password_only.password_sign_in("lev"))["AccessToken"]
    expect_error(lambda: idp.set_user_mfa_preference(
        AccessToken=lev, EmailMfaSettings={"Enabled": True}), "InvalidParameterException")

    # MFA_SETUP on a pool that requires MFA offers EMAIL_OTP; set up with an address.
    strict = ChoicePool(idp, ["PASSWORD", "EMAIL_OTP"], {
        "MfaConfiguration": "ON",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "EmailMfaConfiguration": {"Subject": "Sign-in code"},
    })
    idp.admin_create_user(UserPoolId=strict.id, Username="max", TemporaryPassword="Temp0rary!x",
                          MessageAction="SUPPRESS")
    asked = strict.password_sign_in("max", password="Temp0rary!x")
    asked = strict.answer(asked, "NEW_PASSWORD_REQUIRED", "max", NEW_PASSWORD="Passw0rd!x")
    assert asked["ChallengeName"] == "MFA_SETUP", asked
    assert "EMAIL_OTP" in asked["ChallengeParameters"]["MFAS_CAN_SETUP"], asked
    asked = strict.answer(asked, "MFA_SETUP", "max", EMAIL="max@example.com")
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    code = code_for(endpoint, strict, "max@example.com", "EMAIL_MFA")
    tokens_of(strict.answer(asked, "EMAIL_OTP", "max", EMAIL_OTP_CODE=code))
    asked = strict.password_sign_in("max")
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    # By SRP too (where moto would ask for MFA set-up again).
    started = idp.initiate_auth(
        ClientId=strict.client_id, AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "max", "SRP_A": format(pow(G, 12345, N), "x"),
                        "SECRET_HASH": strict.secret_hash("max")},
    )
    asked = strict.answer(
        started, "PASSWORD_VERIFIER", "max",
        PASSWORD_CLAIM_SECRET_BLOCK=started["ChallengeParameters"]["SECRET_BLOCK"],
        PASSWORD_CLAIM_SIGNATURE=b64(b"unchecked"), TIMESTAMP=cognito_timestamp(),
    )
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    code = code_for(endpoint, strict, "max@example.com", "EMAIL_MFA")
    tokens_of(strict.answer(asked, "EMAIL_OTP", "max", EMAIL_OTP_CODE=code))
    # On a pool that requires MFA, a one-time code is no first factor.
    asked = strict.start("max")
    assert asked["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"], asked


def check_devices_with_user_auth(idp, endpoint):
    # Device tracking: a passwordless sign-in gets NewDeviceMetadata; a remembered device
    # proves itself in place of email MFA.
    pool = ChoicePool(
        idp, ["PASSWORD", "EMAIL_OTP"],
        {"MfaConfiguration": "OPTIONAL", "EmailMfaConfiguration": {"Subject": "Code"}},
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": True,
                             "DeviceOnlyRememberedOnUserPrompt": False},
    )
    nia = pool.user("nia")
    asked = pool.start(nia, PREFERRED_CHALLENGE="EMAIL_OTP")
    tokens = tokens_of(pool.answer(asked, "EMAIL_OTP", nia,
                                   EMAIL_OTP_CODE=code_for(endpoint, pool, nia, "EMAIL_OTP")))
    metadata = tokens["NewDeviceMetadata"]
    secret, verifier = device_verifier(metadata)
    idp.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"],
                       DeviceSecretVerifierConfig=verifier, DeviceName="nia's laptop")
    device = dict(metadata, secret=secret)
    idp.set_user_mfa_preference(AccessToken=tokens["AccessToken"],
                                EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    # Without the device: email MFA, then a new device.
    asked = pool.password_sign_in(nia)
    assert asked["ChallengeName"] == "EMAIL_OTP", asked
    done = tokens_of(pool.answer(asked, "EMAIL_OTP", nia,
                                 EMAIL_OTP_CODE=code_for(endpoint, pool, nia, "EMAIL_MFA")))
    assert done["NewDeviceMetadata"]["DeviceKey"] != device["DeviceKey"], done
    # With it: the device's proof, no email code.
    asked = pool.password_sign_in(nia, DEVICE_KEY=device["DeviceKey"])
    assert asked["ChallengeName"] == "DEVICE_SRP_AUTH", asked
    user = User(pool, nia)
    done = tokens_of(user.device_srp(asked, device))
    assert "NewDeviceMetadata" not in done, done
    # A passwordless sign-in naming the device ties the tokens to it.
    asked = pool.start(nia, PREFERRED_CHALLENGE="EMAIL_OTP", DEVICE_KEY=device["DeviceKey"])
    done = tokens_of(pool.answer(asked, "EMAIL_OTP", nia,
                                 EMAIL_OTP_CODE=code_for(endpoint, pool, nia, "EMAIL_OTP")))
    assert "NewDeviceMetadata" not in done, done
    idp.get_tokens_from_refresh_token(RefreshToken=done["RefreshToken"], ClientId=pool.client_id,
                                      ClientSecret=pool.secret, DeviceKey=device["DeviceKey"])

    # Where a remembered device doesn't replace MFA: its proof, then the email code.
    loose = ChoicePool(
        idp, ["PASSWORD"],
        {"MfaConfiguration": "OPTIONAL", "EmailMfaConfiguration": {"Subject": "Code"}},
        DeviceConfiguration={"ChallengeRequiredOnNewDevice": False,
                             "DeviceOnlyRememberedOnUserPrompt": False},
    )
    oli = loose.user("oli")
    tokens = tokens_of(loose.password_sign_in(oli))
    metadata = tokens["NewDeviceMetadata"]
    secret, verifier = device_verifier(metadata)
    idp.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=metadata["DeviceKey"],
                       DeviceSecretVerifierConfig=verifier)
    idp.set_user_mfa_preference(AccessToken=tokens["AccessToken"],
                                EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    asked = loose.password_sign_in(oli, DEVICE_KEY=metadata["DeviceKey"])
    proven = User(loose, oli).device_srp(asked, dict(metadata, secret=secret))
    assert proven["ChallengeName"] == "EMAIL_OTP", proven
    done = tokens_of(loose.answer(proven, "EMAIL_OTP", oli,
                                  EMAIL_OTP_CODE=code_for(endpoint, loose, oli, "EMAIL_MFA")))
    assert "NewDeviceMetadata" not in done, done


def check_codes_route(endpoint):
    assert http_status(f"{endpoint}/emulator/codes") == 400
    assert http_status(f"{endpoint}/emulator/codes?username=x", method="POST") == 405
    assert codes(endpoint, "no-such-user") == []


def main(endpoint):
    idp = client(endpoint)
    check_refresh_and_revocation(idp)
    check_devices(idp, endpoint)
    pool, eve, tokens = check_user_auth(idp, endpoint)
    check_passkeys(idp, pool, eve, tokens)
    check_passwordless_sign_up(idp, endpoint, pool)
    check_email_mfa(idp, endpoint, pool)
    check_devices_with_user_auth(idp, endpoint)
    check_codes_route(endpoint)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
