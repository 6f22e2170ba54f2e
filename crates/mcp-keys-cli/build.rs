//! Tells `mcp-keys --version` which build it is.

include!("../build-info.rs");

fn main() {
    export_build_info();
}
