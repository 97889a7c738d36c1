//! Unit tests of the comparison on synthetic kernel policies.

use super::{KernelOp, KernelPolicies, diff};
use genl_runtime::nlctrl::{AttrType as K, PolicyAttrs};
use genl_spec::Spec;

const SPEC: &str = "\
name: demo
doc: d
definitions:
  - { name: color, type: enum, entries: [ red, green, blue ] }
  - { name: opts, type: flags, entries: [ a, b ] }
attribute-sets:
  - name: main
    attributes:
      - { name: name, type: string, checks: { max-len: 15 } }
      - { name: count, type: u32, checks: { max: 10 } }
      - { name: color, type: u8, enum: color }
      - { name: opts, type: u32, enum: opts }
      - { name: inner, type: nest, nested-attributes: inner }
      - { name: key, type: binary, checks: { exact-len: 4 } }
      - { name: extra, type: u32 }
  - name: inner
    attributes:
      - { name: id, type: u16, checks: { min: 1 } }
operations:
  list:
    - name: get
      doc: g
      attribute-set: main
      do: { request: { attributes: [ name, count, color, opts, inner, key ] } }
";

fn spec() -> Spec {
    Spec::parse("demo.yaml", SPEC).expect("a valid spec")
}

fn entry(ty: K) -> PolicyAttrs {
    PolicyAttrs {
        r#type: Some(ty),
        ..Default::default()
    }
}

fn uint(ty: K, min: u64, max: u64) -> PolicyAttrs {
    PolicyAttrs {
        min_value_u: Some(min),
        max_value_u: Some(max),
        ..entry(ty)
    }
}

/// The kernel's policy that matches [`SPEC`] exactly.
fn agreeing() -> KernelPolicies {
    let mut k = KernelPolicies::default();
    k.ops.insert(
        1,
        KernelOp {
            do_: true,
            do_policy: Some(0),
            ..Default::default()
        },
    );
    let main = k.policies.entry(0).or_default();
    main.insert(
        1,
        PolicyAttrs {
            max_length: Some(15),
            ..entry(K::NulString)
        },
    );
    main.insert(2, uint(K::U32, 0, 10));
    main.insert(3, uint(K::U8, 0, 2));
    main.insert(
        4,
        PolicyAttrs {
            mask: Some(3),
            ..entry(K::U32)
        },
    );
    main.insert(
        5,
        PolicyAttrs {
            policy_idx: Some(1),
            policy_maxtype: Some(1),
            ..entry(K::Nested)
        },
    );
    main.insert(
        6,
        PolicyAttrs {
            min_length: Some(4),
            max_length: Some(4),
            ..entry(K::Binary)
        },
    );
    k.policies
        .entry(1)
        .or_default()
        .insert(1, uint(K::U16, 1, 65535));
    k
}

fn report(k: &KernelPolicies) -> String {
    diff(spec().family(), k).to_string()
}

#[test]
fn agreeing_policies_report_nothing() {
    let r = diff(spec().family(), &agreeing());
    assert!(r.is_empty(), "{r}");
    assert_eq!(r.to_string(), "");
}

#[test]
fn a_type_mismatch() {
    let mut k = agreeing();
    k.policies
        .get_mut(&0)
        .unwrap()
        .insert(2, uint(K::U64, 0, 10));
    assert_eq!(report(&k), "do get: .count: spec u32 (u32), kernel u64\n");
}

#[test]
fn an_unterminated_string_is_a_different_type() {
    let mut k = agreeing();
    k.policies.get_mut(&0).unwrap().get_mut(&1).unwrap().r#type = Some(K::String);
    assert_eq!(
        report(&k),
        "do get: .name: spec string (nul-string), kernel string\n"
    );
}

#[test]
fn lengths_that_differ() {
    let mut k = agreeing();
    let p = k.policies.get_mut(&0).unwrap();
    p.get_mut(&1).unwrap().max_length = Some(16);
    p.get_mut(&6).unwrap().min_length = None;
    assert_eq!(
        report(&k),
        "do get: .key: spec exact-len 4, kernel max-len 4\n\
         do get: .name: spec max-len 15, kernel max-len 16\n"
    );
}

#[test]
fn ranges_that_differ() {
    let mut k = agreeing();
    k.policies
        .get_mut(&0)
        .unwrap()
        .insert(2, uint(K::U32, 1, 4294967295));
    assert_eq!(
        report(&k),
        "do get: .count: spec max 10, kernel max none\n\
         do get: .count: spec min none, kernel min 1\n"
    );
}

#[test]
fn enum_ranges_and_masks_are_derived() {
    // The agreeing policy already holds 0..2 for the enum and 0x3 for the
    // flags; a kernel that checks neither differs on both.
    let mut k = agreeing();
    let p = k.policies.get_mut(&0).unwrap();
    p.insert(3, uint(K::U8, 0, 255));
    p.insert(4, uint(K::U32, 0, 4294967295));
    assert_eq!(
        report(&k),
        "do get: .color: spec max 2, kernel max none\n\
         do get: .opts: spec mask 0x3, kernel range ..\n"
    );
}

#[test]
fn nests_are_followed() {
    let mut k = agreeing();
    k.policies
        .get_mut(&1)
        .unwrap()
        .insert(1, uint(K::U16, 0, 65535));
    assert_eq!(
        report(&k),
        "do get: .inner.id: spec min 1, kernel min none\n"
    );
}

#[test]
fn attributes_one_side_lacks() {
    let mut k = agreeing();
    let p = k.policies.get_mut(&0).unwrap();
    p.remove(&6);
    p.insert(7, uint(K::U32, 0, 4294967295));
    p.insert(9, entry(K::Flag));
    assert_eq!(
        report(&k),
        "do get: .9: kernel accepts it (flag), spec lacks it\n\
         do get: .extra: kernel accepts it (u32), spec lacks it\n\
         do get: .key: in spec, kernel does not accept it\n"
    );
}

#[test]
fn operations_one_side_lacks() {
    let mut k = agreeing();
    k.ops.get_mut(&1).unwrap().do_ = false;
    k.ops.insert(
        7,
        KernelOp {
            dump: true,
            ..Default::default()
        },
    );
    let r = diff(spec().family(), &k);
    assert_eq!(r.len(), 2);
    assert_eq!(
        r.to_string(),
        "do get: in spec, kernel lacks it\n\
         dump cmd 7: kernel accepts it, spec lacks it\n"
    );
}

#[test]
fn a_request_without_kernel_policy() {
    let mut k = agreeing();
    k.ops.get_mut(&1).unwrap().do_policy = None;
    assert_eq!(
        report(&k),
        "do get: spec lists 6 request attribute(s), kernel has no policy\n"
    );
}

/// A family whose kernel checks every request with one policy.
const GLOBAL: &str = "\
name: shared
doc: d
protocol: genetlink-legacy
kernel-policy: global
attribute-sets:
  - name: main
    attributes:
      - { name: name, type: string, checks: { max-len: 15 } }
      - { name: count, type: u32 }
      - { name: stats, type: binary }
      - { name: pids, type: binary, sub-type: u32 }
operations:
  list:
    - name: get
      doc: g
      attribute-set: main
      do:
        request: { attributes: [ name ] }
        reply: { attributes: [ name, count, stats ] }
      dump:
        reply: { attributes: [ name, count, stats ] }
    - name: set
      doc: s
      attribute-set: main
      do: { request: { attributes: [ name, count, pids ] } }
";

/// The kernel's one policy of [`GLOBAL`]: `pids` read without a check.
fn global_kernel() -> KernelPolicies {
    let mut k = KernelPolicies {
        maxattr: 4,
        ..Default::default()
    };
    for cmd in [1, 2] {
        k.ops.insert(
            cmd,
            KernelOp {
                do_: true,
                dump: cmd == 1,
                do_policy: Some(0),
                ..Default::default()
            },
        );
    }
    let main = k.policies.entry(0).or_default();
    main.insert(
        1,
        PolicyAttrs {
            max_length: Some(15),
            ..entry(K::NulString)
        },
    );
    main.insert(2, uint(K::U32, 0, u32::MAX.into()));
    k
}

fn global_report(k: &KernelPolicies) -> String {
    let spec = Spec::parse("shared.yaml", GLOBAL).expect("a valid spec");
    diff(spec.family(), k).to_string()
}

#[test]
fn a_global_policy_is_compared_once_with_every_request_attribute() {
    // `count` is only in set's request, yet get is checked with it too;
    // reply-only `stats` is no request attribute; `pids` is unchecked.
    assert_eq!(
        global_report(&global_kernel()),
        "global main: .pids: in spec, kernel has no policy entry (no check)\n"
    );
}

#[test]
fn a_global_policy_reports_what_only_one_side_has() {
    let mut k = global_kernel();
    k.maxattr = 2;
    let main = k.policies.get_mut(&0).unwrap();
    main.remove(&2);
    main.insert(3, entry(K::Binary));
    assert_eq!(
        global_report(&k),
        "global main: .count: in spec, kernel has no policy entry (no check)\n\
         global main: .pids: in spec, kernel does not accept it\n\
         global main: .stats: kernel accepts it (binary), spec lacks it\n"
    );
}
