//! JSON to wire: every value checked against the spec (names, JSON types,
//! enum entries, the width of integers and, unless turned off, the policy's
//! checks) before a byte is written.

use genl_runtime::policy::Violation;
use genl_runtime::wire::{NLA_F_NESTED, NLA_TYPE_MASK, Writer};
use genl_spec::model::{Attr, AttrId, DefId, DefKind, SetId};
use genl_spec::raw::{AttrType, MemberType};
use serde_json::{Map, Value};

use super::Codec;
use super::decode::{attr_int, attr_int_format, member_int};
use super::error::{InputError, Step};
use super::format::{BytesFormat, IntFormat, IntWire, closest, expected, int_from_json, parse_hex};

/// The most bytes an attribute can carry (`nla_len` is 16 bits).
const MAX_PAYLOAD: usize = u16::MAX as usize - 4;

/// The policy of an attribute: its spec's checks and those the kernel
/// derives from an enum.
#[derive(Default)]
struct Rules {
    min: Option<i128>,
    max: Option<i128>,
    min_len: Option<i128>,
    max_len: Option<i128>,
    exact_len: Option<i128>,
    flags_mask: Option<u64>,
}

impl Rules {
    fn check_int(&self, value: i128) -> Result<(), Violation> {
        if let Some(min) = self.min
            && value < min
        {
            return Err(Violation::BelowMin { value, min });
        }
        if let Some(max) = self.max
            && value > max
        {
            return Err(Violation::AboveMax { value, max });
        }
        if let Some(mask) = self.flags_mask {
            let bits = u64::try_from(value).unwrap_or(u64::MAX);
            if bits & !mask != 0 {
                return Err(Violation::BadFlags { value: bits, mask });
            }
        }
        Ok(())
    }

    fn check_len(&self, len: usize) -> Result<(), Violation> {
        let n = len as i128;
        let bound = |b: i128| u32::try_from(b).unwrap_or(u32::MAX);
        if len > MAX_PAYLOAD {
            return Err(Violation::TooBig { len });
        }
        if let Some(exact) = self.exact_len
            && n != exact
        {
            return Err(Violation::WrongLength {
                len,
                exact_len: bound(exact),
            });
        }
        if let Some(min) = self.min_len
            && n < min
        {
            return Err(Violation::TooShort {
                len,
                min_len: bound(min),
            });
        }
        if let Some(max) = self.max_len
            && n > max
        {
            return Err(Violation::TooLong {
                len,
                max_len: bound(max),
            });
        }
        Ok(())
    }
}

fn violation(v: Violation) -> InputError {
    InputError::new(v.to_string())
}

impl Codec<'_> {
    /// The rules checked for `attr` (none when checks are off).
    fn rules(&self, attr: &Attr) -> Rules {
        if !self.checks {
            return Rules::default();
        }
        let c = &attr.checks;
        let mut r = Rules {
            min: c.min.as_ref().map(|b| b.value),
            max: c.max.as_ref().map(|b| b.value),
            min_len: c.min_len.as_ref().map(|b| b.value),
            max_len: c.max_len.as_ref().map(|b| b.value),
            exact_len: c.exact_len.as_ref().map(|b| b.value),
            flags_mask: c
                .flags_mask
                .and_then(|id| self.family.enum_def(id))
                .map(|e| e.entries.iter().fold(0, |m, x| m | x.value)),
        };
        // An enum's values bound the attribute, as the kernel's policy does.
        if attr_int(attr).is_some()
            && let Some(id) = attr.enum_
            && let Some(e) = self.family.enum_def(id).filter(|e| !e.entries.is_empty())
        {
            let is_flags = matches!(self.family.def(id).kind, DefKind::Flags(_));
            if is_flags || attr.enum_as_flags {
                if r.flags_mask.is_none() {
                    r.flags_mask = Some(e.entries.iter().fold(0, |m, x| {
                        m | if is_flags {
                            x.value
                        } else {
                            1u64.checked_shl(u32::try_from(x.value).unwrap_or(64))
                                .unwrap_or(0)
                        }
                    }));
                }
            } else if r.min.is_none() && r.max.is_none() {
                let low = e.entries.iter().map(|x| x.value).min().unwrap_or(0);
                let high = e.entries.iter().map(|x| x.value).max().unwrap_or(0);
                if low > 0 {
                    r.min = Some(low.into());
                }
                r.max = Some(high.into());
            }
        }
        r
    }

    /// Writes the attributes of `set` from a JSON object: those of `order`
    /// (all of the set's, in its order, when `None`), then the unknown ones.
    pub(crate) fn set_from_json(
        &self,
        set: SetId,
        order: Option<&[AttrId]>,
        json: &Value,
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let obj = json
            .as_object()
            .ok_or_else(|| InputError::new(expected("an object of attributes", json)))?;
        let s = self.family.set(set);
        let listed: Vec<&Attr> = match order {
            Some(ids) => ids.iter().map(|id| self.family.attr(*id)).collect(),
            None => s.attrs.iter().collect(),
        };
        for key in obj.keys() {
            if key == "UnknownAttrs" || listed.iter().any(|a| &a.name == key) {
                continue;
            }
            let names = listed.iter().map(|a| a.name.as_str());
            let why = if s.attr(key).is_some() {
                format!("`{key}` is not an attribute of this request")
            } else {
                format!("`{key}` is not an attribute of `{}`", s.name)
            };
            return Err(InputError::new(why)
                .suggesting(closest(key, names))
                .in_name(key));
        }
        for attr in listed {
            let Some(value) = obj.get(&attr.name).filter(|v| !v.is_null()) else {
                continue;
            };
            let at = |e: InputError| e.in_name(&attr.name);
            if attr.multi_attr {
                let items = match value {
                    Value::Array(items) => items.as_slice(),
                    single => std::slice::from_ref(single),
                };
                for (i, item) in items.iter().enumerate() {
                    self.attr_from_json(set, attr, item, obj, w)
                        .map_err(|e| at(e.at(Step::Index(i))))?;
                }
            } else {
                self.attr_from_json(set, attr, value, obj, w).map_err(at)?;
            }
        }
        if let Some(unknown) = obj.get("UnknownAttrs") {
            unknown_from_json(unknown, w).map_err(|e| e.in_name("UnknownAttrs"))?;
        }
        Ok(())
    }

    /// Writes one attribute; `siblings` is the object it is in (for a
    /// sub-message's selector).
    fn attr_from_json(
        &self,
        set: SetId,
        attr: &Attr,
        json: &Value,
        siblings: &Map<String, Value>,
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let ty = attr.value & NLA_TYPE_MASK;
        let rules = self.rules(attr);
        if let Some(wire) = attr_int(attr) {
            let v = self.int_from_json(attr_int_format(self, attr, wire), wire, json)?;
            rules.check_int(v).map_err(violation)?;
            let mut bytes = Vec::with_capacity(8);
            wire.write(v, &mut bytes);
            w.bytes(ty, &bytes);
            return Ok(());
        }
        match attr.ty {
            AttrType::Flag => match json {
                Value::Bool(true) => w.flag(ty),
                Value::Bool(false) => {}
                other => return Err(InputError::new(expected("true or false", other))),
            },
            AttrType::String => {
                let s = json
                    .as_str()
                    .ok_or_else(|| InputError::new(expected("a string", json)))?;
                if let Some(at) = s.bytes().position(|b| b == 0) {
                    return Err(violation(Violation::NulInString { at }));
                }
                rules.check_len(s.len()).map_err(violation)?;
                w.string(ty, s);
            }
            AttrType::Binary => {
                let bytes = self.binary_from_json(attr, json)?;
                if attr.struct_.is_none() {
                    rules.check_len(bytes.len()).map_err(violation)?;
                }
                w.bytes(ty, &bytes);
            }
            AttrType::Nest => match attr.nested {
                Some(inner) => {
                    let token = w.begin_nest(ty);
                    self.set_from_json(inner, None, json, w)?;
                    w.end_nest(token);
                }
                None => {
                    let bytes = BytesFormat::Hex.parse_json(json).map_err(InputError::new)?;
                    let token = w.begin_nest(ty);
                    w.raw(&bytes);
                    w.end_nest(token);
                }
            },
            AttrType::IndexedArray => self.array_from_json(attr, json, w)?,
            AttrType::NestTypeValue => self.type_value_from_json(attr, json, w)?,
            AttrType::Bitfield32 => {
                let obj = json.as_object().ok_or_else(|| {
                    InputError::new(expected("{\"value\": n, \"selector\": n}", json))
                })?;
                let word = IntWire::fixed(4, false, None);
                let mut bytes = Vec::with_capacity(8);
                let zero = Value::from(0);
                for key in ["value", "selector"] {
                    let v = obj.get(key).unwrap_or(&zero);
                    let n = self
                        .int_from_json(IntFormat::Plain, word, v)
                        .map_err(|e| e.in_name(key))?;
                    word.write(n, &mut bytes);
                }
                w.bytes(ty, &bytes);
            }
            AttrType::SubMessage => self.sub_message_from_json(set, attr, json, siblings, w)?,
            _ => {}
        }
        Ok(())
    }

    /// An integer in `format` that fits `wire`.
    fn int_from_json(
        &self,
        format: IntFormat,
        wire: IntWire,
        json: &Value,
    ) -> Result<i128, InputError> {
        let v = int_from_json(self.family, format, json)
            .map_err(|(message, names)| InputError::new(message).suggesting(names))?;
        let (low, high) = wire.range();
        if v < low || v > high {
            return Err(InputError::new(format!(
                "{v} does not fit a {}",
                wire.name()
            )));
        }
        Ok(v)
    }

    /// The bytes of a `binary`: a C struct, an array of C structs, an
    /// array of integers, or bytes.
    fn binary_from_json(&self, attr: &Attr, json: &Value) -> Result<Vec<u8>, InputError> {
        if let Some(def) = attr.struct_
            && attr.sub_type == Some(AttrType::Binary)
        {
            let items = json
                .as_array()
                .ok_or_else(|| InputError::new(expected("an array of structs", json)))?;
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                self.struct_from_json(def, item, &mut out)
                    .map_err(|e| e.at(Step::Index(i)))?;
            }
            return Ok(out);
        }
        if let Some(def) = attr.struct_ {
            let mut out = Vec::new();
            self.struct_from_json(def, json, &mut out)?;
            return Ok(out);
        }
        if let Some(wire) = attr
            .sub_type
            .and_then(|t| IntWire::of_type(t, attr.byte_order))
        {
            let format = IntFormat::of(
                self.family,
                attr.enum_,
                attr.enum_as_flags,
                attr.display_hint,
                Some(wire.width as u32),
            );
            let items = json
                .as_array()
                .ok_or_else(|| InputError::new(expected("an array of integers", json)))?;
            let mut out = Vec::with_capacity(items.len() * wire.width);
            for (i, item) in items.iter().enumerate() {
                let v = self
                    .int_from_json(format, wire, item)
                    .map_err(|e| e.at(Step::Index(i)))?;
                wire.write(v, &mut out);
            }
            return Ok(out);
        }
        BytesFormat::of(attr.display_hint)
            .parse_json(json)
            .map_err(InputError::new)
    }

    /// An `indexed-array`: elements numbered from 1 in a nest.
    fn array_from_json(
        &self,
        attr: &Attr,
        json: &Value,
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let items = json
            .as_array()
            .ok_or_else(|| InputError::new(expected("an array", json)))?;
        let elem = attr.sub_type.unwrap_or(AttrType::Nest);
        let token = w.begin_nest(attr.value & NLA_TYPE_MASK);
        for (i, item) in items.iter().enumerate() {
            let at = |e: InputError| e.at(Step::Index(i));
            let index = u16::try_from(i + 1).unwrap_or(u16::MAX) & NLA_TYPE_MASK;
            if let Some(wire) = IntWire::of_type(elem, attr.byte_order) {
                let format = IntFormat::of(
                    self.family,
                    attr.enum_,
                    attr.enum_as_flags,
                    attr.display_hint,
                    Some(wire.width as u32),
                );
                let v = self.int_from_json(format, wire, item).map_err(at)?;
                let mut bytes = Vec::with_capacity(8);
                wire.write(v, &mut bytes);
                w.bytes(index, &bytes);
            } else if let Some(set) = attr.nested {
                let inner = w.begin_nest(index);
                self.set_from_json(set, None, item, w).map_err(at)?;
                w.end_nest(inner);
            } else {
                let bytes = BytesFormat::Hex
                    .parse_json(item)
                    .map_err(|m| at(InputError::new(m)))?;
                w.bytes(index, &bytes);
            }
        }
        w.end_nest(token);
        Ok(())
    }

    /// A `nest-type-value` from the array of objects the decoder writes
    /// (or one object for the whole array).
    fn type_value_from_json(
        &self,
        attr: &Attr,
        json: &Value,
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let levels = attr.type_value.len().max(1);
        let names: Vec<&str> = if attr.type_value.len() >= levels {
            attr.type_value.iter().map(String::as_str).collect()
        } else {
            vec!["type"; levels]
        };
        let token = w.begin_nest(attr.value & NLA_TYPE_MASK);
        self.levels_from_json(attr, &names, 0, json, &[], w)?;
        w.end_nest(token);
        Ok(())
    }

    /// Writes the entries at `level`; `consumed` are the level names the
    /// enclosing objects already took (keys not of the leaf).
    fn levels_from_json(
        &self,
        attr: &Attr,
        names: &[&str],
        level: usize,
        json: &Value,
        consumed: &[&str],
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let entries = match json {
            Value::Array(items) => items.as_slice(),
            single @ Value::Object(_) => std::slice::from_ref(single),
            other => return Err(InputError::new(expected("an array of objects", other))),
        };
        for (i, entry) in entries.iter().enumerate() {
            self.entry_from_json(attr, names, level, entry, consumed, w)
                .map_err(|e| e.at(Step::Index(i)))?;
        }
        Ok(())
    }

    fn entry_from_json(
        &self,
        attr: &Attr,
        names: &[&str],
        level: usize,
        entry: &Value,
        consumed: &[&str],
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let obj = entry
            .as_object()
            .ok_or_else(|| InputError::new(expected("an object", entry)))?;
        let name = names[level];
        let key = obj
            .get(name)
            .ok_or_else(|| InputError::new(format!("`{name}` is missing")))?;
        let key = key
            .as_u64()
            .and_then(|k| u16::try_from(k).ok())
            .ok_or_else(|| {
                InputError::new(expected("an attribute type (0 to 65535)", key)).in_name(name)
            })?;
        let token = w.begin_nest(key & NLA_TYPE_MASK);
        let mut taken: Vec<&str> = consumed.to_vec();
        taken.push(name);
        if level + 1 < names.len() {
            let next = names[level + 1];
            match obj.get(next) {
                // A chain: the next level's single entry in this object.
                Some(Value::Number(_)) => {
                    self.entry_from_json(attr, names, level + 1, entry, &taken, w)?;
                }
                Some(list) => {
                    self.levels_from_json(attr, names, level + 1, list, &[], w)
                        .map_err(|e| e.in_name(next))?;
                }
                None => {}
            }
        } else if let Some(set) = attr.nested {
            let leaf: Map<String, Value> = obj
                .iter()
                .filter(|(k, _)| !taken.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            self.set_from_json(set, None, &Value::Object(leaf), w)?;
        }
        w.end_nest(token);
        Ok(())
    }

    /// A sub-message: `{"selector": ..., "payload": "hex"}`, nested when its
    /// format (named by the sibling selector) has attributes.
    fn sub_message_from_json(
        &self,
        set: SetId,
        attr: &Attr,
        json: &Value,
        siblings: &Map<String, Value>,
        w: &mut Writer<'_>,
    ) -> Result<(), InputError> {
        let obj = json.as_object().ok_or_else(|| {
            InputError::new(expected("{\"selector\": ..., \"payload\": \"hex\"}", json))
        })?;
        let payload = match obj.get("payload") {
            Some(p) => BytesFormat::Hex
                .parse_json(p)
                .map_err(|m| InputError::new(m).in_name("payload"))?,
            None => Vec::new(),
        };
        let selector = attr
            .selector
            .filter(|s| s.set == set)
            .and_then(|s| siblings.get(&self.family.attr(s).name))
            .or_else(|| obj.get("selector"));
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let format = attr.sub_message.and_then(|m| {
            let selector = selector.map(text)?;
            self.family
                .sub_message(m)
                .formats
                .iter()
                .find(|f| f.value == selector)
        });
        let ty = attr.value & NLA_TYPE_MASK;
        match format {
            Some(f) if f.attr_set.is_some() || f.fixed_header.is_some() => {
                let token = w.begin_nest(ty);
                w.raw(&payload);
                w.end_nest(token);
            }
            _ => w.bytes(ty, &payload),
        }
        Ok(())
    }

    /// The bytes of a C struct from an object of its members (missing ones
    /// are zeros).
    pub(crate) fn struct_from_json(
        &self,
        def: DefId,
        json: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), InputError> {
        let Some(sd) = self.family.struct_def(def) else {
            return Ok(());
        };
        let empty = Map::new();
        let obj = match json {
            Value::Object(o) => o,
            Value::Null => &empty,
            other => return Err(InputError::new(expected("an object of members", other))),
        };
        let name = &self.family.def(def).name;
        for key in obj.keys() {
            if !sd
                .members
                .iter()
                .any(|m| &m.name == key && m.ty != MemberType::Pad)
            {
                return Err(
                    InputError::new(format!("`{key}` is not a member of `{name}`"))
                        .suggesting(closest(key, sd.members.iter().map(|m| m.name.as_str())))
                        .in_name(key),
                );
            }
        }
        for m in &sd.members {
            let size = m.size as usize;
            let at = |e: InputError| e.in_name(&m.name);
            let value = obj.get(&m.name).filter(|v| !v.is_null());
            match (m.ty, value) {
                (MemberType::Pad, _) | (_, None) => out.resize(out.len() + size, 0),
                (MemberType::String, Some(v)) => {
                    let bytes = match v {
                        Value::String(s) => s.as_bytes().to_vec(),
                        other => BytesFormat::Hex
                            .parse_json(other)
                            .map_err(|e| at(InputError::new(e)))?,
                    };
                    if bytes.len() > size {
                        return Err(at(InputError::new(format!(
                            "{} bytes do not fit {size}",
                            bytes.len()
                        ))));
                    }
                    out.extend_from_slice(&bytes);
                    out.resize(out.len() + size - bytes.len(), 0);
                }
                (MemberType::Binary, Some(v)) => match m.struct_ {
                    Some(inner) => self.struct_from_json(inner, v, out).map_err(at)?,
                    None => {
                        let bytes = BytesFormat::of(m.display_hint)
                            .parse_json(v)
                            .map_err(|e| at(InputError::new(e)))?;
                        if bytes.len() != size {
                            return Err(at(InputError::new(format!(
                                "expected {size} bytes, found {}",
                                bytes.len()
                            ))));
                        }
                        out.extend_from_slice(&bytes);
                    }
                },
                (ty, Some(v)) => {
                    let Some(wire) = member_int(ty, m.byte_order) else {
                        out.resize(out.len() + size, 0);
                        continue;
                    };
                    let format = IntFormat::of(
                        self.family,
                        m.enum_,
                        m.enum_as_flags,
                        m.display_hint,
                        Some(wire.width as u32),
                    );
                    let n = self.int_from_json(format, wire, v).map_err(at)?;
                    wire.write(n, out);
                }
            }
        }
        Ok(())
    }
}

/// Attributes the spec does not know, as the decoder writes them.
fn unknown_from_json(json: &Value, w: &mut Writer<'_>) -> Result<(), InputError> {
    let items = json
        .as_array()
        .ok_or_else(|| InputError::new(expected("an array of unknown attributes", json)))?;
    for (i, item) in items.iter().enumerate() {
        let at = |e: InputError| e.at(Step::Index(i));
        let obj = item.as_object().ok_or_else(|| {
            at(InputError::new(expected(
                "{\"type\": n, \"payload\": \"hex\"}",
                item,
            )))
        })?;
        let ty = obj
            .get("type")
            .and_then(Value::as_u64)
            .and_then(|t| u16::try_from(t).ok())
            .ok_or_else(|| {
                at(InputError::new(
                    "`type` must be an attribute type (0 to 65535)",
                ))
            })?;
        let nested = obj.get("nested").and_then(Value::as_bool).unwrap_or(false);
        let payload = match obj.get("payload").and_then(Value::as_str) {
            Some(p) => {
                parse_hex(p).ok_or_else(|| at(InputError::new(format!("{p:?} is not hex"))))?
            }
            None => Vec::new(),
        };
        let ty = ty & NLA_TYPE_MASK;
        w.bytes(if nested { ty | NLA_F_NESTED } else { ty }, &payload);
    }
    Ok(())
}
