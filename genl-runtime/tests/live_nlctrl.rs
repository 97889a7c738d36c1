//! The nlctrl bindings against the running kernel: no rights needed, so
//! these always run where there is a Linux kernel.

use genl_runtime::nlctrl::{
    GetfamilyDoRequest, GetfamilyDumpRequest, GetpolicyDumpRequest, OpFlags,
};
use genl_runtime::{Connection, Error};

fn conn() -> Connection {
    Connection::new().expect("a NETLINK_GENERIC socket")
}

#[test]
fn a_new_connection_checks_policy() {
    let mut c = conn();
    assert!(c.checks_policy());
    let req = GetfamilyDoRequest {
        family_name: Some("a-name-longer-than-fifteen".into()),
        ..Default::default()
    };
    assert!(matches!(c.request(&(), &req), Err(Error::Policy { .. })));
    // Only the explicit opt-out turns the checks off, and they come back.
    c.skip_policy_checks();
    assert!(!c.checks_policy());
    assert!(c.request(&(), &req).unwrap_err().errno().is_some());
    c.check_policy();
    assert!(matches!(c.request(&(), &req), Err(Error::Policy { .. })));
}

#[test]
fn a_consistent_dump_gathers_every_family() {
    let mut c = conn();
    let families = c
        .dump_consistent(&(), &GetfamilyDumpRequest::default(), 3)
        .unwrap();
    assert!(
        families
            .iter()
            .any(|((), f)| f.family_name.as_deref() == Some("nlctrl"))
    );
    // The connection is free for the next request.
    assert_eq!(c.family("nlctrl").unwrap().name, "nlctrl");
}

#[test]
fn get_one_family_by_name() {
    let mut c = conn();
    let req = GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    };
    let ((), reply) = c.request(&(), &req).unwrap().expect("a reply");
    assert_eq!(reply.family_id, Some(0x10));
    assert_eq!(reply.family_name.as_deref(), Some("nlctrl"));
    assert!(
        reply.ops.iter().any(
            |op| op.id == Some(3) && op.flags.unwrap_or_default().contains(OpFlags::CMD_CAP_DO)
        )
    );
    assert!(
        reply
            .mcast_groups
            .iter()
            .any(|g| g.name.as_deref() == Some("notify"))
    );
}

#[test]
fn dump_lists_the_built_in_families() {
    let mut c = conn();
    let names: Vec<String> = c
        .dump(&(), &GetfamilyDumpRequest::default())
        .unwrap()
        .map(|r| r.unwrap().1.family_name.unwrap_or_default())
        .collect();
    for want in ["nlctrl", "ethtool", "netdev"] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    // The connection is free again: a second request works.
    assert_eq!(c.family("netdev").unwrap().name, "netdev");
}

#[test]
fn families_resolve_once_and_are_cached() {
    let mut c = conn();
    let netdev = c.family("netdev").unwrap().clone();
    assert!(netdev.id >= 0x10);
    assert!(netdev.group("mgmt").is_some(), "{netdev:?}");
    assert_eq!(c.family("netdev").unwrap(), &netdev);
}

#[test]
fn policy_dump_of_a_family() {
    let mut c = conn();
    let req = GetpolicyDumpRequest {
        family_name: Some("netdev".into()),
        ..Default::default()
    };
    let mut entries = 0;
    for reply in c.dump(&(), &req).unwrap() {
        let ((), reply) = reply.unwrap();
        entries += reply.policy.map_or(0, |p| p.0.len());
    }
    assert!(entries > 0, "the kernel reported no policy for netdev");
}

#[test]
fn a_missing_family_is_named() {
    let mut c = conn();
    let err = c.family("no-such-family").unwrap_err();
    assert!(matches!(&err, Error::FamilyNotFound { family } if family == "no-such-family"));
    assert!(
        err.to_string().contains("`no-such-family` not found"),
        "{err}"
    );
}

#[test]
fn a_policy_violation_is_refused_before_sending() {
    let mut c = conn();
    let req = GetfamilyDoRequest {
        family_name: Some("a-name-longer-than-fifteen".into()),
        ..Default::default()
    };
    let err = c.request(&(), &req).unwrap_err();
    let Error::Policy { operation, error } = &err else {
        panic!("a policy error, not {err}");
    };
    assert_eq!(*operation, "getfamily");
    assert_eq!(error.path_string(), ".family-name");
    // With checks off, the kernel is asked and refuses by itself.
    c.skip_policy_checks();
    let err = c.request(&(), &req).unwrap_err();
    assert!(err.errno().is_some(), "{err}");
}

#[test]
fn a_kernel_error_carries_errno_and_extack() {
    let mut c = conn();
    let req = GetfamilyDoRequest {
        family_name: Some("absent".into()),
        ..Default::default()
    };
    let err = c.request(&(), &req).unwrap_err();
    assert_eq!(err.errno(), Some(libc_enoent()));
    let k = err.kernel().unwrap();
    assert_eq!(k.operation, Some("getfamily"));
}

#[test]
fn several_requests_in_one_send_are_answered_each() {
    let mut c = conn();
    let names = ["nlctrl", "absent", "netdev"];
    let reqs: Vec<GetfamilyDoRequest> = names
        .iter()
        .map(|n| GetfamilyDoRequest {
            family_name: Some(n.to_string()),
            ..Default::default()
        })
        .collect();
    let answers = c.request_many(reqs.iter().map(|r| (&(), r))).unwrap();
    assert_eq!(answers.len(), 3);
    let name = |a: &Result<Option<((), _)>, Error>| {
        let reply: &genl_runtime::nlctrl::GetfamilyDoReply =
            &a.as_ref().unwrap().as_ref().unwrap().1;
        reply.family_name.clone().unwrap()
    };
    assert_eq!(name(&answers[0]), "nlctrl");
    assert_eq!(
        answers[1].as_ref().unwrap_err().errno(),
        Some(libc_enoent())
    );
    assert_eq!(name(&answers[2]), "netdev");

    // More than fit one datagram: answered in order, none lost.
    let many: Vec<GetfamilyDoRequest> = (0..300)
        .map(|i| GetfamilyDoRequest {
            family_name: Some(if i % 3 == 0 { "absent" } else { "nlctrl" }.into()),
            ..Default::default()
        })
        .collect();
    let answers = c.request_many(many.iter().map(|r| (&(), r))).unwrap();
    assert_eq!(answers.len(), 300);
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a.is_err(), i % 3 == 0, "answer {i}");
    }

    // One request breaking the policy: nothing is sent.
    let mut bad = reqs.clone();
    bad[1].family_name = Some("a-name-longer-than-fifteen".into());
    let err = c.request_many(bad.iter().map(|r| (&(), r))).unwrap_err();
    assert!(matches!(err, Error::Policy { .. }), "{err}");
    assert_eq!(c.family("netdev").unwrap().name, "netdev");
}

#[test]
fn raw_requests_and_dumps() {
    use genl_runtime::{GenlMessage, RawRequest, RequestKind};
    let mut c = conn();
    let get = GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    }
    .to_bytes();
    let replies = c
        .request_raw(
            "nlctrl",
            &RawRequest {
                cmd: 3,
                version: 2,
                kind: RequestKind::Do,
                flags: 0,
                payload: &get,
            },
        )
        .unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].cmd, 1, "CTRL_CMD_NEWFAMILY");
    let reply = genl_runtime::nlctrl::GetfamilyDoReply::decode(&replies[0].payload).unwrap();
    assert_eq!(reply.family_id, Some(0x10));

    let dump = RawRequest {
        cmd: 3,
        version: 2,
        kind: RequestKind::Dump,
        flags: 0,
        payload: &[],
    };
    let families = c.request_raw("nlctrl", &dump).unwrap();
    assert!(families.len() >= 3, "{}", families.len());

    // A raw error names its bad attribute by offset only.
    let long = GetfamilyDoRequest {
        family_name: Some("a-name-longer-than-fifteen".into()),
        ..Default::default()
    }
    .to_bytes();
    let err = c
        .request_raw(
            "nlctrl",
            &RawRequest {
                cmd: 3,
                version: 2,
                kind: RequestKind::Do,
                flags: 0,
                payload: &long,
            },
        )
        .unwrap_err();
    let k = err.kernel().expect("a kernel error");
    assert_eq!(k.operation, None);
    let bad = k.bad_attr.as_ref().expect("the kernel points at the name");
    // nlmsghdr, genlmsghdr, then the attribute.
    assert_eq!(bad.offset, 20);
    assert_eq!(bad.path, None);
    // The kernel says which rule: NLMSGERR_ATTR_POLICY.
    let policy = k.policy.as_ref().expect("the broken policy");
    assert_eq!(
        policy.r#type,
        Some(genl_runtime::nlctrl::AttrType::NulString)
    );
    assert_eq!(policy.max_length, Some(15));
    assert!(k.message.is_some());

    // Dumps do not go several to a datagram.
    assert!(c.request_raw_many("nlctrl", &[dump, dump]).is_err());
}

#[test]
fn a_reply_read_in_place_is_the_owned_reply() {
    let mut c = conn();
    let req = GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    };
    let ((), owned) = c.request(&(), &req).unwrap().expect("a reply");
    let (id, name, ops, whole) = c
        .request_view(&(), &req, |(), family| {
            let ops: Vec<u32> = family
                .ops()
                .map(|op| op.and_then(|op| op.id()).map(Option::unwrap_or_default))
                .collect::<Result<_, _>>()?;
            Ok((
                family.family_id()?,
                family.family_name()?.map(str::to_owned),
                ops,
                family.to_owned()?,
            ))
        })
        .unwrap();
    assert_eq!(id, Some(0x10));
    assert_eq!(name.as_deref(), Some("nlctrl"));
    assert_eq!(
        ops,
        owned
            .ops
            .iter()
            .map(|op| op.id.unwrap())
            .collect::<Vec<_>>()
    );
    assert_eq!(whole, owned);
    // The connection goes on as before.
    assert_eq!(c.family("nlctrl").unwrap().id, 0x10);
}

#[test]
fn a_reply_read_in_place_has_the_checks_and_errors_of_a_request() {
    let mut c = conn();
    // Checked against the policy before sending.
    let long = GetfamilyDoRequest {
        family_name: Some("a-name-longer-than-fifteen".into()),
        ..Default::default()
    };
    let err = c
        .request_view(&(), &long, |(), f| f.family_id())
        .unwrap_err();
    assert!(
        matches!(&err, Error::Policy { operation: "getfamily", error } if error.path_string() == ".family-name"),
        "{err}"
    );
    // The kernel's refusal, with its errno and operation.
    let absent = GetfamilyDoRequest {
        family_name: Some("absent".into()),
        ..Default::default()
    };
    let err = c
        .request_view(&(), &absent, |(), f| f.family_id())
        .unwrap_err();
    assert_eq!(err.errno(), Some(libc_enoent()));
    assert_eq!(err.kernel().unwrap().operation, Some("getfamily"));
    // An error of the reader is a decode error of the operation.
    let nlctrl = GetfamilyDoRequest {
        family_name: Some("nlctrl".into()),
        ..Default::default()
    };
    let err = c
        .request_view(&(), &nlctrl, |(), _| -> Result<(), _> {
            Err(genl_runtime::wire::DecodeError::new(
                genl_runtime::wire::DecodeErrorKind::Truncated {
                    what: "a test value",
                    need: 8,
                    have: 4,
                },
            ))
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Decode {
                operation: "getfamily",
                ..
            }
        ),
        "{err}"
    );
    // None of it left the connection out of step.
    let id = c.request_view(&(), &nlctrl, |(), f| f.family_id()).unwrap();
    assert_eq!(id, Some(0x10));
}

#[test]
fn a_dump_read_in_place_lists_what_the_owned_dump_lists() {
    let mut c = conn();
    let owned: Vec<(Option<u16>, Option<String>)> = c
        .dump(&(), &GetfamilyDumpRequest::default())
        .unwrap()
        .map(|r| {
            let ((), f) = r.unwrap();
            (f.family_id, f.family_name)
        })
        .collect();
    let mut viewed = Vec::new();
    let mut dump = c.dump_view(&(), &GetfamilyDumpRequest::default()).unwrap();
    while let Some(reply) = dump.next() {
        let ((), f) = reply.unwrap();
        viewed.push((
            f.family_id().unwrap(),
            f.family_name().unwrap().map(str::to_owned),
        ));
    }
    assert!(dump.next().is_none(), "nothing after the last");
    drop(dump);
    assert_eq!(viewed, owned);
    assert!(viewed.iter().any(|(_, n)| n.as_deref() == Some("nlctrl")));

    // Dropped after one reply, it reads the rest off: the connection is
    // free for the next request.
    let mut dump = c.dump_view(&(), &GetfamilyDumpRequest::default()).unwrap();
    assert!(dump.next().unwrap().is_ok());
    drop(dump);
    assert_eq!(c.family("netdev").unwrap().name, "netdev");
}

fn libc_enoent() -> i32 {
    std::io::Error::from(std::io::ErrorKind::NotFound)
        .raw_os_error()
        .unwrap_or(2)
}

#[cfg(feature = "tokio")]
mod asynchronous {
    use genl_runtime::nlctrl::{GetfamilyDoRequest, GetfamilyDumpRequest};
    use genl_runtime::{AsyncConnection, Error};

    #[tokio::test]
    async fn a_new_async_connection_checks_policy() {
        let mut c = AsyncConnection::new().unwrap();
        assert!(c.checks_policy());
        let req = GetfamilyDoRequest {
            family_name: Some("a-name-longer-than-fifteen".into()),
            ..Default::default()
        };
        assert!(matches!(
            c.request(&(), &req).await,
            Err(Error::Policy { .. })
        ));
    }

    #[tokio::test]
    async fn the_async_connection_sends_several_requests_at_once() {
        let mut c = AsyncConnection::new().unwrap();
        let reqs: Vec<GetfamilyDoRequest> = (0..100)
            .map(|i| GetfamilyDoRequest {
                family_name: Some(if i % 2 == 0 { "nlctrl" } else { "absent" }.into()),
                ..Default::default()
            })
            .collect();
        let answers = c.request_many(reqs.iter().map(|r| (&(), r))).await.unwrap();
        assert_eq!(answers.len(), 100);
        for (i, a) in answers.iter().enumerate() {
            match a {
                Ok(Some(((), reply))) if i % 2 == 0 => {
                    assert_eq!(reply.family_name.as_deref(), Some("nlctrl"))
                }
                Err(e) if i % 2 == 1 => assert!(e.errno().is_some(), "{e}"),
                other => panic!("answer {i}: {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn the_async_connection_gets_and_dumps() {
        let mut c = AsyncConnection::new().unwrap();
        let req = GetfamilyDoRequest {
            family_name: Some("netdev".into()),
            ..Default::default()
        };
        let ((), reply) = c.request(&(), &req).await.unwrap().unwrap();
        assert_eq!(reply.family_name.as_deref(), Some("netdev"));

        let mut names = Vec::new();
        {
            let mut dump = c.dump(&(), &GetfamilyDumpRequest::default()).await.unwrap();
            while let Some(r) = dump.next().await {
                names.push(r.unwrap().1.family_name.unwrap_or_default());
            }
        }
        assert!(names.iter().any(|n| n == "nlctrl"), "{names:?}");

        // A dump dropped half-way is finished before the next request.
        {
            let mut dump = c.dump(&(), &GetfamilyDumpRequest::default()).await.unwrap();
            dump.next().await.unwrap().unwrap();
        }
        assert!(matches!(
            c.family("no-such-family").await.unwrap_err(),
            Error::FamilyNotFound { .. }
        ));
        assert_eq!(c.family("ethtool").await.unwrap().name, "ethtool");
    }

    #[tokio::test]
    async fn the_async_connection_reads_replies_in_place() {
        let mut c = AsyncConnection::new().unwrap();
        let req = GetfamilyDoRequest {
            family_name: Some("nlctrl".into()),
            ..Default::default()
        };
        let ((), owned) = c.request(&(), &req).await.unwrap().unwrap();
        let whole = c
            .request_view(&(), &req, |(), f| f.to_owned())
            .await
            .unwrap();
        assert_eq!(whole, owned);
        let long = GetfamilyDoRequest {
            family_name: Some("a-name-longer-than-fifteen".into()),
            ..Default::default()
        };
        assert!(matches!(
            c.request_view(&(), &long, |(), f| f.family_id()).await,
            Err(Error::Policy { .. })
        ));

        let mut ids = Vec::new();
        {
            let mut dump = c
                .dump_view(&(), &GetfamilyDumpRequest::default())
                .await
                .unwrap();
            while let Some(r) = dump.next().await {
                ids.push(r.unwrap().1.family_id().unwrap());
            }
        }
        assert!(ids.contains(&Some(0x10)), "{ids:?}");
        // A view dump dropped half-way is finished before the next request.
        {
            let mut dump = c
                .dump_view(&(), &GetfamilyDumpRequest::default())
                .await
                .unwrap();
            dump.next().await.unwrap().unwrap();
        }
        assert_eq!(c.family("ethtool").await.unwrap().name, "ethtool");
    }
}
