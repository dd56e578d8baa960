//! Compact text renderings of tool results: what a model reads. One line per item, no
//! repeated field names, long values clipped; the full data is in `structuredContent`.

use std::fmt::Write;

use crate::model::*;
use crate::service::*;
use crate::store::ProjectSummary;
use crate::validate::clip;

/// A short human/model-readable rendering.
pub trait Render {
    fn render(&self) -> String;
}

const LINE: usize = 160;

fn task_line(
    out: &mut String,
    ref_: &str,
    title: &str,
    status: TaskStatus,
    priority: Priority,
    assignee: Option<&str>,
) {
    let _ = write!(out, "{ref_} [{status}");
    if priority != Priority::Medium {
        let _ = write!(out, ", {priority}");
    }
    let _ = write!(out, "] {}", clip(title, 100));
    if let Some(a) = assignee {
        let _ = write!(out, " @{a}");
    }
    out.push('\n');
}

fn more(out: &mut String, shown: usize, total: i64, hint: &str) {
    let rest = total - shown as i64;
    if rest > 0 {
        let _ = writeln!(out, "+{rest} more ({hint})");
    }
}

fn date(t: Timestamp) -> String {
    // 2026-11-24T12:00:00.000Z → 2026-11-24 12:00
    let s = t.rfc3339();
    format!("{} {}", &s[..10], &s[11..16])
}

fn scope_icon(scope: Scope) -> &'static str {
    match scope {
        Scope::Global => "🌐",
        Scope::Project => "📁",
    }
}

impl Render for Task {
    fn render(&self) -> String {
        let mut out = String::new();
        task_line(
            &mut out,
            &self.task_ref,
            &self.title,
            self.status,
            self.priority,
            self.assignee.as_deref(),
        );
        if !self.description.is_empty() {
            let _ = writeln!(out, "{}", clip(&self.description, 2000));
        }
        if let Some(s) = &self.summary {
            let _ = writeln!(out, "summary: {}", clip(s, 2000));
        }
        let _ = write!(
            out,
            "by {} · updated {} by {}",
            self.created_by,
            date(self.updated_at),
            self.updated_by
        );
        out
    }
}

impl Render for TaskList {
    fn render(&self) -> String {
        if self.tasks.is_empty() {
            return "no tasks match".into();
        }
        let mut out = String::new();
        for t in &self.tasks {
            task_line(
                &mut out,
                &t.task_ref,
                &t.title,
                t.status,
                t.priority,
                t.assignee.as_deref(),
            );
        }
        if let Some(c) = &self.next_cursor {
            let rest = self.total - self.tasks.len() as i64;
            let _ = writeln!(out, "+{rest} more (cursor: {c})");
        }
        out.trim_end().to_string()
    }
}

impl Render for TaskDetail {
    fn render(&self) -> String {
        let mut out = self.task.render();
        for (name, doc) in [("plan", &self.plan), ("result", &self.result)] {
            match doc {
                Some(d) => {
                    let _ = write!(
                        out,
                        "\n\n## {name} (by {})\n{}",
                        d.updated_by,
                        clip(&d.content, 8000)
                    );
                }
                None => {
                    let _ = write!(out, "\n\n## {name}: none");
                }
            }
        }
        out
    }
}

impl Render for TaskDocView {
    fn render(&self) -> String {
        match &self.doc {
            Some(d) => format!(
                "{} {} (by {}, {}):\n{}",
                self.task_ref,
                self.kind,
                d.updated_by,
                date(d.updated_at),
                clip(&d.content, 20_000)
            ),
            None => format!("{} has no {} yet", self.task_ref, self.kind),
        }
    }
}

impl Render for AssignedTasks {
    fn render(&self) -> String {
        if self.tasks.is_empty() {
            return "no tasks assigned to you".into();
        }
        let mut out = String::new();
        for t in &self.tasks {
            let _ = write!(out, "{}: ", t.project);
            task_line(
                &mut out,
                &t.task.task_ref,
                &t.task.title,
                t.task.status,
                t.task.priority,
                None,
            );
        }
        more(
            &mut out,
            self.tasks.len(),
            self.total,
            "filter by project or status",
        );
        out.trim_end().to_string()
    }
}

impl Render for Deleted {
    fn render(&self) -> String {
        format!("deleted {}", self.deleted)
    }
}

impl Render for ContextEntry {
    fn render(&self) -> String {
        format!(
            "{} = {} (by {}, {})",
            self.key,
            clip(&self.value.to_string(), 4000),
            self.updated_by,
            date(self.updated_at)
        )
    }
}

impl Render for ContextList {
    fn render(&self) -> String {
        if self.entries.is_empty() {
            return "no context entries yet; add one with jc_set_context".into();
        }
        self.entries
            .iter()
            .map(Render::render)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Render for Session {
    fn render(&self) -> String {
        let mut out = format!(
            "session #{} {} started {}",
            self.id,
            self.agent,
            date(self.started_at)
        );
        if let Some(end) = self.ended_at {
            let _ = write!(out, ", ended {}", date(end));
        }
        if let Some(s) = &self.summary {
            let _ = write!(out, ": {}", clip(s, 300));
        }
        out
    }
}

impl Render for SessionList {
    fn render(&self) -> String {
        if self.sessions.is_empty() {
            return "no sessions yet".into();
        }
        self.sessions
            .iter()
            .map(Render::render)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Render for Message {
    fn render(&self) -> String {
        format!(
            "#{} {} → {} ({}): {}",
            self.id,
            self.sender,
            self.recipient,
            date(self.created_at),
            self.content
        )
    }
}

impl Render for Inbox {
    fn render(&self) -> String {
        let mut out = String::new();
        if self.messages.is_empty() {
            out.push_str("no messages");
        }
        for m in &self.messages {
            let _ = writeln!(
                out,
                "#{} from {} ({}): {}",
                m.id,
                m.sender,
                date(m.created_at),
                m.content
            );
        }
        if self.unread_remaining > 0 {
            let _ = write!(
                out,
                "\n+{} unread left; call jc_get_messages again",
                self.unread_remaining
            );
        }
        out.trim_end().to_string()
    }
}

fn memory_line(out: &mut String, scope: Scope, category: Category, key: &str, value: &str) {
    let _ = writeln!(
        out,
        "{category}: {} {key} — {}",
        scope_icon(scope),
        clip(value, LINE)
    );
}

impl Render for Memory {
    fn render(&self) -> String {
        format!(
            "{}: {} {} — {}\n{} tier · used {}× · by {}",
            self.category,
            scope_icon(self.scope),
            self.key,
            self.value,
            self.tier,
            self.usage_count,
            self.updated_by
        )
    }
}

impl Render for MemoryList {
    fn render(&self) -> String {
        if self.memories.is_empty() {
            return "no memories match".into();
        }
        let mut out = String::new();
        for m in &self.memories {
            memory_line(&mut out, m.scope, m.category, &m.key, &m.value);
        }
        if self.capped {
            let _ = writeln!(
                out,
                "+{}+ more (more than {} match, ranked among {} of them; narrow the query)",
                self.total - self.memories.len() as i64,
                self.total,
                self.total
            );
        } else {
            more(
                &mut out,
                self.memories.len(),
                self.total,
                "raise limit or narrow the query",
            );
        }
        out.trim_end().to_string()
    }
}

impl Render for ProjectList {
    fn render(&self) -> String {
        if self.projects.is_empty() {
            return "you belong to no project yet; ask an admin to add you".into();
        }
        let mut out = String::new();
        for ProjectSummary {
            project,
            task_count,
            member_count,
        } in &self.projects
        {
            let _ = write!(
                out,
                "{} ({}) · {task_count} tasks · {member_count} members",
                project.name, project.key
            );
            if !project.description.is_empty() {
                let _ = write!(out, " · {}", clip(&project.description, 100));
            }
            out.push('\n');
        }
        out.trim_end().to_string()
    }
}

fn kind_icon(kind: MemberKind) -> &'static str {
    match kind {
        MemberKind::Agent => "🤖",
        MemberKind::Human => "👤",
    }
}

impl Render for MemberList {
    fn render(&self) -> String {
        let mut out = String::new();
        for m in &self.members {
            let _ = write!(out, "{} {}", kind_icon(m.kind), m.name);
            if !m.role.is_empty() {
                let _ = write!(out, " ({})", clip(&m.role, 80));
            }
            out.push('\n');
            for c in &m.capabilities {
                let _ = writeln!(out, "  - {}: {}", c.name, clip(&c.desc, 120));
            }
        }
        out.trim_end().to_string()
    }
}

/// The "Active tasks" section of briefings and snapshots, capped with "+N more".
fn active_tasks(out: &mut String, tasks: &[BriefTask], total: i64) {
    let _ = writeln!(out, "\nActive tasks ({total}):");
    if tasks.is_empty() {
        out.push_str("none; see the backlog with jc_list_tasks\n");
    }
    for t in tasks {
        let assignee = t.assignee.as_deref();
        task_line(out, &t.task_ref, &t.title, t.status, t.priority, assignee);
    }
    more(out, tasks.len(), total, "jc_list_tasks");
    out.push('\n');
}

fn context_keys(out: &mut String, keys: &[BriefContextKey], total: usize) {
    if keys.is_empty() {
        out.push_str("Context: none yet\n");
        return;
    }
    let list: Vec<String> = keys
        .iter()
        .map(|k| format!("{} ({})", k.key, k.updated_by))
        .collect();
    let _ = writeln!(out, "Context keys ({total}): {}", list.join(", "));
    more(out, keys.len(), total as i64, "jc_get_context");
}

impl Render for Briefing {
    fn render(&self) -> String {
        let mut out = String::new();
        let p = &self.project;
        let _ = writeln!(
            out,
            "You are {} on project {} ({}), session #{}.",
            self.you, p.name, p.key, self.session_id
        );
        if !p.description.is_empty() {
            let _ = writeln!(out, "{}", clip(&p.description, 300));
        }
        out.push_str("\nProtocol:\n");
        for line in &self.protocol {
            let _ = writeln!(out, "- {line}");
        }
        active_tasks(&mut out, &self.active_tasks, self.active_total);
        context_keys(&mut out, &self.context_keys, self.context_total);
        let _ = writeln!(out, "\nUnread messages ({}):", self.unread_total);
        if self.unread_messages.is_empty() {
            out.push_str("none\n");
        }
        for m in &self.unread_messages {
            let _ = writeln!(out, "#{} from {}: {}", m.id, m.sender, m.content);
        }
        more(
            &mut out,
            self.unread_messages.len(),
            self.unread_total,
            "jc_get_messages",
        );
        let _ = writeln!(out, "\nHot cache ({}):", self.hot_cache.len());
        if self.hot_cache.is_empty() {
            out.push_str("empty; store durable facts with jc_remember\n");
        }
        for m in &self.hot_cache {
            memory_line(&mut out, m.scope, m.category, &m.key, &m.value);
        }
        let _ = writeln!(out, "\nTeam ({}):", self.team_total);
        for m in &self.team {
            let _ = write!(out, "{} {}", kind_icon(m.kind), m.name);
            if !m.role.is_empty() {
                let _ = write!(out, " ({})", clip(&m.role, 60));
            }
            if !m.capabilities.is_empty() {
                let names: Vec<&str> = m.capabilities.iter().take(12).map(String::as_str).collect();
                let _ = write!(out, ": {}", names.join(", "));
                if m.capabilities.len() > 12 {
                    let _ = write!(out, " +{}", m.capabilities.len() - 12);
                }
            }
            out.push('\n');
        }
        more(
            &mut out,
            self.team.len(),
            self.team_total as i64,
            "jc_list_members",
        );
        out.trim_end().to_string()
    }
}

impl Render for StateSnapshot {
    fn render(&self) -> String {
        let mut out = String::new();
        let c = &self.counts;
        let _ = writeln!(
            out,
            "{} ({}): backlog {} · todo {} · in_progress {} · done {} · blocked {} · {} unread for you",
            self.project.name,
            self.project.key,
            c.backlog,
            c.todo,
            c.in_progress,
            c.done,
            c.blocked,
            self.unread
        );
        active_tasks(&mut out, &self.active_tasks, self.active_total);
        context_keys(&mut out, &self.context_keys, self.context_total);
        if !self.recent_sessions.is_empty() {
            out.push_str("\nRecent sessions:\n");
            for s in &self.recent_sessions {
                let _ = writeln!(out, "{}", s.render());
            }
        }
        out.trim_end().to_string()
    }
}
