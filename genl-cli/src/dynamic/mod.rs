//! JSON to wire and wire to JSON, driven by a spec at run time.
