//! Property tests of the wire format: any tree of attributes written is read
//! back the same, and no byte string makes the reader panic.

use genl_runtime::wire::{Attr, DecodeError, Writer, align, attrs, messages};
use proptest::prelude::*;

/// A tree of attributes, as a test model.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Bytes(u16, Vec<u8>),
    Str(u16, String),
    Uint(u16, u64),
    Nest(u16, Vec<Node>),
}

fn ty() -> impl Strategy<Value = u16> {
    0u16..0x3fff
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        (ty(), prop::collection::vec(any::<u8>(), 0..40)).prop_map(|(t, b)| Node::Bytes(t, b)),
        (ty(), "[a-z_]{0,20}").prop_map(|(t, s)| Node::Str(t, s)),
        (ty(), any::<u64>()).prop_map(|(t, v)| Node::Uint(t, v)),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        (ty(), prop::collection::vec(inner, 0..6)).prop_map(|(t, c)| Node::Nest(t, c))
    })
}

fn write(w: &mut Writer<'_>, n: &Node) {
    match n {
        Node::Bytes(t, b) => w.bytes(*t, b),
        Node::Str(t, s) => w.string(*t, s),
        Node::Uint(t, v) => w.uint(*t, *v),
        Node::Nest(t, children) => {
            let nest = w.begin_nest(*t);
            for c in children {
                write(w, c);
            }
            w.end_nest(nest);
        }
    }
}

fn read_like(model: &Node, a: Attr<'_>) -> Result<Node, DecodeError> {
    Ok(match model {
        Node::Bytes(..) => Node::Bytes(a.ty, a.payload.to_vec()),
        Node::Str(..) => Node::Str(a.ty, a.string(false)?.to_owned()),
        Node::Uint(..) => Node::Uint(a.ty, a.uint()?),
        Node::Nest(_, children) => {
            assert!(a.nested, "nests carry NLA_F_NESTED");
            let read: Vec<Attr<'_>> = a.nested().collect::<Result<_, _>>()?;
            assert_eq!(read.len(), children.len());
            Node::Nest(
                a.ty,
                children
                    .iter()
                    .zip(read)
                    .map(|(m, a)| read_like(m, a))
                    .collect::<Result<_, _>>()?,
            )
        }
    })
}

/// The encoded size of a node: header, payload, padding.
fn size(n: &Node) -> usize {
    align(
        4 + match n {
            Node::Bytes(_, b) => b.len(),
            Node::Str(_, s) => s.len() + 1,
            Node::Uint(_, v) => {
                if *v > u32::MAX.into() {
                    8
                } else {
                    4
                }
            }
            Node::Nest(_, c) => c.iter().map(size).sum(),
        },
    )
}

/// Walks every attribute, descending into anything marked nested.
fn walk(buf: &[u8], depth: usize) -> usize {
    let mut n = 0;
    for a in attrs(buf) {
        let Ok(a) = a else { break };
        n += 1;
        let _ = (
            a.string(false),
            a.string(true),
            a.uint(),
            a.sint(),
            a.scalar::<u16>(),
        );
        if a.nested && depth < 8 {
            n += walk(a.payload, depth + 1);
        }
    }
    n
}

proptest! {
    #[test]
    fn attributes_round_trip(tree in prop::collection::vec(node(), 0..8)) {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf);
        for n in &tree {
            write(&mut w, n);
        }
        prop_assert_eq!(buf.len(), tree.iter().map(size).sum::<usize>());
        let read: Vec<Attr<'_>> = attrs(&buf).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(read.len(), tree.len());
        for (m, a) in tree.iter().zip(read) {
            prop_assert_eq!(&read_like(m, a).unwrap(), m);
        }
    }

    #[test]
    fn any_bytes_read_without_panic(buf in prop::collection::vec(any::<u8>(), 0..512)) {
        walk(&buf, 0);
        for m in messages(&buf) {
            let Ok((_, payload)) = m else { break };
            walk(payload, 0);
        }
    }
}
