//! One-time sign-in links for the dashboard. `jc-hub serve` prints
//! `http://…/#signin=<code>`; the code sits in the URL fragment, which browsers never send
//! to the server, and the page exchanges it once at `POST /api/signin` for a fresh member
//! token kept in the browser. Codes live in this hub's memory for 15 minutes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::AppState;
use super::extract::ApiJson;
use crate::auth;
use crate::error::{HubError, HubResult};
use crate::model::Member;

const LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Outstanding codes: hash → (member id, expiry).
#[derive(Default)]
pub struct SignInCodes(Mutex<HashMap<String, (i64, Instant)>>);

impl SignInCodes {
    /// A new single-use code that signs in as `member_id`.
    pub fn issue(&self, member_id: i64) -> String {
        let code = auth::generate_token().replacen("jc_", "jcs_", 1);
        let mut codes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        codes.retain(|_, (_, expiry)| *expiry > now);
        codes.insert(auth::hash_token(&code), (member_id, now + LIFETIME));
        code
    }

    /// Consumes a code, returning its member id if it was valid.
    fn redeem(&self, code: &str) -> Option<i64> {
        let mut codes = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (member_id, expiry) = codes.remove(&auth::hash_token(code))?;
        (expiry > Instant::now()).then_some(member_id)
    }
}

/// Body of `POST /api/signin`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The code from the `#signin=` fragment of the link `jc-hub serve` printed.
    code: String,
}

/// A new token for the signed-in member.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SignedIn {
    token: String,
    member: Member,
}

/// `POST /api/signin {code}` → a new token for the code's member.
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignInRequest>,
) -> HubResult<Json<SignedIn>> {
    let member_id = state.signin.redeem(&req.code).ok_or_else(|| {
        HubError::Unauthorized(
            "sign-in link is invalid, used or expired; restart jc-hub serve for a new one, or paste a token"
                .into(),
        )
    })?;
    let (member, token) = state.hub.mint_token(member_id, "dashboard sign-in").await?;
    Ok(Json(SignedIn { token, member }))
}
