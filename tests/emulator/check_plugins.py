"""Drives the emulator's added operations through boto3, so every request and answer is
checked against botocore's service model for cognito-idp (boto3 validates what it sends and
parses what comes back by that model). Run by tests/api/emulator.rs against a running
emulator: check_plugins.py ENDPOINT. Exits non-zero, naming the check, when one fails."""

import sys
import time

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


def main(endpoint):
    idp = client(endpoint)
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
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1])
