//! The codec on a small spec that has every kind of value, and on nlctrl.

use super::*;
use serde_json::json;

const SPEC: &str = r#"
name: demo
protocol: genetlink-legacy
doc: Every kind of value.
definitions:
  - { name: colour, type: enum, entries: [ red, green, blue ] }
  - { name: feat, type: flags, entries: [ a, b, c ] }
  - name: hdr
    type: struct
    members:
      - { name: ifindex, type: u32 }
  - name: pair
    type: struct
    members:
      - { name: mac, type: binary, len: 6, display-hint: mac }
      - { name: port, type: u16, byte-order: big-endian }
      - { name: kind, type: u8, enum: colour }
      - { name: name, type: string, len: 5 }
operations:
  fixed-header: hdr
  list:
    - name: set
      doc: Set.
      attribute-set: main
      do:
        request: { attributes: [ id, name, colour, feat, on, key, addr, pair, inner, ports, list, big, pairs ] }
        reply: { attributes: [ id, name ] }
attribute-sets:
  - name: main
    attributes:
      - { name: id, type: u32, checks: { min: 1, max: 100 } }
      - { name: name, type: string, checks: { max-len: 7 } }
      - { name: colour, type: u8, enum: colour }
      - { name: feat, type: u32, enum: feat }
      - { name: on, type: flag }
      - { name: key, type: binary, display-hint: hex, checks: { exact-len: 2 } }
      - { name: addr, type: u32, byte-order: big-endian, display-hint: ipv4, multi-attr: true }
      - { name: pair, type: binary, struct: pair }
      - { name: inner, type: nest, nested-attributes: inner }
      - { name: ports, type: binary, sub-type: u16 }
      - { name: list, type: indexed-array, sub-type: nest, nested-attributes: inner }
      - { name: big, type: uint }
      - { name: pairs, type: binary, sub-type: binary, struct: pair }
  - name: inner
    attributes:
      - { name: x, type: s16 }
"#;

fn spec() -> genl_spec::Spec {
    genl_spec::Spec::parse("demo.yaml", SPEC).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn full() -> Value {
    json!({
        "ifindex": 7,
        "id": 5,
        "name": "eth0",
        "colour": "blue",
        "feat": ["a", "c"],
        "on": true,
        "key": "ab cd",
        "addr": ["10.0.0.1", "192.0.2.7"],
        "pair": {"mac": "02:00:00:00:00:01", "port": 80, "kind": "green", "name": "ab"},
        "inner": {"x": -3},
        "ports": [1, 65535],
        "list": [{"x": 1}, {"x": 2}],
        "big": 1u64 << 40,
        "pairs": [
            {"mac": "02:00:00:00:00:02", "port": 1, "kind": "red", "name": "x"},
            {"mac": "02:00:00:00:00:03", "port": 2, "kind": "blue", "name": "y"},
        ],
    })
}

#[test]
fn a_request_round_trips_through_the_wire() {
    let spec = spec();
    let codec = Codec::new(spec.family());
    let payload = codec
        .encode_request("set", RequestKind::Do, &full())
        .unwrap();
    // The fixed header first.
    assert_eq!(&payload[..4], &7u32.to_ne_bytes());
    let set = codec.op("set").unwrap();
    let back = codec.decode(set, &payload).unwrap();
    assert_eq!(back, full());
    // Big-endian on the wire: 10.0.0.1.
    let at = payload.windows(4).position(|w| w == [10, 0, 0, 1]);
    assert!(at.is_some(), "{payload:?}");
}

#[test]
fn input_errors_name_the_path_and_what_was_expected() {
    let spec = spec();
    let codec = Codec::new(spec.family());
    let err = |json: Value| {
        codec
            .encode_request("set", RequestKind::Do, &json)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(err(json!({"id": 0})), ".id: 0 is below min 1");
    assert_eq!(err(json!({"id": 101})), ".id: 101 is above max 100");
    assert!(
        codec
            .encode_request("set", RequestKind::Do, &json!({"id": 1}))
            .is_ok()
    );
    assert!(
        codec
            .encode_request("set", RequestKind::Do, &json!({"id": 100}))
            .is_ok()
    );
    assert_eq!(
        err(json!({"name": "eight ch"})),
        ".name: length 8 is above max-len 7"
    );
    assert!(
        codec
            .encode_request("set", RequestKind::Do, &json!({"name": "seven c"}))
            .is_ok()
    );
    assert_eq!(
        err(json!({"key": "ab"})),
        ".key: length 1 is not exact-len 2"
    );
    assert_eq!(
        err(json!({"id": "five"})),
        ".id: expected an integer, found a string `\"five\"`"
    );
    assert_eq!(
        err(json!({"colour": "bleu"})),
        ".colour: `bleu` is not an entry of `colour`; did you mean `blue`?"
    );
    assert_eq!(err(json!({"colour": 3})), ".colour: 3 is above max 2");
    assert_eq!(
        err(json!({"feat": ["a", "d"]})),
        ".feat: `d` is not a flag of `feat`"
    );
    assert_eq!(
        err(json!({"feat": 8})),
        ".feat: 0x8 has bits outside flags-mask 0x7 (0x8)"
    );
    assert_eq!(
        err(json!({"nmae": "x"})),
        ".nmae: `nmae` is not an attribute of `main`; did you mean `name`?"
    );
    assert_eq!(
        err(json!({"inner": {"x": 40000}})),
        ".inner.x: 40000 does not fit a s16"
    );
    assert_eq!(
        err(json!({"list": [{"x": 1}, {"y": 2}]})),
        ".list[1].y: `y` is not an attribute of `inner`"
    );
    assert_eq!(
        err(json!({"pair": {"mac": "zz"}})),
        ".pair.mac: \"zz\" is not a MAC address"
    );
    assert_eq!(
        err(json!({"on": 1})),
        ".on: expected true or false, found a number `1`"
    );
    assert_eq!(
        err(json!([1])),
        "expected a JSON object of attributes, found an array `[1]`"
    );
    let unknown_op = codec
        .encode_request("sett", RequestKind::Do, &json!({}))
        .unwrap_err();
    assert_eq!(unknown_op.suggestions(), ["set"]);
    // Checks off: the policy is the kernel's business.
    let lax = codec.check_policy(false);
    assert!(
        lax.encode_request("set", RequestKind::Do, &json!({"id": 0}))
            .is_ok()
    );
}

#[test]
fn malformed_bytes_give_errors_with_paths() {
    let spec = spec();
    let codec = Codec::new(spec.family());
    let main = spec.family().set_by_name("main").unwrap();
    // id (1) in 2 bytes.
    let bad = [6, 0, 1, 0, 1, 0, 0, 0];
    let e = codec.decode_set(main, &bad).unwrap_err();
    assert_eq!(e.to_string(), ".id: a u32 is 4 bytes, found 2");
    // nla_len past the end.
    let e = codec
        .decode_set(main, &[40, 0, 1, 0, 1, 0, 0, 0])
        .unwrap_err();
    assert!(e.to_string().contains("attribute length 40"), "{e}");
    // A string without its NUL, inside a nest.
    let inner = [8, 0, 2, 0, b'a', b'b', b'c', b'd'];
    let mut nest = vec![12, 0];
    nest.extend_from_slice(&(9u16 | 0x8000).to_ne_bytes());
    nest.extend_from_slice(&[8, 0, 1, 0, 1, 2, 3, 4]);
    let e = codec.decode_set(main, &nest).unwrap_err();
    assert_eq!(e.to_string(), ".inner.x: a s16 is 2 bytes, found 4");
    let e = codec.decode_set(main, &inner).unwrap_err();
    assert_eq!(e.to_string(), ".name: string is not NUL-terminated");
    // Nothing panics on any prefix of a real message.
    let payload = codec
        .encode_request("set", RequestKind::Do, &full())
        .unwrap();
    let set = codec.op("set").unwrap();
    for n in 0..payload.len() {
        let _ = codec.decode(set, &payload[..n]);
    }
}

#[test]
fn unknown_attributes_are_kept_when_asked_for() {
    let spec = spec();
    let main = spec.family().set_by_name("main").unwrap();
    let bytes = [8, 0, 0x3f, 0x3f, 1, 2, 3, 4];
    let quiet = Codec::new(spec.family());
    assert_eq!(quiet.decode_set(main, &bytes).unwrap(), json!({}));
    let loud = quiet.process_unknown(true);
    let v = loud.decode_set(main, &bytes).unwrap();
    assert_eq!(
        v,
        json!({"UnknownAttrs": [{"type": 0x3f3f, "payload": "01020304"}]})
    );
    assert_eq!(loud.encode_set(main, &v).unwrap(), bytes);
}

#[test]
fn offsets_are_named_from_the_request() {
    let spec = spec();
    let codec = Codec::new(spec.family());
    let payload = codec
        .encode_request(
            "set",
            RequestKind::Do,
            &json!({"id": 5, "list": [{"x": 1}, {"x": 2}]}),
        )
        .unwrap();
    // Header (4), id (8), then the list at 12: element 0 at 16, 1 at 28
    // (a nest of 12 bytes: its header, then x in 8).
    let at = |offset| codec.locate("set", &payload, offset);
    assert_eq!(at(4).unwrap().path, ".id");
    assert_eq!(at(12).unwrap().path, ".list");
    let x = at(32).unwrap();
    assert_eq!(x.path, ".list[1].x");
    assert_eq!(x.nested, None);
    let elem = at(28).unwrap();
    assert_eq!(elem.path, ".list[1]");
    assert_eq!(elem.nested, spec.family().set_by_name("inner"));
    assert_eq!(at(400), None);
}

#[test]
fn nlctrl_policies_as_nest_type_values() {
    let spec = genl_spec::Spec::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/nlctrl.yaml"))
        .unwrap();
    let codec = Codec::new(spec.family());
    let ctrl = spec.family().set_by_name("ctrl-attrs").unwrap();
    let policy = json!({
        "family-id": 16,
        "policy": [
            {"policy-id": 0, "attr-id": 1, "type": "u16"},
            {"policy-id": 1, "attr-id": [{"attr-id": 1, "type": "u32"}, {"attr-id": 2, "type": "nul-string", "max-length": 15}]}
        ]
    });
    let bytes = codec.encode_set(ctrl, &policy).unwrap();
    assert_eq!(codec.decode_set(ctrl, &bytes).unwrap(), policy);
}

#[test]
fn an_array_of_structs_is_whole_structs() {
    let spec = spec();
    let codec = Codec::new(spec.family());
    let main = spec.family().set_by_name("main").unwrap();
    // Attribute 13 (pairs): one 14-byte struct and 2 bytes more.
    let mut bytes = vec![20, 0, 13, 0];
    bytes.extend_from_slice(&[0; 16]);
    let e = codec.decode_set(main, &bytes).unwrap_err();
    assert_eq!(
        e.to_string(),
        ".pairs: 16 bytes are not a whole number of 14-byte structs"
    );
    let e = codec
        .encode_set(
            main,
            &json!({"pairs": [
                {"mac": "02:00:00:00:00:02", "port": 1, "kind": "red", "name": "x"},
                {"port": "x"},
            ]}),
        )
        .unwrap_err();
    assert!(e.to_string().starts_with(".pairs[1]"), "{e}");
}
