//! The change report `cargo xtask codegen` and `cargo xtask diff` print.

use std::fmt::Write;

use super::change::{Change, Impact};

/// The change report: a header line with counts, then one line per change, marked `BREAKING`
/// or `compatible`. Without changes: `no API changes`.
pub fn render_report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no API changes\n".into();
    }
    let breaking = changes.iter().filter(|c| c.is_breaking()).count();
    let mut out = format!(
        "{} API change{}: {breaking} breaking, {} compatible\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        changes.len() - breaking
    );
    for c in changes {
        let mark = match c.impact() {
            Impact::Breaking => "BREAKING  ",
            Impact::Compatible => "compatible",
        };
        let _ = writeln!(out, "{mark} {}", c.description);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;

    #[test]
    fn report_has_counts_and_marks() {
        assert_eq!(render_report(&[]), "no API changes\n");
        let found = changes(&base(), &with(schemas("name", AGE, "name, tag", "")));
        assert_eq!(
            render_report(&found),
            "2 API changes: 1 breaking, 1 compatible\n\
             BREAKING   field `tag` of `NewPet` (request type) is now required (was optional)\n\
             compatible field `age` of `Pet` (response type) added (optional, Option<i32>)\n"
        );
    }
}
