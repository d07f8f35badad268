//! `docs/architecture.md` names every source file's job; this keeps it true as files come and go.

use std::collections::BTreeSet;
use std::path::Path;

fn source_files(root: &Path, dir: &str, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(root.join(dir)).expect("a source directory") {
        let path = entry.unwrap().path();
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            source_files(root, &relative, found);
        } else if relative.ends_with(".rs") {
            found.insert(relative);
        }
    }
}

#[test]
fn the_architecture_page_names_every_source_file_and_only_those() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    // The first cell of each table row names the files: `| `src/x.rs` | its job |`.
    let named: BTreeSet<String> = page
        .lines()
        .filter_map(|line| line.strip_prefix("| "))
        .filter_map(|row| row.split(" | ").next())
        .flat_map(|cell| cell.split('`').skip(1).step_by(2))
        .filter(|path| path.ends_with(".rs"))
        .map(str::to_owned)
        .collect();
    assert!(named.len() > 50, "no file table found: {named:?}");
    let mut files = BTreeSet::new();
    source_files(root, "src", &mut files);
    source_files(root, "crates/cognito-verifier/src", &mut files);

    let unnamed: Vec<_> = files.difference(&named).collect();
    assert!(
        unnamed.is_empty(),
        "not in docs/architecture.md: {unnamed:?}"
    );
    let missing: Vec<_> = named
        .iter()
        .filter(|path| !root.join(path).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "named in docs/architecture.md but gone: {missing:?}"
    );
}
