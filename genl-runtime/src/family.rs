//! What the kernel says about a registered family: its id, version, header
//! size, commands and multicast groups, as nlctrl reports them.

use crate::Error;
use crate::nlctrl::{GetfamilyDoReply, GetfamilyDoRequest, OpFlags};

/// A generic netlink family as registered in the running kernel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Family {
    /// The family name.
    pub name: String,
    /// The id its messages carry in `nlmsg_type`.
    pub id: u16,
    /// The version the family registered.
    pub version: u32,
    /// Size of its fixed header after the genl header.
    pub hdrsize: u32,
    /// Its highest top-level attribute number.
    pub maxattr: u32,
    /// Its commands.
    pub ops: Vec<FamilyOp>,
    /// Its multicast groups: name and id.
    pub groups: Vec<(String, u32)>,
}

/// One command of a family, with what the kernel allows for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FamilyOp {
    /// The command number.
    pub cmd: u32,
    /// Capabilities and permissions.
    pub flags: OpFlags,
}

impl Family {
    /// Builds the description from nlctrl's reply; `None` when the reply
    /// lacks the family id.
    pub fn from_reply(reply: &GetfamilyDoReply) -> Option<Family> {
        Some(Family {
            name: reply.family_name.clone().unwrap_or_default(),
            id: reply.family_id?,
            version: reply.version.unwrap_or(0),
            hdrsize: reply.hdrsize.unwrap_or(0),
            maxattr: reply.maxattr.unwrap_or(0),
            ops: reply
                .ops
                .iter()
                .filter_map(|op| {
                    Some(FamilyOp {
                        cmd: op.id?,
                        flags: op.flags.unwrap_or_default(),
                    })
                })
                .collect(),
            groups: reply
                .mcast_groups
                .iter()
                .filter_map(|g| Some((g.name.clone()?, g.id?)))
                .collect(),
        })
    }

    /// The id of a multicast group by name.
    pub fn group(&self, name: &str) -> Option<u32> {
        self.groups
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, id)| id)
    }

    /// The name of a multicast group by id.
    pub fn group_name(&self, id: u32) -> Option<&str> {
        self.groups
            .iter()
            .find(|&&(_, g)| g == id)
            .map(|(n, _)| n.as_str())
    }

    /// The kernel's entry for a command.
    pub fn op(&self, cmd: u32) -> Option<&FamilyOp> {
        self.ops.iter().find(|op| op.cmd == cmd)
    }
}

/// The nlctrl request that looks the family `name` up; every connection
/// checks it against nlctrl's policy (a name too long fails) and sends it.
pub(crate) fn lookup_request(name: &str) -> GetfamilyDoRequest {
    GetfamilyDoRequest {
        family_name: Some(name.to_owned()),
        ..Default::default()
    }
}

/// The family that nlctrl's answer to [`lookup_request`] describes: a
/// missing family is [`Error::FamilyNotFound`], an answer without a reply or
/// without the family's id is an error too.
pub(crate) fn from_lookup(
    name: &str,
    answer: Result<Option<((), GetfamilyDoReply)>, Error>,
) -> Result<Family, Error> {
    let reply = match answer {
        Ok(Some(((), reply))) => reply,
        Ok(None) => {
            return Err(Error::NoReply {
                operation: "getfamily",
            });
        }
        Err(Error::Kernel(e)) if e.errno == libc::ENOENT => {
            return Err(Error::FamilyNotFound {
                family: name.to_owned(),
            });
        }
        Err(e) => return Err(e),
    };
    Family::from_reply(&reply)
        .ok_or_else(|| Error::Protocol(format!("nlctrl described `{name}` without its id")))
}
