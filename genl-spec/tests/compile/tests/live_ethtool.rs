//! ethtool against the running kernel, on a veth in a network namespace of
//! its own: link info, link modes, features and channels, and the errno of
//! an operation veth does not implement.

#[cfg(genl_corpus)]
mod live {
    use genl_compile_tests::corpus::ethtool::{
        ChannelsGetDoRequest, Client, FeaturesGetDoRequest, FecGetDoRequest, Header,
        LinkinfoGetDoRequest, LinkmodesGetDoRequest,
    };
    use genl_testkit::Netns;

    fn dev(name: &str) -> Option<Header> {
        Some(Header {
            dev_name: Some(name.into()),
            ..Default::default()
        })
    }

    #[test]
    fn a_veth_reports_its_link_features_and_channels() {
        let Some(ns) = Netns::new("ethtool veth") else {
            return;
        };
        ns.veth("ev0", "ev1");
        let index = ns.ifindex("ev0");
        ns.run(|| {
            let mut c = Client::connect().unwrap();

            let info = c
                .linkinfo_get(&LinkinfoGetDoRequest {
                    header: dev("ev0"),
                    ..Default::default()
                })
                .unwrap();
            let header = info.header.unwrap();
            assert_eq!(header.dev_index, Some(index));
            assert_eq!(header.dev_name.as_deref(), Some("ev0"));

            let modes = c
                .linkmodes_get(&LinkmodesGetDoRequest {
                    header: dev("ev0"),
                    ..Default::default()
                })
                .unwrap();
            // veth reports 10 Gb/s, full duplex.
            assert_eq!(modes.speed, Some(10_000));
            assert_eq!(modes.duplex, Some(1));

            let features = c
                .features_get(&FeaturesGetDoRequest {
                    header: dev("ev0"),
                    ..Default::default()
                })
                .unwrap();
            assert!(features.hw.is_some() && features.active.is_some());

            let channels = c
                .channels_get(&ChannelsGetDoRequest {
                    header: dev("ev0"),
                    ..Default::default()
                })
                .unwrap();
            assert!(channels.rx_max.unwrap_or(0) >= 1, "{channels:?}");
            assert!(channels.rx_count.unwrap_or(0) >= 1, "{channels:?}");
        });
    }

    #[test]
    fn an_operation_veth_lacks_returns_its_errno() {
        let Some(ns) = Netns::new("ethtool unsupported") else {
            return;
        };
        ns.veth("ev0", "ev1");
        ns.run(|| {
            let mut c = Client::connect().unwrap();
            let err = c
                .fec_get(&FecGetDoRequest {
                    header: dev("ev0"),
                    ..Default::default()
                })
                .unwrap_err();
            assert_eq!(err.errno(), Some(95), "EOPNOTSUPP expected, got {err}");
            assert!(err.to_string().contains("fec-get"), "{err}");
        });
    }
}

#[cfg(not(genl_corpus))]
#[test]
fn ethtool_live_tests_need_the_corpus() {
    genl_testkit::skip("ethtool live tests", "GENL_CORPUS is not set");
}
