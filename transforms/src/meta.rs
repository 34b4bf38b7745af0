//! What every output says about a rule, in one table: its id, name, descriptions, default level and fix title.
//! The rules, the CLI's formats (text, GitHub, SARIF) and the README's table all read it from here.

use crate::diagnostic::RuleId;

/// How severe a rule's findings are by default: bugs break a module's exports, style findings do not (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// Where the rules are documented: the README, with one section per rule whose anchor is the rule's id.
pub const README_URL: &str = "https://github.com/OWNER/exportfix/blob/main/README.md";

/// The fixed facts about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// The stable id, as users write it: `exports-reassign`.
    pub id: &'static str,
    /// The id in UpperCamelCase, for formats that want a name besides the id (SARIF).
    pub name: &'static str,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// Why it is wrong and what the fix does, in a few sentences.
    pub explanation: &'static str,
    pub level: Level,
    /// What the fix does, imperative: shown as the `help:` line under a fixable finding.
    pub fix_title: &'static str,
}

const EXPORTS_REASSIGN: RuleMeta = RuleMeta {
    id: "exports-reassign",
    name: "ExportsReassign",
    summary: "Assignment to the module's own `exports` exports nothing",
    explanation: "`exports = X` only rebinds the local parameter: the module still exports the original object. The \
                  fix assigns to `module.exports`.",
    level: Level::Error,
    fix_title: "Assign to `module.exports` and use it throughout the file",
};

const LOST_EXPORT: RuleMeta = RuleMeta {
    id: "lost-export",
    name: "LostExport",
    summary: "A property written through `exports` is lost because `module.exports` is reassigned",
    explanation: "`exports.a = …` writes to the original exports object, which the module no longer exports once \
                  `module.exports` is reassigned. The fix writes through `module.exports`.",
    level: Level::Error,
    fix_title: "Write through `module.exports` instead",
};

/// `lost-export`'s other fix, for writes that run before `module.exports = { … }` (see `rules/rescue.rs`).
pub const LOST_EXPORT_MERGE_FIX_TITLE: &str = "Merge the new value into the exports object";
/// ... and for writes that run before `module.exports = f` (a function, class or other value).
pub const LOST_EXPORT_MOVE_FIX_TITLE: &str = "Move the writes after the reassignment, onto the new value";

const MIXED_EXPORTS: RuleMeta = RuleMeta {
    id: "mixed-exports",
    name: "MixedExports",
    summary: "The file uses both `exports` and `module.exports`",
    explanation: "A working file that mixes `exports.x` and `module.exports.x` breaks as soon as someone reassigns \
                  `module.exports`. The fix uses `module.exports` throughout.",
    level: Level::Warning,
    fix_title: "Use `module.exports` throughout the file",
};

const PREFER_MODULE_EXPORTS: RuleMeta = RuleMeta {
    id: "prefer-module-exports",
    name: "PreferModuleExports",
    summary: "Use `module.exports` rather than `exports` (opt-in style)",
    explanation: "Reported with --style module-exports for files that only use `exports.x`. The fix uses \
                  `module.exports` throughout.",
    level: Level::Warning,
    fix_title: "Use `module.exports` instead of `exports`",
};

impl RuleMeta {
    /// The rule's section of the README (`…/README.md#exports-reassign`), for links from editors and reports.
    pub fn docs_url(&self) -> String {
        format!("{README_URL}#{}", self.id)
    }
}

impl RuleId {
    pub const fn meta(self) -> &'static RuleMeta {
        match self {
            RuleId::ExportsReassign => &EXPORTS_REASSIGN,
            RuleId::LostExport => &LOST_EXPORT,
            RuleId::MixedExports => &MIXED_EXPORTS,
            RuleId::PreferModuleExports => &PREFER_MODULE_EXPORTS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_distinct_facts() {
        let ids: std::collections::BTreeSet<&str> = RuleId::ALL.iter().map(|rule| rule.meta().id).collect();
        assert_eq!(ids.len(), RuleId::ALL.len());
        for rule in RuleId::ALL {
            let meta = rule.meta();
            assert_eq!(meta.name.to_ascii_lowercase(), meta.id.replace('-', ""));
            assert!(!meta.summary.contains('\n') && !meta.fix_title.is_empty());
        }
    }
}
