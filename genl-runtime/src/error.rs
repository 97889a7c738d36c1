//! The errors of talking to the kernel, one variant per thing a caller may
//! want to act on.

use std::{fmt, io};

use crate::extack::KernelError;
use crate::policy::PolicyError;
use crate::wire::DecodeError;

/// What went wrong with a request, a dump or a subscription.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The socket failed.
    Io(io::Error),
    /// The kernel refused the request: errno, extack message, the bad or
    /// missing attribute by name, and the policy it reported.
    Kernel(Box<KernelError>),
    /// The request broke the spec's policy; nothing was sent.
    Policy {
        /// The operation of the request.
        operation: &'static str,
        /// Which attribute broke which rule.
        error: Box<PolicyError>,
    },
    /// A reply could not be decoded.
    Decode {
        /// The operation of the request, or the notification's.
        operation: &'static str,
        /// Where and why.
        error: Box<DecodeError>,
    },
    /// The kernel marked the dump inconsistent (`NLM_F_DUMP_INTR`): the
    /// objects changed while it ran. The replies read so far were delivered;
    /// dump again for a consistent view.
    DumpInterrupted {
        /// The operation of the dump.
        operation: &'static str,
    },
    /// Messages were lost because the receive buffer was full (`ENOBUFS`).
    /// The socket keeps working; notifications in between are gone.
    Overrun,
    /// No family of this name is registered in the kernel (or its module is
    /// not loaded).
    FamilyNotFound {
        /// The family name.
        family: String,
    },
    /// The family has no multicast group of this name.
    GroupNotFound {
        /// The family name.
        family: String,
        /// The group name.
        group: String,
    },
    /// The spec says the operation replies, and the kernel only acknowledged.
    NoReply {
        /// The operation of the request.
        operation: &'static str,
    },
    /// The kernel sent something netlink does not allow here.
    Protocol(String),
}

impl Error {
    /// The kernel's error, when it is one.
    pub fn kernel(&self) -> Option<&KernelError> {
        match self {
            Error::Kernel(e) => Some(e),
            _ => None,
        }
    }

    /// The kernel's errno, when the kernel refused the request.
    pub fn errno(&self) -> Option<i32> {
        self.kernel().map(|e| e.errno)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "netlink socket: {e}"),
            Error::Kernel(e) => write!(f, "kernel error: {e}"),
            Error::Policy { operation, error } => {
                write!(f, "{operation}: request refused before sending: {error}")
            }
            Error::Decode { operation, error } => write!(f, "{operation}: bad reply: {error}"),
            Error::DumpInterrupted { operation } => write!(
                f,
                "{operation}: dump interrupted (NLM_F_DUMP_INTR): the objects changed while it ran"
            ),
            Error::Overrun => f.write_str("receive buffer overrun (ENOBUFS): messages were lost"),
            Error::FamilyNotFound { family } => write!(
                f,
                "generic netlink family `{family}` not found: is its kernel module loaded?"
            ),
            Error::GroupNotFound { family, group } => {
                write!(f, "family `{family}` has no multicast group `{group}`")
            }
            Error::NoReply { operation } => {
                write!(
                    f,
                    "{operation}: the kernel acknowledged without the reply the spec declares"
                )
            }
            Error::Protocol(what) => write!(f, "netlink protocol error: {what}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            Error::Kernel(e) => Some(&**e),
            Error::Policy { error, .. } => Some(&**error),
            Error::Decode { error, .. } => Some(&**error),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        if e.raw_os_error() == Some(libc::ENOBUFS) {
            Error::Overrun
        } else {
            Error::Io(e)
        }
    }
}

impl From<KernelError> for Error {
    fn from(e: KernelError) -> Self {
        Error::Kernel(Box::new(e))
    }
}

impl From<Box<KernelError>> for Error {
    fn from(e: Box<KernelError>) -> Self {
        Error::Kernel(e)
    }
}
