use async_trait::async_trait;
use serde_json::json;

use super::{Backend, MemberRow, event, is_member, member_cols, members};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{NewProject, ProjectRef, ProjectStore, ProjectSummary, on_unique};

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    name: String,
    key: String,
    description: String,
    created_by: String,
    created_at: i64,
}

impl From<ProjectRow> for Project {
    fn from(r: ProjectRow) -> Self {
        Project {
            id: r.id,
            name: r.name,
            key: r.key,
            description: r.description,
            created_by: r.created_by,
            created_at: Timestamp(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    project: ProjectRow,
    task_count: i64,
    member_count: i64,
}

#[async_trait]
impl ProjectStore for Backend {
    async fn project_for(&self, name: &str, member_id: i64) -> HubResult<Option<ProjectRef>> {
        let row: Option<(i64, String, String, String, bool)> = sqlx::query_as(
            "select p.id, p.name, p.key, p.description,
                    exists(select 1 from project_members pm
                           where pm.project_id = p.id and pm.member_id = $2)
             from projects p where p.name = $1",
        )
        .bind(name)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(id, name, key, description, is_member)| ProjectRef {
                id,
                name,
                key,
                description,
                is_member,
            }),
        )
    }

    async fn member_project_names(&self, member_id: i64) -> HubResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "select p.name from projects p join project_members pm on pm.project_id = p.id
             where pm.member_id = $1 order by p.name",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn list_projects(&self, member_id: i64, all: bool) -> HubResult<Vec<ProjectSummary>> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "select p.id, p.name, p.key, p.description, p.created_by, p.created_at,
                    (select count(*) from tasks t where t.project_id = p.id) as task_count,
                    (select count(*) from project_members pm where pm.project_id = p.id)
                        as member_count
             from projects p
             where $2 or exists(select 1 from project_members pm
                                where pm.project_id = p.id and pm.member_id = $1)
             order by p.name",
        )
        .bind(member_id)
        .bind(all)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ProjectSummary {
                project: r.project.into(),
                task_count: r.task_count,
                member_count: r.member_count,
            })
            .collect())
    }

    async fn create_project(&self, creator: &Member, new: &NewProject) -> HubResult<Project> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: ProjectRow = sqlx::query_as(
            "insert into projects (name, key, description, created_by, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5)
             returning id, name, key, description, created_by, created_at",
        )
        .bind(&new.name)
        .bind(&new.key)
        .bind(&new.description)
        .bind(&creator.name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            let on_name = e.to_string().contains("name");
            on_unique(e, || {
                if on_name {
                    format!("project '{}' already exists; pick another name", new.name)
                } else {
                    format!(
                        "task key '{}' is used by another project; pass a different key",
                        new.key
                    )
                }
            })
        })?;
        sqlx::query(
            "insert into project_members (project_id, member_id, added_by, added_at)
             values ($1, $2, $3, $4)",
        )
        .bind(row.id)
        .bind(creator.id)
        .bind(&creator.name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let detail = json!({"key": new.key, "description": new.description});
        event(
            &mut tx,
            Some(row.id),
            &creator.name,
            "project",
            &new.name,
            "created",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn delete_project(&self, actor: &str, project: &ProjectRef) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let deleted = sqlx::query("delete from projects where id = $1")
            .bind(project.id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(HubError::not_found(format!(
                "no project '{}'",
                project.name
            )));
        }
        // Recorded without a project id so the audit row outlives the project.
        let detail = json!({"key": project.key});
        event(
            &mut tx,
            None,
            actor,
            "project",
            &project.name,
            "deleted",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn project_members(&self, project_id: i64) -> HubResult<Vec<Member>> {
        let rows: Vec<MemberRow> = sqlx::query_as(concat!(
            "select ",
            member_cols!(),
            " from members m join project_members pm on pm.member_id = m.id
              where pm.project_id = $1 order by m.name"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        members(rows)
    }

    async fn add_project_member(
        &self,
        actor: &str,
        project: &ProjectRef,
        member: &str,
    ) -> HubResult<Member> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let row: Option<MemberRow> = sqlx::query_as(concat!(
            "select ",
            member_cols!(),
            " from members m where m.name = $1"
        ))
        .bind(member)
        .fetch_optional(&mut *tx)
        .await?;
        let row = row.ok_or_else(|| {
            HubError::not_found(format!(
                "no member '{member}'; create it first with POST /api/members"
            ))
        })?;
        let added = sqlx::query(
            "insert into project_members (project_id, member_id, added_by, added_at)
             values ($1, $2, $3, $4) on conflict do nothing",
        )
        .bind(project.id)
        .bind(row.id)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() > 0 {
            let detail = json!({"member": member});
            event(
                &mut tx,
                Some(project.id),
                actor,
                "membership",
                member,
                "added",
                detail,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        row.into_model()
    }

    async fn remove_project_member(
        &self,
        actor: &str,
        project: &ProjectRef,
        member: &str,
    ) -> HubResult<()> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        if !is_member(&mut *tx, project.id, member).await? {
            return Err(HubError::not_found(format!(
                "'{member}' is not a member of project '{}'",
                project.name
            )));
        }
        sqlx::query(
            "delete from project_members
             where project_id = $1 and member_id = (select id from members where name = $2)",
        )
        .bind(project.id)
        .bind(member)
        .execute(&mut *tx)
        .await?;
        sqlx::query("update tasks set assignee = null where project_id = $1 and assignee = $2")
            .bind(project.id)
            .bind(member)
            .execute(&mut *tx)
            .await?;
        let detail = json!({"member": member});
        event(
            &mut tx,
            Some(project.id),
            actor,
            "membership",
            member,
            "removed",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
