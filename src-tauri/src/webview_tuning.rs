//! How the window's WebKit engine is set up on Linux, measured in docs/BENCHMARKS.md
//! ("Desktop"): without a GPU, WebKit's accelerated compositing runs on Mesa's software
//! OpenGL (llvmpipe), which costs the page process ~0.4 s of start-up and ~110 MiB of memory
//! for nothing a back-office page needs.

use std::path::Path;

/// WebKitGTK reads this once, when its first web view is made.
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether a GPU render node is present (`/dev/dri/renderD128`, …): then WebKit composites
/// on the GPU and is left as it is.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Whether to turn compositing off: only without a render node, and never over a choice
/// the person made themselves by setting the variable (to any value).
pub fn compositing_should_be_off(dri: &Path, already_set: bool) -> bool {
    !already_set && !has_render_node(dri)
}

/// Called first thing in `run`, before any thread exists (setting a variable is only sound
/// then) and before WebKit starts.
pub fn choose_compositing() {
    let already_set = std::env::var_os(DISABLE_COMPOSITING).is_some();
    if compositing_should_be_off(Path::new("/dev/dri"), already_set) {
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_goes_off_only_without_a_render_node_and_without_a_choice_made() {
        let dir = tempfile::tempdir().expect("temp dir");
        let dri = dir.path().join("dri");
        // No /dev/dri at all (a VM, a container).
        assert!(compositing_should_be_off(&dri, false));
        std::fs::create_dir(&dri).expect("dri");
        // Only a primary node: no render node for WebKit's GPU path.
        std::fs::write(dri.join("card0"), b"").expect("card0");
        assert!(compositing_should_be_off(&dri, false));
        std::fs::write(dri.join("renderD128"), b"").expect("render node");
        assert!(!compositing_should_be_off(&dri, false));
        // The person's own setting wins either way.
        std::fs::remove_file(dri.join("renderD128")).expect("remove");
        assert!(!compositing_should_be_off(&dri, true));
    }
}
