"""Cognito operations the emulator (moto 5.2.5) lacks, added to its own Cognito backend.

Each follows the AWS API reference for the operation and botocore's service model
(cognito-idp 2016-04-18). Where the documentation leaves a behaviour open, the choice made
is stated next to it; docs/testing.md lists them all.

    RevokeToken                revokes a refresh token and the access tokens issued from it.
    ResendConfirmationCode     sends an unconfirmed user's sign-up code again.
    GetTokensFromRefreshToken  new tokens from a refresh token, rotating it where the app
                               client's RefreshTokenRotation says so; InitiateAuth's
                               REFRESH_TOKEN_AUTH is refused on such a client.

install() adds them; the launcher calls it before the server starts.
"""

import base64
import json
import threading
import time

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.moto_api._internal import mock_random as random
from moto.cognitoidp.exceptions import (
    InvalidParameterException,
    NotAuthorizedError,
    ResourceNotFoundError,
    UserNotFoundError,
)
from moto.cognitoidp.models import UserStatus, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpResponse


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
        access_token, id_token, expires_in = pool.create_tokens_from_refresh_token(token)
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
                # access tokens of the whole chain.
                replacement = str(random.uuid4())
                pool.refresh_tokens[replacement] = (client_id, username, origin_jti)
                _ROTATED[token] = (time.time(), replacement)
                if grace == 0:
                    pool.refresh_tokens[token] = None
                result["RefreshToken"] = replacement
    return ActionResult({"AuthenticationResult": result})


_initiate_auth = CognitoIdpResponse.initiate_auth


def initiate_auth(self):
    """moto's own InitiateAuth, but REFRESH_TOKEN_AUTH is refused on an app client with
    refresh-token rotation. Choice: NotAuthorizedException, the error InitiateAuth gives for
    an auth flow the app client doesn't allow."""
    if self._get_param("AuthFlow") in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        _, _, client = _pool_of_client(self._get_param("ClientId"))
        if _rotation(client)[0]:
            raise NotAuthorizedError(
                "REFRESH_TOKEN_AUTH is not allowed with refresh token rotation; "
                "use GetTokensFromRefreshToken."
            )
    return _initiate_auth(self)


def install():
    CognitoIdpResponse.revoke_token = revoke_token
    CognitoIdpResponse.resend_confirmation_code = resend_confirmation_code
    CognitoIdpResponse.get_tokens_from_refresh_token = get_tokens_from_refresh_token
    CognitoIdpResponse.initiate_auth = initiate_auth
