//! The Markdown report.

use crate::Args;
use crate::db::Kind;
use crate::load::Stats;

pub struct Row {
    name: String,
    kind: &'static str,
    clients: usize,
    stats: Stats,
}

impl Row {
    pub fn new(name: String, kind: &'static str, clients: usize, stats: Stats) -> Row {
        Row {
            name,
            kind,
            clients,
            stats,
        }
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// One line describing the machine.
pub fn machine(connections: &str) -> String {
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_kb: u64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let kernel = read("/proc/sys/kernel/osrelease");
    format!(
        "Machine: {cores} cores ({cpu}), {:.0} GiB RAM, Linux {}; load generator in the same process, same cores; database connections: {}.",
        mem_kb as f64 / 1024.0 / 1024.0,
        kernel.trim(),
        connections
    )
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

pub fn table(kind: Kind, args: &Args, rows: &[Row]) -> String {
    let mut out = format!(
        "\n### {kind:?} ({} s per scenario)\n\n| scenario | kind | clients | calls/s | p50 ms | p90 ms | p99 ms |\n|---|---|---|---|---|---|---|\n",
        args.seconds
    );
    for r in rows {
        let h = &r.stats.hist;
        let rate = r.stats.calls as f64 / r.stats.elapsed.as_secs_f64();
        out.push_str(&format!(
            "| {} | {} | {} | {:.0} | {} | {} | {} |\n",
            r.name,
            r.kind,
            r.clients,
            rate,
            ms(h.value_at_quantile(0.50)),
            ms(h.value_at_quantile(0.90)),
            ms(h.value_at_quantile(0.99)),
        ));
    }
    out
}
