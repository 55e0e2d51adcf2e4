//! load + validate + generate over arbitrary input: never a panic, and
//! whatever is generated parses as Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(source) = codegen::generate_str(std::path::Path::new("fuzz.yaml"), &text) {
        if let Err(e) = syn::parse_file(&source) {
            panic!("generated code does not parse: {e}\n{source}");
        }
    }
});
