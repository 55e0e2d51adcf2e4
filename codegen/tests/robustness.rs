//! Property test, bounded so CI can run it: mutated specs (from the project's
//! specs, the bad-spec corpus and the odd specs) never make load + validate +
//! generate panic, and whatever is generated parses as Rust. The cargo-fuzz
//! target in `fuzz/` runs the same property without a bound.

use std::path::{Path, PathBuf};

/// xorshift64*: deterministic, so a failure is reproducible from its case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    ":",
    "{",
    "}",
    "[",
    "]",
    "|",
    "<",
    ">",
    "list<",
    "map<",
    "type: ",
    "- ",
    "\n  ",
    "\n",
    "'",
    "\"",
    "{x}",
    "{{",
    "optional: true",
    "nullable: true",
    "in: path",
    "in: cookie",
    "error",
    "&a ",
    "*a",
    "!!str ",
    "~",
    "json",
    "date",
    "format: dd/mm/yyyy",
    "none_values: [\"-\"]",
    "moves_money: true",
    "Self",
    "self",
    "type",
    "2fa",
    "a b",
    "é",
    "\u{0}",
    "\t",
    "# ",
    "---\n",
    "...\n",
    "9999999999999999999999",
];

fn seeds() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in ["specs", "tests/bad_specs", "tests/odd_specs"] {
        for f in providers_codegen::spec_files(&root.join(dir)).unwrap_or_default() {
            if let Ok(text) = std::fs::read_to_string(&f) {
                out.push((f, text));
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let rounds = if rng.below(10) < 7 {
        1
    } else {
        2 + rng.below(3)
    };
    for _ in 0..rounds {
        let len = bytes.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                bytes[i] = b" -:{}[]|<>\"'abc019\n"[rng.below(19)];
            }
            1 if len > 0 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(40)).min(len);
                bytes.drain(i..j);
            }
            2 => {
                let i = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(i..i, t.iter().copied());
            }
            3 => {
                let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let i = rng.below(lines.len());
                let mut out: Vec<u8> = Vec::with_capacity(bytes.len() * 2);
                for (k, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                    if k == i {
                        out.extend_from_slice(l);
                        out.push(b'\n');
                    }
                }
                bytes = out;
            }
            4 => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                lines.swap(rng.below(n), rng.below(n));
                bytes = lines.join(&b'\n');
            }
            _ => {
                // Shift the indentation of one line.
                let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
                let i = rng.below(lines.len());
                let mut out = Vec::new();
                for (k, l) in lines.iter().enumerate() {
                    if k == i {
                        out.push(b' ');
                    }
                    out.extend_from_slice(l);
                    out.push(b'\n');
                }
                bytes = out;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_specs_never_panic_and_always_generate_parsable_rust() {
    let seeds = seeds();
    assert!(seeds.len() > 40, "seed corpus too small: {}", seeds.len());
    let mut rng = Rng(0x5eed_2026_1124_0001);
    let (mut generated, mut rejected) = (0, 0);
    // Valid specs are the interesting seeds (mutations that still generate);
    // bad ones a third of the time.
    let valid: Vec<usize> = (0..seeds.len())
        .filter(|i| providers_codegen::generate_str(Path::new("seed.yaml"), &seeds[*i].1).is_ok())
        .collect();
    assert!(valid.len() >= 3, "too few valid seeds");
    // About one mutation in ten still generates: 1000 cases keep both paths well
    // above the floor below, whatever seeds the corpus holds.
    for case in 0..1000 {
        let pick = if rng.below(3) == 0 {
            rng.below(seeds.len())
        } else {
            valid[rng.below(valid.len())]
        };
        let (file, text) = &seeds[pick];
        let input = mutate(&mut rng, text);
        let result = std::panic::catch_unwind(|| {
            providers_codegen::generate_str(Path::new("case.yaml"), &input)
        });
        match result {
            Err(_) => panic!(
                "case {case} (from {}) panicked on:\n{input}",
                file.display()
            ),
            Ok(Ok(source)) => {
                generated += 1;
                if let Err(e) = syn::parse_file(&source) {
                    panic!(
                        "case {case} (from {}): generated code does not parse: {e}\n{input}",
                        file.display()
                    );
                }
            }
            Ok(Err(diags)) => {
                rejected += 1;
                assert!(
                    !diags.is_empty(),
                    "case {case}: rejected without a diagnostic"
                );
                for d in &diags {
                    assert!(
                        !d.message.starts_with("internal error"),
                        "case {case}: {}\n{input}",
                        d.message
                    );
                }
            }
        }
    }
    // The mutations must exercise both paths, or the test proves nothing.
    assert!(
        generated >= 50 && rejected >= 50,
        "generated {generated}, rejected {rejected}"
    );
}
