//! The committed `ui/src/bindings.ts` must be what the Rust commands generate. Run
//! `make bindings` (STORELINK_UPDATE_BINDINGS=1) after changing a command or a type.

#[test]
fn bindings_are_current() {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("STORELINK_UPDATE_BINDINGS").is_some() {
        storelink_desktop::export_bindings(&committed).expect("export bindings");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let fresh = dir.path().join("bindings.ts");
    storelink_desktop::export_bindings(&fresh).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh).expect("read generated");
    let current = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        fresh == current,
        "ui/src/bindings.ts is stale: run `make bindings` and commit the result"
    );
}
