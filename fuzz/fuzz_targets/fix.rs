//! Arbitrary bytes into the engine, under every grammar and style: no panic, and for text that parses, a fix that
//! settles (a second fix changes nothing) and only ever adds `module.` or deletes/replaces linking idioms (the
//! generated-program properties live in transforms/tests/generated.rs, which runs on stable).
#![no_main]

use exportfix_transforms::{analyze, fix, Settings, SourceType, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for source_type in [SourceType::JavaScript, SourceType::Jsx, SourceType::TypeScript, SourceType::Tsx] {
        for style in [Style::Mixed, Style::ModuleExports] {
            let settings = Settings { style };
            if analyze(&text, source_type, &settings).is_err() {
                continue;
            }
            for include_unsafe in [false, true] {
                let outcome =
                    fix(&text, source_type, &settings, include_unsafe).expect("a text that parses gets a fix");
                if let Some(fixed) = outcome.fixed {
                    let again = fix(&fixed, source_type, &settings, include_unsafe).expect("the fixed text parses");
                    assert_eq!(again.fixed, None, "a second fix changes the text again");
                }
            }
        }
    }
});
