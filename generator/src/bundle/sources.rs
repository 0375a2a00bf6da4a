//! The files a bundled document was made of, and where each part of it came from, so that a
//! diagnostic about the bundled document is shown at the file, line and column it was written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::convert::PointerMap;
use crate::diagnostics::Diagnostic;

/// One file of a document, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path shown in diagnostics: the root as given, other files relative to it.
    pub path: PathBuf,
    pub text: String,
}

/// The files of a document (the root first) and the origins of the parts of the bundled
/// document that came from other places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    files: Vec<SourceFile>,
    /// Pointer of the bundled document → (file index, pointer in that file). The longest
    /// matching prefix wins.
    origins: BTreeMap<String, (usize, String)>,
}

impl Sources {
    /// A document of one file.
    pub fn single(path: &Path, text: &str) -> Self {
        Self {
            files: vec![SourceFile {
                path: path.to_path_buf(),
                text: text.to_string(),
            }],
            origins: BTreeMap::new(),
        }
    }

    pub(super) fn new(files: Vec<SourceFile>, origins: BTreeMap<String, (usize, String)>) -> Self {
        Self { files, origins }
    }

    /// Every file, the root first.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    fn root(&self) -> Option<&Path> {
        self.files.first().map(|f| f.path.as_path())
    }

    /// The file and the pointer in it that a pointer of the bundled document comes from.
    pub fn origin(&self, pointer: &str) -> Option<(&Path, String)> {
        let mut prefix = pointer;
        loop {
            if let Some((file, original)) = self.origins.get(prefix) {
                let file = self.files.get(*file)?;
                return Some((
                    &file.path,
                    format!("{original}{}", &pointer[prefix.len()..]),
                ));
            }
            let cut = prefix.rfind('/')?;
            prefix = &prefix[..cut];
        }
    }

    /// Gives each diagnostic a file, a position and the source line. Diagnostics about the
    /// (converted) bundled document carry the root file and a pointer into the converted tree:
    /// the pointer is mapped back through the conversion (`pointers`), then to the file the
    /// part came from. Diagnostics that already have a position are only given their line.
    pub fn attach(&self, diagnostics: &mut [Diagnostic], pointers: &PointerMap) {
        let root = self.root().map(Path::to_path_buf);
        for d in diagnostics.iter_mut() {
            if d.position.is_some() || root.as_deref() != Some(d.file.as_path()) {
                continue;
            }
            d.pointer = pointers.original(&d.pointer);
            d.message = pointers.original_in_text(&d.message);
            if let Some(hint) = &mut d.hint {
                *hint = pointers.original_in_text(hint);
            }
            if let Some((file, pointer)) = self.origin(&d.pointer) {
                d.file = file.to_path_buf();
                d.pointer = pointer;
            }
        }
        self.locate(diagnostics);
    }

    /// Gives each diagnostic whose pointer is into its own file a position and source line,
    /// with no mapping.
    pub fn locate(&self, diagnostics: &mut [Diagnostic]) {
        let mut named: Vec<&Path> = diagnostics.iter().map(|d| d.file.as_path()).collect();
        named.sort();
        named.dedup();
        let files: Vec<&SourceFile> = self
            .files
            .iter()
            .filter(|f| named.binary_search(&f.path.as_path()).is_ok())
            .collect();
        for file in files {
            crate::locate::attach_each(
                diagnostics.iter_mut().filter(|d| d.file == file.path),
                &file.text,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let files = vec![
            SourceFile {
                path: "root.yaml".into(),
                text: "openapi: 3.0.3\ncomponents:\n  schemas:\n    User:\n      $ref: user.yaml\n"
                    .into(),
            },
            SourceFile {
                path: "schemas/user.yaml".into(),
                text: "type: object\nproperties:\n  id:\n    type: 5\n".into(),
            },
        ];
        let mut origins = BTreeMap::new();
        origins.insert("/components/schemas/User".to_string(), (1, String::new()));
        Sources::new(files, origins)
    }

    #[test]
    fn the_longest_prefix_names_the_file() {
        let s = sources();
        let (file, pointer) = s.origin("/components/schemas/User/properties/id").unwrap();
        assert_eq!(file, Path::new("schemas/user.yaml"));
        assert_eq!(pointer, "/properties/id");
        assert!(s.origin("/components/schemas/Users").is_none());
        assert!(s.origin("/paths").is_none());
    }

    #[test]
    fn diagnostics_move_to_the_file_and_line_they_came_from() {
        let s = sources();
        let mut found = vec![
            Diagnostic::error(
                Path::new("root.yaml"),
                "/components/schemas/User/properties/id/type",
                "bad",
            ),
            Diagnostic::error(Path::new("root.yaml"), "/components/schemas", "other"),
        ];
        s.attach(&mut found, &PointerMap::default());
        assert_eq!(found[0].file, Path::new("schemas/user.yaml"));
        assert_eq!(found[0].pointer, "/properties/id/type");
        let position = found[0].position.unwrap();
        assert_eq!((position.line, position.column), (4, 5));
        assert_eq!(found[0].source_line.as_deref(), Some("    type: 5"));
        assert_eq!(found[1].file, Path::new("root.yaml"));
        assert_eq!(found[1].position.map(|p| p.line), Some(3));
        // Attaching again changes nothing.
        let before = found.clone();
        s.attach(&mut found, &PointerMap::default());
        assert_eq!(before, found);
    }
}
