//! `jc-bridge`: everything lives in the library (`jc_bridge::cli`), so tests and the
//! binary share one code path.

fn main() -> std::process::ExitCode {
    jc_bridge::cli::main()
}
