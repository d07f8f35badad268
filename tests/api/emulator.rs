//! The emulator's added operations, driven through boto3 so every request and answer is held
//! to botocore's service model for cognito-idp (`tests/emulator/check_plugins.py`).

use crate::support::moto::{Moto, python};

#[test]
fn the_emulators_added_operations_speak_as_botocores_model_says() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/emulator/check_plugins.py"
    );
    let out = std::process::Command::new(python())
        .arg(script)
        .arg(&Moto::shared().endpoint)
        .output()
        .expect("run the check");
    assert!(
        out.status.success() && out.stdout.starts_with(b"ok"),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
