//! What the running kernel's datapath supports, found the way ovs-vswitchd
//! finds it: by installing a flow that uses the feature, marked as a probe
//! (`OVS_FLOW_ATTR_PROBE`, so that the kernel does not log the refusal),
//! and deleting it again when the kernel took it.
//!
//! Actions added after a kernel was released are refused by it with
//! `EINVAL`; [`Features::drop_actions`] then turns "drop" into what that
//! kernel understands: the explicit `drop` action where it exists (Linux 6.4
//! on), an empty action list before.
//!
//! ```no_run
//! use genl_ovs::{features::Features, flow};
//!
//! # fn main() -> Result<(), genl_runtime::Error> {
//! # let dp_ifindex = 0;
//! let mut flows = flow::Client::connect()?;
//! let features = Features::probe(&mut flows, dp_ifindex)?;
//! let actions = features.drop_actions();
//! println!("drop is {actions:?} here");
//! # Ok(())
//! # }
//! ```

use genl_runtime::Error;
use genl_runtime::wire::{Be, flags};

use crate::flow::{
    self, Action, CheckPktLenAttrs, CtStateFlags, DecTtlAttrs, KeyAttrs, MaskedKeyAttrs,
    NewDoRequest, OvsActionAddMpls, OvsActionTrunc, OvsKeyEthernet, OvsKeyIpv4, OvsKeyIpv4Masked,
    OvsKeyUdp, OvsUfidFlags, PsampleAttrs,
};

/// The ufid of every probe flow; a datapath holds at most one probe at a time.
pub const PROBE_UFID: [u8; 16] = *b"genl-feat-probe\0";

/// `ETH_P_IP`.
const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_MPLS_UC`.
const ETH_P_MPLS_UC: u16 = 0x8847;
/// `IPPROTO_UDP`.
const IPPROTO_UDP: u8 = 17;

/// The errors with which a kernel refuses what it does not know (as
/// ovs-vswitchd reads them): `EINVAL`, `ERANGE`, `EOPNOTSUPP`, `EOVERFLOW`.
const UNSUPPORTED: &[i32] = &[22, 34, 95, 75];

/// The key of the probe flows: a UDP packet between two locally
/// administered addresses of TEST-NET-1 (192.0.2.0/24), which no real
/// traffic of a test or a switch uses.
pub fn probe_key() -> KeyAttrs {
    KeyAttrs {
        ethernet: Some(OvsKeyEthernet {
            eth_src: [0x02, 0, 0, 0, 0xfe, 0x01],
            eth_dst: [0x02, 0, 0, 0, 0xfe, 0x02],
        }),
        ethertype: Some(Be(ETH_P_IP)),
        ipv4: Some(OvsKeyIpv4 {
            ipv4_src: Be(0xc000_02fe),
            ipv4_dst: Be(0xc000_02fd),
            ipv4_proto: IPPROTO_UDP,
            ipv4_ttl: 64,
            ..Default::default()
        }),
        udp: Some(OvsKeyUdp {
            udp_src: Be(65_000),
            udp_dst: Be(65_001),
        }),
        ..Default::default()
    }
}

/// Whether the datapath `dp_ifindex` takes a flow with `key` and `actions`:
/// `Ok(false)` when the kernel refuses it as unknown or invalid, `Ok(true)`
/// when it installed it (the flow is deleted again), and an error for any
/// other failure (no such datapath, no permission, a probe flow already
/// there).
pub fn flow_supported(
    flows: &mut flow::Client,
    dp_ifindex: i32,
    key: KeyAttrs,
    actions: Vec<Action>,
) -> Result<bool, Error> {
    let header = flow::OvsHeader { dp_ifindex };
    let request = NewDoRequest {
        key: Some(Box::new(key)),
        actions: Some(actions),
        probe: true,
        ufid: Some(PROBE_UFID.to_vec()),
        ufid_flags: Some(
            OvsUfidFlags::OMIT_KEY | OvsUfidFlags::OMIT_MASK | OvsUfidFlags::OMIT_ACTIONS,
        ),
        ..Default::default()
    };
    // NLM_F_CREATE: a flow with the same key or ufid is an error (EEXIST),
    // never a flow whose actions the probe replaces.
    match flows
        .connection()
        .request_with_flags(&header, &request, flags::CREATE)
    {
        Ok(_) => {
            let del = flow::DelDoRequest {
                ufid: Some(PROBE_UFID.to_vec()),
                ..Default::default()
            };
            flows.connection().request(&header, &del)?;
            Ok(true)
        }
        Err(Error::Kernel(e)) if UNSUPPORTED.contains(&e.errno) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether the datapath takes `action` (alone, in a flow of [`probe_key`]).
pub fn action_supported(
    flows: &mut flow::Client,
    dp_ifindex: i32,
    action: Action,
) -> Result<bool, Error> {
    flow_supported(flows, dp_ifindex, probe_key(), vec![action])
}

/// Whether the datapath matches on `key`, a [`probe_key`] with more fields
/// set, with no actions.
pub fn key_supported(
    flows: &mut flow::Client,
    dp_ifindex: i32,
    key: KeyAttrs,
) -> Result<bool, Error> {
    flow_supported(flows, dp_ifindex, key, Vec::new())
}

/// The actions and keys that a datapath takes, each probed with a flow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// `drop` with a reason (Linux 6.4).
    pub drop_action: bool,
    /// `psample` (Linux 6.11).
    pub psample: bool,
    /// `dec_ttl` (Linux 5.13).
    pub dec_ttl: bool,
    /// `add_mpls` (Linux 5.13).
    pub add_mpls: bool,
    /// `check_pkt_len` (Linux 5.3).
    pub check_pkt_len: bool,
    /// `clone` (Linux 4.13).
    pub clone: bool,
    /// `trunc` (Linux 4.9).
    pub trunc: bool,
    /// `ct_clear` (Linux 4.18).
    pub ct_clear: bool,
    /// `set_masked` on IPv4 (Linux 4.3).
    pub set_masked: bool,
    /// `meter` (Linux 4.15).
    pub meter: bool,
    /// Matching on the connection tracking state (Linux 4.3).
    pub ct_state: bool,
    /// Matching on the original direction of the tracked connection
    /// (Linux 4.11).
    pub ct_orig_tuple: bool,
}

impl Features {
    /// Probes every feature on the datapath `dp_ifindex`, one flow each.
    pub fn probe(flows: &mut flow::Client, dp_ifindex: i32) -> Result<Features, Error> {
        let mut action = |a: Action| action_supported(flows, dp_ifindex, a);
        let mut features = Features {
            drop_action: action(Action::Drop(0))?,
            psample: action(Action::Psample(PsampleAttrs {
                group: Some(1),
                ..Default::default()
            }))?,
            dec_ttl: action(Action::DecTtl(DecTtlAttrs {
                action: Some(Vec::new()),
                ..Default::default()
            }))?,
            add_mpls: action(Action::AddMpls(OvsActionAddMpls {
                mpls_lse: Be(0x0001_41ff),
                mpls_ethertype: Be(ETH_P_MPLS_UC),
                tun_flags: 0,
            }))?,
            check_pkt_len: action(Action::CheckPktLen(CheckPktLenAttrs {
                pkt_len: Some(100),
                actions_if_greater: Some(Vec::new()),
                actions_if_less_equal: Some(Vec::new()),
                ..Default::default()
            }))?,
            clone: action(Action::Clone(Vec::new()))?,
            trunc: action(Action::Trunc(OvsActionTrunc { max_len: 100 }))?,
            ct_clear: action(Action::CtClear)?,
            set_masked: action(Action::SetMasked(MaskedKeyAttrs {
                ipv4: Some(OvsKeyIpv4Masked {
                    ipv4_ttl: 1,
                    ipv4_ttl_mask: 0xff,
                    ..Default::default()
                }),
                ..Default::default()
            }))?,
            meter: action(Action::Meter(0))?,
            ..Features::default()
        };
        features.ct_state = key_supported(
            flows,
            dp_ifindex,
            KeyAttrs {
                ct_state: Some(CtStateFlags::TRACKED),
                ..probe_key()
            },
        )?;
        features.ct_orig_tuple = key_supported(
            flows,
            dp_ifindex,
            KeyAttrs {
                ct_state: Some(CtStateFlags::TRACKED | CtStateFlags::NEW),
                ct_orig_tuple_ipv4: Some(flow::OvsKeyCtTupleIpv4 {
                    ipv4_src: Be(0xc000_02fe),
                    ipv4_dst: Be(0xc000_02fd),
                    src_port: Be(65_000),
                    dst_port: Be(65_001),
                    ipv4_proto: IPPROTO_UDP,
                    ..Default::default()
                }),
                ..probe_key()
            },
        )?;
        Ok(features)
    }

    /// The actions that drop a packet here: the explicit `drop` action (with
    /// reason 0, "no error") where the datapath has it, else an empty list,
    /// which every kernel takes as drop.
    pub fn drop_actions(&self) -> Vec<Action> {
        if self.drop_action {
            vec![Action::Drop(0)]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_is_the_action_where_supported_and_no_action_elsewhere() {
        let new = Features {
            drop_action: true,
            ..Features::default()
        };
        assert_eq!(new.drop_actions(), vec![Action::Drop(0)]);
        assert_eq!(Features::default().drop_actions(), Vec::new());
    }

    #[test]
    fn the_probe_key_is_a_valid_flow_key() {
        use genl_runtime::GenlMessage;
        let key = probe_key();
        key.validate().unwrap();
        assert_eq!(KeyAttrs::decode(&key.to_bytes()).unwrap(), key);
    }
}
