//! Fixed-size integers on the wire, in host or network byte order.

use super::error::{DecodeError, DecodeErrorKind};

/// A fixed-size integer as netlink carries it.
pub trait Scalar: Copy + Sized {
    /// Size on the wire.
    const SIZE: usize;
    /// Name for messages (`u32`, `be16`).
    const NAME: &'static str;
    /// Appends the value's bytes.
    fn put(self, buf: &mut Vec<u8>);
    /// Reads a value from exactly [`Self::SIZE`] bytes.
    fn get(bytes: &[u8]) -> Result<Self, DecodeError>;
}

#[cold]
#[inline(never)]
fn wrong_size(ty: &'static str, size: &'static [usize], got: usize) -> DecodeError {
    DecodeError::new(DecodeErrorKind::WrongSize {
        ty,
        expected: size,
        got,
    })
}

macro_rules! scalar {
    ($($t:ty, $n:literal;)*) => {$(
        impl Scalar for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            const NAME: &'static str = $n;
            #[inline]
            fn put(self, buf: &mut Vec<u8>) {
                buf.extend_from_slice(&self.to_ne_bytes());
            }
            #[inline]
            fn get(bytes: &[u8]) -> Result<Self, DecodeError> {
                bytes
                    .try_into()
                    .map(<$t>::from_ne_bytes)
                    .map_err(|_| wrong_size($n, &[std::mem::size_of::<$t>()], bytes.len()))
            }
        }
    )*};
}

scalar! {
    u8, "u8";
    u16, "u16";
    u32, "u32";
    u64, "u64";
    i8, "s8";
    i16, "s16";
    i32, "s32";
    i64, "s64";
}

/// An integer carried in network byte order (`byte-order: big-endian`):
/// holds the host value, converts on the wire.
///
/// With the `arbitrary` feature it implements `arbitrary::Arbitrary`: any
/// value of `T`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Be<T>(pub T);

macro_rules! be {
    ($($t:ty, $n:literal;)*) => {$(
        impl Scalar for Be<$t> {
            const SIZE: usize = std::mem::size_of::<$t>();
            const NAME: &'static str = $n;
            #[inline]
            fn put(self, buf: &mut Vec<u8>) {
                buf.extend_from_slice(&self.0.to_be_bytes());
            }
            #[inline]
            fn get(bytes: &[u8]) -> Result<Self, DecodeError> {
                bytes
                    .try_into()
                    .map(|b| Be(<$t>::from_be_bytes(b)))
                    .map_err(|_| wrong_size($n, &[std::mem::size_of::<$t>()], bytes.len()))
            }
        }

        impl From<$t> for Be<$t> {
            fn from(v: $t) -> Self {
                Be(v)
            }
        }
    )*};
}

be! {
    u16, "be16";
    u32, "be32";
    u64, "be64";
    i16, "be16";
    i32, "be32";
    i64, "be64";
}

/// Reads a `uint`: 4 or 8 bytes in host order.
#[inline]
pub fn get_uint(bytes: &[u8]) -> Result<u64, DecodeError> {
    match bytes.len() {
        4 => Ok(u32::get(bytes)?.into()),
        8 => u64::get(bytes),
        n => Err(wrong_size("uint", &[4, 8], n)),
    }
}

/// Reads a `sint`: 4 or 8 bytes in host order, sign-extended.
#[inline]
pub fn get_sint(bytes: &[u8]) -> Result<i64, DecodeError> {
    match bytes.len() {
        4 => Ok(i32::get(bytes)?.into()),
        8 => i64::get(bytes),
        n => Err(wrong_size("sint", &[4, 8], n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_network_order() {
        let mut buf = Vec::new();
        0x1234u16.put(&mut buf);
        Be(0x1234u16).put(&mut buf);
        assert_eq!(&buf[2..], &[0x12, 0x34]);
        assert_eq!(u16::get(&buf[..2]).unwrap(), 0x1234);
        assert_eq!(Be::<u16>::get(&buf[2..]).unwrap(), Be(0x1234));
        assert!(u32::get(&buf[..2]).is_err());
    }

    #[test]
    fn uint_and_sint_take_four_or_eight_bytes() {
        assert_eq!(get_uint(&7u32.to_ne_bytes()).unwrap(), 7);
        assert_eq!(get_uint(&(1u64 << 40).to_ne_bytes()).unwrap(), 1 << 40);
        assert_eq!(get_sint(&(-2i32).to_ne_bytes()).unwrap(), -2);
        let e = get_uint(&[1, 2]).unwrap_err();
        assert_eq!(e.to_string(), "a uint is 4 or 8 bytes, found 2");
    }
}
