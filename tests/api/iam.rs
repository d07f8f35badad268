//! The least-privilege IAM policy (`deploy/iam-policy.json`) and the code agree: every
//! IAM-authorized Cognito operation the service calls is in it, and it holds nothing more.

use std::collections::BTreeSet;
use std::path::Path;

/// Operations Cognito authorizes without IAM: public client APIs, and those authorized by
/// the user's own access token or a challenge's session.
const NOT_IAM_AUTHORIZED: &[&str] = &[
    "AssociateSoftwareToken",
    "ChangePassword",
    "CompleteWebAuthnRegistration",
    "ConfirmDevice",
    "ConfirmForgotPassword",
    "ConfirmSignUp",
    "DeleteWebAuthnCredential",
    "ForgetDevice",
    "ForgotPassword",
    "GetTokensFromRefreshToken",
    "GetUser",
    "GetUserAuthFactors",
    "GlobalSignOut",
    "InitiateAuth",
    "ListDevices",
    "ListWebAuthnCredentials",
    "ResendConfirmationCode",
    "RespondToAuthChallenge",
    "RevokeToken",
    "SetUserMFAPreference",
    "SignUp",
    "StartWebAuthnRegistration",
    "UpdateDeviceStatus",
    "UpdateUserAttributes",
    "VerifySoftwareToken",
];

/// `admin_get_user` → `AdminGetUser`, as the SDK names its operations; `mfa` is upper-case
/// in Cognito's names.
fn operation_name(method: &str) -> String {
    method
        .split('_')
        .map(|word| match word {
            "mfa" => "MFA".to_owned(),
            _ => {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            }
        })
        .collect()
}

/// Every SDK operation the service calls: `<client>.<operation>()` in `src/cognito/`.
fn operations_called() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cognito");
    let mut called = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (at, _) in text.match_indices(".client") {
            let rest = text[at + ".client".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('.') else {
                continue;
            };
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if rest.trim_start()[name.len()..].starts_with("()") && !name.is_empty() {
                called.insert(operation_name(&name));
            }
        }
    }
    called
}

fn policy_actions() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/iam-policy.json");
    let policy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|statement| statement["Action"].as_array().unwrap().iter())
        .map(|action| {
            action
                .as_str()
                .unwrap()
                .strip_prefix("cognito-idp:")
                .expect("only cognito-idp actions")
                .to_owned()
        })
        .collect()
}

#[test]
fn the_iam_policy_names_exactly_the_iam_authorized_operations_the_code_calls() {
    let called = operations_called();
    assert!(
        called.contains("InitiateAuth") && called.contains("AdminGetUser"),
        "{called:?}"
    );
    let needs_iam: BTreeSet<String> = called
        .iter()
        .filter(|op| !NOT_IAM_AUTHORIZED.contains(&op.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        needs_iam,
        policy_actions(),
        "deploy/iam-policy.json and the operations in src/cognito/ disagree"
    );
    // A name on the list above that the code no longer calls is dead weight.
    for op in NOT_IAM_AUTHORIZED {
        assert!(called.contains(*op), "{op} is listed but not called");
    }
}

#[test]
fn sdk_method_names_become_operation_names() {
    assert_eq!(
        operation_name("admin_user_global_sign_out"),
        "AdminUserGlobalSignOut"
    );
    assert_eq!(
        operation_name("set_user_mfa_preference"),
        "SetUserMFAPreference"
    );
}
