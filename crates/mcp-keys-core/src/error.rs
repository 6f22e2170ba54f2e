//! The error of the operations of this crate that can fail for a reason other
//! than bad input (bad input is a [`ParseError`](crate::ParseError)).

/// Why a key or token could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system's random number generator failed. There is no
    /// fallback on purpose: a key from a weaker source would look just as good.
    #[error("the operating system's random number generator failed")]
    Random(#[from] getrandom::Error),
}
