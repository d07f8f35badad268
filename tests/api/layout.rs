//! `docs/architecture.md` names every source file's job, draws the modules and their layers;
//! these tests keep it true as files and imports come and go.

use std::collections::{BTreeMap, BTreeSet};
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

/// The service's top-level modules (`src/x.rs` or `src/x/`), and each one's source text with
/// its comments left out. The verifier crate is one more module, `verifier`: its
/// checks (`verifier.rs`, `jwks.rs`), without its axum extractor and layer.
fn modules(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeSet::new();
    source_files(root, "src", &mut files);
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |module: String, path: &str| {
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        // Tests included: a test that reaches up a layer is the same knot as code that does.
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .map(|line| format!("{}\n", without_strings(line)))
            .collect();
        modules.entry(module).or_default().push_str(&code);
    };
    for file in &files {
        let inside = file.strip_prefix("src/").unwrap();
        if inside == "lib.rs" {
            continue;
        }
        let module = inside.split('/').next().unwrap().trim_end_matches(".rs");
        add(module.to_owned(), file);
    }
    for file in ["verifier.rs", "jwks.rs"] {
        add(
            "verifier".to_owned(),
            &format!("crates/cognito-verifier/src/{file}"),
        );
    }
    modules
}

/// A line with the text of its string literals left out: a log target such as
/// `"cognito_bff::routes"` is no import.
fn without_strings(line: &str) -> String {
    let line = line.replace("'\"'", "' '").replace("'\\\"'", "' '");
    let mut kept = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, _, '"') => in_string = !in_string,
            (false, _, c) => kept.push(c),
            _ => {}
        }
    }
    kept
}

/// The modules `code` imports: every `crate::x` (or `cognito_bff::x`, from `main.rs`), each
/// item of a `crate::{x, y}`, and `verifier` for the verifier crate.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for prefix in ["crate::", "cognito_bff::"] {
        for (at, _) in code.match_indices(prefix) {
            let rest = &code[at + prefix.len()..];
            let items: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap().split(',').collect(),
                None => vec![rest],
            };
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        }
    }
    if code.contains("cognito_verifier") {
        found.insert("verifier".to_owned());
    }
    found
}

/// Every import between two different modules.
fn import_graph(modules: &BTreeMap<String, String>) -> BTreeSet<(String, String)> {
    let mut edges = BTreeSet::new();
    for (module, code) in modules {
        // Its `crate::` is its own crate; the compiler keeps the service out of it.
        if module == "verifier" {
            continue;
        }
        for imported in imports(code) {
            assert!(
                modules.contains_key(&imported),
                "{module} imports `{imported}`, which is no module"
            );
            if &imported != module {
                edges.insert((module.clone(), imported));
            }
        }
    }
    edges
}

/// The section of the page under `## {title}`, up to the next `## `.
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let start = page
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("docs/architecture.md has no section {title:?}"));
    let rest = &page[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// The layers, top first: each row's modules and whether it speaks HTTP.
fn layers(page: &str) -> Vec<(Vec<String>, bool)> {
    section(page, "The layers")
        .lines()
        .filter(|line| {
            line.starts_with("| ") && !line.starts_with("| Layer") && !line.starts_with("| ---")
        })
        .map(|row| {
            let cells: Vec<&str> = row.split(" | ").collect();
            let modules = cells[1]
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
            let http = match cells[2].trim() {
                "yes" => true,
                "no" => false,
                other => panic!("`Speaks HTTP` is yes or no, not {other:?}"),
            };
            (modules, http)
        })
        .collect()
}

/// The arrows of the page's module picture: `a --> b`, with any `[label]` dropped.
fn drawn_arrows(page: &str) -> BTreeSet<(String, String)> {
    let picture = section(page, "The modules");
    let chart = picture
        .split("```mermaid")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a mermaid picture");
    chart
        .lines()
        .filter_map(|line| line.split_once("-->"))
        .map(|(from, to)| {
            let name = |s: &str| s.trim().split(['[', '(']).next().unwrap().to_owned();
            (name(from), name(to))
        })
        .collect()
}

fn reachable(arrows: &BTreeSet<(String, String)>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut next = vec![from.to_owned()];
    while let Some(at) = next.pop() {
        if at == to {
            return true;
        }
        if seen.insert(at.clone()) {
            next.extend(
                arrows
                    .iter()
                    .filter(|(a, _)| *a == at)
                    .map(|(_, b)| b.clone()),
            );
        }
    }
    false
}

#[test]
fn the_picture_draws_every_module_and_only_imports_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let modules = modules(root);
    let imports = import_graph(&modules);
    let drawn = drawn_arrows(&page);
    assert!(
        imports.len() > 50 && drawn.len() > 20,
        "{imports:?} {drawn:?}"
    );

    let in_picture: BTreeSet<&String> = drawn.iter().flat_map(|(a, b)| [a, b]).collect();
    let undrawn: Vec<_> = modules.keys().filter(|m| !in_picture.contains(m)).collect();
    assert!(
        undrawn.is_empty(),
        "modules missing from the picture: {undrawn:?}"
    );
    let invented: Vec<_> = drawn.difference(&imports).collect();
    assert!(
        invented.is_empty(),
        "arrows drawn with no import: {invented:?}"
    );
    let unseen: Vec<_> = imports
        .iter()
        .filter(|(a, b)| !reachable(&drawn, a, b))
        .collect();
    assert!(
        unseen.is_empty(),
        "imports neither drawn nor implied by a path of arrows: {unseen:?}"
    );
}

#[test]
fn no_module_imports_one_above_it_or_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let modules = modules(root);
    let layers = layers(&page);
    let layer_of = |module: &str| {
        layers
            .iter()
            .position(|(names, _)| names.iter().any(|n| n == module))
            .unwrap_or_else(|| panic!("{module} is in no layer of docs/architecture.md"))
    };
    let listed: Vec<&String> = layers.iter().flat_map(|(names, _)| names).collect();
    assert_eq!(
        listed.len(),
        modules.len(),
        "each module in exactly one layer: {listed:?}"
    );
    let imports = import_graph(&modules);
    let upward: Vec<_> = imports
        .iter()
        .filter(|(from, to)| layer_of(to) < layer_of(from))
        .collect();
    assert!(
        upward.is_empty(),
        "imports that point up a layer: {upward:?}"
    );
    let cycles: Vec<_> = imports
        .iter()
        .filter(|(from, to)| reachable(&imports, to, from))
        .collect();
    assert!(cycles.is_empty(), "imports on a cycle: {cycles:?}");
}

#[test]
fn the_layers_below_the_edge_never_speak_http() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let modules = modules(root);
    let quiet: Vec<String> = layers(&page)
        .into_iter()
        .filter(|(_, http)| !http)
        .flat_map(|(names, _)| names)
        .collect();
    assert!(quiet.contains(&"signin".to_owned()) && quiet.contains(&"cognito".to_owned()));
    for module in &quiet {
        for word in [
            "axum",
            "HeaderMap",
            "ApiError",
            "IntoResponse",
            "StatusCode",
        ] {
            assert!(
                !modules[module].contains(word),
                "{module} names `{word}`, but its layer does not speak HTTP"
            );
        }
    }
}
