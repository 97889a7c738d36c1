//! Where a spec and the running kernel's policy disagree.
