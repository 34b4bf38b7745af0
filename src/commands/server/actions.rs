//! Code actions: a `quickfix` per fixable diagnostic in the requested range, and `source.fixAll.exportfix` with
//! the file's safe fixes. Unsafe fixes are offered (their title says so) but never preferred, and never part of
//! the fix-all: the LSP spec keeps fix-all to fixes that need no judgement.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, TextDocumentEdit, TextEdit, Url, WorkspaceEdit,
};

use super::results::FileResults;

pub const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.exportfix");

/// The document the actions edit, at the version the edits were computed for.
pub struct Target<'a> {
    pub uri: &'a Url,
    pub version: i32,
    /// Whether the client takes `documentChanges` (which carry the version) rather than `changes`.
    pub versioned_edits: bool,
}

pub fn code_actions(params: &CodeActionParams, results: &FileResults, target: &Target<'_>) -> Vec<CodeActionOrCommand> {
    let wanted = |kind: &CodeActionKind| {
        params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|asked| {
                kind.as_str() == asked.as_str() || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
            })
        })
    };
    let mut actions = Vec::new();
    if wanted(&CodeActionKind::QUICKFIX) {
        for fix in results.quick_fixes.iter().filter(|fix| touches(&fix.diagnostic.range, &params.range)) {
            actions.push(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![fix.diagnostic.clone()]),
                edit: Some(workspace_edit(target, fix.edits.clone())),
                is_preferred: Some(fix.safe),
                ..CodeAction::default()
            });
        }
    }
    if let (Some(edits), true) = (&results.fix_all, wanted(&FIX_ALL)) {
        actions.push(CodeAction {
            title: "Fix all safe exportfix findings".to_owned(),
            kind: Some(FIX_ALL),
            edit: Some(workspace_edit(target, edits.clone())),
            ..CodeAction::default()
        });
    }
    actions.into_iter().map(CodeActionOrCommand::CodeAction).collect()
}

/// Whether two ranges overlap or touch: a cursor at either end of a diagnostic is on it.
fn touches(a: &Range, b: &Range) -> bool {
    let key = |p: &lsp_types::Position| (p.line, p.character);
    key(&a.start) <= key(&b.end) && key(&b.start) <= key(&a.end)
}

fn workspace_edit(target: &Target<'_>, edits: Vec<TextEdit>) -> WorkspaceEdit {
    if target.versioned_edits {
        let document = TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: target.uri.clone(),
                version: Some(target.version),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        };
        WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(vec![document])), ..WorkspaceEdit::default() }
    } else {
        WorkspaceEdit { changes: Some(HashMap::from([(target.uri.clone(), edits)])), ..WorkspaceEdit::default() }
    }
}
