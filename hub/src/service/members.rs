//! The global member registry and API tokens.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Caller, Deleted, Hub, MemberList};
use crate::auth;
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{MemberPatch, NewMember};
use crate::validate::{self, limits};

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMember {
    /// Slug: lowercase letters, digits, '-' or '_' (e.g. "copywriter").
    pub name: String,
    /// agent or human.
    pub kind: MemberKind,
    /// Free text, e.g. "Owner, Tech Lead".
    pub role: Option<String>,
    /// Skills the member has, as {name, desc}.
    pub capabilities: Option<Vec<Capability>>,
    /// Whether the member may administer the hub (default false).
    pub admin: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    /// New role text.
    pub role: Option<String>,
    /// New capability list (replaces the old one).
    pub capabilities: Option<Vec<Capability>>,
    /// agent or human (admin only).
    pub kind: Option<MemberKind>,
    /// Grant or revoke admin (admin only).
    pub admin: Option<bool>,
}

/// Ready-to-paste ways to connect an agent as this member.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConnectConfig {
    /// Contents for `bridge.toml` (jc-bridge's config file).
    pub bridge_toml: String,
    /// Registers the bridge with Claude Code.
    pub claude_command: String,
    /// An `mcpServers` entry for clients that speak Streamable HTTP directly.
    pub mcp_servers: serde_json::Value,
}

/// A new member and its token. The token is shown only here.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CreatedMember {
    pub member: Member,
    pub token: String,
    pub config: ConnectConfig,
}

/// A freshly rotated token.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RotatedToken {
    pub member: String,
    pub token: String,
}

pub(crate) fn check_capabilities(caps: &[Capability]) -> HubResult<()> {
    if caps.len() > limits::CAPABILITIES {
        return Err(HubError::validation(
            "capabilities",
            format!(
                "too many capabilities ({}; the limit is {}); list the skills actually loaded",
                caps.len(),
                limits::CAPABILITIES
            ),
        ));
    }
    for c in caps {
        validate::text("capabilities.name", &c.name, limits::CAPABILITY_NAME, true)?;
        validate::text("capabilities.desc", &c.desc, limits::CAPABILITY_DESC, false)?;
    }
    Ok(())
}

impl Hub {
    /// Every registered member (any authenticated member may look).
    pub async fn list_members(&self, _caller: &Caller) -> HubResult<MemberList> {
        Ok(MemberList {
            members: self.store.list_members().await?,
        })
    }

    pub async fn create_member(
        &self,
        caller: &Caller,
        input: CreateMember,
    ) -> HubResult<CreatedMember> {
        Self::require_admin(caller, "creating a member")?;
        validate::slug("name", &input.name)?;
        let role = input.role.unwrap_or_default();
        validate::text("role", &role, limits::ROLE, false)?;
        let capabilities = input.capabilities.unwrap_or_default();
        check_capabilities(&capabilities)?;
        let new = NewMember {
            name: input.name,
            kind: input.kind,
            role,
            capabilities,
            admin: input.admin.unwrap_or(false),
        };
        let token = auth::generate_token();
        let member = self
            .store
            .create_member(caller.name(), &new, &auth::hash_token(&token))
            .await?;
        let config = self.connect_config(&token, None);
        Ok(CreatedMember {
            member,
            token,
            config,
        })
    }

    /// Snippets for connecting an agent with `token`, optionally to a default project.
    pub fn connect_config(&self, token: &str, project: Option<&str>) -> ConnectConfig {
        let url = self.info.public_url.trim_end_matches('/');
        let project_line = project
            .map(|p| format!("project = \"{p}\"\n"))
            .unwrap_or_default();
        let mut headers = serde_json::json!({"Authorization": format!("Bearer {token}")});
        if let Some(p) = project {
            headers["X-JC-Project"] = serde_json::json!(p);
        }
        ConnectConfig {
            bridge_toml: format!("hub_url = \"{url}\"\ntoken = \"{token}\"\n{project_line}"),
            claude_command: "claude mcp add justclone -- jc-bridge".to_string(),
            mcp_servers: serde_json::json!({
                "justclone": {"type": "http", "url": format!("{url}/mcp"), "headers": headers}
            }),
        }
    }

    pub async fn update_member(
        &self,
        caller: &Caller,
        name: &str,
        input: UpdateMember,
    ) -> HubResult<Member> {
        let own = caller.member.name == name;
        if !own || input.kind.is_some() || input.admin.is_some() {
            Self::require_admin(caller, "changing another member, its kind or admin flag")?;
        }
        if let Some(role) = &input.role {
            validate::text("role", role, limits::ROLE, false)?;
        }
        if let Some(caps) = &input.capabilities {
            check_capabilities(caps)?;
        }
        if input.role.is_none()
            && input.capabilities.is_none()
            && input.kind.is_none()
            && input.admin.is_none()
        {
            return Err(HubError::validation(
                "role",
                "nothing to update; pass role, capabilities, kind or admin",
            ));
        }
        let patch = MemberPatch {
            role: input.role,
            capabilities: input.capabilities,
            kind: input.kind,
            admin: input.admin,
        };
        let member = self
            .store
            .update_member(caller.name(), name, &patch)
            .await?;
        self.caches.clear();
        Ok(member)
    }

    pub async fn delete_member(&self, caller: &Caller, name: &str) -> HubResult<Deleted> {
        Self::require_admin(caller, "deleting a member")?;
        self.store.delete_member(caller.name(), name).await?;
        self.caches.clear();
        Ok(Deleted {
            deleted: format!("member '{name}'"),
        })
    }

    /// Revokes the member's tokens and issues a new one (admin, or the member itself).
    pub async fn rotate_token(&self, caller: &Caller, name: &str) -> HubResult<RotatedToken> {
        if caller.member.name != name {
            Self::require_admin(caller, "rotating another member's token")?;
        }
        let token = auth::generate_token();
        self.store
            .rotate_token(caller.name(), name, &auth::hash_token(&token))
            .await?;
        self.caches.clear();
        Ok(RotatedToken {
            member: name.to_string(),
            token,
        })
    }

    /// Makes sure the hub has an admin. When none exists, creates member `admin` and
    /// returns it with its new token (shown once). Safe when several hubs start at once.
    pub async fn ensure_admin(&self) -> HubResult<Option<(Member, String)>> {
        if self.store.first_admin().await?.is_some() {
            return Ok(None);
        }
        let new = NewMember {
            name: "admin".into(),
            kind: MemberKind::Human,
            role: "Hub administrator".into(),
            capabilities: vec![],
            admin: true,
        };
        let token = auth::generate_token();
        match self
            .store
            .create_member("system", &new, &auth::hash_token(&token))
            .await
        {
            Ok(member) => Ok(Some((member, token))),
            // Another hub won the race, or a non-admin member is called "admin".
            Err(HubError::Conflict(_)) => match self.store.first_admin().await? {
                Some(_) => Ok(None),
                None => Err(HubError::conflict(
                    "no admin exists and the name 'admin' is taken by a non-admin member; \
                     set JC_ADMIN_TOKEN or grant admin to a member in the database",
                )),
            },
            Err(e) => Err(e),
        }
    }

    /// The member `JC_ADMIN_TOKEN` acts as: the oldest admin.
    pub async fn first_admin(&self) -> HubResult<Member> {
        self.store
            .first_admin()
            .await?
            .ok_or_else(|| HubError::Unauthorized("the hub has no admin member yet".into()))
    }

    /// Issues an additional token for a member (dashboard sign-in links).
    pub async fn mint_token(&self, member_id: i64, label: &str) -> HubResult<(Member, String)> {
        let token = auth::generate_token();
        let hash = auth::hash_token(&token);
        self.store
            .add_token("system", member_id, &hash, label)
            .await?;
        let member = self
            .store
            .member_by_token_hash(&hash)
            .await?
            .ok_or_else(|| HubError::not_found("member no longer exists"))?;
        Ok((member, token))
    }

    /// Resolves a bearer token to its member.
    pub async fn authenticate(&self, token: &str) -> HubResult<Member> {
        let hash = auth::hash_token(token);
        if let Some(member) = self.caches.tokens.get(&hash) {
            return Ok(member);
        }
        let member = self.store.member_by_token_hash(&hash).await?;
        if let Some(m) = &member {
            self.caches.tokens.put(hash, m.clone());
        }
        member.ok_or_else(|| {
            HubError::Unauthorized(
                "unknown or revoked token; check the token in your bridge config or Authorization header"
                    .into(),
            )
        })
    }
}
