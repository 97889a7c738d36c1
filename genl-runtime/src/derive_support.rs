//! Helpers that the code of `#[derive(GenlMessage)]` calls; not a stable API.

use crate::CStruct;
use crate::policy::PolicyError;
use crate::wire::{DecodeError, DecodeErrorKind, PathSegment, Scalar};
use bitflags::Flags;

/// An error that carries the path down to the attribute it is about.
pub trait InPath: Sized {
    /// Adds an enclosing step to the path.
    fn within(self, segment: PathSegment) -> Self;
}

impl InPath for DecodeError {
    fn within(self, segment: PathSegment) -> Self {
        DecodeError::within(self, segment)
    }
}

impl InPath for PolicyError {
    fn within(self, segment: PathSegment) -> Self {
        PolicyError::within(self, segment)
    }
}

/// `result`, its error inside the attribute `name`.
///
/// One generic function instead of a closure for each field keeps the
/// derived code small.
#[inline]
pub fn in_attr<T, E: InPath>(result: Result<T, E>, name: &'static str) -> Result<T, E> {
    match result {
        Ok(v) => Ok(v),
        Err(e) => Err(e.within(PathSegment::Attr(name))),
    }
}

/// `result`, its error at element `index` of the attribute `name`.
#[inline]
pub fn in_item<T, E: InPath>(
    result: Result<T, E>,
    index: usize,
    name: &'static str,
) -> Result<T, E> {
    match result {
        Ok(v) => Ok(v),
        Err(e) => Err(e
            .within(PathSegment::Index(index))
            .within(PathSegment::Attr(name))),
    }
}

/// Reads the members of a C struct in order (`#[derive(GenlStruct)]`).
#[derive(Debug)]
pub struct Members<'a> {
    bytes: &'a [u8],
    off: usize,
    what: &'static str,
    need: usize,
}

impl<'a> Members<'a> {
    /// The members of the struct `what`, `need` bytes long, at the front of
    /// `bytes`; fewer bytes are an error.
    #[inline]
    pub fn new(bytes: &'a [u8], what: &'static str, need: usize) -> Result<Self, DecodeError> {
        let members = Members {
            bytes,
            off: 0,
            what,
            need,
        };
        if bytes.len() < need {
            return Err(members.short());
        }
        Ok(members)
    }

    #[cold]
    fn short(&self) -> DecodeError {
        DecodeError::new(DecodeErrorKind::Truncated {
            what: self.what,
            need: self.need,
            have: self.bytes.len(),
        })
    }

    /// The next `len` bytes.
    #[inline]
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.off + len;
        let Some(b) = self.bytes.get(self.off..end) else {
            return Err(self.short());
        };
        self.off = end;
        Ok(b)
    }

    /// The next member, an integer (`name` is its spec name).
    #[inline]
    pub fn scalar<S: Scalar>(&mut self, name: &'static str) -> Result<S, DecodeError> {
        in_attr(S::get(self.take(S::SIZE)?), name)
    }

    /// The next member, `N` bytes.
    #[inline]
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let b = self.take(N)?;
        <[u8; N]>::try_from(b).map_err(|_| self.short())
    }

    /// The next member, a struct (`name` is its spec name).
    #[inline]
    pub fn nested<C: CStruct>(&mut self, name: &'static str) -> Result<C, DecodeError> {
        in_attr(C::read(self.take(C::SIZE)?), name)
    }
}

/// The bits of a flags value, as the `u64` of a `uint` attribute.
pub fn flags_to_u64<F: Flags>(flags: &F) -> u64
where
    F::Bits: Into<u64>,
{
    flags.bits().into()
}

/// A flags value from the `u64` of a `uint` attribute; bits that do not fit
/// the flags type are an error.
pub fn flags_from_u64<F: Flags>(value: u64) -> Result<F, DecodeError>
where
    F::Bits: TryFrom<u64>,
{
    F::Bits::try_from(value)
        .map(F::from_bits_retain)
        .map_err(|_| {
            DecodeError::new(DecodeErrorKind::Invalid(format!(
                "{value:#x} has bits beyond the {} bits of the flags type",
                8 * std::mem::size_of::<F::Bits>()
            )))
        })
}
