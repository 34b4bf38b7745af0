//! Which grammar a file is parsed with, decided from its name alone.

/// The grammar and module system a file is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceType {
    /// `.js`, `.cjs`: plain JavaScript. JSX is tried only when the plain parse fails, because Node itself never
    /// accepts JSX and a `<` must keep its JavaScript meaning.
    JavaScript,
    /// `.jsx`: JavaScript with JSX.
    Jsx,
    /// `.ts`, `.cts`: TypeScript.
    TypeScript,
    /// `.tsx`: TypeScript with JSX.
    Tsx,
}

/// Why a file that has a supported extension is still not analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exclusion {
    /// `.mjs`, `.mts`: always an ES module.
    EsModuleExtension,
    /// `.d.ts`, `.d.cts`, `.d.mts`: declarations only, no runtime code.
    DeclarationFile,
}

/// What the file name says about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileClass {
    Analyze(SourceType),
    Excluded(Exclusion),
    /// Not a JavaScript or TypeScript file at all.
    Unsupported,
}

impl SourceType {
    /// Classifies a file by its name (the last path component or a whole path; only the name matters).
    pub fn classify(file_name: &str) -> FileClass {
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name).to_ascii_lowercase();
        if name.ends_with(".d.ts") || name.ends_with(".d.cts") || name.ends_with(".d.mts") {
            return FileClass::Excluded(Exclusion::DeclarationFile);
        }
        let Some((_, extension)) = name.rsplit_once('.') else {
            return FileClass::Unsupported;
        };
        match extension {
            "js" | "cjs" => FileClass::Analyze(SourceType::JavaScript),
            "jsx" => FileClass::Analyze(SourceType::Jsx),
            "ts" | "cts" => FileClass::Analyze(SourceType::TypeScript),
            "tsx" => FileClass::Analyze(SourceType::Tsx),
            "mjs" | "mts" => FileClass::Excluded(Exclusion::EsModuleExtension),
            _ => FileClass::Unsupported,
        }
    }

    /// Whether a `"type": "module"` package.json above the file makes it an ES module. Only `.js` and `.jsx`
    /// follow the package type; `.cjs` and `.cts` are CommonJS whatever it says, and `.ts` follows it too.
    pub fn follows_package_type(file_name: &str) -> bool {
        let name = file_name.to_ascii_lowercase();
        !(name.ends_with(".cjs") || name.ends_with(".cts"))
    }

    pub fn is_typescript(self) -> bool {
        matches!(self, SourceType::TypeScript | SourceType::Tsx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension() {
        assert_eq!(SourceType::classify("a/b.js"), FileClass::Analyze(SourceType::JavaScript));
        assert_eq!(SourceType::classify("b.CJS"), FileClass::Analyze(SourceType::JavaScript));
        assert_eq!(SourceType::classify("b.jsx"), FileClass::Analyze(SourceType::Jsx));
        assert_eq!(SourceType::classify("b.cts"), FileClass::Analyze(SourceType::TypeScript));
        assert_eq!(SourceType::classify("b.tsx"), FileClass::Analyze(SourceType::Tsx));
        assert_eq!(SourceType::classify("b.d.ts"), FileClass::Excluded(Exclusion::DeclarationFile));
        assert_eq!(SourceType::classify("b.d.cts"), FileClass::Excluded(Exclusion::DeclarationFile));
        assert_eq!(SourceType::classify("b.mjs"), FileClass::Excluded(Exclusion::EsModuleExtension));
        assert_eq!(SourceType::classify("Makefile"), FileClass::Unsupported);
        assert_eq!(SourceType::classify("b.json"), FileClass::Unsupported);
    }

    #[test]
    fn cjs_ignores_package_type() {
        assert!(SourceType::follows_package_type("x.js"));
        assert!(!SourceType::follows_package_type("x.cjs"));
        assert!(!SourceType::follows_package_type("x.cts"));
    }
}
