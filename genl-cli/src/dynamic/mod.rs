//! JSON to wire and wire to JSON, driven by a spec at run time.
//!
//! The JSON is that of the generated types' serde
//! (`genl_runtime::serde_support`), which follows the kernel's YNL CLI:
//! spec names as keys, enums and flags by name, byte strings by display
//! hint or as hex, C structs as objects, repeated attributes as arrays. The
//! members of a fixed header sit in the top-level object beside the
//! attributes, as the YNL CLI puts them.
//!
//! ```
//! use genl_cli::dynamic::{Codec, RequestKind};
//!
//! let spec = genl_spec::Spec::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/nlctrl.yaml"))?;
//! let codec = Codec::new(spec.family());
//! let json = serde_json::json!({"family-name": "nlctrl"});
//! let payload = codec.encode_request("getfamily", RequestKind::Do, &json)?;
//! assert_eq!(&payload[..4], &[11, 0, 2, 0]); // nla_len 11, CTRL_ATTR_FAMILY_NAME
//!
//! let bad = serde_json::json!({"family-nam": "nlctrl"});
//! let err = codec.encode_request("getfamily", RequestKind::Do, &bad).unwrap_err();
//! assert_eq!(err.suggestions()[0], "family-name");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod decode;
mod encode;
mod error;
pub(crate) mod format;

pub use error::{InputError, WireError};
pub use genl_runtime::RequestKind;

use genl_runtime::wire::{self, NLA_HDRLEN, Writer, align};
use genl_spec::model::{DefId, Family, OpId, SetId};
use genl_spec::raw::AttrType;
use serde_json::{Map, Value};

use format::closest;

/// A codec for the messages of one family, from its resolved spec.
#[derive(Clone, Copy, Debug)]
pub struct Codec<'f> {
    family: &'f Family,
    unknown: bool,
    checks: bool,
}

/// An attribute of a request, found by its offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The path of spec names to it, as `.key.ipv4`.
    pub path: String,
    /// The set nested in it, when it is a nest of one.
    pub nested: Option<SetId>,
}

impl<'f> Codec<'f> {
    /// A codec for `family`: policy checks on, unknown attributes left out
    /// of decoded JSON.
    pub fn new(family: &'f Family) -> Self {
        Codec {
            family,
            unknown: false,
            checks: true,
        }
    }

    /// With `true`, decoded JSON also carries the attributes the spec does
    /// not know, under `"UnknownAttrs"` (`--process-unknown`).
    pub fn process_unknown(mut self, on: bool) -> Self {
        self.unknown = on;
        self
    }

    /// With `false`, values are not checked against the policy's `min`,
    /// `max`, lengths and flag masks (names, JSON types and integer widths
    /// still are). On by default.
    pub fn check_policy(mut self, on: bool) -> Self {
        self.checks = on;
        self
    }

    /// The family.
    pub fn family(&self) -> &'f Family {
        self.family
    }

    /// The operation of the given spec name, or an error that suggests the
    /// closest names.
    pub fn op(&self, name: &str) -> Result<OpId, InputError> {
        self.family.op_by_name(name).ok_or_else(|| {
            let names = self.family.operations.list.iter().map(|o| o.name.as_str());
            InputError::new(format!(
                "family `{}` has no operation `{name}`",
                self.family.name
            ))
            .suggesting(closest(name, names))
        })
    }

    /// The attribute set of an operation's messages (a notification's is
    /// that of the operation it repeats).
    pub fn request_set(&self, op: OpId) -> Option<SetId> {
        let o = self.family.op(op);
        o.attr_set
            .or_else(|| o.notify.and_then(|n| self.family.op(n).attr_set))
    }

    /// The spec name of attribute `ty` of `set`.
    pub fn attr_name(&self, set: SetId, ty: u16) -> Option<&'f str> {
        self.family
            .set(set)
            .attr_by_value(ty)
            .map(|(_, a)| a.name.as_str())
    }

    /// The payload after the genl header (the fixed header, then the
    /// attributes) of a request of `op` from a JSON object. Only the
    /// attributes the operation's request lists are taken (all of its set's
    /// when the spec lists none); every value is checked first.
    pub fn encode_request(
        &self,
        op: &str,
        kind: RequestKind,
        json: &Value,
    ) -> Result<Vec<u8>, InputError> {
        let id = self.op(op)?;
        let o = self.family.op(id);
        let sub = match kind {
            RequestKind::Do => o.do_.as_ref(),
            RequestKind::Dump => o.dump.as_ref(),
        };
        let obj = json.as_object().ok_or_else(|| {
            InputError::new(format::expected("a JSON object of attributes", json))
        })?;
        let mut out = Vec::new();
        let mut attrs = obj.clone();
        if let Some(header) = o.fixed_header {
            let (members, rest) = self.split_header(header, obj);
            self.struct_from_json(header, &Value::Object(members), &mut out)?;
            out.resize(align(out.len()), 0);
            attrs = rest;
        }
        let order = sub
            .and_then(|s| s.request.as_ref())
            .map(|m| m.attrs.as_slice());
        match self.request_set(id) {
            Some(set) => self.set_from_json(
                set,
                order,
                &Value::Object(attrs),
                &mut Writer::new(&mut out),
            )?,
            None => {
                if let Some(key) = attrs.keys().next() {
                    return Err(InputError::new(format!("`{op}` takes no attributes")).in_name(key));
                }
            }
        }
        Ok(out)
    }

    /// The members of the fixed header `def` in `obj`, and the rest.
    fn split_header(
        &self,
        def: DefId,
        obj: &Map<String, Value>,
    ) -> (Map<String, Value>, Map<String, Value>) {
        let members = self
            .family
            .struct_def(def)
            .map(|s| s.members.as_slice())
            .unwrap_or_default();
        obj.iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .partition(|(k, _)| members.iter().any(|m| &m.name == k))
    }

    /// The attributes of `set` from a JSON object, all of the set's taken.
    pub fn encode_set(&self, set: SetId, json: &Value) -> Result<Vec<u8>, InputError> {
        let mut out = Vec::new();
        self.set_from_json(set, None, json, &mut Writer::new(&mut out))?;
        Ok(out)
    }

    /// The JSON object of the attributes of `set` in `bytes`.
    pub fn decode_set(&self, set: SetId, bytes: &[u8]) -> Result<Value, WireError> {
        self.set_to_json(set, bytes, 0).map(Value::Object)
    }

    /// The JSON object of a message of `op` from the kernel (a reply, a
    /// notification or an event), from the payload after the genl header:
    /// the fixed header's members, then the attributes of the op's set.
    pub fn decode(&self, op: OpId, payload: &[u8]) -> Result<Value, WireError> {
        let o = self.family.op(op);
        let mut out = Map::new();
        let mut rest = payload;
        if let Some(header) = o.fixed_header {
            let size = self
                .family
                .struct_def(header)
                .map_or(0, |s| s.size as usize);
            let Some(bytes) = payload.get(..size) else {
                return Err(WireError::new(wire::DecodeErrorKind::Truncated {
                    what: "fixed header",
                    need: size,
                    have: payload.len(),
                }));
            };
            out = self.struct_to_json(header, bytes)?;
            rest = payload.get(align(size)..).unwrap_or(&[]);
        }
        if let Some(set) = self.request_set(op) {
            out.extend(self.set_to_json(set, rest, 0)?);
        }
        Ok(Value::Object(out))
    }

    /// The operation a message from the kernel with genl command `cmd`
    /// belongs to: among those whose messages carry `cmd`, notifications
    /// and events first when `notification` is true, replies first otherwise.
    pub fn op_for_reply(&self, cmd: u8, notification: bool) -> Option<OpId> {
        let matching: Vec<OpId> = self
            .family
            .op_ids()
            .filter(|id| self.family.op(*id).reply_value == Some(u32::from(cmd)))
            .collect();
        matching
            .iter()
            .find(|id| self.family.op(**id).is_async() == notification)
            .or_else(|| matching.first())
            .copied()
    }

    /// Names the attribute at byte `offset` of a request payload this codec
    /// built (`offset` counted from the start of the payload, just after the
    /// genl header): its path of spec names, and the set nested in it.
    /// Both kinds of request of an operation use its set.
    pub fn locate(&self, op: &str, payload: &[u8], offset: usize) -> Option<Located> {
        let id = self.family.op_by_name(op)?;
        let header = self
            .family
            .op(id)
            .fixed_header
            .and_then(|h| self.family.struct_def(h))
            .map_or(0, |s| align(s.size as usize));
        let set = self.request_set(id)?;
        let mut path = String::new();
        let nested = self.walk(set, payload.get(header..)?, header, offset, &mut path)?;
        Some(Located { path, nested })
    }

    /// Finds the attribute at `target` among the attributes of `set` in
    /// `buf`, which starts at `base`.
    fn walk(
        &self,
        set: SetId,
        buf: &[u8],
        base: usize,
        target: usize,
        path: &mut String,
    ) -> Option<Option<SetId>> {
        let mut pos = 0;
        for a in wire::attrs(buf) {
            let a = a.ok()?;
            let at = base + pos;
            let len = NLA_HDRLEN + a.payload.len();
            pos += align(len);
            if target < at || target >= at + len {
                continue;
            }
            let attr = self.family.set(set).attr_by_value(a.ty).map(|(_, x)| x);
            match attr {
                Some(x) => {
                    path.push('.');
                    path.push_str(&x.name);
                }
                None => path.push_str(&format!(".<{}>", a.ty)),
            }
            let Some(x) = attr else { return Some(None) };
            let inner = at + NLA_HDRLEN;
            match (x.ty, x.nested) {
                (AttrType::Nest, Some(s)) => {
                    if target < inner {
                        return Some(Some(s));
                    }
                    return self.walk(s, a.payload, inner, target, path);
                }
                (AttrType::IndexedArray, Some(s)) if target >= inner => {
                    // The element, then inside it.
                    let mut p = 0;
                    for (i, e) in wire::attrs(a.payload).enumerate() {
                        let e = e.ok()?;
                        let e_at = inner + p;
                        let e_len = NLA_HDRLEN + e.payload.len();
                        p += align(e_len);
                        if target >= e_at && target < e_at + e_len {
                            path.push_str(&format!("[{i}]"));
                            if target < e_at + NLA_HDRLEN {
                                return Some(Some(s));
                            }
                            return self.walk(s, e.payload, e_at + NLA_HDRLEN, target, path);
                        }
                    }
                    return Some(None);
                }
                _ => return Some(None),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
