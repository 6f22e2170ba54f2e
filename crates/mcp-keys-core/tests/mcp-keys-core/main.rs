//! Integration tests of mcp-keys-core: properties of the key format, checked
//! through the public API only.

mod format;
mod parts;
mod robustness;
mod scanning;
mod typos;
mod upstream;
