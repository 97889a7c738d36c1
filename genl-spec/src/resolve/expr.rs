//! Values written as numbers, constant names, `NAME - 1` or type limits.

use super::Resolver;
use crate::decode::closest;
use crate::model::{Bound, ConstValue, DefKind, Definition};
use crate::raw::IntOrStr;
use crate::source::Spanned;

/// The smallest and largest value of a fixed-width type, by its limit name (`u32`).
pub(crate) fn type_range(ty: &str) -> Option<(i128, i128)> {
    Some(match ty {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "uint" => (0, u64::MAX.into()),
        "s8" => (i8::MIN.into(), i8::MAX.into()),
        "s16" => (i16::MIN.into(), i16::MAX.into()),
        "s32" => (i32::MIN.into(), i32::MAX.into()),
        "s64" | "sint" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

/// `u32-max` → `u32::MAX`.
fn limit(s: &str) -> Option<i128> {
    let (ty, which) = s.rsplit_once('-')?;
    let (min, max) = type_range(ty).filter(|_| ty.starts_with(['u', 's']) && ty.len() <= 3)?;
    match which {
        "min" => Some(min),
        "max" => Some(max),
        _ => None,
    }
}

impl Resolver<'_> {
    /// Looks up an integer const by spec name (or its C spelling).
    fn const_value(
        &mut self,
        defs: &[Definition],
        name: &str,
        at: &Spanned<IntOrStr>,
    ) -> Option<(i128, bool)> {
        let spec_name = name.to_lowercase().replace('_', "-");
        // A const may also be named as C names it, with its prefix (`wg-key-len`).
        let c_name = crate::names::c_upper(name);
        let def = self
            .defs
            .get(name)
            .or_else(|| self.defs.get(&spec_name))
            .and_then(|id| defs.get(id.index()))
            .or_else(|| {
                defs.iter()
                    .find(|d| matches!(d.kind, DefKind::Const(_)) && d.c_name == c_name)
            });
        let Some(def) = def else {
            let consts = defs
                .iter()
                .filter(|d| matches!(d.kind, DefKind::Const(_)))
                .map(|d| d.name.as_str());
            let d = self
                .diags
                .error(at.span, format!("unknown constant `{name}`"))
                .with_label("not a const definition, number or type limit");
            if let Some(best) = closest(name, consts) {
                d.help.push(format!("did you mean `{best}`?"));
            }
            return None;
        };
        match &def.kind {
            DefKind::Const(ConstValue::Int(v)) => Some((*v, def.header.is_some())),
            DefKind::Const(ConstValue::Str(_)) => {
                self.diags
                    .error(
                        at.span,
                        format!("constant `{name}` is a string, not a number"),
                    )
                    .with_related(def.span, "defined here");
                None
            }
            _ => {
                self.diags
                    .error(at.span, format!("`{name}` is not a const definition"))
                    .with_related(def.span, "defined here");
                None
            }
        }
    }

    /// Resolves a number written as an integer, a const name, `NAME - 1` or a limit such as `u32-max`.
    pub(crate) fn eval(&mut self, defs: &[Definition], v: &Spanned<IntOrStr>) -> Option<Bound> {
        match &v.value {
            IntOrStr::Int(i) => Some(Bound {
                value: *i,
                expr: i.to_string(),
                from_header: false,
            }),
            IntOrStr::Str(s) => {
                let text = s.trim();
                if let Some(l) = limit(text) {
                    return Some(Bound {
                        value: l,
                        expr: text.to_owned(),
                        from_header: false,
                    });
                }
                let (name, minus) = match text.strip_suffix("- 1") {
                    Some(n) => (n.trim_end(), 1),
                    None => (text, 0),
                };
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    self.diags
                        .error(v.span, format!("cannot read `{s}` as a value"))
                        .with_label("expected a number, a const name, `NAME - 1` or a limit such as `u32-max`");
                    return None;
                }
                let (value, from_header) = self.const_value(defs, name, v)?;
                Some(Bound {
                    value: value.saturating_sub(minus),
                    expr: text.to_owned(),
                    from_header,
                })
            }
        }
    }

    /// Resolves a length: like [`Self::eval`], but it must fit in `u32` and not be negative.
    pub(crate) fn eval_len(&mut self, defs: &[Definition], v: &Spanned<IntOrStr>) -> Option<Bound> {
        let b = self.eval(defs, v)?;
        if b.value < 0 || b.value > i128::from(u16::MAX) {
            self.diags
                .error(v.span, format!("length {} is out of range", b.value))
                .with_label("a netlink length is between 0 and 65535");
            return None;
        }
        Some(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(limit("u8-max"), Some(255));
        assert_eq!(limit("s16-min"), Some(-32768));
        assert_eq!(limit("u64-max"), Some(u64::MAX.into()));
        assert_eq!(limit("uint-max"), None);
        assert_eq!(limit("u7-max"), None);
        assert_eq!(limit("max"), None);
    }
}
