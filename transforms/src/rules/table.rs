//! Pass / fail / fix tables for the rules' unit tests.

use crate::{fix, Applicability, Finding, Settings, SourceType};

pub enum Expect {
    /// No finding of the rule.
    Pass,
    /// A finding of the rule whose fix is safe and gives this text.
    Fix(&'static str),
    /// A finding whose fix is unsafe, giving this text with `--unsafe`.
    UnsafeFix(&'static str),
    /// A finding without a fix.
    NoFix,
}

pub struct Case {
    pub source: &'static str,
    pub expect: Expect,
    pub source_type: SourceType,
}

impl Case {
    pub fn pass(source: &'static str) -> Case {
        Case { source, expect: Expect::Pass, source_type: SourceType::JavaScript }
    }
    pub fn fix(source: &'static str, fixed: &'static str) -> Case {
        Case { source, expect: Expect::Fix(fixed), source_type: SourceType::JavaScript }
    }
    pub fn unsafe_fix(source: &'static str, fixed: &'static str) -> Case {
        Case { source, expect: Expect::UnsafeFix(fixed), source_type: SourceType::JavaScript }
    }
    pub fn no_fix(source: &'static str) -> Case {
        Case { source, expect: Expect::NoFix, source_type: SourceType::JavaScript }
    }
    /// The same case, parsed as TypeScript.
    pub fn typescript(self) -> Case {
        Case { source_type: SourceType::TypeScript, ..self }
    }
}

pub fn findings(source: &str) -> Vec<Finding> {
    crate::analyze(source, SourceType::JavaScript, &Settings::default())
        .expect("test source parses")
        .findings()
        .to_vec()
}

pub fn assert_cases(rule: &str, cases: &[Case]) {
    assert_cases_with(rule, &Settings::default(), cases);
}

/// Checks every case and reports all failures at once.
pub fn assert_cases_with(rule: &str, settings: &Settings, cases: &[Case]) {
    let mut failures = Vec::new();
    for case in cases {
        if let Err(problem) = check_case(rule, settings, case) {
            failures.push(format!("{:?}: {problem}", case.source));
        }
    }
    assert!(failures.is_empty(), "{} failing case(s):\n{}", failures.len(), failures.join("\n"));
}

fn check_case(rule: &str, settings: &Settings, case: &Case) -> Result<(), String> {
    let analysis = crate::analyze(case.source, case.source_type, settings).map_err(|error| error.to_string())?;
    let of_rule: Vec<&Finding> = analysis.findings().iter().filter(|finding| finding.rule.as_str() == rule).collect();
    let describe = || format!("{:#?}", analysis.findings());
    match case.expect {
        Expect::Pass => {
            if !of_rule.is_empty() {
                return Err(format!("expected no {rule} finding, got {}", describe()));
            }
        }
        Expect::NoFix => {
            if of_rule.is_empty() || of_rule.iter().any(|finding| finding.fix.is_some()) {
                return Err(format!("expected {rule} findings without fix, got {}", describe()));
            }
            let outcome = fix(case.source, case.source_type, settings, true).map_err(|e| e.to_string())?;
            if outcome.fixed.is_some() {
                return Err(format!("expected no change, got {:?}", outcome.fixed));
            }
        }
        Expect::Fix(expected) | Expect::UnsafeFix(expected) => {
            let wanted =
                if matches!(case.expect, Expect::Fix(_)) { Applicability::Safe } else { Applicability::Unsafe };
            if of_rule.is_empty() {
                return Err(format!("expected a {rule} finding, got {}", describe()));
            }
            for finding in &of_rule {
                match &finding.fix {
                    Some(found) if found.applicability == wanted => {}
                    other => return Err(format!("expected a {wanted:?} fix, got {other:?} in {}", describe())),
                }
            }
            let include_unsafe = wanted == Applicability::Unsafe;
            let outcome = fix(case.source, case.source_type, settings, include_unsafe).map_err(|e| e.to_string())?;
            if outcome.fixed.as_deref() != Some(expected) {
                return Err(format!("expected fixed text {expected:?}, got {:?}", outcome.fixed));
            }
            let again = fix(expected, case.source_type, settings, include_unsafe).map_err(|e| e.to_string())?;
            if again.fixed.is_some() {
                return Err(format!("second fix changed {expected:?} into {:?}", again.fixed));
            }
            if include_unsafe {
                let safe_only = fix(case.source, case.source_type, settings, false).map_err(|e| e.to_string())?;
                if safe_only.fixed.is_some() {
                    return Err(format!("unsafe fix applied without --unsafe: {:?}", safe_only.fixed));
                }
            }
        }
    }
    Ok(())
}
