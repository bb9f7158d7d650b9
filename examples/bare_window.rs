//! A bare Tauri window (an empty page, no engine, no plugins) built with the same Tauri, for
//! the memory benchmark: Broadsheet's idle memory is compared against this.
//!
//! `cargo build --release --example bare_window && ./target/release/examples/bare_window`

fn main() {
    let context = tauri::generate_context!();
    let result = tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("bare.html".into()),
            )
            .title("Bare Tauri window")
            .inner_size(1200.0, 800.0)
            .build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("bare_window: {e}");
    }
}
