"""Drives the emulator's added operations through boto3, so every request and answer is
checked against botocore's service model for cognito-idp (boto3 validates what it sends and
parses what comes back by that model). Run by tests/api/emulator.rs against a running
emulator: check_plugins.py ENDPOINT. Exits non-zero, naming the check, when one fails.

The device checks answer the emulator's device SRP with a client side written here from
the protocol (Cognito's, as AWS Amplify's client does it), not from the emulator's code."""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
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


def main(endpoint):
    idp = client(endpoint)
    check_refresh_and_revocation(idp)
    check_devices(idp, endpoint)
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
