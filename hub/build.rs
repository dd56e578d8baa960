fn main() {
    // New migration files are not seen by `sqlx::migrate!` on their own (sqlx docs).
    println!("cargo:rerun-if-changed=../migrations");
}
