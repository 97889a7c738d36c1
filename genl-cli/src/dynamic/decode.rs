//! Wire to JSON: the attributes of a set, C structs, arrays and
//! `nest-type-value` levels, as the generated types' serde writes them.

use genl_runtime::MAX_DEPTH;
use genl_runtime::wire::{self, DecodeErrorKind};
use genl_spec::model::{Attr, DefId, SetId};
use genl_spec::raw::{AttrType, MemberType};
use serde_json::{Map, Value};

use super::Codec;
use super::error::{Step, WireError};
use super::format::{BytesFormat, IntFormat, IntWire, hex, int_to_json};

/// A level of a `nest-type-value` as read: a leaf set or more levels.
enum Node {
    Leaf(Map<String, Value>),
    Level(Vec<(u16, Node)>),
}

fn too_deep() -> WireError {
    WireError::new(DecodeErrorKind::TooDeep { limit: MAX_DEPTH })
}

/// The wire shape of an integer attribute type, if it is one.
pub(crate) fn attr_int(attr: &Attr) -> Option<IntWire> {
    match attr.ty {
        AttrType::Uint | AttrType::Sint => Some(IntWire {
            width: 8,
            signed: attr.ty == AttrType::Sint,
            big_endian: false,
            variable: true,
        }),
        t => IntWire::of_type(t, attr.byte_order),
    }
}

/// The wire shape of an integer member type, if it is one.
pub(crate) fn member_int(
    ty: MemberType,
    byte_order: Option<genl_spec::raw::ByteOrder>,
) -> Option<IntWire> {
    let t = AttrType::from_keyword(ty.as_str())?;
    let width = t.int_width()?;
    Some(IntWire::fixed(
        width,
        ty.as_str().starts_with('s'),
        byte_order,
    ))
}

/// The format of an integer attribute's values.
pub(crate) fn attr_int_format(codec: &Codec<'_>, attr: &Attr, wire: IntWire) -> IntFormat {
    // `uint` and `sint` are named by their enum, but take no display hint.
    let width = (!wire.variable).then_some(wire.width as u32);
    IntFormat::of(
        codec.family,
        attr.enum_,
        attr.enum_as_flags,
        attr.display_hint,
        width,
    )
}

impl Codec<'_> {
    /// The attributes of `set` in `buf` as a JSON object, in the set's order,
    /// attributes the spec does not know under `"UnknownAttrs"` when asked for.
    pub(crate) fn set_to_json(
        &self,
        set: SetId,
        buf: &[u8],
        depth: usize,
    ) -> Result<Map<String, Value>, WireError> {
        let s = self.family.set(set);
        let mut slots: Vec<Option<Value>> = vec![None; s.attrs.len()];
        let mut unknown = Vec::new();
        let mut sub_messages = Vec::new();
        for a in wire::attrs(buf) {
            let a = a.map_err(WireError::from)?;
            let known = s
                .attr_by_value(a.ty)
                .filter(|(_, attr)| !matches!(attr.ty, AttrType::Unused | AttrType::Pad));
            let Some((i, attr)) = known else {
                unknown.push(unknown_to_json(&a));
                continue;
            };
            let i = i as usize;
            if attr.ty == AttrType::SubMessage {
                // Read once the selector beside it is known.
                sub_messages.push((i, a));
                continue;
            }
            let value = self
                .attr_to_json(attr, &a, depth)
                .map_err(|e| e.in_name(&attr.name))?;
            if attr.multi_attr {
                match &mut slots[i] {
                    Some(Value::Array(items)) => items.push(value),
                    slot => *slot = Some(Value::Array(vec![value])),
                }
            } else {
                slots[i] = Some(value);
            }
        }
        for (i, a) in sub_messages {
            let attr = &s.attrs[i];
            let selector = attr
                .selector
                .filter(|sel| sel.set == set)
                .and_then(|sel| slots[sel.index as usize].clone());
            if depth >= MAX_DEPTH {
                return Err(too_deep().in_name(&attr.name));
            }
            let mut obj = Map::new();
            if let Some(sel) = selector {
                obj.insert("selector".into(), sel);
            }
            obj.insert("payload".into(), Value::String(hex(a.payload, "")));
            slots[i] = Some(Value::Object(obj));
        }
        let mut out = Map::new();
        for (attr, slot) in s.attrs.iter().zip(slots) {
            if let Some(v) = slot {
                out.insert(attr.name.clone(), v);
            }
        }
        if self.unknown && !unknown.is_empty() {
            out.insert("UnknownAttrs".into(), Value::Array(unknown));
        }
        Ok(out)
    }

    /// One attribute's value.
    fn attr_to_json(
        &self,
        attr: &Attr,
        a: &wire::Attr<'_>,
        depth: usize,
    ) -> Result<Value, WireError> {
        if let Some(w) = attr_int(attr) {
            let v = read_int(w, a.payload)?;
            return Ok(int_to_json(self.family, attr_int_format(self, attr, w), v));
        }
        match attr.ty {
            AttrType::Flag => Ok(Value::Bool(true)),
            AttrType::String => Ok(Value::String(
                a.string(attr.checks.unterminated_ok)
                    .map_err(WireError::from)?
                    .to_owned(),
            )),
            AttrType::Binary => self.binary_to_json(attr, a.payload),
            AttrType::Nest => {
                if depth >= MAX_DEPTH {
                    return Err(too_deep());
                }
                match attr.nested {
                    Some(set) => self
                        .set_to_json(set, a.payload, depth + 1)
                        .map(Value::Object),
                    None => Ok(Value::String(hex(a.payload, ""))),
                }
            }
            AttrType::IndexedArray => self.array_to_json(attr, a.payload, depth),
            AttrType::NestTypeValue => self.type_value_to_json(attr, a.payload, depth),
            AttrType::Bitfield32 => {
                let word = |b: &[u8]| IntWire::fixed(4, false, None).read(b);
                match (
                    a.payload.len(),
                    word(a.payload.get(..4).unwrap_or(&[])),
                    word(a.payload.get(4..).unwrap_or(&[])),
                ) {
                    (8, Some(value), Some(selector)) => {
                        let mut obj = Map::new();
                        obj.insert("value".into(), Value::from(value as u64));
                        obj.insert("selector".into(), Value::from(selector as u64));
                        Ok(Value::Object(obj))
                    }
                    (got, ..) => Err(WireError::new(DecodeErrorKind::WrongSize {
                        ty: "bitfield32",
                        expected: &[8],
                        got,
                    })),
                }
            }
            _ => Ok(Value::String(hex(a.payload, ""))),
        }
    }

    /// A `binary`: a C struct, an array of C structs, an array of
    /// integers, or bytes.
    fn binary_to_json(&self, attr: &Attr, payload: &[u8]) -> Result<Value, WireError> {
        if let Some(def) = attr.struct_
            && attr.sub_type == Some(AttrType::Binary)
        {
            let size = self.family.struct_def(def).map_or(0, |s| s.size as usize);
            if size == 0 || !payload.len().is_multiple_of(size) {
                return Err(WireError::new(DecodeErrorKind::Invalid(format!(
                    "{} bytes are not a whole number of {size}-byte structs",
                    payload.len()
                ))));
            }
            return payload
                .chunks(size)
                .map(|c| self.struct_to_json(def, c).map(Value::Object))
                .collect::<Result<_, _>>()
                .map(Value::Array);
        }
        if let Some(def) = attr.struct_ {
            let size = self.family.struct_def(def).map_or(0, |s| s.size as usize);
            if payload.len() != size {
                return Err(WireError::new(DecodeErrorKind::Invalid(format!(
                    "the struct is {size} bytes, found {}",
                    payload.len()
                ))));
            }
            return self.struct_to_json(def, payload).map(Value::Object);
        }
        if let Some(w) = attr
            .sub_type
            .and_then(|t| IntWire::of_type(t, attr.byte_order))
        {
            if !payload.len().is_multiple_of(w.width) {
                return Err(WireError::new(DecodeErrorKind::Invalid(format!(
                    "{} bytes are not a whole number of {}",
                    payload.len(),
                    w.name()
                ))));
            }
            let format = IntFormat::of(
                self.family,
                attr.enum_,
                attr.enum_as_flags,
                attr.display_hint,
                Some(w.width as u32),
            );
            return Ok(Value::Array(
                payload
                    .chunks(w.width)
                    .map(|c| int_to_json(self.family, format, w.read(c).unwrap_or(0)))
                    .collect(),
            ));
        }
        Ok(BytesFormat::of(attr.display_hint).to_json(payload))
    }

    /// An `indexed-array`: nests of a set, or integers, one per element.
    fn array_to_json(&self, attr: &Attr, payload: &[u8], depth: usize) -> Result<Value, WireError> {
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        let elem = attr.sub_type.unwrap_or(AttrType::Nest);
        let scalar = IntWire::of_type(elem, attr.byte_order);
        let mut out = Vec::new();
        for (i, a) in wire::attrs(payload).enumerate() {
            let at = |e: WireError| e.at(Step::Index(i));
            let a = a.map_err(|e| at(e.into()))?;
            let value = match (elem, scalar) {
                (_, Some(w)) => {
                    let v = read_int(w, a.payload).map_err(at)?;
                    let format = IntFormat::of(
                        self.family,
                        attr.enum_,
                        attr.enum_as_flags,
                        attr.display_hint,
                        Some(w.width as u32),
                    );
                    int_to_json(self.family, format, v)
                }
                (AttrType::Nest, None) => {
                    if depth + 1 >= MAX_DEPTH {
                        return Err(at(too_deep()));
                    }
                    match attr.nested {
                        Some(set) => {
                            Value::Object(self.set_to_json(set, a.payload, depth + 2).map_err(at)?)
                        }
                        None => Value::String(hex(a.payload, "")),
                    }
                }
                _ => Value::String(hex(a.payload, "")),
            };
            out.push(value);
        }
        Ok(Value::Array(out))
    }

    /// A `nest-type-value`: an array of objects, each naming its levels'
    /// types by the spec's `type-value` names, the innermost set's
    /// attributes beside them (see `genl_runtime::serde_support::TypeValues`).
    fn type_value_to_json(
        &self,
        attr: &Attr,
        payload: &[u8],
        depth: usize,
    ) -> Result<Value, WireError> {
        let levels = attr.type_value.len().max(1);
        let names: Vec<&str> = if attr.type_value.len() >= levels {
            attr.type_value.iter().map(String::as_str).collect()
        } else {
            vec!["type"; levels]
        };
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        let entries = self.read_levels(attr, payload, levels, depth + 1)?;
        Ok(entries_json(&names, 0, entries))
    }

    fn read_levels(
        &self,
        attr: &Attr,
        payload: &[u8],
        levels: usize,
        depth: usize,
    ) -> Result<Vec<(u16, Node)>, WireError> {
        let mut out = Vec::new();
        for a in wire::attrs(payload) {
            let a = a.map_err(WireError::from)?;
            let at = |e: WireError| e.at(Step::Name(format!("<{}>", a.ty)));
            if depth >= MAX_DEPTH {
                return Err(at(too_deep()));
            }
            let node = if levels > 1 {
                Node::Level(
                    self.read_levels(attr, a.payload, levels - 1, depth + 1)
                        .map_err(at)?,
                )
            } else {
                match attr.nested {
                    Some(set) => {
                        Node::Leaf(self.set_to_json(set, a.payload, depth + 1).map_err(at)?)
                    }
                    None => Node::Leaf(Map::new()),
                }
            };
            out.push((a.ty, node));
        }
        Ok(out)
    }

    /// The members of a C struct, padding left out.
    pub(crate) fn struct_to_json(
        &self,
        def: DefId,
        bytes: &[u8],
    ) -> Result<Map<String, Value>, WireError> {
        let mut out = Map::new();
        let Some(sd) = self.family.struct_def(def) else {
            return Ok(out);
        };
        for m in &sd.members {
            let (start, end) = (m.offset as usize, (m.offset + m.size) as usize);
            let Some(slice) = bytes.get(start..end) else {
                return Err(WireError::new(DecodeErrorKind::Truncated {
                    what: "struct member",
                    need: end,
                    have: bytes.len(),
                })
                .in_name(&m.name));
            };
            let value = match m.ty {
                MemberType::Pad => continue,
                MemberType::String => cstring_to_json(slice),
                MemberType::Binary => match m.struct_ {
                    Some(inner) => Value::Object(
                        self.struct_to_json(inner, slice)
                            .map_err(|e| e.in_name(&m.name))?,
                    ),
                    None => BytesFormat::of(m.display_hint).to_json(slice),
                },
                ty => {
                    let Some(w) = member_int(ty, m.byte_order) else {
                        continue;
                    };
                    let format = IntFormat::of(
                        self.family,
                        m.enum_,
                        m.enum_as_flags,
                        m.display_hint,
                        Some(w.width as u32),
                    );
                    int_to_json(self.family, format, w.read(slice).unwrap_or(0))
                }
            };
            out.insert(m.name.clone(), value);
        }
        Ok(out)
    }
}

fn read_int(w: IntWire, payload: &[u8]) -> Result<i128, WireError> {
    w.read(payload).ok_or_else(|| {
        WireError::new(DecodeErrorKind::Invalid(format!(
            "a {} is {} bytes, found {}",
            w.name(),
            if w.variable {
                "4 or 8".to_owned()
            } else {
                w.width.to_string()
            },
            payload.len()
        )))
    })
}

/// A fixed-size string member: text when it is UTF-8 followed by NULs only,
/// else the byte values.
fn cstring_to_json(bytes: &[u8]) -> Value {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    match std::str::from_utf8(&bytes[..end]) {
        Ok(text) if bytes[end..].iter().all(|&b| b == 0) => Value::String(text.to_owned()),
        _ => Value::Array(bytes.iter().map(|&b| Value::from(b)).collect()),
    }
}

/// An attribute the spec does not know: `{"type": n, "nested": true, "payload": "hex"}`.
fn unknown_to_json(a: &wire::Attr<'_>) -> Value {
    let mut obj = Map::new();
    obj.insert("type".into(), Value::from(a.ty));
    if a.nested {
        obj.insert("nested".into(), Value::Bool(true));
    }
    obj.insert("payload".into(), Value::String(hex(a.payload, "")));
    Value::Object(obj)
}

fn entries_json(names: &[&str], level: usize, entries: Vec<(u16, Node)>) -> Value {
    Value::Array(
        entries
            .into_iter()
            .map(|(key, node)| entry_json(names, level, key, node))
            .collect(),
    )
}

/// One entry: its level's name with its type; a single entry below
/// continues the chain in the same object, none or several go under the
/// next level's name as an array.
fn entry_json(names: &[&str], level: usize, key: u16, node: Node) -> Value {
    let mut obj = Map::new();
    obj.insert(names[level].to_owned(), Value::from(key));
    let mut node = node;
    let mut level = level + 1;
    loop {
        match node {
            Node::Leaf(leaf) => {
                obj.extend(leaf);
                break;
            }
            Node::Level(mut v) if v.len() == 1 => {
                let (k, inner) = v.pop().expect("one entry");
                obj.insert(names[level].to_owned(), Value::from(k));
                node = inner;
                level += 1;
            }
            Node::Level(v) => {
                obj.insert(names[level].to_owned(), entries_json(names, level, v));
                break;
            }
        }
    }
    Value::Object(obj)
}
