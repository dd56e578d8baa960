use async_trait::async_trait;
use serde_json::json;
use sqlx::types::Json;

use super::{Backend, MessageRow, event, is_member, logged, message_cols};
use crate::error::{HubError, HubResult};
use crate::model::*;
use crate::store::{MessageStore, ProjectRef};

/// PostgreSQL: the message, only to a project member, and its event in one statement.
const POST_PG: &str = logged!(
    concat!(
        "insert into messages (project_id, sender, recipient, content, created_at)
         select $1, $2, $3, $4, $5
         where exists (select 1 from project_members pm join members m on m.id = pm.member_id
                       where pm.project_id = $1 and m.name = $3)
         returning ",
        message_cols!()
    ),
    "$1, $2, 'message', w.id::text, 'posted', $6, $5"
);

#[async_trait]
impl MessageStore for Backend {
    async fn post_message(
        &self,
        sender: &str,
        project: &ProjectRef,
        recipient: &str,
        content: &str,
    ) -> HubResult<Message> {
        let now = Timestamp::now().0;
        let not_member = || {
            HubError::validation(
                "recipient",
                format!(
                    "'{recipient}' is not a member of project '{}'; pick one from jc_list_members",
                    project.name
                ),
            )
        };
        let detail = json!({"recipient": recipient, "chars": content.chars().count()});
        if Backend::BACKEND == "postgres" {
            let row: Option<MessageRow> = sqlx::query_as(POST_PG)
                .bind(project.id)
                .bind(sender)
                .bind(recipient)
                .bind(content)
                .bind(now)
                .bind(Json(detail))
                .fetch_optional(&self.writer)
                .await?;
            return row.map(Message::from).ok_or_else(not_member);
        }
        let mut tx = self.begin_write().await?;
        if !is_member(&mut *tx, project.id, recipient).await? {
            return Err(not_member());
        }
        let row: MessageRow = sqlx::query_as(concat!(
            "insert into messages (project_id, sender, recipient, content, created_at)
             values ($1, $2, $3, $4, $5) returning ",
            message_cols!()
        ))
        .bind(project.id)
        .bind(sender)
        .bind(recipient)
        .bind(content)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let key = row.id.to_string();
        event(
            &mut tx,
            Some(project.id),
            sender,
            "message",
            &key,
            "posted",
            detail,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    async fn take_messages(
        &self,
        recipient: &str,
        project_id: i64,
        unread_only: bool,
        limit: i64,
    ) -> HubResult<(Vec<Message>, i64)> {
        let now = Timestamp::now().0;
        let mut tx = self.begin_write().await?;
        let mut rows: Vec<MessageRow> = if unread_only {
            // The outer `read_at is null` is rechecked on PostgreSQL after waiting for a
            // concurrent reader's lock, so two readers never both receive a message.
            sqlx::query_as(concat!(
                "update messages set read_at = $4
                 where id in (select id from messages
                              where project_id = $1 and recipient = $2 and read_at is null
                              order by id limit $3)
                   and read_at is null
                 returning ",
                message_cols!()
            ))
            .bind(project_id)
            .bind(recipient)
            .bind(limit)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?
        } else {
            // The latest `limit` messages, read or not; the unread among them get marked.
            let rows: Vec<MessageRow> = sqlx::query_as(concat!(
                "select ",
                message_cols!(),
                " from messages where project_id = $1 and recipient = $2
                  order by id desc limit $3"
            ))
            .bind(project_id)
            .bind(recipient)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            if let Some(oldest) = rows.last().map(|r| r.id) {
                sqlx::query(
                    "update messages set read_at = $4
                     where project_id = $1 and recipient = $2 and read_at is null and id >= $3",
                )
                .bind(project_id)
                .bind(recipient)
                .bind(oldest)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            rows
        };
        rows.sort_by_key(|r| r.id);
        // Rows read before the update show the state they had; mark the ones just read.
        for r in rows.iter_mut().filter(|r| r.read_at.is_none()) {
            r.read_at = Some(now);
        }
        let remaining: i64 = sqlx::query_scalar(
            "select count(*) from messages
             where project_id = $1 and recipient = $2 and read_at is null",
        )
        .bind(project_id)
        .bind(recipient)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((rows.into_iter().map(Message::from).collect(), remaining))
    }

    async fn peek_unread(
        &self,
        recipient: &str,
        project_id: i64,
        limit: i64,
    ) -> HubResult<(Vec<Message>, i64)> {
        // The total rides on every row (computed once); no rows means none are unread.
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            message: MessageRow,
            total: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "select ",
            message_cols!(),
            ", (select count(*) from messages
                where project_id = $1 and recipient = $2 and read_at is null) as total
              from messages where project_id = $1 and recipient = $2 and read_at is null
              order by id limit $3"
        ))
        .bind(project_id)
        .bind(recipient)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let total = rows.first().map_or(0, |r| r.total);
        let rows = rows.into_iter().map(|r| r.message);
        Ok((rows.map(Message::from).collect(), total))
    }

    async fn list_messages(
        &self,
        project_id: i64,
        limit: i64,
        before: Option<i64>,
    ) -> HubResult<Vec<Message>> {
        let rows: Vec<MessageRow> = sqlx::query_as(concat!(
            "select ",
            message_cols!(),
            " from messages where project_id = $1 and ($2 is null or id < $2)
              order by id desc limit $3"
        ))
        .bind(project_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Message::from).collect())
    }
}
