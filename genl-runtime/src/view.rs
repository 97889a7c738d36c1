//! Borrowing views: read a message's attributes in place, without allocating.
//!
//! The owned types of `#[derive(GenlMessage)]` copy every string, byte
//! string and nest out of the buffer. A struct marked
//! `#[genl(set = "...", view)]` also gets a view, `XxxView<'a>`, that keeps
//! the buffer and an [`Index`] of it: one pass over the attribute headers
//! (checking each length) records, per attribute type, where its last
//! occurrence is, in a fixed-size array sized by the highest attribute type
//! the struct knows. Each field then has an
//! accessor that reads its attribute in O(1), borrowing from the buffer:
//!
//! | field | accessor returns |
//! |---|---|
//! | `flag` | `bool` |
//! | integers, enums, flags, `uint`, `sint`, C structs, `bitfield32` | `Result<Option<T>, DecodeError>`, the value itself |
//! | `string` | `Result<Option<&'a str>, DecodeError>` |
//! | `binary` | `Result<Option<&'a [u8]>, DecodeError>` |
//! | `binary` array of integers | `Result<Option<Scalars<'a, T>>, DecodeError>` |
//! | `nest`, `nest_type_value` | `Result<Option<NestedView<'a>>, DecodeError>` |
//! | `multi_attr`, `indexed_array` of integers | [`Values<'a, T>`]: an iterator of `Result<T, DecodeError>` |
//! | `multi_attr` / `indexed_array` of nests | [`Views<'a, V>`]: an iterator of `Result<V, DecodeError>` |
//! | `#[genl(unknown)]` | [`Unknown<'a>`]: the attributes the struct does not know |
//!
//! A single attribute that repeats reads as its last occurrence, as the
//! owned decoder (and the kernel) keep the last. Repeated attributes are
//! walked only when their iterator is: from the start of the buffer to the
//! last occurrence, skipping the other types, so that nothing is collected.
//!
//! Errors are [`DecodeError`]s with the same paths as the owned decoder
//! gives: a view remembers the top level of the message it was reached from
//! (its [`Trail`]: that buffer and its set's [`GenlView::locate`]), and an
//! error names the way down to the view from there when it happens, so that
//! a bad value in a view reached through `.key` is reported at `.key.ipv4`.
//! Nothing on the way to a value pays for the path. Nothing panics. Values are checked when they are read, not
//! when the view is built: a view of a buffer whose attribute headers are
//! sound builds, and a field with a malformed value fails when (and only
//! when) it is read. `to_owned()` reads every field and builds the owned
//! type, which equals what the owned decoder gives for the same bytes.
//!
//! ```
//! use genl_runtime::{GenlMessage, view::HasView};
//!
//! #[derive(Debug, Default, PartialEq, GenlMessage)]
//! #[genl(set = "main", view)]
//! struct Main {
//!     #[genl(id = 1, u32)]
//!     id: Option<u32>,
//!     #[genl(id = 2, string)]
//!     label: Option<String>,
//!     #[genl(id = 3, nest, multi_attr)]
//!     children: Vec<Main>,
//! }
//!
//! let m = Main {
//!     id: Some(7),
//!     label: Some("seven".into()),
//!     children: vec![Main { id: Some(8), ..Main::default() }],
//! };
//! let bytes = m.to_bytes();
//! let view = MainView::new(&bytes)?; // or Main::view(&bytes)?
//! assert_eq!(view.id()?, Some(7));
//! assert_eq!(view.label()?, Some("seven")); // borrowed from `bytes`
//! for child in view.children() {
//!     assert_eq!(child?.id()?, Some(8));
//! }
//! assert_eq!(view.to_owned()?, m);
//! # Ok::<(), genl_runtime::wire::DecodeError>(())
//! ```

use crate::codec::{GenlAttr, MAX_DEPTH, TypeValue, UnknownAttr};
use crate::policy::SetPolicy;
use crate::wire::{
    Attr, AttrIter, DecodeError, DecodeErrorKind, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN,
    NLA_TYPE_MASK, PathSegment, Scalar, align, attrs, path_string,
};
use std::fmt;
use std::marker::PhantomData;

/// A borrowing view of a set of attributes. Implemented by the views that
/// `#[derive(GenlMessage)]` writes for structs marked `view`, and by
/// [`TypeValueView`] and [`OrderedView`].
pub trait GenlView<'a>: Sized + Copy {
    /// The owned type the view reads as.
    type Owned;

    /// Checks the attribute headers of `buf` and indexes them; `trail` is
    /// the message `buf` was reached from ([`Trail::ROOT`] when `buf` holds
    /// a message's attributes), for the paths of errors.
    fn parse(buf: &'a [u8], trail: Trail<'a>) -> Result<Self, DecodeError>;

    /// The attributes the view reads.
    fn bytes(&self) -> &'a [u8];

    /// Reads every field into the owned type, at nesting depth `depth` (0
    /// for a message's top level), with the owned decoder's limit
    /// [`MAX_DEPTH`].
    fn to_owned_at(&self, depth: usize) -> Result<Self::Owned, DecodeError>;

    /// Names the way from `buf`, attributes of this view's set, down to the
    /// nested attributes at `target`: pushes onto `path` (outermost first)
    /// the steps the accessors take to reach them. Called only to name the
    /// path of an error, never on the way to a value.
    fn locate(buf: &[u8], target: Target, path: &mut Vec<PathSegment>);
}

/// A type with a borrowing view: implemented by `#[derive(GenlMessage)]` for
/// structs marked `view`, and by [`TypeValue`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no borrowing view",
    note = "a view reads nests through the views of their sets: add `view` to the \
            `#[genl(...)]` of `{Self}` (the code generator does it for every set with \
            `Options::with_views`)"
)]
pub trait HasView: Sized {
    /// The view of the type's attributes.
    type View<'a>: GenlView<'a, Owned = Self>;

    /// A view of the attributes of a message's top level (`buf` holds
    /// attributes, without the netlink and genl headers).
    fn view(buf: &[u8]) -> Result<Self::View<'_>, DecodeError> {
        GenlView::parse(buf, Trail::ROOT)
    }
}

/// The [`GenlView::locate`] of a view's set.
pub type Locate = fn(&[u8], Target, &mut Vec<PathSegment>);

/// Where a buffer is in memory: the addresses of its first byte and of the
/// byte past its end. A nested view's buffer lies inside its message's, so
/// that [`GenlView::locate`] can find it again from the top level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    start: usize,
    end: usize,
}

impl Target {
    /// The place of `buf`.
    pub fn of(buf: &[u8]) -> Target {
        let start = buf.as_ptr() as usize;
        Target {
            start,
            end: start + buf.len(),
        }
    }

    /// Whether `self` lies inside `outer`.
    fn within(self, outer: Target) -> bool {
        outer.start <= self.start && self.end <= outer.end
    }
}

/// How a view reaches the views of one of its nested attributes, for
/// [`locate`]: the step written into an error's path.
#[derive(Clone, Copy, Debug)]
pub enum Child {
    /// A nest read by its last occurrence: `.name`.
    Nest(&'static str, Locate),
    /// A repeated nest (`multi_attr`): `.name[i]`, `i` counting the
    /// attributes of its type.
    Repeated(&'static str, Locate),
    /// An `indexed_array` of nests: `.name[i]`, `i` counting the elements.
    Indexed(&'static str, Locate),
}

/// The longest path [`locate`] names; deeper steps are written as one `…`
/// step (a view reached through that many nests is not a message's).
const MAX_PATH: usize = 256;

/// The [`GenlView::locate`] of a view whose nested attributes `child` maps
/// by type: finds the attribute of `buf` holding `target`, writes its step
/// and goes on in its nest. Stops where `target` is `buf` itself, or is in
/// nothing a view reaches.
pub fn locate(
    buf: &[u8],
    target: Target,
    path: &mut Vec<PathSegment>,
    child: fn(u16) -> Option<Child>,
) {
    if Target::of(buf) == target || path.len() >= MAX_PATH {
        if path.len() >= MAX_PATH {
            path.push(PathSegment::Attr("…"));
        }
        return;
    }
    // The attribute holding `target` (the headers were checked when the
    // view was built).
    let Some(a) = attrs(buf)
        .map_while(Result::ok)
        .find(|a| target.within(Target::of(a.payload)))
    else {
        return;
    };
    let Some(c) = child(a.ty) else {
        return;
    };
    let payload = a.payload;
    let seen = || {
        attrs(buf)
            .map_while(Result::ok)
            .take_while(|b| b.payload.as_ptr() != payload.as_ptr())
            .filter(|b| b.ty == a.ty)
            .count()
    };
    match c {
        Child::Nest(name, next) => {
            path.push(PathSegment::Attr(name));
            next(payload, target, path);
        }
        Child::Repeated(name, next) => {
            path.push(PathSegment::Attr(name));
            path.push(PathSegment::Index(seen()));
            next(payload, target, path);
        }
        Child::Indexed(name, next) => {
            path.push(PathSegment::Attr(name));
            if Target::of(payload) == target {
                return;
            }
            let element = attrs(payload)
                .map_while(Result::ok)
                .enumerate()
                .find(|(_, e)| target.within(Target::of(e.payload)));
            if let Some((i, e)) = element {
                path.push(PathSegment::Index(i));
                next(e.payload, target, path);
            }
        }
    }
}

/// Where a view is: the top level of the message it was reached from, and
/// the [`GenlView::locate`] of that top level's set. Errors read like the
/// owned decoder's (`.key.ipv4`): their path is named from the top level
/// when they happen, so that a view carries three words rather than its path.
#[derive(Clone, Copy)]
pub struct Trail<'a> {
    root: &'a [u8],
    locate: Option<Locate>,
}

impl fmt::Debug for Trail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trail")
            .field("root_len", &self.root.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Trail<'a> {
    /// A message's top level: the view built with it is the root.
    pub const ROOT: Trail<'a> = Trail {
        root: &[],
        locate: None,
    };

    /// The trail of a view of `buf` whose set's [`GenlView::locate`] is
    /// `locate`: `self`, or when `self` is [`Trail::ROOT`], `buf` as the top
    /// level.
    #[inline]
    pub fn rooted(self, buf: &'a [u8], locate: Locate) -> Trail<'a> {
        match self.locate {
            Some(_) => self,
            None => Trail {
                root: buf,
                locate: Some(locate),
            },
        }
    }

    /// The path from the top level to the attributes `here` (the buffer of
    /// a view on this trail), outermost first.
    pub fn path(&self, here: &[u8]) -> Vec<PathSegment> {
        let mut path = Vec::new();
        if let Some(locate) = self.locate {
            locate(self.root, Target::of(here), &mut path);
        }
        path
    }

    /// Puts the path to `here` in front of an error's path.
    #[cold]
    #[inline(never)]
    pub fn wrap(&self, here: &[u8], mut e: DecodeError) -> DecodeError {
        for step in self.path(here).into_iter().rev() {
            e = e.within(step);
        }
        e
    }

    /// The path to `here`, written `.key.ipv4[2]` (empty at the top level).
    pub fn path_string(&self, here: &[u8]) -> String {
        let mut innermost_first = self.path(here);
        innermost_first.reverse();
        path_string(&innermost_first)
    }
}

impl Default for Trail<'_> {
    fn default() -> Self {
        Trail::ROOT
    }
}

/// Where a type's attributes are in a view's buffer: the offset of the
/// header of its last occurrence, in units of 4 bytes (attributes are
/// aligned to 4), [`Slot::ABSENT`] for a type that is not there. Two bytes,
/// as a view is moved around whole: the occurrences before the last are
/// found by walking from the start when asked for. A nest is below 64 KiB
/// (`nla_len` is 16 bits), so that only a message's top level can hold an
/// attribute beyond the 256 KiB a slot reaches: its slot is [`Slot::FAR`],
/// and the last occurrence is found by walking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot(u16);

impl Slot {
    const ABSENT: Slot = Slot(u16::MAX);

    /// Present, beyond what a slot reaches.
    const FAR: u16 = u16::MAX - 1;

    /// The slot of an attribute at `off` (a multiple of 4).
    #[inline]
    fn at(off: usize) -> Slot {
        Slot((off >> 2).min(usize::from(Self::FAR)) as u16)
    }

    #[inline]
    fn present(self) -> bool {
        self != Self::ABSENT
    }

    /// The offset of the last attribute of type `ty` in `buf`, whose slot
    /// this is.
    #[inline]
    fn offset(self, buf: &[u8], ty: u16) -> Option<usize> {
        // One comparison for both marks on the way to a present slot.
        if self.0 < Self::FAR {
            Some(usize::from(self.0) << 2)
        } else if self.0 == Self::FAR {
            far(buf, ty)
        } else {
            None
        }
    }
}

/// The offset of the last attribute of type `ty` in `buf` (whose headers
/// were checked), found by walking: for a slot that is [`Slot::FAR`].
#[cold]
#[inline(never)]
fn far(buf: &[u8], ty: u16) -> Option<usize> {
    let mut off = 0usize;
    let mut last = None;
    while let Some((len, raw)) = buf.get(off..).and_then(header) {
        if raw & NLA_TYPE_MASK == ty {
            last = Some(off);
        }
        off += align(len.max(NLA_HDRLEN));
    }
    last
}

/// The header at the front of `rest`: `(nla_len, nla_type with its flags)`.
#[inline]
fn header(rest: &[u8]) -> Option<(usize, u16)> {
    match rest {
        [l0, l1, t0, t1, ..] => Some((
            usize::from(u16::from_ne_bytes([*l0, *l1])),
            u16::from_ne_bytes([*t0, *t1]),
        )),
        _ => None,
    }
}

/// The attribute whose header is at `off` in `buf`, known to be sound.
#[inline]
fn attr_at(buf: &[u8], off: usize) -> Option<Attr<'_>> {
    let (len, raw) = header(buf.get(off..off.checked_add(NLA_HDRLEN)?)?)?;
    Some(Attr {
        ty: raw & NLA_TYPE_MASK,
        nested: raw & NLA_F_NESTED != 0,
        net_byteorder: raw & NLA_F_NET_BYTEORDER != 0,
        payload: buf.get(off + NLA_HDRLEN..off + len)?,
    })
}

/// An error at the attribute `name` of the view of `buf`.
#[cold]
#[inline(never)]
fn fail(trail: &Trail<'_>, buf: &[u8], e: DecodeError, name: &'static str) -> DecodeError {
    trail.wrap(buf, e.in_attr(name))
}

/// The index of a view: the buffer, and for each attribute type below `N`
/// where its occurrences are. Built in one pass that checks every header;
/// the views that `#[derive(GenlMessage)]` writes hold one and read their
/// fields through its [`Reader`].
#[derive(Clone, Copy)]
pub struct Index<'a, const N: usize> {
    buf: &'a [u8],
    slots: [Slot; N],
    trail: Trail<'a>,
}

impl<'a, const N: usize> Index<'a, N> {
    /// Indexes the attributes of `buf`. An attribute length below the header
    /// or past the end is an error (at `buf`, named from `trail`); fewer than
    /// 4 trailing bytes are ignored, as the kernel does. Types from `N` up
    /// are not indexed (they are the ones the view does not know).
    #[inline]
    pub fn new(buf: &'a [u8], trail: Trail<'a>) -> Result<Self, DecodeError> {
        let mut index = Index {
            buf,
            slots: [Slot::ABSENT; N],
            trail,
        };
        match fill(buf, &mut index.slots) {
            Ok(()) => Ok(index),
            Err(e) => Err(trail.wrap(buf, e)),
        }
    }

    /// The reader of the indexed attributes.
    #[inline]
    pub fn reader(&self) -> Reader<'a, '_> {
        Reader {
            buf: self.buf,
            slots: &self.slots,
            trail: &self.trail,
        }
    }

    /// The attributes indexed.
    #[inline]
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The message the view was reached from.
    pub fn trail(&self) -> Trail<'a> {
        self.trail
    }

    /// Puts the path from the top level of the message to this view in
    /// front of an error's path.
    #[cold]
    pub fn wrap(&self, e: DecodeError) -> DecodeError {
        self.trail.wrap(self.buf, e)
    }

    /// Whether an indexed attribute type occurs more than once. The
    /// accessors of single fields read the last occurrence; the owned
    /// decoder (like the kernel's validation) checks every one, so a view's
    /// `to_owned` reads such a buffer with the owned decoder.
    /// Found by a walk over the headers: only `to_owned` asks.
    pub fn repeats(&self) -> bool {
        repeats(self.buf, &self.slots)
    }
}

/// Records in `slots` where the last attribute of each type of `buf` is,
/// checking the headers. Its errors have no path yet.
#[inline]
fn fill(buf: &[u8], slots: &mut [Slot]) -> Result<(), DecodeError> {
    if buf.len() < NEAR {
        walk::<false>(buf, slots)
    } else {
        fill_far(buf, slots)
    }
}

/// The bytes whose attributes a slot reaches without [`Slot::FAR`]: every
/// nest's, and most messages'.
const NEAR: usize = (Slot::FAR as usize) << 2;

/// [`fill`] for a buffer of [`NEAR`] bytes or more.
#[cold]
#[inline(never)]
fn fill_far(buf: &[u8], slots: &mut [Slot]) -> Result<(), DecodeError> {
    walk::<true>(buf, slots)
}

/// The pass of [`fill`]; `FAR` when offsets may be beyond what a slot holds.
#[inline(always)]
fn walk<const FAR: bool>(buf: &[u8], slots: &mut [Slot]) -> Result<(), DecodeError> {
    let mut off = 0usize;
    while let Some(Ok(header)) = buf
        .get(off..off + NLA_HDRLEN)
        .map(<[u8; NLA_HDRLEN]>::try_from)
    {
        // One load for both fields: `nla_len` is the first two bytes, in
        // host order as the whole word is.
        let header = u32::from_ne_bytes(header);
        let (len, raw) = if cfg!(target_endian = "little") {
            (header as u16, (header >> 16) as u16)
        } else {
            ((header >> 16) as u16, header as u16)
        };
        let len = usize::from(len);
        let remaining = buf.len() - off;
        // `NLA_HDRLEN <= len <= remaining`, in one comparison.
        if len.wrapping_sub(NLA_HDRLEN) > remaining - NLA_HDRLEN {
            return Err(bad_len(len, remaining));
        }
        let ty = usize::from(raw & NLA_TYPE_MASK);
        if let Some(slot) = slots.get_mut(ty) {
            *slot = if FAR {
                Slot::at(off)
            } else {
                // Below `NEAR`, as the buffer is.
                Slot((off >> 2) as u16)
            };
        }
        off += align(len);
    }
    Ok(())
}

/// Whether an attribute type indexed in `slots` occurs more than once in
/// `buf`, whose headers `fill` checked: an attribute that is not where its
/// type's slot points is not the last of its type.
fn repeats(buf: &[u8], slots: &[Slot]) -> bool {
    let mut off = 0usize;
    while let Some((len, raw)) = buf.get(off..).and_then(header) {
        let ty = raw & NLA_TYPE_MASK;
        if slots
            .get(usize::from(ty))
            .is_some_and(|s| s.offset(buf, ty) != Some(off))
        {
            return true;
        }
        off += align(len.max(NLA_HDRLEN));
    }
    false
}

#[cold]
#[inline(never)]
fn bad_len(len: usize, remaining: usize) -> DecodeError {
    DecodeError::new(DecodeErrorKind::BadAttrLen {
        len: u16::try_from(len).unwrap_or(u16::MAX),
        remaining,
    })
}

/// Reads the attributes of an [`Index`]: what the accessors of a view call.
/// Its methods do not depend on the size of the index, so that their code is
/// shared by every view.
#[derive(Clone, Copy)]
pub struct Reader<'a, 's> {
    buf: &'a [u8],
    slots: &'s [Slot],
    trail: &'s Trail<'a>,
}

impl fmt::Debug for Reader<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("len", &self.buf.len())
            .field("at", &self.trail.path_string(self.buf))
            .finish_non_exhaustive()
    }
}

impl<'a> Reader<'a, '_> {
    /// The attributes read.
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// The message the view was reached from.
    pub fn trail(&self) -> Trail<'a> {
        *self.trail
    }

    /// Puts the path from the top level of the message to this view in
    /// front of an error's path.
    #[cold]
    pub fn wrap(&self, e: DecodeError) -> DecodeError {
        self.trail.wrap(self.buf, e)
    }

    /// Whether an attribute of type `ty` is present (a `flag` is set).
    #[inline]
    pub fn has(&self, ty: u16) -> bool {
        self.slots.get(usize::from(ty)).is_some_and(|s| s.present())
    }

    /// The offset of the last attribute of type `ty`.
    #[inline]
    fn offset(&self, ty: u16) -> Option<usize> {
        self.slots.get(usize::from(ty))?.offset(self.buf, ty)
    }

    /// The last attribute of type `ty`.
    #[inline]
    pub fn last(&self, ty: u16) -> Option<Attr<'a>> {
        attr_at(self.buf, self.offset(ty)?)
    }

    /// Every attribute of type `ty`, in order, walked from the start of the
    /// buffer to the last of them.
    pub fn all(&self, ty: u16) -> Repeated<'a> {
        Repeated {
            buf: self.buf,
            pos: 0,
            last: self.offset(ty),
            ty,
        }
    }

    /// The value of the last attribute `ty` (spec name `name`) read by
    /// `decode`; its errors get the path to the attribute.
    #[inline]
    pub fn single<T>(
        &self,
        ty: u16,
        name: &'static str,
        decode: fn(&Attr<'a>) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        match self.last(ty) {
            Some(a) => match decode(&a) {
                Ok(v) => Ok(Some(v)),
                // Not through `self`, which would then be kept in memory.
                Err(e) => Err(fail(self.trail, self.buf, e, name)),
            },
            None => Ok(None),
        }
    }

    /// The view of the nest in the last attribute `ty`.
    #[inline]
    pub fn nest<V: GenlView<'a>>(&self, ty: u16) -> Result<Option<V>, DecodeError> {
        match self.last(ty) {
            Some(a) => match V::parse(a.payload, *self.trail) {
                Ok(v) => Ok(Some(v)),
                Err(e) => Err(e),
            },
            None => Ok(None),
        }
    }

    /// The values of every attribute `ty` (a `multi_attr` field).
    pub fn repeated<T>(
        &self,
        ty: u16,
        name: &'static str,
        decode: fn(&Attr<'a>) -> Result<T, DecodeError>,
    ) -> Values<'a, T> {
        Values {
            walk: Walk::Repeated(self.all(ty)),
            decode,
            name,
            here: self.buf,
            trail: *self.trail,
            i: 0,
        }
    }

    /// The views of the nests of every attribute `ty` (a `multi_attr` nest).
    pub fn repeated_views<V: GenlView<'a>>(&self, ty: u16, name: &'static str) -> Views<'a, V> {
        Views {
            walk: Walk::Repeated(self.all(ty)),
            name,
            here: self.buf,
            trail: *self.trail,
            i: 0,
            _v: PhantomData,
        }
    }

    /// The elements of the `indexed_array` in the last attribute `ty`, read
    /// by `decode`; none when the attribute is absent.
    pub fn indexed<T>(
        &self,
        ty: u16,
        name: &'static str,
        decode: fn(&Attr<'a>) -> Result<T, DecodeError>,
    ) -> Values<'a, T> {
        Values {
            walk: self.nested_walk(ty),
            decode,
            name,
            here: self.buf,
            trail: *self.trail,
            i: 0,
        }
    }

    /// The views of the nests of the `indexed_array` in the last attribute `ty`.
    pub fn indexed_views<V: GenlView<'a>>(&self, ty: u16, name: &'static str) -> Views<'a, V> {
        Views {
            walk: self.nested_walk(ty),
            name,
            here: self.buf,
            trail: *self.trail,
            i: 0,
            _v: PhantomData,
        }
    }

    fn nested_walk(&self, ty: u16) -> Walk<'a> {
        Walk::Nested(attrs(self.last(ty).map_or(&[], |a| a.payload)))
    }

    /// The attributes whose types `known` says the view does not know.
    pub fn unknown(&self, known: fn(u16) -> bool) -> Unknown<'a> {
        Unknown {
            buf: self.buf,
            pos: 0,
            known,
        }
    }

    /// An error at the attribute `name` of this view (element `index`, if any).
    pub fn error(
        &self,
        name: &'static str,
        index: Option<usize>,
        kind: DecodeErrorKind,
    ) -> DecodeError {
        let e = DecodeError::new(kind);
        let e = match index {
            Some(i) => e.within(PathSegment::Index(i)),
            None => e,
        };
        self.trail.wrap(self.buf, e.in_attr(name))
    }

    fn too_deep(&self, name: &'static str, index: Option<usize>) -> DecodeError {
        self.error(name, index, DecodeErrorKind::TooDeep { limit: MAX_DEPTH })
    }

    /// The owned value of the nest in the last attribute `ty`, read at
    /// `depth` (the depth of this view's set).
    pub fn owned_nest<V: GenlView<'a>>(
        &self,
        ty: u16,
        name: &'static str,
        depth: usize,
    ) -> Result<Option<V::Owned>, DecodeError> {
        let Some(v) = self.nest::<V>(ty)? else {
            return Ok(None);
        };
        if depth >= MAX_DEPTH {
            return Err(self.too_deep(name, None));
        }
        v.to_owned_at(depth + 1).map(Some)
    }

    /// The owned values of the nests of every attribute `ty`.
    pub fn owned_repeated<V: GenlView<'a>>(
        &self,
        ty: u16,
        name: &'static str,
        depth: usize,
    ) -> Result<Vec<V::Owned>, DecodeError> {
        self.repeated_views::<V>(ty, name)
            .enumerate()
            .map(|(i, v)| {
                let v = v?;
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep(name, Some(i)));
                }
                v.to_owned_at(depth + 1)
            })
            .collect()
    }

    /// The owned values of the nests of the `indexed_array` in the last
    /// attribute `ty`.
    pub fn owned_indexed<V: GenlView<'a>>(
        &self,
        ty: u16,
        name: &'static str,
        depth: usize,
    ) -> Result<Vec<V::Owned>, DecodeError> {
        if self.has(ty) && depth >= MAX_DEPTH {
            return Err(self.too_deep(name, None));
        }
        self.indexed_views::<V>(ty, name)
            .enumerate()
            .map(|(i, v)| {
                let v = v?;
                if depth + 1 >= MAX_DEPTH {
                    return Err(self.too_deep(name, Some(i)));
                }
                v.to_owned_at(depth + 2)
            })
            .collect()
    }

    /// The attributes `known` says the view does not know, copied.
    pub fn owned_unknown(&self, known: fn(u16) -> bool) -> Vec<UnknownAttr> {
        self.unknown(known)
            .map(|a| UnknownAttr {
                ty: a.ty,
                nested: a.nested,
                payload: a.payload.to_vec(),
            })
            .collect()
    }

    /// Writes a view for `Debug`: its name, the attributes present by spec
    /// name (from `policy`) or type number with their payload sizes, and
    /// where the view sits in its message.
    pub fn fmt_view(
        &self,
        f: &mut fmt::Formatter<'_>,
        name: &str,
        policy: &'static SetPolicy,
    ) -> fmt::Result {
        f.debug_struct(name)
            .field("attrs", &Present(self.buf, policy))
            .field("at", &format_args!("{}", self.trail.path_string(self.buf)))
            .finish()
    }
}

/// The attributes of a buffer by name, with their payload sizes, for `Debug`.
struct Present<'b>(&'b [u8], &'static SetPolicy);

impl fmt::Debug for Present<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for a in attrs(self.0).flatten() {
            match self.1.by_type(a.ty) {
                Some(p) => m.entry(&format_args!("{}", p.name), &a.payload.len()),
                None => m.entry(&format_args!("<{}>", a.ty), &a.payload.len()),
            };
        }
        m.finish()
    }
}

/// The occurrences of one attribute type, walked from the start of the
/// buffer to the last of them.
#[derive(Clone, Debug)]
pub struct Repeated<'a> {
    buf: &'a [u8],
    pos: usize,
    /// The offset of the last one; `None` once it is passed.
    last: Option<usize>,
    ty: u16,
}

impl<'a> Iterator for Repeated<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        let last = self.last?;
        while self.pos <= last {
            let at = self.pos;
            let (len, _) = self.buf.get(at..).and_then(header)?;
            let a = attr_at(self.buf, at)?;
            self.pos += align(len);
            if a.ty == self.ty {
                if at == last {
                    self.last = None;
                }
                return Some(a);
            }
        }
        self.last = None;
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.last {
            // The last one at least, and at most one per 4 bytes up to it.
            Some(last) => (1, Some((last - self.pos.min(last)) / NLA_HDRLEN + 1)),
            None => (0, Some(0)),
        }
    }
}

/// Where the elements of a [`Values`] or [`Views`] come from.
#[derive(Clone, Debug)]
enum Walk<'a> {
    /// The attributes of one type of a view (already checked).
    Repeated(Repeated<'a>),
    /// The attributes nested in one (checked as they are walked).
    Nested(AttrIter<'a>),
}

impl<'a> Walk<'a> {
    fn next(&mut self) -> Option<Result<Attr<'a>, DecodeError>> {
        match self {
            Walk::Repeated(r) => r.next().map(Ok),
            Walk::Nested(n) => n.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Walk::Repeated(r) => r.size_hint(),
            Walk::Nested(n) => n.size_hint(),
        }
    }
}

/// The values of a repeated attribute (`multi_attr`) or of the elements of
/// an `indexed_array`, read as they are iterated; each error has the path
/// to its element (`.name[2]`).
#[derive(Clone)]
pub struct Values<'a, T> {
    walk: Walk<'a>,
    decode: fn(&Attr<'a>) -> Result<T, DecodeError>,
    name: &'static str,
    /// The attributes of the view the values are read from.
    here: &'a [u8],
    trail: Trail<'a>,
    i: usize,
}

impl<T> fmt::Debug for Values<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Values")
            .field("name", &self.name)
            .field("next", &self.i)
            .finish_non_exhaustive()
    }
}

impl<'a, T> Iterator for Values<'a, T> {
    type Item = Result<T, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let a = self.walk.next()?;
        let i = self.i;
        self.i += 1;
        Some(a.and_then(|a| (self.decode)(&a)).map_err(|e| {
            self.trail.wrap(
                self.here,
                e.within(PathSegment::Index(i)).in_attr(self.name),
            )
        }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.walk.size_hint()
    }
}

/// The views of the nests of a repeated attribute (`multi_attr`) or of an
/// `indexed_array`, built as they are iterated.
pub struct Views<'a, V> {
    walk: Walk<'a>,
    /// The spec name of the attribute holding the elements.
    name: &'static str,
    /// The attributes of the view the elements are read from.
    here: &'a [u8],
    trail: Trail<'a>,
    i: usize,
    _v: PhantomData<fn() -> V>,
}

impl<V> Clone for Views<'_, V> {
    fn clone(&self) -> Self {
        Views {
            walk: self.walk.clone(),
            name: self.name,
            here: self.here,
            trail: self.trail,
            i: self.i,
            _v: PhantomData,
        }
    }
}

impl<V> fmt::Debug for Views<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Views")
            .field("name", &self.name)
            .field("next", &self.i)
            .finish_non_exhaustive()
    }
}

impl<'a, V: GenlView<'a>> Iterator for Views<'a, V> {
    type Item = Result<V, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let a = self.walk.next()?;
        let i = self.i;
        self.i += 1;
        Some(match a {
            Ok(a) => V::parse(a.payload, self.trail),
            Err(e) => Err(self.trail.wrap(
                self.here,
                e.within(PathSegment::Index(i)).in_attr(self.name),
            )),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.walk.size_hint()
    }
}

/// The attributes of a view whose types it does not know (its
/// `#[genl(unknown)]` field), borrowed.
#[derive(Clone)]
pub struct Unknown<'a> {
    buf: &'a [u8],
    pos: usize,
    known: fn(u16) -> bool,
}

impl fmt::Debug for Unknown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unknown")
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl<'a> Iterator for Unknown<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        loop {
            let (len, _) = self.buf.get(self.pos..).and_then(header)?;
            let a = attr_at(self.buf, self.pos)?;
            self.pos += align(len);
            if !(self.known)(a.ty) {
                return Some(a);
            }
        }
    }
}

/// The integers of a `binary` attribute with an integer `sub_type`, read in
/// place.
#[derive(Clone, Debug)]
pub struct Scalars<'a, T> {
    chunks: std::slice::ChunksExact<'a, u8>,
    _t: PhantomData<fn() -> T>,
}

impl<'a, T: Scalar> Scalars<'a, T> {
    /// The integers of `bytes`; a length that is not a multiple of the
    /// integer's size is an error.
    pub fn new(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        if !bytes.len().is_multiple_of(T::SIZE) {
            return Err(DecodeError::new(DecodeErrorKind::Invalid(format!(
                "{} bytes are not a whole number of {}",
                bytes.len(),
                T::NAME
            ))));
        }
        Ok(Scalars {
            chunks: bytes.chunks_exact(T::SIZE),
            _t: PhantomData,
        })
    }
}

impl<T: Scalar> Iterator for Scalars<'_, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.chunks.next().and_then(|c| T::get(c).ok())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl<T: Scalar> ExactSizeIterator for Scalars<'_, T> {}

impl<T: Scalar> DoubleEndedIterator for Scalars<'_, T> {
    fn next_back(&mut self) -> Option<T> {
        self.chunks.next_back().and_then(|c| T::get(c).ok())
    }
}

/// Reads a `string` (NUL-terminated), borrowed.
pub fn string<'a>(a: &Attr<'a>) -> Result<&'a str, DecodeError> {
    a.string(false)
}

/// Reads a `string` whose NUL may be missing (`unterminated_ok`), borrowed.
pub fn string_unterminated<'a>(a: &Attr<'a>) -> Result<&'a str, DecodeError> {
    a.string(true)
}

/// Reads a `binary`, borrowed.
pub fn binary<'a>(a: &Attr<'a>) -> Result<&'a [u8], DecodeError> {
    Ok(a.payload)
}

/// Reads a `binary` array of integers, in place.
pub fn array<'a, T: Scalar>(a: &Attr<'a>) -> Result<Scalars<'a, T>, DecodeError> {
    Scalars::new(a.payload)
}

/// The view of a [`TypeValue`]: attributes whose types are values and whose
/// payloads are nests of `T`.
pub struct TypeValueView<'a, T> {
    buf: &'a [u8],
    trail: Trail<'a>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for TypeValueView<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for TypeValueView<'_, T> {}

impl<T> fmt::Debug for TypeValueView<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypeValueView")
            .field("len", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl<'a, T: HasView> TypeValueView<'a, T> {
    /// The entries: each attribute's type and the view of its nest.
    pub fn iter(&self) -> TypeValues<'a, T> {
        TypeValues {
            walk: attrs(self.buf),
            trail: self.trail,
            _t: PhantomData,
        }
    }
}

impl<'a, T: HasView> IntoIterator for TypeValueView<'a, T> {
    type Item = Result<(u16, T::View<'a>), DecodeError>;
    type IntoIter = TypeValues<'a, T>;

    fn into_iter(self) -> TypeValues<'a, T> {
        self.iter()
    }
}

impl<'a, T: HasView> GenlView<'a> for TypeValueView<'a, T> {
    type Owned = TypeValue<T>;

    fn parse(buf: &'a [u8], trail: Trail<'a>) -> Result<Self, DecodeError> {
        let trail = trail.rooted(buf, Self::locate);
        // One pass over the headers, as an index would; there is nothing to record.
        fill(buf, &mut []).map_err(|e| trail.wrap(buf, e))?;
        Ok(TypeValueView {
            buf,
            trail,
            _t: PhantomData,
        })
    }

    fn locate(buf: &[u8], target: Target, path: &mut Vec<PathSegment>) {
        if Target::of(buf) == target || path.len() >= MAX_PATH {
            return;
        }
        let holder = attrs(buf)
            .map_while(Result::ok)
            .find(|a| target.within(Target::of(a.payload)));
        if let Some(a) = holder {
            path.push(PathSegment::Type(a.ty));
            <T::View<'_> as GenlView<'_>>::locate(a.payload, target, path);
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    fn to_owned_at(&self, depth: usize) -> Result<TypeValue<T>, DecodeError> {
        self.iter()
            .map(|entry| {
                let (ty, v) = entry?;
                if depth >= MAX_DEPTH {
                    return Err(self.trail.wrap(
                        self.buf,
                        DecodeError::new(DecodeErrorKind::TooDeep { limit: MAX_DEPTH })
                            .within(PathSegment::Type(ty)),
                    ));
                }
                Ok((ty, v.to_owned_at(depth + 1)?))
            })
            .collect::<Result<_, _>>()
            .map(TypeValue)
    }
}

impl<T: HasView> HasView for TypeValue<T> {
    type View<'a> = TypeValueView<'a, T>;
}

/// The entries of a [`TypeValueView`].
pub struct TypeValues<'a, T> {
    walk: AttrIter<'a>,
    trail: Trail<'a>,
    _t: PhantomData<fn() -> T>,
}

impl<'a, T: HasView> Iterator for TypeValues<'a, T> {
    type Item = Result<(u16, T::View<'a>), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        // The headers were checked when the view was built.
        let a = self.walk.next()?.ok()?;
        Some(T::View::parse(a.payload, self.trail).map(|v| (a.ty, v)))
    }
}

/// The view of an ordered set (a `Vec` of a [`GenlAttr`] enum): its
/// attributes in the order of the wire, as they are, for the caller to
/// match on their types. The enum's variants have no views of their own
/// yet; [`GenlView::to_owned_at`] reads them with the owned decoder.
pub struct OrderedView<'a, T> {
    buf: &'a [u8],
    trail: Trail<'a>,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for OrderedView<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for OrderedView<'_, T> {}

impl<T> fmt::Debug for OrderedView<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderedView")
            .field("len", &self.buf.len())
            .field("at", &self.trail.path_string(self.buf))
            .finish_non_exhaustive()
    }
}

impl<'a, T> OrderedView<'a, T> {
    /// The attributes, in order (their headers were checked when the view
    /// was built).
    pub fn attrs(&self) -> impl Iterator<Item = Attr<'a>> + use<'a, T> {
        attrs(self.buf).map_while(Result::ok)
    }
}

impl<'a, T: GenlAttr> GenlView<'a> for OrderedView<'a, T> {
    type Owned = Vec<T>;

    fn parse(buf: &'a [u8], trail: Trail<'a>) -> Result<Self, DecodeError> {
        let trail = trail.rooted(buf, Self::locate);
        fill(buf, &mut []).map_err(|e| trail.wrap(buf, e))?;
        Ok(OrderedView {
            buf,
            trail,
            _t: PhantomData,
        })
    }

    fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    fn to_owned_at(&self, depth: usize) -> Result<Vec<T>, DecodeError> {
        <Vec<T> as crate::GenlMessage>::decode_at(self.buf, depth)
            .map_err(|e| self.trail.wrap(self.buf, e))
    }

    /// The attributes of an ordered set have no views: nothing to name.
    fn locate(_: &[u8], _: Target, _: &mut Vec<PathSegment>) {}
}

impl<T: GenlAttr> HasView for Vec<T> {
    type View<'a> = OrderedView<'a, T>;
}
