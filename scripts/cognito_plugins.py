"""Cognito operations the emulator (moto 5.2.5) lacks, added to its own Cognito backend.

Each follows the AWS API reference for the operation and botocore's service model
(cognito-idp 2016-04-18). Where the documentation leaves a behaviour open, the choice made
is stated next to it (`# Choice:`); docs/testing.md lists them all.

    RevokeToken                revokes a refresh token and the access tokens issued from it.
    ResendConfirmationCode     sends an unconfirmed user's sign-up code again.
    GetTokensFromRefreshToken  new tokens from a refresh token, rotating it where the app
                               client's RefreshTokenRotation says so; InitiateAuth's
                               REFRESH_TOKEN_AUTH is refused on such a client. A refresh
                               token tied to a device needs that device's DeviceKey.

Device tracking, on a pool with a DeviceConfiguration (moto itself keeps it from
CreateUserPool and UpdateUserPool and returns it from DescribeUserPool):

    InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge
                               a sign-in that ends in tokens without naming a confirmed device
                               of the user (DEVICE_KEY) answers NewDeviceMetadata for a new
                               one; the refresh token is tied to the device. One that names,
                               once the password is verified, a device the user doesn't have
                               is ResourceNotFoundException "Device does not exist." After the
                               password, a remembered device is asked to prove itself:
                               DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER, checked
                               against the verifier ConfirmDevice was given (real SRP).
                               REFRESH_TOKEN_AUTH needs the token's DEVICE_KEY.
    ConfirmDevice              confirms a new device with its SRP verifier.
    GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice
                               the signed-in user's confirmed devices.
    AdminGetDevice, AdminListDevices, AdminUpdateDeviceStatus, AdminForgetDevice
                               the same for any user of a pool.
    VerifySoftwareToken        moto's own; a device named earlier in the sign-in follows the
                               new session it answers.

UserContextData: InitiateAuth, RespondToAuthChallenge, SignUp, ConfirmSignUp,
ResendConfirmationCode, ForgotPassword and ConfirmForgotPassword record theirs (the last
1000 calls), which `GET /emulator/user-context` answers as a JSON list, newest last:
[{"operation": "InitiateAuth", "ClientId": "...",
  "UserContextData": {"IpAddress": "...", "EncodedData": "..."} or null}, ...].

Choice-based sign-in (USER_AUTH, one-time codes, passwordless sign-up, email MFA, passkeys
and GetUserAuthFactors) is in cognito_passwordless.py, which the functions here call where
a sign-in step passes through them, and whose install() runs with this one's.

install() adds them; the launcher calls it before the server starts.
"""

import base64
import collections
import hashlib
import hmac
import itertools
import json
import secrets
import string
import threading
import time

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random as random
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.cognitoidp.exceptions import (
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.cognitoidp.models import UserStatus, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import check_secret_hash

import cognito_passwordless as passwordless


class UnauthorizedException(JsonRESTError):
    def __init__(self, message):
        super().__init__("UnauthorizedException", message)


class UnsupportedOperationException(JsonRESTError):
    def __init__(self, message):
        super().__init__("UnsupportedOperationException", message)


class UnsupportedTokenTypeException(JsonRESTError):
    def __init__(self, message):
        super().__init__("UnsupportedTokenTypeException", message)


def _pool_of_client(client_id):
    """The user pool and app client for `client_id`, in whichever account and region holds it
    (these calls are unsigned, so the region can't be told from the request)."""
    for account in cognitoidp_backends.values():
        for backend in account.values():
            for pool in backend.user_pools.values():
                client = pool.clients.get(client_id)
                if client is not None:
                    return backend, pool, client
    raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")


def _claims(token):
    """The payload of a JWT the emulator issued, unverified; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        return json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return None


def revoke_token(self):
    token = self._get_param("Token")
    client_id = self._get_param("ClientId")
    secret = self._get_param("ClientSecret")
    if not token or not client_id:
        raise InvalidParameterException("Token and ClientId are required.")
    _, pool, client = _pool_of_client(client_id)
    # Choice: a wrong or missing secret for a client that has one is UnauthorizedException,
    # the error the API lists for a request that isn't authorized.
    if client.generate_secret and secret != client.secret:
        raise UnauthorizedException("Client secret is not valid for this client.")
    if not client.extended_config.get("EnableTokenRevocation", True):
        raise UnsupportedOperationException("Token revocation is not enabled for this client.")
    # Access and ID tokens are JWTs; refresh tokens are not.
    if token in pool.access_tokens or _claims(token) is not None:
        raise UnsupportedTokenTypeException("Only refresh tokens can be revoked.")
    issued = pool.refresh_tokens.get(token)
    # Choice (RFC 7009 section 2.2, which RevokeToken implements): an unknown or already
    # revoked token is a success, so revoking twice is harmless.
    if issued is None:
        return EmptyResult()
    issued_to, _username, origin_jti = issued
    # Choice: a refresh token issued to another app client is not this client's to revoke.
    if issued_to != client_id:
        raise UnauthorizedException("The token was not issued to this client.")
    pool.refresh_tokens[token] = None
    # "Revoking a refresh token also revokes the access tokens issued with it."
    for access_token in list(pool.access_tokens):
        claims = _claims(access_token) or {}
        if claims.get("origin_jti") == origin_jti:
            pool.access_tokens.pop(access_token, None)
    return EmptyResult()


def resend_confirmation_code(self):
    client_id = self._get_param("ClientId")
    username = self._get_param("Username")
    if not client_id or not username:
        raise InvalidParameterException("ClientId and Username are required.")
    backend, pool, client = _pool_of_client(client_id)
    user = pool._get_user(username)
    if user is None:
        # As Cognito does for an app client that prevents user existence errors: a
        # plausible delivery for a user who doesn't exist. Otherwise UserNotFound.
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            recovery = pool.extended_config.get("AccountRecoverySetting")
            details = backend._get_code_delivery_details(recovery, None, username)
            return ActionResult({"CodeDeliveryDetails": details})
        raise UserNotFoundError("Username/client id combination not found.")
    if user.status != UserStatus.UNCONFIRMED:
        raise InvalidParameterException("User is already confirmed.")
    # The emulator takes any confirmation code, so none is kept.
    return ActionResult({"CodeDeliveryDetails": _sign_up_delivery(backend, pool, user, username)})


def _sign_up_delivery(backend, pool, user, username):
    """Where a sign-up code goes: to the attribute the pool verifies automatically, email
    first, masked as Cognito masks it. (moto's own SignUp reports the account-recovery
    destination instead; that is used only when the pool verifies neither.)"""
    verified = pool.extended_config.get("AutoVerifiedAttributes", [])
    email = user.attribute_lookup.get("email")
    if "email" in verified and email and "@" in email:
        local, domain = email.split("@", 1)
        return {
            "Destination": f"{local[0]}***@{domain[0]}***",
            "DeliveryMedium": "EMAIL",
            "AttributeName": "email",
        }
    phone = user.attribute_lookup.get("phone_number")
    if "phone_number" in verified and phone:
        return {
            "Destination": f"+*******{phone[-4:]}",
            "DeliveryMedium": "SMS",
            "AttributeName": "phone_number",
        }
    recovery = pool.extended_config.get("AccountRecoverySetting")
    return backend._get_code_delivery_details(recovery, user, username)


class RefreshTokenReuseException(JsonRESTError):
    def __init__(self, message):
        super().__init__("RefreshTokenReuseException", message)


# Refresh tokens rotated away: token -> (when, the token that replaced it). One lock for the
# emulator's threads, so two refreshes with one token rotate it once.
_ROTATED = {}
_ROTATION_LOCK = threading.Lock()


def _rotation(client):
    """(enabled, grace seconds) of an app client's RefreshTokenRotation."""
    config = client.extended_config.get("RefreshTokenRotation") or {}
    grace = int(config.get("RetryGracePeriodSeconds") or 0)
    return config.get("Feature") == "ENABLED", max(0, min(grace, 60))


def get_tokens_from_refresh_token(self):
    token = self._get_param("RefreshToken")
    client_id = self._get_param("ClientId")
    secret = self._get_param("ClientSecret")
    if not token or not client_id:
        raise InvalidParameterException("RefreshToken and ClientId are required.")
    _, pool, client = _pool_of_client(client_id)
    # The request carries the client secret itself, not a SECRET_HASH. Choice: a wrong or
    # missing one is NotAuthorizedException, as a wrong SECRET_HASH is at InitiateAuth.
    if client.generate_secret and secret != client.secret:
        raise NotAuthorizedError("Client secret is not valid for this client.")
    rotate, grace = _rotation(client)
    with _ROTATION_LOCK:
        rotated = _ROTATED.get(token)
        if rotated is not None:
            rotated_at, replacement = rotated
            # Within the grace period the old token still works, for a client's retry.
            # Choice: it answers new access and ID tokens with the same replacement refresh
            # token it was first rotated to, so a retry can't fork the chain.
            if time.time() - rotated_at > grace:
                pool.refresh_tokens[token] = None
                raise RefreshTokenReuseException("Refresh token has been rotated.")
            # Revoked (RevokeToken) within the grace period: as dead as any revoked token.
            if pool.refresh_tokens.get(token) is None:
                raise NotAuthorizedError("Refresh Token has been revoked")
            token = replacement
        issued = pool.refresh_tokens.get(token)
        if issued is None:
            raise NotAuthorizedError("Refresh Token has been revoked")
        issued_to, username, origin_jti = issued
        # Choice: a refresh token issued to another app client is NotAuthorizedException.
        if issued_to != client_id or not username:
            raise NotAuthorizedError("Invalid Refresh Token")
        if pool._get_user(username) is None:
            raise NotAuthorizedError("User does not exist.")
        device = _device_for_refresh(pool, issued, self._get_param("DeviceKey"))
        access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(token)
        _used(device, _context_ip(self))
        result = {
            "AccessToken": access_token,
            "IdToken": id_token,
            "ExpiresIn": expires_in,
            "TokenType": "Bearer",
        }
        if rotate:
            if rotated is not None:
                result["RefreshToken"] = token
            else:
                # Choice: the new refresh token keeps the sign-in's origin_jti, as
                # REFRESH_TOKEN_AUTH's tokens do, so revoking the newest token ends the
                # access tokens of the whole chain. It is tied to the same device.
                replacement = str(random.uuid4())
                pool.refresh_tokens[replacement] = _tied(
                    client_id, username, origin_jti, _device_key_of(issued)
                )
                _ROTATED[token] = (time.time(), replacement)
                if grace == 0:
                    pool.refresh_tokens[token] = None
                result["RefreshToken"] = replacement
    return ActionResult({"AuthenticationResult": result})


_REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")
_initiate_auth = CognitoIdpResponse.initiate_auth
_admin_initiate_auth = CognitoIdpResponse.admin_initiate_auth


def initiate_auth(self):
    """moto's own InitiateAuth, with its UserContextData recorded, device tracking on the
    sign-in (_after_step), and REFRESH_TOKEN_AUTH refused on an app client with
    refresh-token rotation. Choice: NotAuthorizedException, the error InitiateAuth gives for
    an auth flow the app client doesn't allow."""
    _record_user_context(self, "InitiateAuth")
    flow = self._get_param("AuthFlow")
    client_id = self._get_param("ClientId")
    parameters = self._get_param("AuthParameters") or {}
    if flow in _REFRESH_FLOWS:
        _, _, client = _pool_of_client(client_id)
        if _rotation(client)[0]:
            raise NotAuthorizedError(
                "REFRESH_TOKEN_AUTH is not allowed with refresh token rotation; "
                "use GetTokensFromRefreshToken."
            )
        return _refresh_with_device(self, _initiate_auth, client_id, parameters)
    if flow == "USER_AUTH":
        return passwordless.user_auth(self, admin=False)
    if flow in ("USER_PASSWORD_AUTH", "USER_SRP_AUTH"):
        passwordless.refuse_without_password(_pool_or_none(client_id), parameters.get("USERNAME"))
    answer = _initiate_auth(self).result
    if not isinstance(answer, dict):
        return ActionResult(answer)
    _, pool, client = _pool_of_client(client_id)
    if flow == "USER_PASSWORD_AUTH":
        answer = passwordless.mfa_after_password(
            pool, client, answer, parameters.get("USERNAME"), parameters.get("DEVICE_KEY")
        )
    answer = _after_step(
        pool,
        client,
        answer,
        named=parameters.get("DEVICE_KEY"),
        login=parameters.get("USERNAME"),
        password_verified=flow == "USER_PASSWORD_AUTH",
        after_password=flow == "USER_PASSWORD_AUTH",
        ip=_context_ip(self),
    )
    return ActionResult(answer)


def admin_initiate_auth(self):
    """moto's own AdminInitiateAuth, with device tracking as InitiateAuth has it: both of
    its password flows verify the password."""
    flow = self._get_param("AuthFlow")
    client_id = self._get_param("ClientId")
    parameters = self._get_param("AuthParameters") or {}
    if flow in _REFRESH_FLOWS:
        return _refresh_with_device(self, _admin_initiate_auth, client_id, parameters)
    if flow == "USER_AUTH":
        return passwordless.user_auth(self, admin=True)
    if flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        passwordless.refuse_without_password(_pool_or_none(client_id), parameters.get("USERNAME"))
    answer = _admin_initiate_auth(self).result
    if not isinstance(answer, dict):
        return ActionResult(answer)
    _, pool, client = _pool_of_client(client_id)
    answer = passwordless.mfa_after_password(
        pool, client, answer, parameters.get("USERNAME"), parameters.get("DEVICE_KEY")
    )
    answer = _after_step(
        pool,
        client,
        answer,
        named=parameters.get("DEVICE_KEY"),
        login=parameters.get("USERNAME"),
        password_verified=True,
        after_password=True,
        ip=_context_ip(self),
    )
    return ActionResult(answer)


def _pool_or_none(client_id):
    try:
        return _pool_of_client(client_id)[1]
    except ResourceNotFoundError:
        return None


def _refresh_with_device(self, moto_handler, client_id, parameters):
    """REFRESH_TOKEN_AUTH by moto, once the token's device (if it has one) is named."""
    device = None
    token = parameters.get("REFRESH_TOKEN")
    try:
        _, pool, _ = _pool_of_client(client_id)
    except ResourceNotFoundError:
        pool = None
    issued = pool.refresh_tokens.get(token) if pool is not None and token else None
    if issued is not None:
        device = _device_for_refresh(pool, issued, parameters.get("DEVICE_KEY"))
    answer = moto_handler(self)
    _used(device, _context_ip(self))
    return answer


# Device tracking ---------------------------------------------------------------------------

class DeviceKeyExistsException(JsonRESTError):
    def __init__(self, message):
        super().__init__("DeviceKeyExistsException", message)


# Cognito's device SRP (as AWS Amplify's client does it): the 3072-bit group of RFC 5054,
# g = 2, SHA-256, numbers hashed as big-endian bytes with a leading zero byte where the top
# bit is set, the session key stretched with HKDF ("Caldera Derived Key", 16 bytes).
_N = int(
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
_G = 2


def _pad(n):
    raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def _hash_int(*parts):
    return int.from_bytes(hashlib.sha256(b"".join(parts)).digest(), "big")


_K = _hash_int(_pad(_N), _pad(_G))


def _session_key(u, s):
    """HKDF-SHA256 (RFC 5869), salt pad(u), key material pad(S), 16 bytes."""
    prk = hmac.new(_pad(u), _pad(s), hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


# One lock for the devices, the sign-in state below and the UserContextData record.
_LOCK = threading.RLock()
_SEQUENCE = itertools.count(1)
# Choice: a user keeps at most this many devices; a new one beyond it drops the oldest
# unconfirmed device, or, when all are confirmed, the one least recently authenticated.
_DEVICES_PER_USER = 100
_WRONG_PROOF = "Incorrect username or password."
_BAD_SESSION = "Invalid session for the user, session is expired."


class _Device:
    def __init__(self, key, group_key, ip):
        self.key = key
        self.group_key = group_key
        self.seq = next(_SEQUENCE)
        self.created = self.modified = utcnow()
        self.last_authenticated = None
        self.last_ip = ip
        self.confirmed = False
        self.name = None
        self.remembered = None
        self.verifier = None
        self.salt = None

    def to_json(self):
        attributes = [{"Name": "device_status", "Value": "valid"}]
        if self.name is not None:
            attributes.append({"Name": "device_name", "Value": self.name})
        attributes.append(
            {
                "Name": "dev:device_remembered_status",
                "Value": "remembered" if self.remembered else "not_remembered",
            }
        )
        if self.last_ip:
            attributes.append({"Name": "last_ip_used", "Value": self.last_ip})
        device = {
            "DeviceKey": self.key,
            "DeviceAttributes": attributes,
            "DeviceCreateDate": self.created,
            "DeviceLastModifiedDate": self.modified,
        }
        if self.last_authenticated is not None:
            device["DeviceLastAuthenticatedDate"] = self.last_authenticated
        return device


def _devices_of(user):
    """A user's devices, oldest first, kept on moto's user, so they go with it."""
    devices = getattr(user, "emulator_devices", None)
    if devices is None:
        devices = user.emulator_devices = collections.OrderedDict()
    return devices


def _device_config(pool):
    return pool.extended_config.get("DeviceConfiguration") or {}


def _tracks_devices(pool):
    # Choice: as the API reference has it, a value for either property of
    # DeviceConfiguration (true or false) turns tracking on; none, or {}, leaves it off.
    config = _device_config(pool)
    return any(
        name in config
        for name in ("ChallengeRequiredOnNewDevice", "DeviceOnlyRememberedOnUserPrompt")
    )


def _confirmed_device(user, key):
    """The user's confirmed device `key`, or None. A forgotten device no longer exists."""
    if user is None or not key:
        return None
    device = _devices_of(user).get(key)
    return device if device is not None and device.confirmed else None


def _remembered_device(user, key):
    device = _confirmed_device(user, key)
    return device if device is not None and device.remembered else None


def _new_device(pool, user, ip):
    with _LOCK:
        devices = _devices_of(user)
        while len(devices) >= _DEVICES_PER_USER:
            victim = next((d for d in devices.values() if not d.confirmed), None)
            if victim is None:
                victim = min(devices.values(), key=lambda d: d.last_authenticated)
            del devices[victim.key]
        # Choice: a group key like Cognito's: "-" and nine random letters and digits.
        alphabet = string.ascii_letters + string.digits
        group_key = "-" + "".join(secrets.choice(alphabet) for _ in range(9))
        device = _Device(f"{pool.region}_{random.uuid4()}", group_key, ip)
        devices[device.key] = device
        return device


def _used(device, ip):
    """A device authenticated: by device SRP, at a refresh that named it, at confirmation."""
    if device is None:
        return
    with _LOCK:
        device.last_authenticated = utcnow()
        if ip:
            device.last_ip = ip


def _context_ip(self):
    """The end user's address as the request reports it (UserContextData, or an admin
    call's ContextData)."""
    # Choice: the caller's own address is not used, since behind a server it is the
    # server's; a device's last_ip_used is only what a request reported.
    for name in ("UserContextData", "ContextData"):
        data = self._get_param(name)
        if isinstance(data, dict) and data.get("IpAddress"):
            return data["IpAddress"]
    return None


class _Issued(tuple):
    """moto's (client id, username, origin_jti) for a refresh token, with the key of the
    device it is tied to. It unpacks as moto's own tuple, so moto's code takes it as is."""

    def __new__(cls, client_id, username, origin_jti, device_key):
        issued = super().__new__(cls, (client_id, username, origin_jti))
        issued.device_key = device_key
        return issued


def _tied(client_id, username, origin_jti, device_key):
    if device_key is None:
        return (client_id, username, origin_jti)
    return _Issued(client_id, username, origin_jti, device_key)


def _device_key_of(issued):
    return getattr(issued, "device_key", None)


def _device_for_refresh(pool, issued, device_key):
    """The device a refresh token is tied to, which the refresh must name; None for a token
    tied to no device (a DeviceKey given with it is then ignored)."""
    # Choice: the tie holds even if the pool stops tracking devices later.
    tied_to = _device_key_of(issued)
    if tied_to is None:
        return None
    with _LOCK:
        device = _confirmed_device(pool._get_user(issued[1]), tied_to)
        # Choice: a refresh without the token's device, with another device, or with a
        # device that is unconfirmed or forgotten is NotAuthorizedException, as Cognito
        # answers a refresh token it won't take.
        if device_key != tied_to or device is None:
            raise NotAuthorizedError("Invalid Refresh Token")
        return device


def _bind_tokens(pool, answer, named, ip):
    """A sign-in ended in tokens: tie the refresh token to the device it named, when that is
    a confirmed device of the user, or else to a new device, answered as NewDeviceMetadata.
    (A DEVICE_KEY the user doesn't have was refused before this, in _after_step.)"""
    # Choice: a DEVICE_KEY of an unconfirmed device of the user is ignored, as if none had
    # been given: the sign-in makes a new device.
    result = answer.get("AuthenticationResult") or {}
    token = result.get("RefreshToken")
    issued = pool.refresh_tokens.get(token) if token else None
    if issued is None or not _tracks_devices(pool):
        return
    client_id, username, origin_jti = issued
    user = pool._get_user(username)
    if user is None:
        return
    with _LOCK:
        device = _confirmed_device(user, named)
        if device is None:
            device = _new_device(pool, user, ip)
            result["NewDeviceMetadata"] = {
                "DeviceKey": device.key,
                "DeviceGroupKey": device.group_key,
            }
        pool.refresh_tokens[token] = _Issued(client_id, username, origin_jti, device.key)


# The device each sign-in has named so far, by moto's session: DEVICE_KEY may come in
# AuthParameters or in any ChallengeResponses, and counts for the rest of the sign-in.
# Choice: kept as long as moto keeps its sessions (which never expire), for the newest
# 10 000 sessions.
_NAMED = collections.OrderedDict()
_NAMED_LIMIT = 10_000


def _name_device(session, device_key):
    if not session or not device_key:
        return
    with _LOCK:
        _NAMED[session] = device_key
        _NAMED.move_to_end(session)
        while len(_NAMED) > _NAMED_LIMIT:
            _NAMED.popitem(last=False)


def _named_device(*sessions):
    with _LOCK:
        for session in sessions:
            if session and session in _NAMED:
                return _NAMED[session]
    return None


def _moto_session_user(session):
    """The username moto keeps with one of its sign-in sessions."""
    if not session:
        return None
    for account in cognitoidp_backends.values():
        for backend in account.values():
            kept = backend.sessions.get(session)
            if kept is not None:
                return kept[0]
    return None


# The device sign-in's own sessions, DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER: single
# use, and ending as the app client's AuthSessionValidity says (3 minutes unless set).
# Choice: at most the newest 10 000 are kept.
_DEVICE_SESSIONS = collections.OrderedDict()
_DEVICE_SESSION_LIMIT = 10_000


class _DeviceSignIn:
    def __init__(self, pool, client, user, login, device, kept):
        self.pool = pool
        self.client_id = client.id
        validity = client.extended_config.get("AuthSessionValidity") or 3
        self.lifetime = 60 * max(3, min(int(validity), 15))
        self.user_id = user.id
        self.login = login
        self.device_key = device.key
        # What moto answered after the password: None for tokens (withdrawn, issued anew
        # after the device's proof), else its challenge, under a session only this holds.
        self.kept = kept
        self.stage = "DEVICE_SRP_AUTH"
        self.expires = 0.0
        self.srp = None


def _open(entry, stage):
    session = secrets.token_urlsafe(48)
    entry.stage = stage
    entry.expires = time.monotonic() + entry.lifetime
    with _LOCK:
        _DEVICE_SESSIONS[session] = entry
        now = time.monotonic()
        while _DEVICE_SESSIONS:
            oldest = next(iter(_DEVICE_SESSIONS.values()))
            if len(_DEVICE_SESSIONS) <= _DEVICE_SESSION_LIMIT and oldest.expires > now:
                break
            _discard(_DEVICE_SESSIONS.popitem(last=False)[1])
    return session


def _discard(entry):
    """A device sign-in that ends without the kept answer: moto's kept session goes too."""
    if entry is not None and entry.kept is not None:
        entry.pool.backend.sessions.pop(entry.kept["Session"], None)
        passwordless.drop(entry.kept["Session"])


def _take(session, stage, client_id):
    with _LOCK:
        entry = _DEVICE_SESSIONS.pop(session, None) if session else None
    # Choice: an unknown, used, expired or mismatched session (another challenge, another
    # app client) is NotAuthorizedException, and ends that sign-in.
    if (
        entry is None
        or entry.stage != stage
        or entry.client_id != client_id
        or entry.expires <= time.monotonic()
    ):
        _discard(entry)
        raise NotAuthorizedError(_BAD_SESSION)
    return entry


def _after_step(pool, client, answer, named, login, password_verified, after_password, ip):
    """Device tracking on one step of a sign-in, given moto's answer to it.
    `password_verified`: this step verified the password; `after_password`: this step or an
    earlier one of the sign-in did."""
    # Choice: on a pool that doesn't track devices, DEVICE_KEY is ignored.
    if not _tracks_devices(pool):
        return answer
    user = pool._get_user(login) if login else None
    if after_password and named and answer and user is not None:
        with _LOCK:
            known = named in _devices_of(user)
        # As Cognito refuses a sign-in naming a device it no longer has (forgotten, or the
        # user deleted and made again); AWS's client SDKs then sign in again without it.
        # Choice: refused once the password is verified, so it tells nothing to someone
        # without it: at USER_PASSWORD_AUTH's and AdminInitiateAuth's answer, at
        # PASSWORD_VERIFIER's or any later challenge's, after that step's own checks (a new
        # password given at NEW_PASSWORD_REQUIRED is kept). An unknown key and another
        # user's device are refused alike; what moto answered (tokens, or its session) is
        # withdrawn.
        # Choice: an unconfirmed device of the user is not refused (see _bind_tokens).
        if not known:
            _withdraw(pool, answer)
            raise ResourceNotFoundError("Device does not exist.")
    if password_verified and user is not None:
        with _LOCK:
            device = _remembered_device(user, named)
        # Choice: the device is asked to prove itself in place of tokens or an MFA
        # challenge (email MFA's EMAIL_OTP and the choice of MFA too); NEW_PASSWORD_REQUIRED
        # and MFA_SETUP are answered as moto answers them.
        ends = "AuthenticationResult" in answer
        if device is not None and (
            ends
            or answer.get("ChallengeName")
            in ("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE")
        ):
            return _ask_device(pool, client, answer, user, login, device)
    _bind_tokens(pool, answer, named, ip)
    _name_device(answer.get("Session"), named)
    return answer


def _withdraw(pool, answer):
    """moto's answer to a step that is refused after all: its tokens, or its session, go."""
    result = answer.get("AuthenticationResult")
    if result:
        pool.refresh_tokens.pop(result.get("RefreshToken"), None)
        pool.access_tokens.pop(result.get("AccessToken"), None)
        pool.id_tokens.pop(result.get("IdToken"), None)
    elif answer.get("Session"):
        with _LOCK:
            pool.backend.sessions.pop(answer["Session"], None)
        passwordless.drop(answer["Session"])


def _ask_device(pool, client, answer, user, login, device):
    kept = None
    if "AuthenticationResult" in answer:
        # The tokens moto issued are withdrawn; the device's proof brings new ones.
        _withdraw(pool, answer)
    else:
        # Choice: moto's session for its challenge moves where only this sign-in can reach
        # it, so the device's proof can't be stepped around with the session moto answered.
        hidden = secrets.token_urlsafe(48)
        sessions = pool.backend.sessions
        with _LOCK:
            moved = sessions.pop(answer.get("Session"), None)
            if moved is not None:
                sessions[hidden] = moved
        # Email MFA's session is the emulator's own, not moto's.
        passwordless.rekey(answer.get("Session"), hidden)
        kept = dict(answer, Session=hidden)
    entry = _DeviceSignIn(pool, client, user, login, device, kept)
    return {
        "ChallengeName": "DEVICE_SRP_AUTH",
        "Session": _open(entry, "DEVICE_SRP_AUTH"),
        "ChallengeParameters": {"USERNAME": user.username},
    }


def _required(responses, *names):
    # Choice: a missing challenge response is InvalidParameterException.
    for name in names:
        if not responses.get(name):
            raise InvalidParameterException(f"Missing required parameter {name}")
    return [responses[name] for name in names]


def _device_answering(entry, client, responses):
    """The user and the remembered device a DEVICE_* answer speaks for, as the session says."""
    username, device_key = _required(responses, "USERNAME", "DEVICE_KEY")
    if client.generate_secret and not check_secret_hash(
        client.secret, client.id, username, responses.get("SECRET_HASH")
    ):
        raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")
    user = entry.pool._get_user(username)
    with _LOCK:
        device = _remembered_device(user, device_key)
    # Choice: another user, another device, or a device forgotten or no longer remembered
    # since the sign-in began is refused as a wrong proof.
    same = user is not None and user.id == entry.user_id and device_key == entry.device_key
    if not same or device is None:
        raise NotAuthorizedError(_WRONG_PROOF)
    return user, device


def _device_srp_auth(client_id, session, responses):
    _, pool, client = _pool_of_client(client_id)
    entry = _take(session, "DEVICE_SRP_AUTH", client_id)
    try:
        user, device = _device_answering(entry, client, responses)
        (srp_a,) = _required(responses, "SRP_A")
        try:
            big_a = int(srp_a, 16)
        except ValueError:
            # Choice: InvalidParameterException, as for any malformed parameter.
            raise InvalidParameterException("SRP_A is not a hexadecimal number.")
        # Choice: an A that is 0 mod N, or a u of 0, is refused as a wrong proof.
        if big_a % _N == 0:
            raise NotAuthorizedError(_WRONG_PROOF)
        b = secrets.randbelow(_N - 1) + 1
        big_b = (_K * device.verifier + pow(_G, b, _N)) % _N
        u = _hash_int(_pad(big_a), _pad(big_b))
        if u == 0:
            raise NotAuthorizedError(_WRONG_PROOF)
    except Exception:
        # Choice: a refused answer ends the sign-in; it starts again from InitiateAuth.
        _discard(entry)
        raise
    block = base64.b64encode(secrets.token_bytes(64)).decode()
    entry.srp = (big_a, b, u, block)
    return {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": _open(entry, "DEVICE_PASSWORD_VERIFIER"),
        "ChallengeParameters": {
            "USERNAME": user.username,
            "DEVICE_KEY": device.key,
            "SALT": device.salt.hex(),
            "SRP_B": format(big_b, "x"),
            "SECRET_BLOCK": block,
        },
    }


def _device_password_verifier(client_id, session, responses, ip):
    _, pool, client = _pool_of_client(client_id)
    entry = _take(session, "DEVICE_PASSWORD_VERIFIER", client_id)
    try:
        user, device = _device_answering(entry, client, responses)
        block, signature, timestamp = _required(
            responses, "PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"
        )
        big_a, b, u, issued_block = entry.srp
        # Choice: TIMESTAMP is signed over but not compared with the clock.
        s = pow(big_a * pow(device.verifier, u, _N) % _N, b, _N)
        message = (
            device.group_key.encode()
            + device.key.encode()
            + base64.b64decode(issued_block)
            + timestamp.encode()
        )
        expected = hmac.new(_session_key(u, s), message, hashlib.sha256).digest()
        try:
            given = base64.b64decode(signature, validate=True)
        except ValueError:
            given = b""
        # Choice: a secret block other than the one sent fails as a wrong signature does.
        if block != issued_block or not hmac.compare_digest(given, expected):
            raise NotAuthorizedError(_WRONG_PROOF)
    except Exception:
        _discard(entry)
        raise
    _used(device, ip)
    skips_mfa = bool(_device_config(pool).get("ChallengeRequiredOnNewDevice"))
    if entry.kept is not None and not skips_mfa:
        # The device is proven; the MFA moto asked for still stands.
        _name_device(entry.kept["Session"], device.key)
        return entry.kept
    _discard(entry)
    answer = pool.backend._log_user_in(pool, client, entry.login)
    _bind_tokens(pool, answer, device.key, ip)
    return answer


_respond_to_auth_challenge = CognitoIdpResponse.respond_to_auth_challenge
_admin_respond_to_auth_challenge = CognitoIdpResponse.admin_respond_to_auth_challenge


def respond_to_auth_challenge(self):
    _record_user_context(self, "RespondToAuthChallenge")
    return _respond(self, _respond_to_auth_challenge)


def admin_respond_to_auth_challenge(self):
    return _respond(self, _admin_respond_to_auth_challenge)


def _respond(self, moto_handler):
    """moto's own answer to a challenge, with device tracking; the two device challenges are
    answered here."""
    name = self._get_param("ChallengeName")
    client_id = self._get_param("ClientId")
    session = self._get_param("Session")
    responses = self._get_param("ChallengeResponses") or {}
    ip = _context_ip(self)
    if name == "DEVICE_SRP_AUTH":
        return ActionResult(_device_srp_auth(client_id, session, responses))
    if name == "DEVICE_PASSWORD_VERIFIER":
        return ActionResult(_device_password_verifier(client_id, session, responses, ip))
    if name in passwordless.CHALLENGES:
        return ActionResult(passwordless.respond(name, client_id, session, responses, ip))
    if name == "MFA_SETUP" and responses.get("EMAIL"):
        return ActionResult(passwordless.mfa_setup_email(client_id, session, responses))
    passwordless.check_chosen(name, session, responses)
    # moto takes PASSWORD_VERIFIER's session from the claim's secret block.
    moto_session = session
    if name == "PASSWORD_VERIFIER":
        moto_session = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
    named = responses.get("DEVICE_KEY") or _named_device(session, moto_session)
    login = _moto_session_user(moto_session) or responses.get("USERNAME")
    answer = moto_handler(self).result
    if not isinstance(answer, dict):
        return ActionResult(answer)
    passwordless.ended(session)
    _, pool, client = _pool_of_client(client_id)
    if name in ("PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED"):
        answer = passwordless.mfa_after_password(pool, client, answer, login, named)
    answer = passwordless.offer_email_setup(pool, answer)
    answer = _after_step(
        pool,
        client,
        answer,
        named=named,
        login=login,
        password_verified=name == "PASSWORD_VERIFIER",
        # Choice: every challenge moto answers comes after the password (PASSWORD_VERIFIER
        # verifies it; NEW_PASSWORD_REQUIRED, the MFA challenges and MFA_SETUP follow it).
        after_password=True,
        ip=ip,
    )
    return ActionResult(answer)


_verify_software_token = CognitoIdpResponse.verify_software_token


def verify_software_token(self):
    """moto's own; within a sign-in (MFA_SETUP) it answers a new session, which the device
    named so far follows."""
    session = self._get_param("Session")
    answer = _verify_software_token(self)
    result = answer.result if isinstance(answer, ActionResult) else None
    if session and isinstance(result, dict):
        _name_device(result.get("Session"), _named_device(session))
    return answer


def _signed_in_user(access_token):
    """The pool and user an access token was issued to, as moto keeps them."""
    # Choice: an unknown access token, and one past its exp, are NotAuthorizedException
    # (moto's own checks ask only whether it issued the token).
    if not access_token:
        raise NotAuthorizedError("Missing access token.")
    for account in cognitoidp_backends.values():
        for backend in account.values():
            for pool in backend.user_pools.values():
                issued = pool.access_tokens.get(access_token)
                if issued is None:
                    continue
                claims = _claims(access_token) or {}
                if claims.get("exp", 0) <= time.time():
                    raise NotAuthorizedError("Access Token has expired")
                user = pool._get_user(issued[1])
                if user is None:
                    raise NotAuthorizedError("User does not exist.")
                if not user.enabled:
                    raise NotAuthorizedError("User is disabled.")
                return pool, user
    raise NotAuthorizedError("Invalid Access Token")


def _admin_user(self, missing_user):
    """The user an admin device call names; `missing_user` is the error the operation lists
    for an unknown one."""
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    user = pool._get_user(self._get_param("Username") or "")
    if user is None:
        raise missing_user("User does not exist.")
    return user


def _listed_device(user, key):
    # Choice: device operations other than ConfirmDevice see confirmed devices only; an
    # unconfirmed, forgotten or unknown device, or another user's, is ResourceNotFound.
    device = _confirmed_device(user, key)
    if device is None:
        raise ResourceNotFoundError("Device does not exist.")
    return device


def confirm_device(self):
    pool, user = _signed_in_user(self._get_param("AccessToken"))
    key = self._get_param("DeviceKey")
    config = self._get_param("DeviceSecretVerifierConfig") or {}
    try:
        verifier = int.from_bytes(
            base64.b64decode(config.get("PasswordVerifier") or "", validate=True), "big"
        )
        salt = base64.b64decode(config.get("Salt") or "", validate=True)
    except ValueError:
        raise InvalidParameterException("DeviceSecretVerifierConfig is not base64.")
    # Choice: a verifier or salt that isn't base64, an empty salt, or a verifier of 0 mod N
    # is InvalidParameterException.
    if verifier % _N == 0 or not salt:
        raise InvalidParameterException("DeviceSecretVerifierConfig is not a valid verifier.")
    prompt = bool(_device_config(pool).get("DeviceOnlyRememberedOnUserPrompt"))
    with _LOCK:
        device = _devices_of(user).get(key)
        if device is None:
            raise ResourceNotFoundError("Device does not exist.")
        # Choice: a device is confirmed once; again is DeviceKeyExistsException.
        if device.confirmed:
            raise DeviceKeyExistsException("Device has already been confirmed.")
        device.confirmed = True
        device.verifier = verifier % _N
        device.salt = salt
        # Choice: with no DeviceName the device has no device_name attribute.
        device.name = self._get_param("DeviceName")
        device.remembered = not prompt
        device.modified = utcnow()
        # Choice: confirming authenticates the device (DeviceLastAuthenticatedDate).
        device.last_authenticated = device.modified
    return ActionResult({"UserConfirmationNecessary": prompt})


def _set_status(user, key, status):
    if status not in ("remembered", "not_remembered"):
        raise InvalidParameterException(
            "DeviceRememberedStatus must be remembered or not_remembered."
        )
    with _LOCK:
        device = _listed_device(user, key)
        device.remembered = status == "remembered"
        device.modified = utcnow()
    return EmptyResult()


def _forget(user, key):
    with _LOCK:
        _listed_device(user, key)
        # Forgotten is gone: its key is unknown from now on, and the refresh tokens tied to
        # it are refused.
        del _devices_of(user)[key]
    return EmptyResult()


def _get(user, key):
    with _LOCK:
        return ActionResult({"Device": _listed_device(user, key).to_json()})


def _list(user, limit, token):
    # Choice: Limit absent or 0 lists up to 60, the most the model allows; the pagination
    # token is opaque (the position of the last device listed); a malformed one is
    # InvalidParameterException. Devices are listed oldest first.
    limit = limit or 60
    if not 0 < limit <= 60:
        raise InvalidParameterException("Limit must be between 0 and 60.")
    try:
        after = int(token) if token else 0
    except ValueError:
        raise InvalidParameterException("Invalid pagination token.")
    with _LOCK:
        listed = [d for d in _devices_of(user).values() if d.confirmed and d.seq > after]
        page = listed[:limit]
        result = {"Devices": [d.to_json() for d in page]}
    if len(listed) > limit:
        result["PaginationToken"] = str(page[-1].seq)
    return ActionResult(result)


def update_device_status(self):
    _, user = _signed_in_user(self._get_param("AccessToken"))
    return _set_status(
        user, self._get_param("DeviceKey"), self._get_param("DeviceRememberedStatus")
    )


def get_device(self):
    # Choice: a missing AccessToken (the model makes it optional) is NotAuthorizedException.
    _, user = _signed_in_user(self._get_param("AccessToken"))
    return _get(user, self._get_param("DeviceKey"))


def forget_device(self):
    _, user = _signed_in_user(self._get_param("AccessToken"))
    return _forget(user, self._get_param("DeviceKey"))


def list_devices(self):
    _, user = _signed_in_user(self._get_param("AccessToken"))
    return _list(user, self._get_param("Limit"), self._get_param("PaginationToken"))


# The admin calls. Choice: an unknown user is UserNotFoundException where the operation
# lists that error (AdminUpdateDeviceStatus, AdminForgetDevice), ResourceNotFoundException where it
# doesn't (AdminGetDevice, AdminListDevices).
def admin_get_device(self):
    return _get(_admin_user(self, ResourceNotFoundError), self._get_param("DeviceKey"))


def admin_list_devices(self):
    user = _admin_user(self, ResourceNotFoundError)
    return _list(user, self._get_param("Limit"), self._get_param("PaginationToken"))


def admin_update_device_status(self):
    return _set_status(
        _admin_user(self, UserNotFoundError),
        self._get_param("DeviceKey"),
        self._get_param("DeviceRememberedStatus"),
    )


def admin_forget_device(self):
    return _forget(_admin_user(self, UserNotFoundError), self._get_param("DeviceKey"))


# UserContextData -----------------------------------------------------------------------------

USER_CONTEXT_ROUTE = "/emulator/user-context"
_USER_CONTEXT = collections.deque(maxlen=1000)


def _record_user_context(self, operation):
    # Choice: every call is recorded as received, before it runs (a refused one too), with
    # UserContextData null when the call had none; only IpAddress and EncodedData are kept.
    data = self._get_param("UserContextData")
    if isinstance(data, dict):
        data = {name: data[name] for name in ("IpAddress", "EncodedData") if name in data}
    else:
        data = None
    entry = {
        "operation": operation,
        "ClientId": self._get_param("ClientId"),
        "UserContextData": data,
    }
    with _LOCK:
        _USER_CONTEXT.append(entry)


def _recording(operation, handler):
    def recorded(self):
        _record_user_context(self, operation)
        return handler(self)

    recorded.__name__ = handler.__name__
    return recorded


_dispatch = DomainDispatcherApplication.__call__


def _dispatch_with_routes(self, environ, start_response):
    """moto's dispatch, but for the emulator's own routes, which no AWS call uses."""
    if environ.get("PATH_INFO") == passwordless.CODES_ROUTE:
        return passwordless.codes_route(environ, start_response)
    if environ.get("PATH_INFO") != USER_CONTEXT_ROUTE:
        return _dispatch(self, environ, start_response)
    # Choice: GET (or HEAD) only; anything else is 405.
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        body = b'{"message": "Only GET is allowed here."}'
        start_response(
            "405 Method Not Allowed",
            [("Allow", "GET"), ("Content-Type", "application/json"),
             ("Content-Length", str(len(body)))],
        )
        return [body]
    with _LOCK:
        body = json.dumps(list(_USER_CONTEXT)).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body] if environ.get("REQUEST_METHOD") == "GET" else [b""]


_forgot_password = CognitoIdpResponse.forgot_password
_confirm_forgot_password = CognitoIdpResponse.confirm_forgot_password


def install():
    response = CognitoIdpResponse
    response.revoke_token = revoke_token
    response.resend_confirmation_code = _recording(
        "ResendConfirmationCode", resend_confirmation_code
    )
    response.get_tokens_from_refresh_token = get_tokens_from_refresh_token
    response.initiate_auth = initiate_auth
    response.admin_initiate_auth = admin_initiate_auth
    response.respond_to_auth_challenge = respond_to_auth_challenge
    response.admin_respond_to_auth_challenge = admin_respond_to_auth_challenge
    response.verify_software_token = verify_software_token
    response.confirm_device = confirm_device
    response.get_device = get_device
    response.list_devices = list_devices
    response.update_device_status = update_device_status
    response.forget_device = forget_device
    response.admin_get_device = admin_get_device
    response.admin_list_devices = admin_list_devices
    response.admin_update_device_status = admin_update_device_status
    response.admin_forget_device = admin_forget_device
    response.forgot_password = _recording("ForgotPassword", _forgot_password)
    response.confirm_forgot_password = _recording(
        "ConfirmForgotPassword", _confirm_forgot_password
    )
    # SignUp and ConfirmSignUp (recorded there too), USER_AUTH, email MFA and passkeys.
    passwordless.install(response)
    DomainDispatcherApplication.__call__ = _dispatch_with_routes
