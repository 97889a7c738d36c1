//! Kernel errors and acknowledgements: the payload of `NLMSG_ERROR` and
//! `NLMSG_DONE`, with the extended ACK attributes (`NLMSGERR_ATTR_*`) the
//! kernel adds when `NETLINK_EXT_ACK` is on, turned into names through the
//! policy of the request that was sent.
//!
//! Parsing is sans-IO and never panics: a truncated or odd payload gives a
//! [`DecodeError`] or leaves the optional parts out.

use std::fmt;

use crate::codec::GenlMessage;
use crate::nlctrl::PolicyAttrs;
use crate::policy::{Kind, SetPolicy};
use crate::wire::{
    DecodeError, DecodeErrorKind, GENL_HDRLEN, NLA_HDRLEN, NLMSG_HDRLEN, NlMsgHdr, PathSegment,
    align, attrs, flags, path_string,
};

/// Extended ACK attribute types (`enum nlmsgerr_attrs`).
mod attr {
    pub const MSG: u16 = 1;
    pub const OFFS: u16 = 2;
    pub const COOKIE: u16 = 3;
    pub const POLICY: u16 = 4;
    pub const MISS_TYPE: u16 = 5;
    pub const MISS_NEST: u16 = 6;
}

/// An error the kernel returned for a request: its errno and whatever the
/// extended ACK said about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KernelError {
    /// The errno, positive (`ENOENT` is 2).
    pub errno: i32,
    /// The operation of the request, when known.
    pub operation: Option<&'static str>,
    /// The kernel's message (`NLMSGERR_ATTR_MSG`).
    pub message: Option<String>,
    /// The attribute the kernel rejected (`NLMSGERR_ATTR_OFFS`).
    pub bad_attr: Option<AttrRef>,
    /// An attribute the request lacks (`NLMSGERR_ATTR_MISS_TYPE`).
    pub missing: Option<MissingAttr>,
    /// The policy the rejected attribute broke (`NLMSGERR_ATTR_POLICY`), in
    /// the terms of a policy dump.
    pub policy: Option<PolicyAttrs>,
    /// A cookie the family returned (`NLMSGERR_ATTR_COOKIE`).
    pub cookie: Option<Vec<u8>>,
}

/// An attribute of the request, by offset and, where the request's policy
/// tells, by the path of names that leads to it (`.key.ipv4`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrRef {
    /// Byte offset in the request message (from its `nlmsghdr`).
    pub offset: u32,
    /// The path of names, when the offset falls on an attribute.
    pub path: Option<String>,
}

/// An attribute the kernel needed and did not find.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MissingAttr {
    /// Its type number.
    pub ty: u32,
    /// Its spec name, when the request's policy knows it.
    pub name: Option<&'static str>,
    /// The nest it is missing from; `None` for the top level.
    pub nest: Option<AttrRef>,
}

impl KernelError {
    /// The errno as an [`std::io::Error`], for its description.
    pub fn io_error(&self) -> std::io::Error {
        std::io::Error::from_raw_os_error(self.errno)
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(op) = self.operation {
            write!(f, "{op}: ")?;
        }
        let io = self.io_error();
        let text = io.to_string();
        let text = text.split(" (os error").next().unwrap_or(&text);
        write!(f, "{text} (errno {})", self.errno)?;
        if let Some(msg) = &self.message {
            write!(f, ": {msg}")?;
        }
        if let Some(bad) = &self.bad_attr {
            match &bad.path {
                Some(path) => write!(f, "; bad attribute {path}")?,
                None => write!(f, "; bad attribute at offset {}", bad.offset)?,
            }
        }
        if let Some(miss) = &self.missing {
            match miss.name {
                Some(name) => write!(f, "; missing attribute {name}")?,
                None => write!(f, "; missing attribute of type {}", miss.ty)?,
            }
            if let Some(nest) = &miss.nest {
                match &nest.path {
                    Some(path) => write!(f, " in {path}")?,
                    None => write!(f, " in the nest at offset {}", nest.offset)?,
                }
            }
        }
        if let Some(p) = &self.policy {
            write!(f, "; policy:{}", PolicySummary(p))?;
        }
        Ok(())
    }
}

impl std::error::Error for KernelError {}

struct PolicySummary<'a>(&'a PolicyAttrs);

impl fmt::Display for PolicySummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.0;
        if let Some(t) = p.r#type {
            write!(f, " type {t:?}")?;
        }
        let bounds = [
            ("min", p.min_value_s.map(i128::from)),
            ("max", p.max_value_s.map(i128::from)),
            ("min", p.min_value_u.map(i128::from)),
            ("max", p.max_value_u.map(i128::from)),
            ("min-len", p.min_length.map(i128::from)),
            ("max-len", p.max_length.map(i128::from)),
            ("mask", p.mask.map(i128::from)),
        ];
        for (name, v) in bounds {
            if let Some(v) = v {
                write!(f, " {name} {v}")?;
            }
        }
        Ok(())
    }
}

/// What an `NLMSG_ERROR` message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ack {
    /// Success; the kernel may add a warning.
    Ok {
        /// The extack message of a successful request.
        warning: Option<String>,
    },
    /// Failure.
    Err(Box<KernelError>),
}

/// How to name the attributes of the request an error refers to.
#[derive(Clone, Copy, Debug)]
pub struct RequestShape<'a> {
    /// The request message as sent, from its `nlmsghdr`.
    pub message: &'a [u8],
    /// Size of the family's fixed header.
    pub header_len: usize,
    /// The policy of the request's top-level attributes.
    pub policy: &'static SetPolicy,
}

/// Reads the payload of an `NLMSG_ERROR` message (`hdr` is its header),
/// naming attributes through `request` when given.
pub fn parse_error(
    hdr: &NlMsgHdr,
    payload: &[u8],
    request: Option<RequestShape<'_>>,
) -> Result<Ack, DecodeError> {
    let errno = read_i32(payload, "nlmsgerr")?;
    // struct nlmsgerr: the error, then the request's header, then (unless
    // the ACK was capped) the request's payload.
    let inner = NlMsgHdr::parse(payload.get(4..).unwrap_or(&[]))?;
    let echoed = if hdr.flags & flags::CAPPED != 0 || errno == 0 {
        NLMSG_HDRLEN
    } else {
        (inner.len as usize).max(NLMSG_HDRLEN)
    };
    let tlvs = if hdr.flags & flags::ACK_TLVS != 0 {
        payload.get(align(4 + echoed)..).unwrap_or(&[])
    } else {
        &[]
    };
    if errno == 0 && tlvs.is_empty() {
        // The common acknowledgement: nothing more to read.
        return Ok(Ack::Ok { warning: None });
    }
    let mut err = read_tlvs(tlvs, request)?;
    if errno == 0 {
        return Ok(Ack::Ok {
            warning: err.message,
        });
    }
    err.errno = errno.checked_neg().unwrap_or(i32::MAX);
    Ok(Ack::Err(Box::new(err)))
}

/// Reads the payload of an `NLMSG_DONE` message: `Ok` or the error that
/// ended the dump (with its extack).
pub fn parse_done(
    hdr: &NlMsgHdr,
    payload: &[u8],
    request: Option<RequestShape<'_>>,
) -> Result<Result<(), KernelError>, DecodeError> {
    // An old kernel may send an empty DONE.
    if payload.is_empty() {
        return Ok(Ok(()));
    }
    let errno = read_i32(payload, "NLMSG_DONE")?;
    if errno == 0 {
        return Ok(Ok(()));
    }
    let tlvs = if hdr.flags & flags::ACK_TLVS != 0 {
        payload.get(4..).unwrap_or(&[])
    } else {
        &[]
    };
    let mut err = read_tlvs(tlvs, request)?;
    err.errno = errno.checked_neg().unwrap_or(i32::MAX);
    Ok(Err(err))
}

fn read_i32(payload: &[u8], what: &'static str) -> Result<i32, DecodeError> {
    payload
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(i32::from_ne_bytes)
        .ok_or_else(|| {
            DecodeError::new(DecodeErrorKind::Truncated {
                what,
                need: 4,
                have: payload.len(),
            })
        })
}

fn read_tlvs(tlvs: &[u8], request: Option<RequestShape<'_>>) -> Result<KernelError, DecodeError> {
    let mut err = KernelError::default();
    let mut miss_type = None;
    let mut miss_nest = None;
    for a in attrs(tlvs) {
        let a = a.map_err(|e| e.in_attr("extack"))?;
        let in_attr = |e: DecodeError, name| e.in_attr(name).in_attr("extack");
        match a.ty {
            attr::MSG => {
                let s = a.string(true).map_err(|e| in_attr(e, "msg"))?;
                err.message = Some(s.trim_end_matches('\0').to_owned());
            }
            attr::OFFS => {
                let offset = a.scalar::<u32>().map_err(|e| in_attr(e, "offs"))?;
                err.bad_attr = Some(AttrRef {
                    offset,
                    path: request.and_then(|r| name_offset(r, offset).map(|(p, _)| p)),
                });
            }
            attr::COOKIE => err.cookie = Some(a.payload.to_vec()),
            attr::POLICY => {
                err.policy =
                    Some(PolicyAttrs::decode_at(a.payload, 1).map_err(|e| in_attr(e, "policy"))?);
            }
            attr::MISS_TYPE => {
                miss_type = Some(a.scalar::<u32>().map_err(|e| in_attr(e, "miss-type"))?)
            }
            attr::MISS_NEST => {
                miss_nest = Some(a.scalar::<u32>().map_err(|e| in_attr(e, "miss-nest"))?)
            }
            _ => {}
        }
    }
    if let Some(ty) = miss_type {
        let (nest, policy) = match miss_nest {
            None => (None, request.map(|r| r.policy)),
            Some(offset) => {
                let named = request.and_then(|r| name_offset(r, offset));
                let (path, policy) = match named {
                    Some((path, policy)) => (Some(path), policy),
                    None => (None, None),
                };
                (Some(AttrRef { offset, path }), policy)
            }
        };
        let name = policy
            .and_then(|p| u16::try_from(ty).ok().and_then(|t| p.by_type(t)))
            .map(|a| a.name);
        err.missing = Some(MissingAttr { ty, name, nest });
    }
    Ok(err)
}

/// The path of the attribute that starts at `offset` in the request, and
/// the policy of the set it nests (when it is a nest of a known set).
fn name_offset(
    request: RequestShape<'_>,
    offset: u32,
) -> Option<(String, Option<&'static SetPolicy>)> {
    let start = NLMSG_HDRLEN + GENL_HDRLEN + request.header_len;
    let attrs_bytes = request.message.get(start..)?;
    let mut path = Vec::new();
    let nested = walk(
        attrs_bytes,
        start,
        offset as usize,
        Some(request.policy),
        &mut path,
    )?;
    path.reverse();
    Some((path_string(&path), nested))
}

/// Finds the attribute at `target` (an offset from the message start) among
/// `buf`, which starts at `base`; pushes the path outermost-first.
fn walk(
    buf: &[u8],
    base: usize,
    target: usize,
    policy: Option<&'static SetPolicy>,
    path: &mut Vec<PathSegment>,
) -> Option<Option<&'static SetPolicy>> {
    let mut pos = 0;
    for a in attrs(buf) {
        let a = a.ok()?;
        let at = base + pos;
        let len = NLA_HDRLEN + a.payload.len();
        pos += align(len);
        if target < at || target >= at + len.max(NLA_HDRLEN) {
            continue;
        }
        let known = policy.and_then(|p| p.by_type(a.ty));
        path.push(match known {
            Some(k) => PathSegment::Attr(k.name),
            None => PathSegment::Type(a.ty),
        });
        let inner = match known.map(|k| k.kind) {
            Some(Kind::Nest(set)) => Some(set()),
            _ => None,
        };
        if target == at {
            return Some(inner);
        }
        // Inside the payload: a nest's attribute, or a byte of a value.
        let nested_kind = known.map(|k| k.kind);
        let is_nest = matches!(
            nested_kind,
            Some(Kind::Nest(_) | Kind::IndexedArray | Kind::NestTypeValue) | None
        );
        if is_nest && target >= at + NLA_HDRLEN {
            return walk(a.payload, at + NLA_HDRLEN, target, inner, path);
        }
        return Some(inner);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::AttrPolicy;
    use crate::wire::{GenlMsgHdr, Writer, begin_message, end_message, msg_type};

    static INNER: SetPolicy = SetPolicy {
        name: "inner",
        attrs: &[
            AttrPolicy::new("port", 1, Kind::Unsigned(2)),
            AttrPolicy::new("addr", 2, Kind::Unsigned(4)),
        ],
    };
    fn inner() -> &'static SetPolicy {
        &INNER
    }
    static OUTER: SetPolicy = SetPolicy {
        name: "outer",
        attrs: &[
            AttrPolicy::new("name", 1, Kind::String),
            AttrPolicy::new("key", 2, Kind::Nest(inner)),
        ],
    };

    fn request() -> Vec<u8> {
        let mut buf = Vec::new();
        let m = begin_message(
            &mut buf,
            NlMsgHdr {
                ty: 30,
                flags: flags::REQUEST | flags::ACK,
                seq: 9,
                ..Default::default()
            },
        );
        GenlMsgHdr { cmd: 1, version: 1 }.write(&mut buf);
        let mut w = Writer::new(&mut buf);
        w.string(1, "dp0"); // at 20, 8 bytes
        let n = w.begin_nest(2); // at 28
        w.scalar(1, 80u16); // at 32
        w.scalar(2, 1u32); // at 40
        w.end_nest(n);
        end_message(&mut buf, m);
        buf
    }

    fn error_message(errno: i32, request: &[u8], tlvs: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
        let mut buf = Vec::new();
        let m = begin_message(
            &mut buf,
            NlMsgHdr {
                ty: msg_type::ERROR,
                flags: flags::CAPPED | flags::ACK_TLVS,
                seq: 9,
                ..Default::default()
            },
        );
        buf.extend_from_slice(&(-errno).to_ne_bytes());
        buf.extend_from_slice(&request[..NLMSG_HDRLEN]);
        tlvs(&mut Writer::new(&mut buf));
        end_message(&mut buf, m);
        buf
    }

    fn parse(msg: &[u8], req: &[u8]) -> Ack {
        let hdr = NlMsgHdr::parse(msg).unwrap();
        let shape = RequestShape {
            message: req,
            header_len: 0,
            policy: &OUTER,
        };
        parse_error(&hdr, &msg[NLMSG_HDRLEN..], Some(shape)).unwrap()
    }

    #[test]
    fn bad_attribute_is_named_by_path() {
        let req = request();
        let msg = error_message(22, &req, |w| {
            w.string(attr::MSG, "bad port");
            w.scalar(attr::OFFS, 32u32);
        });
        let Ack::Err(e) = parse(&msg, &req) else {
            panic!("an error")
        };
        assert_eq!(e.errno, 22);
        assert_eq!(e.message.as_deref(), Some("bad port"));
        assert_eq!(
            e.bad_attr.as_ref().unwrap().path.as_deref(),
            Some(".key.port")
        );
        assert_eq!(
            e.to_string(),
            "Invalid argument (errno 22): bad port; bad attribute .key.port"
        );
    }

    #[test]
    fn missing_attribute_is_named_in_its_nest() {
        let req = request();
        let msg = error_message(22, &req, |w| {
            w.scalar(attr::MISS_TYPE, 2u32);
            w.scalar(attr::MISS_NEST, 28u32);
        });
        let Ack::Err(e) = parse(&msg, &req) else {
            panic!("an error")
        };
        let miss = e.missing.unwrap();
        assert_eq!(miss.name, Some("addr"));
        assert_eq!(miss.nest.unwrap().path.as_deref(), Some(".key"));

        let msg = error_message(22, &req, |w| w.scalar(attr::MISS_TYPE, 1u32));
        let Ack::Err(e) = parse(&msg, &req) else {
            panic!("an error")
        };
        assert_eq!(e.missing.unwrap().name, Some("name"));
    }

    #[test]
    fn offsets_outside_the_request_stay_numbers() {
        let req = request();
        let msg = error_message(22, &req, |w| w.scalar(attr::OFFS, 400u32));
        let Ack::Err(e) = parse(&msg, &req) else {
            panic!("an error")
        };
        assert_eq!(
            e.bad_attr.unwrap(),
            AttrRef {
                offset: 400,
                path: None
            }
        );
    }

    #[test]
    fn success_and_truncation() {
        let req = request();
        let msg = error_message(0, &req, |_| {});
        assert_eq!(parse(&msg, &req), Ack::Ok { warning: None });
        let hdr = NlMsgHdr::parse(&msg).unwrap();
        for cut in 0..msg.len() - NLMSG_HDRLEN {
            // Never a panic, whatever is cut.
            let _ = parse_error(&hdr, &msg[NLMSG_HDRLEN..NLMSG_HDRLEN + cut], None);
        }
        assert!(parse_error(&hdr, &msg[NLMSG_HDRLEN..NLMSG_HDRLEN + 3], None).is_err());
    }

    #[test]
    fn done_carries_the_dump_error() {
        let mut buf = Vec::new();
        let m = begin_message(
            &mut buf,
            NlMsgHdr {
                ty: msg_type::DONE,
                flags: flags::MULTI | flags::ACK_TLVS,
                ..Default::default()
            },
        );
        buf.extend_from_slice(&(-95i32).to_ne_bytes());
        Writer::new(&mut buf).string(attr::MSG, "not supported");
        end_message(&mut buf, m);
        let hdr = NlMsgHdr::parse(&buf).unwrap();
        let e = parse_done(&hdr, &buf[NLMSG_HDRLEN..], None)
            .unwrap()
            .unwrap_err();
        assert_eq!((e.errno, e.message.as_deref()), (95, Some("not supported")));
    }
}
