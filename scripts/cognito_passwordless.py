"""Choice-based sign-in for the emulator (Cognito's Essentials plan), added to moto's own
Cognito backend next to cognito_plugins.py, whose device tracking and helpers it shares.

Each follows the AWS API reference for the operation and botocore's service model
(cognito-idp 2016-04-18). Where the documentation leaves a behaviour open, the choice made
is stated next to it (`# Choice:`); docs/testing.md lists them all.

    InitiateAuth, AdminInitiateAuth with AuthFlow USER_AUTH
                               the first factor the pool allows (Policies.SignInPolicy.
                               AllowedFirstAuthFactors) and the user has: PASSWORD,
                               PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN; PREFERRED_CHALLENGE
                               picks one, else SELECT_CHALLENGE lists them in
                               AvailableChallenges. A Session from ConfirmSignUp signs the new
                               user in at once.
    RespondToAuthChallenge, AdminRespondToAuthChallenge
                               SELECT_CHALLENGE (ANSWER), EMAIL_OTP (EMAIL_OTP_CODE), SMS_OTP
                               (SMS_OTP_CODE), WEB_AUTHN (CREDENTIAL, a passkey assertion
                               verified with py_webauthn); MFA_SETUP answered with EMAIL;
                               SELECT_MFA_TYPE (ANSWER), asked after the password of a user
                               with several MFAs and none preferred.
    SignUp, ConfirmSignUp      SignUp without a password where the pool allows a one-time
                               code as first factor; both answer a Session.
    GetUserAuthFactors         the signed-in user's MFA settings and USER_AUTH factors.
    SetUserMFAPreference, AdminSetUserMFAPreference
                               EmailMfaSettings besides moto's SMS and TOTP settings; a user
                               with email MFA is asked EMAIL_OTP after the password.
    SetUserPoolMfaConfig, GetUserPoolMfaConfig
                               EmailMfaConfiguration and WebAuthnConfiguration besides moto's.
    StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials,
    DeleteWebAuthnCredential   passkeys, the attestation verified with py_webauthn.
    CreateUserPool, UpdateUserPool, DescribeUserPool
                               SignInPolicy checked, and answered with its default.
    GetUser, AdminGetUser      EMAIL_OTP in UserMFASettingList when email MFA is on.

`GET /emulator/codes?username=NAME` answers the one-time codes "sent" (see codes_route).
"""

import base64
import collections
import hashlib
import hmac
import json
import secrets
import time
import urllib.parse

from moto.cognitoidp.exceptions import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotConfirmedException,
    UserNotFoundError,
)
from moto.cognitoidp.models import UserStatus
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_attestation_object,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException

import cognito_plugins as base


class _Error(JsonRESTError):
    code_name = ""

    def __init__(self, message):
        super().__init__(self.code_name, message)


def _error(name):
    return type(name, (_Error,), {"code_name": name})


LimitExceededException = _error("LimitExceededException")
WebAuthnNotEnabledException = _error("WebAuthnNotEnabledException")
WebAuthnConfigurationMissingException = _error("WebAuthnConfigurationMissingException")
WebAuthnChallengeNotFoundException = _error("WebAuthnChallengeNotFoundException")
WebAuthnClientMismatchException = _error("WebAuthnClientMismatchException")
WebAuthnOriginNotAllowedException = _error("WebAuthnOriginNotAllowedException")
WebAuthnRelyingPartyMismatchException = _error("WebAuthnRelyingPartyMismatchException")
WebAuthnCredentialNotSupportedException = _error("WebAuthnCredentialNotSupportedException")


# The first factors of USER_AUTH, in the order AvailableChallenges lists them (the API
# reference's order). PASSWORD in AllowedFirstAuthFactors allows both password challenges.
_CHALLENGES = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
_FIRST_FACTORS = ("PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
# Choice: a one-time code for a first factor has 8 digits, one for email MFA 6 (SMS MFA is
# moto's, which takes any code).
_FIRST_FACTOR_DIGITS = 8
_MFA_DIGITS = 6
# Choice: three wrong codes end a sign-in; the first two leave its session for another try.
_CODE_TRIES = 3
# Choice: a user keeps at most 20 passkeys (ListWebAuthnCredentials' page size).
_PASSKEYS_PER_USER = 20
# Choice: a StartWebAuthnRegistration challenge is good for 5 minutes, and only the newest
# one of a user counts; a SignUp session for 24 hours (a sign-up code's life).
_REGISTRATION_SECONDS = 300
_SIGN_UP_SECONDS = 24 * 3600
# Choice: registration asks for ES256 and RS256, as Cognito's example options do.
_ALGORITHMS = [
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
]
# Choice: the options' timeout hints: 60 s to register (Cognito's example), 180 s to sign in.
_REGISTRATION_TIMEOUT_MS = 60_000
_SIGN_IN_TIMEOUT_MS = 180_000
# Every store below keeps at most this many entries, dropping the oldest first.
_LIMIT = 10_000


# Pool and user settings ---------------------------------------------------------------------

def _allowed_first_factors(pool):
    policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
    # As Cognito: a pool without a SignInPolicy signs in with passwords only.
    return policy.get("AllowedFirstAuthFactors") or ["PASSWORD"]


def _webauthn_config(pool):
    return getattr(pool, "emulator_webauthn", None) or {}


def _email_mfa_config(pool):
    return getattr(pool, "emulator_email_mfa", None)


def _relying_party(pool):
    """The pool's passkey relying party id: WebAuthnConfiguration.RelyingPartyId, else its
    domain; None when it has neither (WebAuthnConfigurationMissingException)."""
    configured = _webauthn_config(pool).get("RelyingPartyId")
    if configured:
        return configured
    domain = pool.domain
    if domain is None:
        return None
    # Choice: a custom domain (one with a certificate) is its own name; a prefix domain is
    # the name Cognito gives it.
    if domain.custom_domain_config.get("CertificateArn"):
        return domain.domain
    return f"{domain.domain}.auth.{pool.region}.amazoncognito.com"


def _origin_allowed(origin, rp_id):
    # Choice: an origin is allowed when its host is the relying party id or a subdomain of
    # it, on any port, over https, or over http when the host is localhost or under
    # .localhost (browsers treat those as secure). A pool is so configured for a page at
    # http://localhost:PORT by WebAuthnConfiguration.RelyingPartyId "localhost"; there is
    # no list of origins to keep.
    try:
        parsed = urllib.parse.urlsplit(origin)
        host = (parsed.hostname or "").lower()
        parsed.port
    except ValueError:
        return False
    rp_id = rp_id.lower()
    if host != rp_id and not host.endswith("." + rp_id):
        return False
    if parsed.scheme == "https":
        return True
    return parsed.scheme == "http" and (host == "localhost" or host.endswith(".localhost"))


def _verified(user, attribute):
    return bool(user.attribute_lookup.get(attribute)) and (
        str(user.attribute_lookup.get(f"{attribute}_verified", "")).lower() == "true"
    )


def _email_mfa_enabled(user):
    return bool(getattr(user, "emulator_email_mfa", False))


def _asks_email_mfa(pool, user):
    # Choice: email MFA is asked while the user has it on, has an email address, and the
    # pool has MFA ON or OPTIONAL with an EmailMfaConfiguration.
    return (
        _email_mfa_enabled(user)
        and bool(user.attribute_lookup.get("email"))
        and pool.mfa_config in ("ON", "OPTIONAL")
        and _email_mfa_config(pool) is not None
    )


class _Passkey:
    def __init__(self, credential_id, public_key, sign_count, rp_id, transports, attachment):
        self.id = credential_id
        self.public_key = public_key
        self.sign_count = sign_count
        self.rp_id = rp_id
        self.transports = transports
        self.attachment = attachment
        self.created = utcnow()

    def to_json(self):
        # Choice: the "automatically-generated" name tells the authenticator's kind.
        name = {"platform": "Platform passkey", "cross-platform": "Roaming passkey"}
        described = {
            "CredentialId": bytes_to_base64url(self.id),
            "FriendlyCredentialName": name.get(self.attachment, "Passkey"),
            "RelyingPartyId": self.rp_id,
            "AuthenticatorTransports": list(self.transports),
            "CreatedAt": self.created,
        }
        if self.attachment:
            described["AuthenticatorAttachment"] = self.attachment
        return described


def _passkeys_of(user):
    """A user's passkeys by credential id, oldest first, kept on moto's user."""
    passkeys = getattr(user, "emulator_passkeys", None)
    if passkeys is None:
        passkeys = user.emulator_passkeys = collections.OrderedDict()
    return passkeys


def _usable_passkeys(pool, user):
    rp_id = _relying_party(pool)
    if rp_id is None:
        return []
    return [p for p in _passkeys_of(user).values() if p.rp_id == rp_id]


def _passkey_needs_uv(pool):
    config = _webauthn_config(pool)
    if config.get("UserVerification") == "required":
        return True
    return (
        pool.mfa_config == "ON"
        and config.get("FactorConfiguration") == "MULTI_FACTOR_WITH_USER_VERIFICATION"
    )


def _available(pool, user):
    """The USER_AUTH first factors open to `user`, in AvailableChallenges' order."""
    allowed = _allowed_first_factors(pool)
    # Choice: on a pool that requires MFA, the one-time codes are no first factor (Cognito
    # allows passwordless sign-in only where MFA is optional or off), and a passkey is one
    # only when the pool counts a verified passkey as MFA.
    required_mfa = pool.mfa_config == "ON"
    passkey_is_mfa = (
        _webauthn_config(pool).get("FactorConfiguration") == "MULTI_FACTOR_WITH_USER_VERIFICATION"
    )
    available = []
    if "PASSWORD" in allowed and user.password:
        available += ["PASSWORD", "PASSWORD_SRP"]
    if "EMAIL_OTP" in allowed and not required_mfa and _verified(user, "email"):
        available.append("EMAIL_OTP")
    if "SMS_OTP" in allowed and not required_mfa and _verified(user, "phone_number"):
        available.append("SMS_OTP")
    if (
        "WEB_AUTHN" in allowed
        and (passkey_is_mfa or not required_mfa)
        and _usable_passkeys(pool, user)
    ):
        available.append("WEB_AUTHN")
    return available


def _mask_email(address):
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def _mask_phone(number):
    return f"+*******{number[-4:]}"


def _b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _secret_hash(client, username):
    digest = hmac.new(
        client.secret.encode(), (username + client.id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _check_secret_hash(client, username, given):
    # As moto does for MFA answers: a client with a secret needs SECRET_HASH.
    if client.generate_secret and not hmac.compare_digest(
        (given or "").encode(), _secret_hash(client, username).encode()
    ):
        raise NotAuthorizedError(f"Unable to verify secret hash for client {client.id}")


# One-time codes ------------------------------------------------------------------------------

CODES_ROUTE = "/emulator/codes"
# The newest code per (pool, user, purpose).
_CODES = collections.OrderedDict()


def _send_code(pool, user, login, purpose, medium, address, digits):
    code = "".join(secrets.choice("0123456789") for _ in range(digits))
    record = {
        "userPoolId": pool.id,
        "username": user.username,
        "login": login,
        "purpose": purpose,
        "code": code,
        "deliveryMedium": medium,
        "address": address,
        "sentAt": time.time(),
    }
    key = (pool.id, user.id, purpose)
    with base._LOCK:
        _CODES.pop(key, None)
        _CODES[key] = record
        while len(_CODES) > _LIMIT:
            _CODES.popitem(last=False)
    return code


def codes_route(environ, start_response):
    """GET /emulator/codes?username=NAME[&userPoolId=ID][&purpose=P]: the newest code of
    each purpose sent to every user NAME names (their username, the name they signed in
    with, or the address the code went to), oldest first, as a JSON list of
    {"userPoolId", "username", "purpose", "code", "deliveryMedium", "address", "sentAt"}.
    Purposes: EMAIL_OTP and SMS_OTP (first factors), EMAIL_MFA (email MFA, and its set-up
    at MFA_SETUP)."""
    # Choice: GET (or HEAD) only, else 405; a missing username is 400; no match is [].
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "HEAD"):
        return _json(start_response, "405 Method Not Allowed",
                     {"message": "Only GET is allowed here."}, method, [("Allow", "GET")])
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING") or "")
    name = (query.get("username") or [""])[0]
    if not name:
        return _json(start_response, "400 Bad Request",
                     {"message": "The username query parameter is required."}, method)
    pool_id = (query.get("userPoolId") or [None])[0]
    purpose = (query.get("purpose") or [None])[0]
    with base._LOCK:
        found = [
            {k: v for k, v in record.items() if k != "login"}
            for record in _CODES.values()
            if name in (record["username"], record["login"], record["address"])
            and pool_id in (None, record["userPoolId"])
            and purpose in (None, record["purpose"])
        ]
    found.sort(key=lambda record: record["sentAt"])
    return _json(start_response, "200 OK", found, method)


def _json(start_response, status, document, method, headers=()):
    body = json.dumps(document).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers],
    )
    return [body] if method != "HEAD" else [b""]


# Sign-in sessions ----------------------------------------------------------------------------

# USER_AUTH's own sessions (SELECT_CHALLENGE, EMAIL_OTP, SMS_OTP, WEB_AUTHN) and email MFA's
# (EMAIL_MFA, EMAIL_SETUP): single use, but for a wrong code with tries left, and ending as
# the app client's AuthSessionValidity says (3 minutes unless set), as the device sign-in's.
_SESSIONS = collections.OrderedDict()


class _SignIn:
    def __init__(self, pool, client, user, login, named, admin):
        self.pool = pool
        self.client_id = client.id
        validity = client.extended_config.get("AuthSessionValidity") or 3
        self.lifetime = 60 * max(3, min(int(validity), 15))
        self.user_id = user.id if user is not None else None
        self.login = login
        self.named = named
        self.admin = admin
        self.stage = None
        self.expires = 0.0
        self.available = []
        self.code = None
        self.tries = 0
        self.challenge = None
        self.email = None


def _open(entry, stage):
    session = secrets.token_urlsafe(48)
    entry.stage = stage
    entry.expires = time.monotonic() + entry.lifetime
    _keep(session, entry)
    return session


def _keep(session, entry):
    with base._LOCK:
        _SESSIONS[session] = entry
        now = time.monotonic()
        while _SESSIONS:
            oldest = next(iter(_SESSIONS.values()))
            if len(_SESSIONS) <= _LIMIT and oldest.expires > now:
                break
            _SESSIONS.popitem(last=False)


def _take(session, stages, client_id):
    with base._LOCK:
        entry = _SESSIONS.pop(session, None) if session else None
    # Choice: an unknown, used, expired or mismatched session (another challenge, another
    # app client) is NotAuthorizedException, as the device sign-in's sessions are.
    if (
        entry is None
        or entry.stage not in stages
        or entry.client_id != client_id
        or entry.expires <= time.monotonic()
    ):
        raise NotAuthorizedError(base._BAD_SESSION)
    return entry


def rekey(session, hidden):
    """Moves a session of ours to a new key (the device sign-in hides the MFA it keeps)."""
    with base._LOCK:
        entry = _SESSIONS.pop(session, None)
        if entry is not None:
            _SESSIONS[hidden] = entry


def drop(session):
    with base._LOCK:
        _SESSIONS.pop(session, None)


def _answering(entry, client, responses):
    """The user a challenge answer speaks for, checked against the session's."""
    (username,) = base._required(responses, "USERNAME")
    _check_secret_hash(client, username, responses.get("SECRET_HASH"))
    user = entry.pool._get_user(username)
    # Choice: an answer naming another user than the session's (or any user, for a made-up
    # user's session) is NotAuthorizedException "Incorrect username or password."
    if user is None or entry.user_id is None or user.id != entry.user_id:
        raise NotAuthorizedError(base._WRONG_PROOF)
    return user


def _tokens(entry, client, named, ip):
    """The sign-in is done after a factor that isn't the password: tokens by moto's own
    code, with device tracking (a DEVICE_KEY named so far ties them to the device)."""
    # Choice: no MFA follows a passwordless first factor (as Cognito), and no device proof is
    # asked: the device SRP replaces MFA, which isn't asked here.
    answer = entry.pool.backend._log_user_in(entry.pool, client, entry.login)
    return base._after_step(
        entry.pool,
        client,
        answer,
        named=named,
        login=entry.login,
        password_verified=False,
        after_password=True,
        ip=ip,
    )


# USER_AUTH -----------------------------------------------------------------------------------

def user_auth(self, admin):
    """InitiateAuth (admin: AdminInitiateAuth) with AuthFlow USER_AUTH."""
    client_id = self._get_param("ClientId")
    parameters = self._get_param("AuthParameters") or {}
    backend, pool, client = base._pool_of_client(client_id)
    if admin and self._get_param("UserPoolId") != pool.id:
        raise ResourceNotFoundError(f"User pool client {client_id} does not exist.")
    # Choice: strictly as the app client allows it: USER_AUTH needs ALLOW_USER_AUTH in its
    # ExplicitAuthFlows (a client made without ExplicitAuthFlows doesn't allow it, as in
    # Cognito, whose default is ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH and
    # ALLOW_REFRESH_TOKEN_AUTH); else InvalidParameterException, Cognito's answer for a flow
    # the client doesn't allow.
    if "ALLOW_USER_AUTH" not in (client.extended_config.get("ExplicitAuthFlows") or []):
        raise InvalidParameterException("USER_AUTH flow not enabled for this client")
    login = parameters.get("USERNAME")
    if not login:
        raise InvalidParameterException("Missing required parameter USERNAME")
    _check_secret_hash(client, login, parameters.get("SECRET_HASH"))
    named = parameters.get("DEVICE_KEY")
    ip = base._context_ip(self)
    session = self._get_param("Session")
    if session:
        return ActionResult(_after_sign_up(pool, client, login, session, named, ip))
    preferred = parameters.get("PREFERRED_CHALLENGE")
    if preferred is not None and preferred not in _CHALLENGES:
        raise InvalidParameterException(
            f"PREFERRED_CHALLENGE must be one of {', '.join(_CHALLENGES)}."
        )
    user = pool._get_user(login)
    if user is None:
        # Choice: with PreventUserExistenceErrors, a user who doesn't exist is asked as one
        # with a password would be (PASSWORD and PASSWORD_SRP); any answer, or a PASSWORD
        # given at once, is "Incorrect username or password.". Without it,
        # UserNotFoundException.
        if client.extended_config.get("PreventUserExistenceErrors") != "ENABLED":
            raise UserNotFoundError("User does not exist.")
        if preferred == "PASSWORD" and parameters.get("PASSWORD"):
            raise NotAuthorizedError(base._WRONG_PROOF)
        entry = _SignIn(pool, client, None, login, named, admin)
        entry.available = ["PASSWORD", "PASSWORD_SRP"]
        return ActionResult(_select(entry))
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    if user.status == UserStatus.UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    available = _available(pool, user)
    if not available:
        # Choice: a user with no factor the pool allows can't sign in this way.
        raise NotAuthorizedError("No sign-in method is available for this user.")
    entry = _SignIn(pool, client, user, login, named, admin)
    entry.available = available
    # Choice: a preference is taken when it is available to the user and comes with what it
    # needs (PASSWORD with PASSWORD, PASSWORD_SRP with SRP_A); otherwise, as without one,
    # SELECT_CHALLENGE, even when a single factor is available.
    needs = {"PASSWORD": "PASSWORD", "PASSWORD_SRP": "SRP_A"}
    if preferred in available and (preferred not in needs or parameters.get(needs[preferred])):
        return ActionResult(_start(entry, client, user, preferred, parameters, named, ip))
    return ActionResult(_select(entry))


def _select(entry):
    # Cognito's shape: the choices in the response's AvailableChallenges, no parameters.
    return {
        "ChallengeName": "SELECT_CHALLENGE",
        "Session": _open(entry, "SELECT_CHALLENGE"),
        "ChallengeParameters": {},
        "AvailableChallenges": list(entry.available),
    }


def _start(entry, client, user, factor, parameters, named, ip):
    """The chosen first factor: the password's by moto's own flows, the others here."""
    pool, backend = entry.pool, entry.pool.backend
    if factor == "PASSWORD":
        credentials = {"USERNAME": entry.login, "PASSWORD": parameters["PASSWORD"]}
        if entry.admin:
            answer = backend.admin_initiate_auth(
                pool.id, client.id, "ADMIN_USER_PASSWORD_AUTH", credentials
            )
        else:
            answer = backend.initiate_auth(client.id, "USER_PASSWORD_AUTH", credentials)
        answer = mfa_after_password(pool, client, answer, entry.login, named)
        return base._after_step(
            pool, client, answer, named=named, login=entry.login,
            password_verified=True, after_password=True, ip=ip,
        )
    if factor == "PASSWORD_SRP":
        # moto's USER_SRP_AUTH; its PASSWORD_VERIFIER follows as for that flow.
        answer = backend.initiate_auth(
            client.id,
            "USER_SRP_AUTH",
            {
                "USERNAME": entry.login,
                "SRP_A": parameters["SRP_A"],
                "SECRET_HASH": _secret_hash(client, entry.login) if client.generate_secret
                else "",
            },
        )
        return base._after_step(
            pool, client, answer, named=named, login=entry.login,
            password_verified=False, after_password=False, ip=ip,
        )
    entry.named = named
    if factor in ("EMAIL_OTP", "SMS_OTP"):
        email = factor == "EMAIL_OTP"
        address = user.attribute_lookup["email" if email else "phone_number"]
        entry.code = _send_code(
            pool, user, entry.login, factor, "EMAIL" if email else "SMS", address,
            _FIRST_FACTOR_DIGITS,
        )
        return {
            "ChallengeName": factor,
            "Session": _open(entry, factor),
            "ChallengeParameters": {
                "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL" if email else "SMS",
                "CODE_DELIVERY_DESTINATION": _mask_email(address) if email
                else _mask_phone(address),
            },
        }
    # WEB_AUTHN
    entry.challenge = secrets.token_bytes(32)
    rp_id = _relying_party(pool)
    allowed = []
    for passkey in _usable_passkeys(pool, user):
        descriptor = {"type": "public-key", "id": bytes_to_base64url(passkey.id)}
        if passkey.transports:
            descriptor["transports"] = list(passkey.transports)
        allowed.append(descriptor)
    options = {
        "challenge": _b64url(entry.challenge),
        "timeout": _SIGN_IN_TIMEOUT_MS,
        "rpId": rp_id,
        "allowCredentials": allowed,
        "userVerification": "required" if _passkey_needs_uv(pool) else "preferred",
    }
    return {
        "ChallengeName": "WEB_AUTHN",
        "Session": _open(entry, "WEB_AUTHN"),
        "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": json.dumps(options)},
    }


# The challenges answered here; base._respond sends them on.
CHALLENGES = ("SELECT_CHALLENGE", "SELECT_MFA_TYPE", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
_STAGES = {
    "SELECT_CHALLENGE": ("SELECT_CHALLENGE",),
    "SELECT_MFA_TYPE": ("SELECT_MFA_TYPE",),
    "EMAIL_OTP": ("EMAIL_OTP", "EMAIL_MFA", "EMAIL_SETUP"),
    "SMS_OTP": ("SMS_OTP",),
    "WEB_AUTHN": ("WEB_AUTHN",),
}


def respond(name, client_id, session, responses, ip):
    _, pool, client = base._pool_of_client(client_id)
    entry = _take(session, _STAGES[name], client_id)
    user = _answering(entry, client, responses)
    named = responses.get("DEVICE_KEY") or base._named_device(session) or entry.named
    if name == "SELECT_CHALLENGE":
        answer = responses.get("ANSWER")
        if not answer:
            raise InvalidParameterException("Missing required parameter ANSWER")
        # Choice: an ANSWER that isn't among the AvailableChallenges is
        # InvalidParameterException; so is PASSWORD without PASSWORD, PASSWORD_SRP without
        # SRP_A. A CREDENTIAL given with WEB_AUTHN is not taken: the passkey is asked for with
        # the WEB_AUTHN challenge that this answers.
        if answer not in entry.available:
            raise InvalidParameterException(f"{answer} is not an available challenge.")
        if answer == "PASSWORD":
            base._required(responses, "PASSWORD")
        if answer == "PASSWORD_SRP":
            base._required(responses, "SRP_A")
        return _start(entry, client, user, answer, responses, named, ip)
    if name == "SELECT_MFA_TYPE":
        method = responses.get("ANSWER")
        if not method:
            raise InvalidParameterException("Missing required parameter ANSWER")
        # Choice: an ANSWER not in MFAS_CAN_CHOOSE is InvalidParameterException and costs a
        # try, as a wrong code does: the session stands for another answer while tries are
        # left.
        if method not in entry.available:
            entry.tries += 1
            if entry.tries < _CODE_TRIES:
                _keep(session, entry)
            raise InvalidParameterException(f"{method} is not an MFA the user can choose.")
        entry.named = named
        return _mfa_chosen(entry, user, method)
    if name == "WEB_AUTHN":
        _assertion(entry, user, responses)
        return _tokens(entry, client, named, ip)
    code_name = f"{name}_CODE"
    (given,) = base._required(responses, code_name)
    if not hmac.compare_digest(given.encode(), entry.code.encode()):
        entry.tries += 1
        if entry.tries < _CODE_TRIES:
            _keep(session, entry)
        raise CodeMismatchException("Invalid code or auth state for the user.")
    if entry.stage == "EMAIL_SETUP":
        # MFA_SETUP with EMAIL: the address is the user's, verified, and email MFA is on.
        user.update_attributes(
            [{"Name": "email", "Value": entry.email}, {"Name": "email_verified", "Value": "true"}]
        )
        user.emulator_email_mfa = True
        if not user.preferred_mfa_setting:
            user.preferred_mfa_setting = "EMAIL_OTP"
    return _tokens(entry, client, named, ip)


def _assertion(entry, user, responses):
    """Verifies a WEB_AUTHN answer, a passkey assertion (AuthenticationResponseJSON) as
    JSON text, against the challenge sent; counts its use."""
    (text,) = base._required(responses, "CREDENTIAL")
    # Choice: JSON that isn't an assertion is InvalidParameterException; an assertion that
    # fails (a passkey not the user's or not for the pool's relying party, another
    # challenge, an origin not allowed, no user presence, no user verification where
    # required, a user handle other than the user's, a bad signature, a sign count that
    # didn't grow) is NotAuthorizedException. Either ends the sign-in.
    try:
        credential = parse_authentication_credential_json(text)
        client_data = parse_client_data_json(credential.response.client_data_json)
    except (WebAuthnException, ValueError, TypeError):
        raise InvalidParameterException("CREDENTIAL is not a passkey assertion.")
    rp_id = _relying_party(entry.pool)
    with base._LOCK:
        passkey = _passkeys_of(user).get(credential.raw_id)
    handle = credential.response.user_handle
    if (
        passkey is None
        or rp_id is None
        or passkey.rp_id != rp_id
        or not _origin_allowed(client_data.origin, rp_id)
        or (handle and handle != user.id.encode())
    ):
        raise NotAuthorizedError(base._WRONG_PROOF)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=entry.challenge,
            expected_rp_id=rp_id,
            expected_origin=client_data.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=_passkey_needs_uv(entry.pool),
        )
    except (WebAuthnException, ValueError, TypeError):
        raise NotAuthorizedError(base._WRONG_PROOF)
    with base._LOCK:
        passkey.sign_count = verified.new_sign_count


# Email MFA -----------------------------------------------------------------------------------

def email_mfa(pool, client, answer, login, named):
    """moto's answer to a password step, with email MFA: a user who has it gets EMAIL_OTP in
    place of tokens or of moto's MFA_SETUP, and in place of moto's MFA challenge when
    EMAIL_OTP is the preferred MFA. (Called before device tracking, which may ask the device
    to prove itself instead.)"""
    if not isinstance(answer, dict):
        return answer
    user = pool._get_user(login) if login else None
    if user is None or not _asks_email_mfa(pool, user):
        return answer
    if "AuthenticationResult" in answer:
        base._withdraw(pool, answer)
    elif answer.get("ChallengeName") == "MFA_SETUP" or (
        answer.get("ChallengeName") in ("SOFTWARE_TOKEN_MFA", "SMS_MFA")
        and user.preferred_mfa_setting == "EMAIL_OTP"
    ):
        # moto asks MFA_SETUP of a user without TOTP on a pool that requires MFA: one with
        # email MFA has set up MFA already.
        base._withdraw(pool, answer)
    else:
        # NEW_PASSWORD_REQUIRED, or the MFA the user prefers: as moto answered.
        return answer
    return _ask_email_mfa(_SignIn(pool, client, user, login, named, False), user)


def _ask_email_mfa(entry, user):
    address = user.attribute_lookup["email"]
    entry.code = _send_code(
        entry.pool, user, entry.login, "EMAIL_MFA", "EMAIL", address, _MFA_DIGITS
    )
    return {
        "ChallengeName": "EMAIL_OTP",
        "Session": _open(entry, "EMAIL_MFA"),
        "ChallengeParameters": {
            "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
            "CODE_DELIVERY_DESTINATION": _mask_email(address),
        },
    }


# Choosing the MFA --------------------------------------------------------------------------

def mfa_after_password(pool, client, answer, login, named):
    """moto's answer to a password step, with the MFA Cognito would ask: SELECT_MFA_TYPE
    where the user has several and prefers none, else email MFA where it applies."""
    chosen = _select_mfa(pool, client, answer, login, named)
    return chosen if chosen is not None else email_mfa(pool, client, answer, login, named)


def _mfa_methods(pool, user):
    # Choice: MFAS_CAN_CHOOSE lists SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP in that order,
    # each that the user has on and the pool offers (email MFA only where it is asked, as
    # above).
    methods = []
    if user.sms_mfa_enabled and pool.sms_mfa_config:
        methods.append("SMS_MFA")
    if user.software_token_mfa_enabled and pool.token_mfa_config == {"Enabled": True}:
        methods.append("SOFTWARE_TOKEN_MFA")
    if _asks_email_mfa(pool, user):
        methods.append("EMAIL_OTP")
    return methods


def _select_mfa(pool, client, answer, login, named):
    """SELECT_MFA_TYPE in place of moto's answer (tokens, the one MFA it picked, or an
    MFA_SETUP it asks of a user who has MFA), for a user with more than one MFA on and no
    preference, on a pool with MFA ON or OPTIONAL; None where it doesn't apply. (moto never
    asks it: such a user gets tokens, TOTP, or MFA_SETUP after SRP on a pool that requires
    MFA.)"""
    if not isinstance(answer, dict) or pool.mfa_config not in ("ON", "OPTIONAL"):
        return None
    user = pool._get_user(login) if login else None
    # Choice: any preference, even one for an MFA since turned off, is taken as moto takes
    # it; the choice is asked only of a user with none.
    if user is None or user.preferred_mfa_setting:
        return None
    methods = _mfa_methods(pool, user)
    if len(methods) < 2:
        return None
    # NEW_PASSWORD_REQUIRED comes before any MFA, as moto answers it.
    if "AuthenticationResult" not in answer and answer.get("ChallengeName") not in (
        "SOFTWARE_TOKEN_MFA",
        "SMS_MFA",
        "MFA_SETUP",
    ):
        return None
    base._withdraw(pool, answer)
    entry = _SignIn(pool, client, user, login, named, False)
    entry.available = methods
    # Cognito's shape: the list as compact JSON text, and the user's own name for SRP.
    return {
        "ChallengeName": "SELECT_MFA_TYPE",
        "Session": _open(entry, "SELECT_MFA_TYPE"),
        "ChallengeParameters": {
            "MFAS_CAN_CHOOSE": json.dumps(methods, separators=(",", ":")),
            "USER_ID_FOR_SRP": user.username,
        },
    }


# TOTP and SMS chosen at SELECT_MFA_TYPE: moto answers them under a session of its own, made
# here; each such session is good for that MFA and that user only (moto's own take any MFA
# answer, for any user), and ends with the sign-in's lifetime.
_CHOSEN = collections.OrderedDict()


class _Chosen:
    def __init__(self, pool, method, user_id, expires):
        self.pool = pool
        self.method = method
        self.user_id = user_id
        self.expires = expires


def _mfa_chosen(entry, user, method):
    """The MFA chosen at SELECT_MFA_TYPE, asked: email MFA's code here, TOTP and SMS under a
    session of moto's own, which moto's handler answers as if it had asked."""
    if method == "EMAIL_OTP":
        return _ask_email_mfa(entry, user)
    session = secrets.token_urlsafe(48)
    now = time.monotonic()
    with base._LOCK:
        entry.pool.backend.sessions[session] = (entry.login, entry.pool)
        _CHOSEN[session] = _Chosen(entry.pool, method, user.id, now + entry.lifetime)
        while _CHOSEN:
            oldest_session, oldest = next(iter(_CHOSEN.items()))
            if len(_CHOSEN) <= _LIMIT and oldest.expires > now:
                break
            _CHOSEN.popitem(last=False)
            oldest.pool.backend.sessions.pop(oldest_session, None)
    base._name_device(session, entry.named)
    return {"ChallengeName": method, "Session": session, "ChallengeParameters": {}}


def check_chosen(name, session, responses):
    """Before moto answers an MFA challenge: a session made for a chosen MFA takes only that
    MFA's answer, for that user, before it ends. Choice: anything else is
    NotAuthorizedException and ends the session."""
    with base._LOCK:
        chosen = _CHOSEN.get(session) if session else None
    if chosen is None:
        return
    user = chosen.pool._get_user(responses.get("USERNAME") or "")
    if (
        name != chosen.method
        or user is None
        or user.id != chosen.user_id
        or chosen.expires <= time.monotonic()
    ):
        ended(session)
        raise NotAuthorizedError(base._BAD_SESSION)


def ended(session):
    """A chosen MFA's session is spent (moto drops its own on success)."""
    with base._LOCK:
        chosen = _CHOSEN.pop(session, None) if session else None
        if chosen is not None:
            chosen.pool.backend.sessions.pop(session, None)


def offer_email_setup(pool, answer):
    """moto's MFA_SETUP lists EMAIL_OTP too where the pool has email MFA. (moto's list stays
    as moto formats it, a Python list; see docs/testing.md.)"""
    if (
        isinstance(answer, dict)
        and answer.get("ChallengeName") == "MFA_SETUP"
        and _email_mfa_config(pool) is not None
    ):
        can_setup = answer.get("ChallengeParameters", {}).get("MFAS_CAN_SETUP")
        if isinstance(can_setup, list) and "EMAIL_OTP" not in can_setup:
            can_setup.append("EMAIL_OTP")
    return answer


def mfa_setup_email(client_id, session, responses):
    """MFA_SETUP answered with EMAIL (as AWS Amplify does): a code goes to that address,
    and the EMAIL_OTP answer to it sets up email MFA and ends the sign-in."""
    backend, pool, client = base._pool_of_client(client_id)
    kept = backend.sessions.get(session) if session else None
    if kept is None:
        raise NotAuthorizedError(base._BAD_SESSION)
    if _email_mfa_config(pool) is None:
        raise InvalidParameterException("Email MFA is not enabled for this user pool.")
    (username, address) = base._required(responses, "USERNAME", "EMAIL")
    _check_secret_hash(client, username, responses.get("SECRET_HASH"))
    login = kept[0]
    user = pool._get_user(login)
    answering = pool._get_user(username)
    if user is None or answering is None or answering.id != user.id:
        raise NotAuthorizedError(base._WRONG_PROOF)
    # Choice: an address without "@" is InvalidParameterException.
    if "@" not in address or len(address) > 2048:
        raise InvalidParameterException("EMAIL is not an email address.")
    backend.sessions.pop(session, None)
    entry = _SignIn(pool, client, user, login,
                    responses.get("DEVICE_KEY") or base._named_device(session), False)
    entry.email = address
    entry.code = _send_code(pool, user, login, "EMAIL_MFA", "EMAIL", address, _MFA_DIGITS)
    return {
        "ChallengeName": "EMAIL_OTP",
        "Session": _open(entry, "EMAIL_SETUP"),
        "ChallengeParameters": {
            "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
            "CODE_DELIVERY_DESTINATION": _mask_email(address),
        },
    }


_set_user_mfa_preference = CognitoIdpResponse.set_user_mfa_preference
_admin_set_user_mfa_preference = CognitoIdpResponse.admin_set_user_mfa_preference


def set_user_mfa_preference(self):
    pool, user = base._signed_in_user(self._get_param("AccessToken"))
    return _with_email_settings(self, pool, user, _set_user_mfa_preference)


def admin_set_user_mfa_preference(self):
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    user = pool._get_user(self._get_param("Username") or "")
    if user is None:
        raise UserNotFoundError("User does not exist.")
    return _with_email_settings(self, pool, user, _admin_set_user_mfa_preference)


def _with_email_settings(self, pool, user, moto_handler):
    email = self._get_param("EmailMfaSettings")
    others = [self._get_param("SoftwareTokenMfaSettings"), self._get_param("SMSMfaSettings")]
    others_preferred = any((settings or {}).get("PreferredMfa") for settings in others)
    if email is not None:
        # Choice: turning email MFA on needs the pool's EmailMfaConfiguration and an email
        # address; preferring it needs it on; two preferred MFAs are refused; all
        # InvalidParameterException, before anything changes. WebAuthnMfaSettings is
        # accepted and ignored (passkeys as MFA are not emulated).
        if email.get("Enabled") and _email_mfa_config(pool) is None:
            raise InvalidParameterException("Email MFA is not enabled for this user pool.")
        if email.get("Enabled") and not user.attribute_lookup.get("email"):
            raise InvalidParameterException("User does not have an email address.")
        if email.get("PreferredMfa") and not email.get("Enabled"):
            raise InvalidParameterException("A preferred MFA must be enabled.")
        if email.get("PreferredMfa") and others_preferred:
            raise InvalidParameterException("Only one MFA method can be preferred.")
    before = user.preferred_mfa_setting
    answer = moto_handler(self)
    if email is not None:
        user.emulator_email_mfa = bool(email.get("Enabled"))
        if email.get("PreferredMfa"):
            user.preferred_mfa_setting = "EMAIL_OTP"
        elif user.preferred_mfa_setting == "EMAIL_OTP" or (
            before == "EMAIL_OTP" and not others_preferred
        ):
            user.preferred_mfa_setting = ""
    elif before == "EMAIL_OTP" and not others_preferred:
        # moto clears a preference it doesn't know when told of another MFA not preferred.
        user.preferred_mfa_setting = before
    if user.preferred_mfa_setting == "EMAIL_OTP" and not _email_mfa_enabled(user):
        user.preferred_mfa_setting = ""
    return answer


def _mfa_settings(user):
    settings = []
    if user.software_token_mfa_enabled:
        settings.append("SOFTWARE_TOKEN_MFA")
    if user.sms_mfa_enabled:
        settings.append("SMS_MFA")
    if _email_mfa_enabled(user):
        settings.append("EMAIL_OTP")
    return settings


def _with_email_mfa_listed(moto_handler):
    def handler(self):
        answer = moto_handler(self)
        result = answer.result if isinstance(answer, ActionResult) else None
        if isinstance(result, dict) and "UserMFASettingList" in result:
            pool = _pool_by_id(result.get("UserPoolId"))
            user = pool.users.get(result.get("Username")) if pool is not None else None
            if user is not None and _email_mfa_enabled(user):
                result["UserMFASettingList"] = list(result["UserMFASettingList"]) + ["EMAIL_OTP"]
        return answer

    handler.__name__ = moto_handler.__name__
    return handler


def _pool_by_id(pool_id):
    for account in base.cognitoidp_backends.values():
        for backend in account.values():
            pool = backend.user_pools.get(pool_id)
            if pool is not None:
                return pool
    return None


def get_user_auth_factors(self):
    pool, user = base._signed_in_user(self._get_param("AccessToken"))
    available = _available(pool, user)
    factors = [f for f in _FIRST_FACTORS if f in available]
    # Choice: ConfiguredUserAuthFactors lists the first factors USER_AUTH would offer the
    # user, with EMAIL_OTP also when email MFA is on and SOFTWARE_TOKEN when TOTP MFA is.
    if _email_mfa_enabled(user) and "EMAIL_OTP" not in factors:
        factors.append("EMAIL_OTP")
    if user.software_token_mfa_enabled:
        factors.append("SOFTWARE_TOKEN")
    answer = {
        "Username": user.username,
        "UserMFASettingList": _mfa_settings(user),
        "ConfiguredUserAuthFactors": factors,
    }
    if user.preferred_mfa_setting:
        answer["PreferredMfaSetting"] = user.preferred_mfa_setting
    return ActionResult(answer)


# The pool's MFA and passkey settings ---------------------------------------------------------

def set_user_pool_mfa_config(self):
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    mfa = self._get_param("MfaConfiguration")
    sms = self._get_param("SmsMfaConfiguration")
    token = self._get_param("SoftwareTokenMfaConfiguration")
    email = self._get_param("EmailMfaConfiguration")
    passkeys = self._get_param("WebAuthnConfiguration")
    # Choice: MfaConfiguration and WebAuthnConfiguration left out keep what the pool has;
    # the SMS, TOTP and email configurations left out are cleared (as moto does for SMS
    # and TOTP). MFA ON or OPTIONAL needs one of the three.
    if mfa is None:
        mfa = pool.mfa_config
    if mfa not in ("ON", "OFF", "OPTIONAL"):
        raise InvalidParameterException(
            "[MfaConfiguration] must be one of 'ON', 'OFF', or 'OPTIONAL'."
        )
    if mfa in ("ON", "OPTIONAL") and sms is None and token is None and email is None:
        raise InvalidParameterException(
            "At least one of [SmsMfaConfiguration], [SoftwareTokenMfaConfiguration] or "
            "[EmailMfaConfiguration] must be provided."
        )
    if sms is not None and "SmsConfiguration" not in sms:
        raise InvalidParameterException(
            "[SmsConfiguration] is a required member of [SmsMfaConfiguration]."
        )
    if email is not None and "Message" in email and "{####}" not in (email["Message"] or ""):
        raise InvalidParameterException("[Message] must contain the {####} placeholder.")
    if passkeys is not None:
        rp_id = passkeys.get("RelyingPartyId")
        if rp_id is not None and not 1 <= len(rp_id) <= 127:
            raise InvalidParameterException("[RelyingPartyId] must be 1 to 127 characters.")
        if passkeys.get("UserVerification", "preferred") not in ("required", "preferred"):
            raise InvalidParameterException(
                "[UserVerification] must be 'required' or 'preferred'."
            )
        factor = passkeys.get("FactorConfiguration", "SINGLE_FACTOR")
        if factor not in ("SINGLE_FACTOR", "MULTI_FACTOR_WITH_USER_VERIFICATION"):
            raise InvalidParameterException(
                "[FactorConfiguration] must be 'SINGLE_FACTOR' or "
                "'MULTI_FACTOR_WITH_USER_VERIFICATION'."
            )
    pool.mfa_config = mfa
    pool.sms_mfa_config = sms
    pool.token_mfa_config = token
    pool.emulator_email_mfa = dict(email) if email is not None else None
    if passkeys is not None:
        pool.emulator_webauthn = {
            name: passkeys[name]
            for name in ("RelyingPartyId", "UserVerification", "FactorConfiguration")
            if passkeys.get(name) is not None
        }
    return ActionResult(_mfa_config(pool))


def get_user_pool_mfa_config(self):
    pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
    return ActionResult(_mfa_config(pool))


def _mfa_config(pool):
    # Choice: WebAuthnConfiguration is always answered, its UserVerification "preferred" and
    # FactorConfiguration "SINGLE_FACTOR" unless set; RelyingPartyId only when set.
    passkeys = {"UserVerification": "preferred", "FactorConfiguration": "SINGLE_FACTOR"}
    passkeys.update(_webauthn_config(pool))
    return {
        "SmsMfaConfiguration": pool.sms_mfa_config,
        "SoftwareTokenMfaConfiguration": pool.token_mfa_config,
        "EmailMfaConfiguration": _email_mfa_config(pool),
        "MfaConfiguration": pool.mfa_config,
        "WebAuthnConfiguration": passkeys,
    }


_create_user_pool = CognitoIdpResponse.create_user_pool
_update_user_pool = CognitoIdpResponse.update_user_pool
_describe_user_pool = CognitoIdpResponse.describe_user_pool


def _check_sign_in_policy(self):
    policy = (self._get_param("Policies") or {}).get("SignInPolicy")
    if policy is None:
        return
    factors = policy.get("AllowedFirstAuthFactors") or []
    # Choice: factors outside PASSWORD, EMAIL_OTP, SMS_OTP and WEB_AUTHN (SOFTWARE_TOKEN
    # included, which the API reference says is no first factor), an empty list and
    # repeats are InvalidParameterException.
    unknown = [f for f in factors if f not in _FIRST_FACTORS]
    if unknown or not factors or len(set(factors)) != len(factors):
        raise InvalidParameterException(
            "AllowedFirstAuthFactors must list distinct values among "
            + ", ".join(_FIRST_FACTORS)
            + "."
        )


def _with_sign_in_policy(answer):
    result = answer.result if isinstance(answer, ActionResult) else None
    pool = (result or {}).get("UserPool")
    if isinstance(pool, dict):
        # A copy: moto's answer shares the pool's own (and its defaults') dictionaries.
        policies = dict(pool.get("Policies") or {})
        policies.setdefault("SignInPolicy", {"AllowedFirstAuthFactors": ["PASSWORD"]})
        pool["Policies"] = policies
    return answer


def create_user_pool(self):
    _check_sign_in_policy(self)
    return _with_sign_in_policy(_create_user_pool(self))


def update_user_pool(self):
    _check_sign_in_policy(self)
    return _update_user_pool(self)


def describe_user_pool(self):
    # moto keeps Policies.SignInPolicy as given; a pool without one answers the default.
    return _with_sign_in_policy(_describe_user_pool(self))


# Sign-up and signing in after it -------------------------------------------------------------

# SignUp's sessions (for ConfirmSignUp) and ConfirmSignUp's (for InitiateAuth USER_AUTH).
_SIGN_UPS = collections.OrderedDict()


class _SignUp:
    def __init__(self, pool, client, user, stage, lifetime):
        self.pool_id = pool.id
        self.client_id = client.id
        self.user_id = user.id
        self.stage = stage
        self.expires = time.monotonic() + lifetime


def _open_sign_up(entry):
    session = secrets.token_urlsafe(48)
    with base._LOCK:
        _SIGN_UPS[session] = entry
        now = time.monotonic()
        while _SIGN_UPS:
            oldest = next(iter(_SIGN_UPS.values()))
            if len(_SIGN_UPS) <= _LIMIT and oldest.expires > now:
                break
            _SIGN_UPS.popitem(last=False)
    return session


def _valid_sign_up(session, stage, client, user):
    with base._LOCK:
        entry = _SIGN_UPS.get(session)
    return (
        entry is not None
        and entry.stage == stage
        and entry.client_id == client.id
        and user is not None
        and entry.user_id == user.id
        and entry.expires > time.monotonic()
    )


_sign_up = CognitoIdpResponse.sign_up
_confirm_sign_up = CognitoIdpResponse.confirm_sign_up


def sign_up(self):
    base._record_user_context(self, "SignUp")
    client_id = self._get_param("ClientId")
    backend, pool, client = base._pool_of_client(client_id)
    password = self._get_param("Password")
    if password:
        answer = _sign_up(self)
        result = answer.result
    else:
        # "To create a user with no password, omit this parameter or submit a blank value.
        # You can only create a passwordless user when passwordless sign-in is available."
        # Choice: available means EMAIL_OTP or SMS_OTP among the pool's first factors (a
        # passkey is registered once signed in); else InvalidParameterException.
        if not {"EMAIL_OTP", "SMS_OTP"} & set(_allowed_first_factors(pool)):
            raise InvalidParameterException(
                "Password is required: the user pool has no passwordless sign-in."
            )
        user, details = backend.sign_up(
            client_id,
            self._get_param("Username"),
            _placeholder_password(pool),
            self._get_param("UserAttributes", []),
        )
        user.password = None
        result = {"UserConfirmed": user.status == UserStatus.CONFIRMED, "UserSub": user.id}
        if details:
            result["CodeDeliveryDetails"] = details
    user = pool._get_user(self._get_param("Username"))
    if user is not None and isinstance(result, dict):
        # Choice: every SignUp answers a Session, good for 24 hours, for ConfirmSignUp.
        result["Session"] = _open_sign_up(
            _SignUp(pool, client, user, "SIGNED_UP", _SIGN_UP_SECONDS)
        )
    return ActionResult(result)


def _placeholder_password(pool):
    """A password moto's sign-up takes, replaced by none at once."""
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    length = max(int(policy.get("MinimumLength") or 8), 8)
    return ("Aa1!" + secrets.token_hex(length))[:length]


def confirm_sign_up(self):
    base._record_user_context(self, "ConfirmSignUp")
    client_id = self._get_param("ClientId")
    backend, pool, client = base._pool_of_client(client_id)
    user = pool._get_user(self._get_param("Username") or "")
    given = self._get_param("Session")
    # Choice: a Session that isn't this user's SignUp session with this app client (or has
    # expired) is NotAuthorizedException, before the user is confirmed.
    if given and not _valid_sign_up(given, "SIGNED_UP", client, user):
        raise NotAuthorizedError(base._BAD_SESSION)
    was_unconfirmed = user is not None and user.status == UserStatus.UNCONFIRMED
    answer = _confirm_sign_up(self)
    if given:
        with base._LOCK:
            _SIGN_UPS.pop(given, None)
    if was_unconfirmed:
        # As Cognito: the code confirms the address it went to, which is then verified (so
        # a passwordless user can sign in with a code sent there). Choice: that address is
        # the one ResendConfirmationCode names: the email when the pool verifies email
        # automatically, else the phone number when it verifies that.
        verified = pool.extended_config.get("AutoVerifiedAttributes") or []
        for attribute in ("email", "phone_number"):
            if attribute in verified and user.attribute_lookup.get(attribute):
                user.update_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])
                break
    # Choice: ConfirmSignUp answers a Session (with or without SignUp's) only when it
    # confirmed an unconfirmed user (moto takes any code; confirming again gives none), and
    # not on a pool that requires MFA. It lasts the app client's AuthSessionValidity.
    if not was_unconfirmed or pool.mfa_config == "ON":
        return answer
    validity = client.extended_config.get("AuthSessionValidity") or 3
    session = _open_sign_up(
        _SignUp(pool, client, user, "CONFIRMED", 60 * max(3, min(int(validity), 15)))
    )
    return ActionResult({"Session": session})


def _after_sign_up(pool, client, login, session, named, ip):
    """InitiateAuth USER_AUTH with ConfirmSignUp's Session: the confirmation code counts as
    the first factor; tokens at once."""
    user = pool._get_user(login)
    valid = _valid_sign_up(session, "CONFIRMED", client, user)
    with base._LOCK:
        entry = _SIGN_UPS.pop(session, None) if valid else None
    # Choice: the session is used once, by the app client that confirmed, for the user
    # confirmed; otherwise NotAuthorizedException.
    if entry is None:
        raise NotAuthorizedError(base._BAD_SESSION)
    if not user.enabled:
        raise NotAuthorizedError("User is disabled.")
    answer = pool.backend._log_user_in(pool, client, login)
    return base._after_step(
        pool, client, answer, named=named, login=login,
        password_verified=False, after_password=True, ip=ip,
    )


def refuse_without_password(pool, login):
    """A user without a password doesn't sign in by a password flow (moto would compare
    the missing password with a missing PASSWORD and let them in)."""
    user = pool._get_user(login) if pool is not None and login else None
    if user is not None and not user.password:
        raise NotAuthorizedError(base._WRONG_PROOF)


# Passkeys ------------------------------------------------------------------------------------

# The registration each user started last, by user id.
_REGISTRATIONS = collections.OrderedDict()


class _Registration:
    def __init__(self, pool, user, client_id, rp_id, challenge):
        self.pool_id = pool.id
        self.user_id = user.id
        self.client_id = client_id
        self.rp_id = rp_id
        self.challenge = challenge
        self.expires = time.monotonic() + _REGISTRATION_SECONDS


def _passkeys_enabled(pool):
    if "WEB_AUTHN" not in _allowed_first_factors(pool):
        raise WebAuthnNotEnabledException("Passkey sign-in is not enabled for this user pool.")
    rp_id = _relying_party(pool)
    if rp_id is None:
        raise WebAuthnConfigurationMissingException(
            "The user pool has no relying party id and no domain."
        )
    return rp_id


def _token_client(access_token):
    return (base._claims(access_token) or {}).get("client_id")


def start_web_authn_registration(self):
    token = self._get_param("AccessToken")
    pool, user = base._signed_in_user(token)
    rp_id = _passkeys_enabled(pool)
    with base._LOCK:
        registered = list(_passkeys_of(user).values())
    if len(registered) >= _PASSKEYS_PER_USER:
        raise LimitExceededException(f"A user can have at most {_PASSKEYS_PER_USER} passkeys.")
    challenge = secrets.token_bytes(32)
    with base._LOCK:
        _REGISTRATIONS.pop(user.id, None)
        _REGISTRATIONS[user.id] = _Registration(pool, user, _token_client(token), rp_id,
                                                challenge)
        while len(_REGISTRATIONS) > _LIMIT:
            _REGISTRATIONS.popitem(last=False)
    # Cognito's shape (the AWS CLI's example): a PublicKeyCredentialCreationOptionsJSON
    # for a discoverable credential, the user handle the user's sub.
    # Choice: the user's name and display name are their username.
    options = {
        "authenticatorSelection": {
            "requireResidentKey": True,
            "residentKey": "required",
            "userVerification": "required" if _passkey_needs_uv(pool) else "preferred",
        },
        "challenge": _b64url(challenge),
        "excludeCredentials": [
            {"id": bytes_to_base64url(p.id), "type": "public-key"}
            for p in registered
            if p.rp_id == rp_id
        ],
        "pubKeyCredParams": [{"alg": int(alg), "type": "public-key"} for alg in _ALGORITHMS],
        "rp": {"id": rp_id, "name": rp_id},
        "timeout": _REGISTRATION_TIMEOUT_MS,
        "user": {
            "displayName": user.username,
            "id": _b64url(user.id.encode()),
            "name": user.username,
        },
    }
    return ActionResult({"CredentialCreationOptions": options})


def complete_web_authn_registration(self):
    token = self._get_param("AccessToken")
    pool, user = base._signed_in_user(token)
    rp_id = _passkeys_enabled(pool)
    document = self._get_param("Credential")
    with base._LOCK:
        started = _REGISTRATIONS.pop(user.id, None)
    # Choice: the registration is used once, whatever comes of it. None started, or one
    # expired, is WebAuthnChallengeNotFoundException; one started with an access token of
    # another app client is WebAuthnClientMismatchException; one started for another
    # relying party id (the pool's changed since) is WebAuthnRelyingPartyMismatchException.
    if started is None or started.expires <= time.monotonic() or started.pool_id != pool.id:
        raise WebAuthnChallengeNotFoundException("No passkey registration is in progress.")
    if started.client_id != _token_client(token):
        raise WebAuthnClientMismatchException(
            "The registration was started with another app client."
        )
    if started.rp_id != rp_id:
        raise WebAuthnRelyingPartyMismatchException(
            "The user pool's relying party id has changed."
        )
    try:
        credential = parse_registration_credential_json(document)
        client_data = parse_client_data_json(credential.response.client_data_json)
        attestation = parse_attestation_object(credential.response.attestation_object)
    except (WebAuthnException, ValueError, TypeError):
        raise InvalidParameterException("Credential is not a passkey registration.")
    # Choice: the checks that have an error of their own come first: another challenge is
    # WebAuthnChallengeNotFoundException, an origin not allowed (see _origin_allowed)
    # WebAuthnOriginNotAllowedException, an authenticator's relying party other than the
    # pool's WebAuthnRelyingPartyMismatchException; then py_webauthn verifies the rest.
    if client_data.challenge != started.challenge:
        raise WebAuthnChallengeNotFoundException("The credential answers another challenge.")
    if not _origin_allowed(client_data.origin, rp_id):
        raise WebAuthnOriginNotAllowedException(
            f"Origin {client_data.origin} is not allowed for relying party {rp_id}."
        )
    if attestation.auth_data.rp_id_hash != hashlib.sha256(rp_id.encode()).digest():
        raise WebAuthnRelyingPartyMismatchException(
            f"The passkey is not for relying party {rp_id}."
        )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=started.challenge,
            expected_rp_id=rp_id,
            expected_origin=client_data.origin,
            require_user_verification=_passkey_needs_uv(pool),
            supported_pub_key_algs=_ALGORITHMS,
        )
    except (WebAuthnException, ValueError, TypeError) as error:
        # Choice: an algorithm or attestation format py_webauthn (or the options) doesn't
        # take is WebAuthnCredentialNotSupportedException; any other failure (no user
        # presence, no user verification where required, a bad attestation) is
        # InvalidParameterException.
        if "nsupported" in str(error):
            raise WebAuthnCredentialNotSupportedException(str(error))
        raise InvalidParameterException(f"The passkey registration failed: {error}")
    transports = [t.value for t in (credential.response.transports or [])][:8]
    attachment = credential.authenticator_attachment
    passkey = _Passkey(
        verified.credential_id,
        verified.credential_public_key,
        verified.sign_count,
        rp_id,
        transports,
        attachment.value if attachment is not None else None,
    )
    with base._LOCK:
        # Choice: a credential id the pool already has (this user's or another's) is
        # InvalidParameterException.
        for other in pool.users.values():
            if verified.credential_id in _passkeys_of(other):
                raise InvalidParameterException("This passkey is already registered.")
        passkeys = _passkeys_of(user)
        if len(passkeys) >= _PASSKEYS_PER_USER:
            raise LimitExceededException(
                f"A user can have at most {_PASSKEYS_PER_USER} passkeys."
            )
        passkeys[passkey.id] = passkey
    return EmptyResult()


def list_web_authn_credentials(self):
    _, user = base._signed_in_user(self._get_param("AccessToken"))
    limit = self._get_param("MaxResults")
    token = self._get_param("NextToken")
    # Choice: MaxResults absent or 0 lists up to 20, the most the model allows; NextToken
    # is opaque (how many were listed before), a malformed one InvalidParameterException;
    # passkeys are listed oldest first, whatever their relying party.
    limit = limit or _PASSKEYS_PER_USER
    if not 0 < limit <= _PASSKEYS_PER_USER:
        raise InvalidParameterException("MaxResults must be between 0 and 20.")
    try:
        start = int(token) if token else 0
    except ValueError:
        raise InvalidParameterException("Invalid NextToken.")
    if start < 0:
        raise InvalidParameterException("Invalid NextToken.")
    with base._LOCK:
        passkeys = list(_passkeys_of(user).values())
    page = passkeys[start:start + limit]
    answer = {"Credentials": [p.to_json() for p in page]}
    if start + limit < len(passkeys):
        answer["NextToken"] = str(start + limit)
    return ActionResult(answer)


def delete_web_authn_credential(self):
    _, user = base._signed_in_user(self._get_param("AccessToken"))
    given = self._get_param("CredentialId") or ""
    try:
        credential_id = base64url_to_bytes(given)
    except ValueError:
        credential_id = None
    with base._LOCK:
        passkeys = _passkeys_of(user)
        # Choice: a credential id that isn't one of the user's passkeys (or isn't base64url)
        # is ResourceNotFoundException.
        if not given or credential_id not in passkeys:
            raise ResourceNotFoundError("The passkey does not exist.")
        del passkeys[credential_id]
    return EmptyResult()


def install(response):
    response.get_user_auth_factors = get_user_auth_factors
    response.set_user_mfa_preference = set_user_mfa_preference
    response.admin_set_user_mfa_preference = admin_set_user_mfa_preference
    response.set_user_pool_mfa_config = set_user_pool_mfa_config
    response.get_user_pool_mfa_config = get_user_pool_mfa_config
    response.create_user_pool = create_user_pool
    response.update_user_pool = update_user_pool
    response.describe_user_pool = describe_user_pool
    response.get_user = _with_email_mfa_listed(CognitoIdpResponse.get_user)
    response.admin_get_user = _with_email_mfa_listed(CognitoIdpResponse.admin_get_user)
    response.sign_up = sign_up
    response.confirm_sign_up = confirm_sign_up
    response.start_web_authn_registration = start_web_authn_registration
    response.complete_web_authn_registration = complete_web_authn_registration
    response.list_web_authn_credentials = list_web_authn_credentials
    response.delete_web_authn_credential = delete_web_authn_credential
