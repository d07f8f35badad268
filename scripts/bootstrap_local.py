"""Creates a user pool, an app client, an admin group and an admin user on a local Cognito
emulator, and prints the settings to run cognito-bff against it as shell exports.

Usage: bootstrap_local.py ENDPOINT ADMIN_USERNAME ADMIN_PASSWORD
"""

import sys

import boto3


def main() -> None:
    endpoint, admin_username, admin_password = sys.argv[1:4]
    idp = boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    pool = idp.create_user_pool(
        PoolName="cognito-bff-local",
        AutoVerifiedAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            },
            # With COGNITO_AUTH_FLOW=USER_AUTH (scripts/dev.sh sets it) users sign in with the
            # password, an emailed code or a passkey they registered (POST /me/passkeys).
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]},
        },
    )["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="cognito-bff",
        GenerateSecret=True,
        # Any COGNITO_AUTH_FLOW works against this client.
        ExplicitAuthFlows=[
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
        # As the Cognito console sets it: password resets don't reveal who has an account.
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    # Users may add an authenticator app (POST /mfa/totp/setup) or mailed codes
    # (POST /mfa/email); nobody has to. Passkeys' relying party is localhost: pages at
    # http://localhost:PORT may register them. The emulator sends no mail: codes are read
    # at ENDPOINT/emulator/codes?username=NAME.
    idp.set_user_pool_mfa_config(
        UserPoolId=pool["Id"],
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={"Message": "Your code is {####}", "Subject": "Your code"},
        MfaConfiguration="OPTIONAL",
        WebAuthnConfiguration={"RelyingPartyId": "localhost"},
    )
    idp.create_group(GroupName="admin", UserPoolId=pool["Id"])
    idp.admin_create_user(
        UserPoolId=pool["Id"],
        Username=admin_username,
        UserAttributes=[
            {"Name": "email", "Value": f"{admin_username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool["Id"], Username=admin_username, Password=admin_password, Permanent=True
    )
    idp.admin_add_user_to_group(UserPoolId=pool["Id"], Username=admin_username, GroupName="admin")
    print(f"export COGNITO_USER_POOL_ID={pool['Id']}")
    print(f"export COGNITO_CLIENT_ID={client['ClientId']}")
    print(f"export COGNITO_CLIENT_SECRET={client['ClientSecret']}")


if __name__ == "__main__":
    main()
