//! Helpers that the code of `#[derive(GenlMessage)]` calls; not a stable API.

use crate::wire::{DecodeError, DecodeErrorKind};
use bitflags::Flags;

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
