fn main() {
    // The window embeds the built UI; say how to get it rather than failing obscurely.
    let dist = std::path::Path::new("../ui/dist/index.html");
    if !dist.exists() {
        println!(
            "cargo:warning=ui/dist is missing: run `make ui` (or `make run`) to build the web UI first"
        );
    }
    // The UI is embedded at compile time: rebuild the app whenever it is rebuilt.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::build();
}
