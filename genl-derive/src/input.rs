//! Checks on the item a derive is applied to, common to the three derives.

use genl_spec::vocab::Errors;
use quote::ToTokens;

/// The named fields of a struct; an error for any other item.
pub(crate) fn named_fields<'a>(
    input: &'a syn::DeriveInput,
    derive: &str,
    errors: &mut Errors,
) -> Option<Vec<&'a syn::Field>> {
    match &input.data {
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Named(named) => Some(named.named.iter().collect()),
            syn::Fields::Unnamed(f) => {
                errors.error_at(
                    f,
                    format!(
                        "#[derive({derive})] needs a struct with named fields, not a tuple struct"
                    ),
                );
                None
            }
            syn::Fields::Unit => {
                errors.error_at(
                    &input.ident,
                    format!(
                        "#[derive({derive})] needs a struct with named fields, not a unit struct: \
                         write `struct {} {{}}` for one without attributes",
                        input.ident
                    ),
                );
                None
            }
        },
        syn::Data::Enum(e) => {
            errors.error_at(
                e.enum_token,
                format!(
                    "#[derive({derive})] is for structs with named fields, not enums{}",
                    if derive == "GenlEnum" {
                        ""
                    } else {
                        "; an enum of a spec derives `GenlEnum`, an ordered set's enum \
                         `GenlAttr`, a sub-message's `GenlSubMessage`"
                    }
                ),
            );
            None
        }
        syn::Data::Union(u) => {
            errors.error_at(
                u.union_token,
                format!("#[derive({derive})] is for structs with named fields, not unions"),
            );
            None
        }
    }
}

/// Reports generic parameters, which the derives do not support.
pub(crate) fn no_generics(input: &syn::DeriveInput, derive: &str, errors: &mut Errors) {
    let g = &input.generics;
    if !g.params.is_empty() {
        errors.error_at(
            g.to_token_stream(),
            format!("#[derive({derive})] does not support generic parameters"),
        );
    } else if let Some(w) = &g.where_clause {
        errors.error_at(
            w,
            format!("#[derive({derive})] does not support where clauses"),
        );
    }
}

/// Whether a fallback impl (one that keeps other code compiling while the
/// derive's own errors are reported) can be written for the item.
pub(crate) fn can_fall_back(input: &syn::DeriveInput) -> bool {
    input.generics.params.is_empty() && input.generics.where_clause.is_none()
}
