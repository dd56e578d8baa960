use async_trait::async_trait;
use serde_json::json;
use sqlx::types::Json;

use super::{Backend, MemberRow, event, member_cols, member_ret, members};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{MemberPatch, MemberStore, NewMember, on_unique};

#[async_trait]
impl MemberStore for Backend {
    async fn member_by_token_hash(&self, hash: &str) -> HubResult<Option<Member>> {
        let row: Option<MemberRow> = sqlx::query_as(concat!(
            "select ",
            member_cols!(),
            " from api_tokens t join members m on m.id = t.member_id
              where t.token_hash = $1 and t.revoked_at is null"
        ))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(MemberRow::into_model).transpose()
    }

    async fn member_by_name(&self, name: &str) -> HubResult<Option<Member>> {
        let row: Option<MemberRow> = sqlx::query_as(concat!(
            "select ",
            member_cols!(),
            " from members m where m.name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        row.map(MemberRow::into_model).transpose()
    }

    async fn list_members(&self) -> HubResult<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(concat!(
            "select ",
            member_cols!(),
            " from members m order by m.name"
        ))
        .fetch_all(&self.pool)
        .await?;
        members(rows)
    }

    async fn first_admin(&self) -> HubResult<Option<Member>> {
        let row: Option<MemberRow> = sqlx::query_as(concat!(
            "select ",
            member_cols!(),
            " from members m where m.admin order by m.id limit 1"
        ))
        .fetch_optional(&self.pool)
        .await?;
        row.map(MemberRow::into_model).transpose()
    }

    async fn create_member(
        &self,
        actor: &str,
        new: &NewMember,
        token_hash: &str,
    ) -> HubResult<Member> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: MemberRow = sqlx::query_as(concat!(
            "insert into members (name, kind, role, capabilities, admin, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6) returning ",
            member_ret!()
        ))
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(&new.role)
        .bind(Json(&new.capabilities))
        .bind(new.admin)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_unique(e, || format!("member '{}' already exists", new.name)))?;
        sqlx::query(
            "insert into api_tokens (member_id, token_hash, label, created_at)
             values ($1, $2, 'initial', $3)",
        )
        .bind(row.id)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let detail = json!({"kind": new.kind, "admin": new.admin, "role": new.role});
        event(
            &mut tx, None, actor, "member", &new.name, "created", detail, now,
        )
        .await?;
        tx.commit().await?;
        row.into_model()
    }

    async fn update_member(
        &self,
        actor: &str,
        name: &str,
        patch: &MemberPatch,
    ) -> HubResult<Member> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: Option<MemberRow> = sqlx::query_as(concat!(
            "update members set
                role = coalesce($2, role),
                capabilities = coalesce($3, capabilities),
                kind = coalesce($4, kind),
                admin = coalesce($5, admin),
                updated_at = $6
             where name = $1 returning ",
            member_ret!()
        ))
        .bind(name)
        .bind(patch.role.as_deref())
        .bind(patch.capabilities.as_ref().map(Json))
        .bind(patch.kind.map(MemberKind::as_str))
        .bind(patch.admin)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let row = row.ok_or_else(|| no_member(name))?;
        if patch.admin == Some(false) {
            ensure_an_admin_remains(&mut tx).await?;
        }
        let detail = json!({
            "role": patch.role, "kind": patch.kind, "admin": patch.admin,
            "capabilities": patch.capabilities.as_ref().map(|c| c.len()),
        });
        event(&mut tx, None, actor, "member", name, "updated", detail, now).await?;
        tx.commit().await?;
        row.into_model()
    }

    async fn delete_member(&self, actor: &str, name: &str) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("delete from members where name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(no_member(name));
        }
        ensure_an_admin_remains(&mut tx).await?;
        sqlx::query("update tasks set assignee = null where assignee = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        event(
            &mut tx,
            None,
            actor,
            "member",
            name,
            "deleted",
            json!({}),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_token(
        &self,
        actor: &str,
        member_id: i64,
        token_hash: &str,
        label: &str,
    ) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let name: Option<String> = sqlx::query_scalar(
            "insert into api_tokens (member_id, token_hash, label, created_at)
             select id, $2, $3, $4 from members where id = $1
             returning (select name from members where id = $1)",
        )
        .bind(member_id)
        .bind(token_hash)
        .bind(label)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let name = name.ok_or_else(|| HubError::not_found("member no longer exists"))?;
        let detail = json!({"label": label});
        event(
            &mut tx,
            None,
            actor,
            "member",
            &name,
            "token_added",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rotate_token(&self, actor: &str, name: &str, token_hash: &str) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let id: Option<i64> = sqlx::query_scalar("select id from members where name = $1")
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        let id = id.ok_or_else(|| no_member(name))?;
        sqlx::query(
            "update api_tokens set revoked_at = $2 where member_id = $1 and revoked_at is null",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into api_tokens (member_id, token_hash, label, created_at)
             values ($1, $2, 'rotated', $3)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        event(
            &mut tx,
            None,
            actor,
            "member",
            name,
            "token_rotated",
            json!({}),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn no_member(name: &str) -> HubError {
    HubError::not_found(format!(
        "no member '{name}'; list members with GET /api/members"
    ))
}

/// Refuses a change that would leave the hub without any admin.
async fn ensure_an_admin_remains(tx: &mut super::Tx) -> HubResult<()> {
    let admins: i64 = sqlx::query_scalar("select count(*) from members where admin")
        .fetch_one(&mut **tx)
        .await?;
    if admins == 0 {
        return Err(HubError::conflict(
            "this would leave the hub without an admin; make another member admin first",
        ));
    }
    Ok(())
}
