//! The runtime as generated crates carry it: the files of the crate `openapi-rs-runtime`
//! (`generator/runtime/`), embedded here and written as the module `src/runtime/` of every
//! generated crate, without their unit tests; and its dependencies, which become the generated
//! crate's.

/// One file of the runtime module: its name under `src/runtime/` and its text as the runtime
/// crate has it.
pub(super) struct RuntimeFile {
    pub(super) name: &'static str,
    source: &'static str,
}

macro_rules! runtime_files {
    ($($name:literal => $path:literal),* $(,)?) => {
        &[$(RuntimeFile {
            name: $name,
            source: include_str!(concat!("../../runtime/src/", $path)),
        }),*]
    };
}

/// Every file of the runtime crate; the crate root becomes the module's `mod.rs`. A test checks
/// that this list and the crate's `mod` declarations agree.
pub(super) const RUNTIME_FILES: &[RuntimeFile] = runtime_files![
    "mod.rs" => "lib.rs",
    "assemble.rs" => "assemble.rs",
    "builder.rs" => "builder.rs",
    "client.rs" => "client.rs",
    "config.rs" => "config.rs",
    "credentials.rs" => "credentials.rs",
    "envelope.rs" => "envelope.rs",
    "error.rs" => "error.rs",
    "events.rs" => "events.rs",
    "headers.rs" => "headers.rs",
    "hook.rs" => "hook.rs",
    "mock.rs" => "mock.rs",
    "multipart.rs" => "multipart.rs",
    "nullable.rs" => "nullable.rs",
    "origin.rs" => "origin.rs",
    "pagination.rs" => "pagination.rs",
    "redact.rs" => "redact.rs",
    "redirect.rs" => "redirect.rs",
    "request.rs" => "request.rs",
    "response.rs" => "response.rs",
    "retry.rs" => "retry.rs",
    "sequence.rs" => "sequence.rs",
    "tagged.rs" => "tagged.rs",
];

/// The runtime crate's manifest, whose `[dependencies]` table generated crates copy.
const RUNTIME_MANIFEST: &str = include_str!("../../runtime/Cargo.toml");

/// Where a file's unit tests begin; they stay in the runtime crate.
const TESTS_MARKER: &str = "\n#[cfg(test)]\nmod tests {";

impl RuntimeFile {
    /// The path of the file in a generated crate.
    pub(super) fn path(&self) -> String {
        format!("src/runtime/{}", self.name)
    }

    /// The file as a generated crate carries it: the source without its trailing test module.
    pub(super) fn contents(&self) -> &'static str {
        match self.source.find(TESTS_MARKER) {
            // The marker's leading newline ends the last line kept; the blank line before the
            // test module goes.
            Some(at) => self
                .source
                .get(..at)
                .map_or(self.source, |kept| kept.trim_end()),
            None => self.source.trim_end(),
        }
    }
}

/// The `[dependencies]` table of the runtime crate's manifest, as written there.
pub(super) fn dependencies() -> String {
    manifest_table("[dependencies]")
}

/// The `[features]` table of the runtime crate's manifest (the `mock` feature), as written
/// there.
pub(super) fn features() -> String {
    manifest_table("[features]")
}

/// The lines of one table of the runtime crate's manifest, after its header and up to the next
/// table, each ending in a newline; comments and blank lines at its end (which introduce the
/// next table) are left out.
fn manifest_table(header: &str) -> String {
    let mut lines = RUNTIME_MANIFEST
        .lines()
        .skip_while(|line| line.trim() != header)
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .collect::<Vec<_>>();
    while lines
        .last()
        .is_some_and(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
    {
        lines.pop();
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib_rs() -> &'static str {
        RUNTIME_FILES
            .iter()
            .find(|f| f.name == "mod.rs")
            .map(|f| f.source)
            .unwrap_or_default()
    }

    #[test]
    fn every_module_of_the_runtime_crate_is_copied_and_nothing_else() {
        let mut declared: Vec<String> = lib_rs()
            .lines()
            .filter_map(|line| {
                let line = line.strip_prefix("pub ").unwrap_or(line);
                line.strip_prefix("mod ")?.strip_suffix(';')
            })
            .map(|module| format!("{module}.rs"))
            .collect();
        declared.push("mod.rs".into());
        declared.sort();
        let mut listed: Vec<String> = RUNTIME_FILES.iter().map(|f| f.name.to_string()).collect();
        listed.sort();
        assert_eq!(declared, listed);
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/runtime/src"))
            .unwrap()
            .filter(|entry| !entry.as_ref().unwrap().path().is_dir())
            .count();
        assert_eq!(
            on_disk,
            RUNTIME_FILES.len(),
            "a file of the runtime crate is not listed"
        );
    }

    #[test]
    fn copies_leave_out_the_tests_and_only_the_tests() {
        for file in RUNTIME_FILES {
            let copy = file.contents();
            assert!(!copy.contains("cfg(test)"), "{} keeps test code", file.name);
            assert!(
                file.source.starts_with(copy),
                "{} is not a prefix",
                file.name
            );
            let cut = file.source.get(copy.len()..).unwrap_or_default();
            assert!(
                cut.trim().is_empty() || cut.trim_start().starts_with("#[cfg(test)]\nmod tests {"),
                "{}: more than the test module is left out: {cut:.200}",
                file.name
            );
            // Files refer to each other through `super::`: `crate::` would mean the generated
            // crate's root once copied.
            assert!(!copy.contains("crate::"), "{} names `crate::`", file.name);
        }
        let response = RUNTIME_FILES
            .iter()
            .find(|f| f.name == "response.rs")
            .unwrap();
        assert!(
            response.source.contains(TESTS_MARKER),
            "the runtime has unit tests"
        );
    }

    #[test]
    fn generated_crates_get_the_runtime_dependencies_as_written() {
        let table = dependencies();
        for dependency in ["reqwest = ", "serde = ", "tokio = ", "base64 = "] {
            assert!(
                table.lines().any(|line| line.starts_with(dependency)),
                "{dependency} missing from\n{table}"
            );
        }
        assert!(!table.contains("workspace"), "{table}");
        assert!(
            !table.lines().any(|l| l.trim_start().starts_with('[')),
            "{table}"
        );
        assert!(table.ends_with("\"\n") || table.ends_with("}\n"), "{table}");
    }

    #[test]
    fn generated_crates_get_the_mock_feature_with_its_optional_dependency() {
        assert!(
            dependencies()
                .lines()
                .any(|line| line.starts_with("wiremock = ") && line.contains("optional = true")),
            "{}",
            dependencies()
        );
        let features = features();
        assert!(
            features
                .lines()
                .any(|line| line == r#"mock = ["dep:wiremock"]"#),
            "{features}"
        );
        assert!(
            !features.lines().any(|l| l.trim_start().starts_with('[')),
            "{features}"
        );
    }
}
