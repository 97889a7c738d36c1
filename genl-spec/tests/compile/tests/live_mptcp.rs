//! mptcp_pm against the running kernel, in a network namespace of its own:
//! endpoints added, read, changed and deleted, limits set, and the kernel's
//! extack for a request that lacks its address.

#[cfg(genl_corpus)]
mod live {
    use genl_compile_tests::corpus::mptcp_pm::{
        AddAddrDoRequest, Address, Client, DelAddrDoRequest, GetAddrDoRequest, GetAddrDumpRequest,
        GetLimitsDoRequest, SetFlagsDoRequest, SetLimitsDoRequest,
    };
    use genl_runtime::Error;
    use genl_runtime::wire::Be;
    use genl_testkit::Netns;

    const AF_INET: u16 = 2;
    const SIGNAL: u32 = 1;
    const BACKUP: u32 = 4;

    fn endpoint(id: u8) -> Address {
        Address {
            id: Some(id),
            ..Default::default()
        }
    }

    #[test]
    fn an_endpoint_is_added_read_changed_and_deleted() {
        let Some(ns) = Netns::new("mptcp endpoint") else {
            return;
        };
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            let addr = Address {
                family: Some(AF_INET),
                id: Some(7),
                addr4: Some(Be(0x0a00_0001)),
                flags: Some(SIGNAL),
                ..Default::default()
            };
            c.add_addr(&AddAddrDoRequest {
                addr: Some(addr.clone()),
                ..Default::default()
            })
            .unwrap();

            let got = c
                .get_addr(&GetAddrDoRequest {
                    addr: Some(endpoint(7)),
                    ..Default::default()
                })
                .unwrap()
                .addr
                .unwrap();
            assert_eq!(
                (got.id, got.addr4, got.flags),
                (Some(7), Some(Be(0x0a00_0001)), Some(SIGNAL))
            );

            let ids: Vec<Option<u8>> = c
                .get_addr_dump(&GetAddrDumpRequest::default())
                .unwrap()
                .map(|r| r.unwrap().addr.and_then(|a| a.id))
                .collect();
            assert_eq!(ids, [Some(7)]);

            c.set_flags(&SetFlagsDoRequest {
                addr: Some(Address {
                    flags: Some(BACKUP),
                    ..endpoint(7)
                }),
                ..Default::default()
            })
            .unwrap();
            let got = c
                .get_addr(&GetAddrDoRequest {
                    addr: Some(endpoint(7)),
                    ..Default::default()
                })
                .unwrap()
                .addr
                .unwrap();
            assert_eq!(got.flags, Some(SIGNAL | BACKUP));

            c.del_addr(&DelAddrDoRequest {
                addr: Some(endpoint(7)),
                ..Default::default()
            })
            .unwrap();
            let gone = c
                .get_addr(&GetAddrDoRequest {
                    addr: Some(endpoint(7)),
                    ..Default::default()
                })
                .unwrap_err();
            assert!(gone.errno().is_some(), "{gone}");
            assert_eq!(
                c.get_addr_dump(&GetAddrDumpRequest::default())
                    .unwrap()
                    .count(),
                0
            );
        });
    }

    #[test]
    fn limits_are_set_and_read() {
        let Some(ns) = Netns::new("mptcp limits") else {
            return;
        };
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            c.set_limits(&SetLimitsDoRequest {
                rcv_add_addrs: Some(3),
                subflows: Some(4),
                ..Default::default()
            })
            .unwrap();
            let got = c.get_limits(&GetLimitsDoRequest::default()).unwrap();
            assert_eq!((got.rcv_add_addrs, got.subflows), (Some(3), Some(4)));
        });
    }

    #[test]
    fn a_request_without_its_address_gets_the_kernels_extack() {
        let Some(ns) = Netns::new("mptcp missing address") else {
            return;
        };
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            let err = c.add_addr(&AddAddrDoRequest::default()).unwrap_err();
            let Error::Kernel(k) = &err else {
                panic!("a kernel error, not {err}");
            };
            assert_eq!(k.errno, 22, "{err}");
            assert_eq!(k.operation, Some("add-addr"));
            let missing = k
                .missing
                .as_ref()
                .unwrap_or_else(|| panic!("no missing attribute in {err}"));
            assert_eq!(missing.name, Some("addr"), "{err}");
            assert!(err.to_string().contains("missing attribute addr"), "{err}");
        });
    }
}

#[cfg(not(genl_corpus))]
#[test]
fn mptcp_live_tests_need_the_corpus() {
    genl_testkit::skip("mptcp_pm live tests", "GENL_CORPUS is not set");
}
