//! Writing: all files or none. The new tree is written next to the target directory and swapped
//! in with renames, so a failed or interrupted run leaves the previous output intact.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// What a write changed, as paths relative to the crate directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub modified: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }
}

/// Compares `files` with what is in `dir`, without writing anything.
pub fn diff(dir: &Path, files: &[GeneratedFile]) -> io::Result<Changes> {
    let mut changes = Changes::default();
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in files {
        match fs::read(dir.join(&file.path)) {
            Ok(bytes) if bytes == file.contents.as_bytes() => {}
            Ok(_) => changes.modified.push(file.path.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => changes.added.push(file.path.clone()),
            Err(e) => return Err(e),
        }
    }
    for existing in list_files(dir)? {
        if !wanted.contains(existing.as_str()) {
            changes.removed.push(existing);
        }
    }
    Ok(changes)
}

/// Replaces the contents of `dir` with exactly `files`, atomically per directory rename.
pub fn write_all(dir: &Path, files: &[GeneratedFile]) -> io::Result<Changes> {
    let changes = diff(dir, files)?;
    if changes.is_empty() {
        return Ok(changes);
    }
    let staging = sibling(dir, "staging")?;
    let backup = sibling(dir, "previous")?;
    for stale in [&staging, &backup] {
        if stale.exists() {
            fs::remove_dir_all(stale)?;
        }
    }
    let written = (|| {
        for file in files {
            let path = staging.join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(&path, &file.contents)?;
        }
        Ok::<(), io::Error>(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_previous = dir.exists();
    if had_previous {
        fs::rename(dir, &backup)?;
    }
    if let Err(e) = fs::rename(&staging, dir) {
        if had_previous {
            fs::rename(&backup, dir)?;
        }
        return Err(e);
    }
    if had_previous {
        fs::remove_dir_all(&backup)?;
    }
    Ok(changes)
}

/// `generated` → `.generated.staging`, in the same parent so renames stay on one file system.
fn sibling(dir: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` has no directory name", dir.display()),
        )
    })?;
    Ok(dir.with_file_name(format!(".{}.{suffix}", name.to_string_lossy())))
}

fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(relative) = path.strip_prefix(dir) {
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    #[test]
    fn writes_replace_the_tree_and_report_changes() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let first = write_all(&dir, &[file("a.rs", "1"), file("src/b.rs", "2")]).unwrap();
        assert_eq!(first.added, ["a.rs", "src/b.rs"]);
        let second = write_all(&dir, &[file("a.rs", "1"), file("src/c.rs", "3")]).unwrap();
        assert_eq!(second.added, ["src/c.rs"]);
        assert_eq!(second.removed, ["src/b.rs"]);
        assert!(!dir.join("src/b.rs").exists());
        assert!(
            diff(&dir, &[file("a.rs", "1"), file("src/c.rs", "3")])
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "no staging or backup left behind"
        );
    }
}
