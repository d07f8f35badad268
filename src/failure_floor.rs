//! The failure floor: the least time a refused sign-in, a password reset or a refused current
//! password takes (LOGIN_FAILURE_FLOOR_MS), so how soon an answer comes can't tell whether the
//! account exists. Cognito finds a missing account faster than it checks a password or sends
//! a code.

use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct FailureFloor(Duration);

impl FailureFloor {
    pub fn new(floor: Duration) -> Self {
        FailureFloor(floor)
    }

    /// Holds an answer back until the floor has passed since `started`.
    pub async fn wait_out(&self, started: Instant) {
        tokio::time::sleep_until(started + self.0).await;
    }
}
