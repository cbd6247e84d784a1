//! Gives the binary a fingerprint of its own source and migrations
//! (`SOURCE_FINGERPRINT`), so HTTP caches never mistake a new release's
//! answers for an old one's (see src/api/caching.rs).

use std::fs;
use std::path::Path;

fn main() {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for dir in ["src", "migrations"] {
        println!("cargo:rerun-if-changed={dir}");
        visit(Path::new(dir), &mut hash);
    }
    println!("cargo:rustc-env=SOURCE_FINGERPRINT={hash:016x}");
}

/// FNV-1a over every file's path and bytes, in sorted order.
fn visit(dir: &Path, hash: &mut u64) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            visit(&path, hash);
        } else if let Ok(bytes) = fs::read(&path) {
            for byte in path.to_string_lossy().bytes().chain(bytes) {
                *hash ^= u64::from(byte);
                *hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
}
