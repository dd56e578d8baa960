//! The task board, plans and results.

use rmcp::{tool, tool_router};

use crate::mcp::JcServer;
use crate::mcp::args::Parameters;
use crate::mcp::reply::Json;
use crate::model::{DocKind, Task};
use crate::service::*;

#[tool_router(router = task_tools, vis = "pub(crate)")]
impl JcServer {
    /// Create a task (default status backlog, priority medium); returns it with its ref, e.g. KB-12.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = false
    ))]
    async fn jc_add_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<AddTask>,
    ) -> Json<Task> {
        Json(self.hub.add_task(&caller, args).await)
    }

    /// Change a task's status (e.g. to in_progress before you start, blocked with a note).
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_move_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<MoveTask>,
    ) -> Json<Task> {
        Json(self.hub.move_task(&caller, args).await)
    }

    /// Mark a task done with a summary of the outcome.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_complete_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<CompleteTask>,
    ) -> Json<Task> {
        Json(self.hub.complete_task(&caller, args).await)
    }

    /// List tasks, newest activity first; filter by status or assignee; paged with cursor.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_list_tasks(
        &self,
        caller: Caller,
        Parameters(args): Parameters<ListTasks>,
    ) -> Json<TaskList> {
        Json(self.hub.list_tasks(&caller, args).await)
    }

    /// One task in full, with its plan and result.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_get_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<TaskRefArgs>,
    ) -> Json<TaskDetail> {
        Json(self.hub.get_task(&caller, args).await)
    }

    /// Edit a task's title, description or priority.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_update_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<UpdateTask>,
    ) -> Json<Task> {
        Json(self.hub.update_task(&caller, args).await)
    }

    /// Delete a task with its plan and result.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = true,
        idempotent_hint = true
    ))]
    async fn jc_delete_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<TaskRefArgs>,
    ) -> Json<Deleted> {
        Json(self.hub.delete_task(&caller, args).await)
    }

    /// Assign a task to a project member, or unassign with assignee null.
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_assign_task(
        &self,
        caller: Caller,
        Parameters(args): Parameters<AssignTask>,
    ) -> Json<Task> {
        Json(self.hub.assign_task(&caller, args).await)
    }

    /// Tasks assigned to you, in one project or across all your projects.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_my_tasks(
        &self,
        caller: Caller,
        Parameters(args): Parameters<MyTasks>,
    ) -> Json<AssignedTasks> {
        Json(self.hub.my_tasks(&caller, args).await)
    }

    /// Store a task's implementation plan (replaces the previous one).
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_save_plan(
        &self,
        caller: Caller,
        Parameters(args): Parameters<SavePlan>,
    ) -> Json<TaskDocView> {
        Json(self.hub.save_plan(&caller, args).await)
    }

    /// Read a task's plan.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_get_plan(
        &self,
        caller: Caller,
        Parameters(args): Parameters<TaskRefArgs>,
    ) -> Json<TaskDocView> {
        Json(self.hub.get_doc(&caller, args, DocKind::Plan).await)
    }

    /// Store a task's result: outputs, links, findings (replaces the previous one).
    #[tool(annotations(
        read_only_hint = false,
        destructive_hint = false,
        idempotent_hint = true
    ))]
    async fn jc_save_result(
        &self,
        caller: Caller,
        Parameters(args): Parameters<SaveResult>,
    ) -> Json<TaskDocView> {
        Json(self.hub.save_result(&caller, args).await)
    }

    /// Read a task's result.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true))]
    async fn jc_get_result(
        &self,
        caller: Caller,
        Parameters(args): Parameters<TaskRefArgs>,
    ) -> Json<TaskDocView> {
        Json(self.hub.get_doc(&caller, args, DocKind::Result).await)
    }
}
