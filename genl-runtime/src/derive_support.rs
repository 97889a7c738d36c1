//! Helpers that the code of `#[derive(GenlMessage)]` calls; not a stable API.

use crate::policy::PolicyError;
use crate::wire::{Attr, DecodeError, DecodeErrorKind, PathSegment, Scalar};
use crate::{CStruct, GenlMessage, UnknownAttr};
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
///
/// [`Members::new`] checks that the bytes hold the whole struct, so that
/// the reads of its members cannot run short. Should one fail all the
/// same, it reads as zero and [`Members::finish`] reports the struct as
/// short, at that member: the derived `read` reads every member into the
/// struct, then calls `finish`.
#[derive(Debug)]
pub struct Members<'a> {
    bytes: &'a [u8],
    off: usize,
    what: &'static str,
    need: usize,
    /// The member whose read failed first (`""` for one without a name).
    failed: Option<&'static str>,
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
            failed: None,
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

    /// Notes a failed read of the member `name`, unless one failed before.
    #[cold]
    fn fail(&mut self, name: &'static str) {
        if self.failed.is_none() {
            self.failed = Some(name);
        }
    }

    /// Whether every read succeeded.
    #[inline]
    pub fn finish(self) -> Result<(), DecodeError> {
        match self.failed {
            None => Ok(()),
            Some("") => Err(self.short()),
            Some(name) => Err(self.short().within(PathSegment::Attr(name))),
        }
    }

    /// The next `len` bytes.
    #[inline]
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.off.checked_add(len)?;
        let b = self.bytes.get(self.off..end)?;
        self.off = end;
        Some(b)
    }

    /// The next member, an integer (`name` is its spec name).
    #[inline]
    pub fn scalar<S: Scalar + Default>(&mut self, name: &'static str) -> S {
        match self.take(S::SIZE).map(S::get) {
            Some(Ok(v)) => return v,
            Some(Err(_)) => self.fail(name),
            None => self.fail(""),
        }
        S::default()
    }

    /// The next member, `N` bytes.
    #[inline]
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        if let Some(Ok(v)) = self.take(N).map(<[u8; N]>::try_from) {
            return v;
        }
        self.fail("");
        [0; N]
    }

    /// The next member, `N` bytes of padding: read as zeros.
    #[inline]
    pub fn pad<const N: usize>(&mut self) -> [u8; N] {
        if self.take(N).is_none() {
            self.fail("");
        }
        [0; N]
    }

    /// The next member, a struct (`name` is its spec name).
    #[inline]
    pub fn nested<C: CStruct>(&mut self, name: &'static str) -> Result<C, DecodeError> {
        match self.take(C::SIZE) {
            Some(b) => in_attr(C::read(b), name),
            None => Err(self.short()),
        }
    }
}

/// Keeps the value of the single attribute `name` in its field's `slot`
/// (a repeated attribute replaces it); an error gets the attribute's name.
///
/// The derived `decode_at` makes one such call per attribute, a generic
/// function shared by every struct with a field of that type.
#[inline]
pub fn put<T>(
    slot: &mut Option<T>,
    value: Result<T, DecodeError>,
    name: &'static str,
) -> Result<(), DecodeError> {
    match value {
        Ok(v) => {
            *slot = Some(v);
            Ok(())
        }
        Err(e) => Err(e.within(PathSegment::Attr(name))),
    }
}

/// [`put`] for a boxed field (a recursive nest).
#[inline]
pub fn put_boxed<T>(
    slot: &mut Option<Box<T>>,
    value: Result<T, DecodeError>,
    name: &'static str,
) -> Result<(), DecodeError> {
    match value {
        Ok(v) => {
            *slot = Some(Box::new(v));
            Ok(())
        }
        Err(e) => Err(e.within(PathSegment::Attr(name))),
    }
}

/// [`put`] for a field that is the value itself (a flag's `bool`, an
/// indexed array's `Vec`).
#[inline]
pub fn set<T>(
    slot: &mut T,
    value: Result<T, DecodeError>,
    name: &'static str,
) -> Result<(), DecodeError> {
    match value {
        Ok(v) => {
            *slot = v;
            Ok(())
        }
        Err(e) => Err(e.within(PathSegment::Attr(name))),
    }
}

/// Appends the value of one more `multi-attr` attribute `name`; an error
/// gets the element's index and the attribute's name.
#[inline]
pub fn push<T>(
    slot: &mut Vec<T>,
    value: Result<T, DecodeError>,
    name: &'static str,
) -> Result<(), DecodeError> {
    match value {
        Ok(v) => {
            slot.push(v);
            Ok(())
        }
        Err(e) => Err(e
            .within(PathSegment::Index(slot.len()))
            .within(PathSegment::Attr(name))),
    }
}

/// Keeps an attribute to decode after the loop (a sub-message, once its
/// selector is known).
#[inline]
pub fn keep<'a>(slot: &mut Option<Attr<'a>>, attr: Attr<'a>) -> Result<(), DecodeError> {
    *slot = Some(attr);
    Ok(())
}

/// Keeps an attribute the struct does not know.
#[inline]
pub fn keep_unknown(slot: &mut Vec<UnknownAttr>, attr: &Attr<'_>) -> Result<(), DecodeError> {
    slot.push(crate::encoding::unknown::decode(attr));
    Ok(())
}

/// Checks a nested set's value, if any; an error gets the attribute's name.
#[inline]
pub fn validate_nest<T: GenlMessage>(
    value: Option<&T>,
    name: &'static str,
) -> Result<(), PolicyError> {
    match value {
        Some(v) => in_attr(v.validate(), name),
        None => Ok(()),
    }
}

/// Checks the nested sets of a `multi-attr` or indexed array attribute; an
/// error gets the element's index and the attribute's name.
#[inline]
pub fn validate_nests<T: GenlMessage>(values: &[T], name: &'static str) -> Result<(), PolicyError> {
    for (i, v) in values.iter().enumerate() {
        in_item(v.validate(), i, name)?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::flags;
    use crate::wire::{Be, Writer, attrs};

    bitflags::bitflags! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        struct Bits: u16 {
            const A = 1;
        }
    }

    fn error() -> Result<u32, DecodeError> {
        Err(DecodeError::new(DecodeErrorKind::Invalid("bad".into())))
    }

    #[test]
    fn stored_values_and_the_paths_of_errors() {
        let mut one = None;
        put(&mut one, Ok(1u32), "one").unwrap();
        put(&mut one, Ok(2u32), "one").unwrap();
        assert_eq!(one, Some(2));
        let err = put(&mut one, error(), "one").unwrap_err();
        assert_eq!(err.path_string(), ".one");
        assert_eq!(one, Some(2));

        let mut many = Vec::new();
        push(&mut many, Ok(7u32), "many").unwrap();
        let err = push(&mut many, error(), "many").unwrap_err();
        assert_eq!(err.path_string(), ".many[1]");

        let mut boxed = None;
        put_boxed(&mut boxed, Ok(3u32), "boxed").unwrap();
        assert_eq!(boxed, Some(Box::new(3)));
        let mut bare = 0u32;
        set(&mut bare, Ok(4), "bare").unwrap();
        assert_eq!(bare, 4);
        assert_eq!(
            set(&mut bare, error(), "bare").unwrap_err().path_string(),
            ".bare"
        );
    }

    #[test]
    fn members_read_in_order_and_a_short_struct_is_an_error() {
        let bytes = [1u8, 0, 0, 0, 0, 2, 9, 9];
        let mut r = Members::new(&bytes, "pair", 8).unwrap();
        let a: u32 = r.scalar("a");
        let b: Be<u16> = r.scalar("b");
        let c: [u8; 2] = r.pad();
        r.finish().unwrap();
        assert_eq!((a, b, c), (u32::from_ne_bytes([1, 0, 0, 0]), Be(2), [0, 0]));

        let err = Members::new(&bytes[..6], "pair", 8).unwrap_err();
        assert!(err.to_string().contains("pair"), "{err}");

        // A struct whose members outrun its size reads as zeros and fails.
        let mut r = Members::new(&bytes[..4], "odd", 4).unwrap();
        let _: u32 = r.scalar("a");
        let rest: [u8; 4] = r.array();
        assert_eq!(rest, [0; 4]);
        assert!(r.finish().is_err());
    }

    #[test]
    fn flags_keep_their_bits_in_either_byte_order() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf);
        let value = Bits::from_bits_retain(0x0101);
        flags::encode::<Bits, Be<u16>>(1, &value, &mut w);
        flags::encode::<Bits, u16>(2, &value, &mut w);
        assert_eq!(w.buf().len(), 2 * flags::len::<Bits, u16>(&value));
        let all: Vec<Attr<'_>> = attrs(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(all[0].payload[..2], 0x0101u16.to_be_bytes());
        assert_eq!(flags::decode::<Bits, Be<u16>>(&all[0]).unwrap(), value);
        assert_eq!(flags::decode::<Bits, u16>(&all[1]).unwrap(), value);
        let short = Attr {
            payload: &[1],
            ..all[1]
        };
        assert!(flags::decode::<Bits, u16>(&short).is_err());
    }
}
