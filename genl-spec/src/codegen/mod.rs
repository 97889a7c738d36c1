//! Rust from a resolved [`Family`]: plain data types annotated with the
//! `#[genl(...)]` vocabulary of [`crate::vocab`], whose derives (in
//! genl-derive, re-exported by genl-runtime) produce every encoder, decoder
//! and policy check. The output is one self-contained module body, built as
//! tokens and formatted with prettyplease.

mod client;
mod items;
mod ordered;
mod serde;
mod sub_message;
mod types;

use crate::Spec;
use crate::model::Family;
use crate::raw::AttrType;
use proc_macro2::TokenStream;
use quote::quote;

/// Options of the code generator, shared by the build-script [`Builder`](crate::Builder),
/// the `genl gen` command and the include macro.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Options {
    /// Name of the spec file for the `@generated` header (the path as given).
    pub source_name: Option<String>,
    /// Attributes typed with another family's generated set; see [`Options::with_extern_set`].
    pub extern_sets: Vec<ExternSet>,
    /// Derive `arbitrary::Arbitrary` behind the `arbitrary` feature; see
    /// [`Options::with_arbitrary`].
    pub arbitrary: bool,
    /// Give every struct of attributes a borrowing view; see [`Options::with_views`].
    pub views: bool,
    /// The including crate's cargo feature the views are behind, if any;
    /// see [`Options::with_views_feature`].
    pub views_feature: Option<String>,
    /// The including crate's cargo feature the blocking `Client` is behind,
    /// if any; see [`Options::with_client_feature`].
    pub client_feature: Option<String>,
    /// Also generate an `AsyncClient`; see [`Options::with_async_client`].
    pub async_client: bool,
    /// The including crate's cargo feature the async clients are behind, if
    /// any; see [`Options::with_async_client_feature`].
    pub async_client_feature: Option<String>,
    /// Sets generated as ordered lists, by spec name; see
    /// [`Options::with_ordered_set`].
    pub ordered_sets: Vec<String>,
    /// Nesting limits of ordered sets, by spec name; see
    /// [`Options::with_max_nesting`].
    pub max_nesting: Vec<(String, usize)>,
    /// Implement serde's traits behind the `serde` feature; see
    /// [`Options::with_serde`].
    pub serde: bool,
}

/// An attribute typed with a set generated elsewhere (in the spirit of
/// prost-build's `extern_path`): the spec keeps it `binary`, and the
/// generated code writes and reads it as a nest of that set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternSet {
    /// The spec name of the attribute set holding the attribute.
    pub set: String,
    /// The spec name of the attribute.
    pub attr: String,
    /// The Rust path of the type to use, for example `crate::ovs_flow::KeyAttrs`.
    pub rust_path: String,
}

impl Options {
    /// Sets the spec name written in the `@generated` header.
    pub fn with_source_name(mut self, name: impl Into<String>) -> Self {
        self.source_name = Some(name.into());
        self
    }

    /// With `true`, every generated struct of attributes, C struct, enum and
    /// flags type also gets
    /// `#[cfg_attr(feature = "arbitrary", derive(::arbitrary::Arbitrary))]`,
    /// for property tests and fuzzing. Off by default, and without it the
    /// output is unchanged.
    ///
    /// The crate that includes the code then declares a feature `arbitrary`
    /// that turns on `genl-runtime/arbitrary` (the runtime's value types and
    /// bitflags' support) and an `arbitrary` dependency with its `derive`
    /// feature:
    ///
    /// ```toml
    /// [features]
    /// arbitrary = ["genl-runtime/arbitrary", "dep:arbitrary"]
    ///
    /// [dependencies]
    /// arbitrary = { version = "1.5", features = ["derive"], optional = true }
    /// ```
    ///
    /// The values made are ones that read back equal after a round trip
    /// through the wire: an enum's unknown variant holds only values that
    /// the enum does not list (and below 256, which fits any attribute), the
    /// padding members of a C struct stay zero, and the runtime's
    /// `UnknownAttr`s take type numbers no spec uses. Strings may hold a NUL,
    /// which the wire cannot carry (and `validate` rejects); sizes are not
    /// bounded beyond what the input to `arbitrary` gives.
    pub fn with_arbitrary(mut self, on: bool) -> Self {
        self.arbitrary = on;
        self
    }

    /// With `true`, every generated struct of attributes is marked
    /// `#[genl(set = "...", view)]`, so that the derive also writes its
    /// borrowing view, `<Name>View<'a>`: one pass over a buffer indexes its
    /// attributes, and each field is then read in place, without allocating
    /// (`genl_runtime::view`). Views of nests are the views of their sets,
    /// so the option is for a whole family (and an extern set's type needs
    /// a view too; an ordered set's view gives its attributes as they are).
    /// Off by default: views add about a third to the functions the derive
    /// writes for a family and a fifth to a quarter to the time to compile
    /// it (the kernel corpus: 26 s of CPU without, 32 s with, in a debug
    /// build), which a family read only through its owned types does not
    /// need. Without it the output is unchanged.
    pub fn with_views(mut self, on: bool) -> Self {
        self.views = on;
        self
    }

    /// With `true`, each generic netlink family also gets an `AsyncClient`
    /// beside its `Client`: the same methods, `async`, over
    /// `genl_runtime::AsyncConnection`, and a `SharedClient` (`Clone`, with
    /// `&self` methods) over `genl_runtime::SharedConnection` for many
    /// tasks at once. The crate that includes the code
    /// then needs genl-runtime's `tokio` feature. Off by default.
    pub fn with_async_client(mut self, on: bool) -> Self {
        self.async_client = on;
        self
    }

    /// Writes the views (see [`Options::with_views`], which this turns on)
    /// behind the including crate's cargo feature `feature`: each struct of
    /// attributes gets `#[cfg_attr(feature = "...", genl(view))]`, and each
    /// view alias `#[cfg(feature = "...")]`. This is for a crate that ships
    /// generated code and lets its users choose, as genl-ovs does; a crate
    /// that generates its code in a build script chooses there.
    pub fn with_views_feature(mut self, feature: impl Into<String>) -> Self {
        self.views = true;
        self.views_feature = Some(feature.into());
        self
    }

    /// Writes the blocking `Client` behind the including crate's cargo
    /// feature `feature`: without it the crate has the family's types,
    /// their encoders, decoders and policy checks, and each request's
    /// `Request` impl, for an application that sends them through a
    /// `genl_runtime::Connection` (or a socket) of its own, and compiles
    /// faster.
    pub fn with_client_feature(mut self, feature: impl Into<String>) -> Self {
        self.client_feature = Some(feature.into());
        self
    }

    /// Writes the `AsyncClient` and `SharedClient` (see
    /// [`Options::with_async_client`], which this turns on) behind the
    /// including crate's cargo feature `feature`, which should turn on
    /// genl-runtime's `tokio` feature.
    pub fn with_async_client_feature(mut self, feature: impl Into<String>) -> Self {
        self.async_client = true;
        self.async_client_feature = Some(feature.into());
        self
    }

    /// The `genl gen` command line that generates `family`, from a spec
    /// named `source`, with these options, as the `@generated` header gives
    /// it. Options about attribute sets that `family` does not have (a
    /// build script's options serve all its specs) are left out.
    pub fn command_line(&self, family: &Family, source: &str) -> String {
        let has = |set: &str| family.set_by_name(set).is_some();
        let mut args: Vec<String> = vec!["genl".into(), "gen".into()];
        let mut flag = |name: &str, value: Option<String>| {
            args.push(format!("--{name}"));
            args.extend(value);
        };
        if self.serde {
            flag("serde", None);
        }
        if self.arbitrary {
            flag("arbitrary", None);
        }
        match (&self.views_feature, self.views) {
            (Some(feature), _) => flag("views-feature", Some(feature.clone())),
            (None, true) => flag("views", None),
            (None, false) => {}
        }
        if let Some(feature) = &self.client_feature {
            flag("client-feature", Some(feature.clone()));
        }
        match (&self.async_client_feature, self.async_client) {
            (Some(feature), _) => flag("async-client-feature", Some(feature.clone())),
            (None, true) => flag("async-client", None),
            (None, false) => {}
        }
        for set in self.ordered_sets.iter().filter(|s| has(s)) {
            flag("ordered", Some(set.clone()));
        }
        for (set, levels) in self.max_nesting.iter().filter(|(s, _)| has(s)) {
            flag("max-nesting", Some(format!("{set}={levels}")));
        }
        for e in self.extern_sets.iter().filter(|e| has(&e.set)) {
            flag(
                "extern",
                Some(format!("{}.{}={}", e.set, e.attr, e.rust_path)),
            );
        }
        args.push(source.to_owned());
        // Quoted for a POSIX shell where needed (`Vec<...>` paths); no
        // argument holds a NUL, the only thing that cannot be quoted.
        shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "))
    }
}

/// `#[cfg(feature = "...")]` for items behind the including crate's cargo
/// feature, or nothing.
fn cfg_feature(feature: Option<&str>) -> TokenStream {
    match feature {
        Some(feature) => quote!(#[cfg(feature = #feature)]),
        None => TokenStream::new(),
    }
}

impl Options {
    /// With `true`, every generated struct of attributes, C struct, enum and
    /// flags type also implements `serde::Serialize` and `serde::Deserialize`
    /// behind `#[cfg_attr(feature = "serde", ...)]`, in the JSON conventions
    /// of the kernel's YNL CLI (`cli.py --output-json`): keys are spec names,
    /// enums and flags are names, binaries hex or as their display hint says,
    /// C structs objects; the full table is in the docs of
    /// `genl_runtime::serde_support`. Off by default, and without it the
    /// output is unchanged.
    ///
    /// The crate that includes the code then declares a feature `serde` that
    /// turns on `genl-runtime/serde`; the generated code reaches serde
    /// through `genl_runtime::serde`, so no `serde` dependency of its own is
    /// needed:
    ///
    /// ```toml
    /// [features]
    /// serde = ["genl-runtime/serde"]
    /// ```
    ///
    /// A value reads back equal after a trip through JSON (`serde_json`).
    /// Reading also takes numbers for enums and flags, and the other forms
    /// the CLI takes as input; it needs a self-describing format.
    pub fn with_serde(mut self, on: bool) -> Self {
        self.serde = on;
        self
    }

    /// Generates the attribute set `set` (a spec name, for example
    /// `action-attrs`) as an ordered list, for sets whose order across
    /// attribute types matters, as OVS actions' does (`output(1),
    /// push_vlan(..), output(2)`).
    ///
    /// The set becomes an enum with one variant per attribute (`Output(u32)`,
    /// `Userspace(UserspaceAttrs)`, a unit variant for a flag, and
    /// `Unknown(UnknownAttr)` for attributes the spec does not know), named
    /// after the set without its `Attrs` (`Action`) unless another type has
    /// that name, and deriving `GenlAttr`. Every attribute that nests the set
    /// is an `Option<Vec<Action>>`: `Some(vec![])` is an empty nest, which is
    /// not the same as `None`, an absent one. A `Vec` has a size of its own,
    /// so nothing is boxed to break a recursion through the set. The enum
    /// has no `Default`. The request and reply structs of operations on the
    /// set stay structs. A sub-message attribute of an ordered set is kept
    /// as bytes: its selector is another element of the list.
    ///
    /// The option applies to the set of that name in every family generated
    /// with these options.
    pub fn with_ordered_set(mut self, set: impl Into<String>) -> Self {
        self.ordered_sets.push(set.into());
        self
    }

    /// Limits how deep lists of the ordered set `set` (see
    /// [`Options::with_ordered_set`]) may be nested in one another: at most
    /// `levels` below the outermost list. A spec cannot state such a limit,
    /// and the kernel may have one: Open vSwitch refuses action lists nested
    /// deeper than 16 (`OVS_COPY_ACTIONS_MAX_DEPTH`; `clone`, `sample`,
    /// `check_pkt_len` and `dec_ttl` each add a level). The generated
    /// `validate` (and so every client, before sending) then fails with
    /// `Violation::TooDeep` at the path of the list that is one too deep.
    pub fn with_max_nesting(mut self, set: impl Into<String>, levels: usize) -> Self {
        self.max_nesting.push((set.into(), levels));
        self
    }

    /// Types the attribute `set.attr` (spec names, for example
    /// `packet-attrs.key`) with the generated set at `rust_path`. This is how
    /// the `ovs_packet` upcall key becomes the typed `ovs_flow` key while the
    /// spec stays valid against the kernel's schema. A set generated as an
    /// ordered list ([`Options::with_ordered_set`]) is a `Vec` of its enum:
    /// name it with its generic argument (`Vec<crate::flow::Action>`).
    pub fn with_extern_set(mut self, set_attr: &str, rust_path: impl Into<String>) -> Self {
        let (set, attr) = set_attr.split_once('.').unwrap_or((set_attr, ""));
        self.extern_sets.push(ExternSet {
            set: set.to_owned(),
            attr: attr.to_owned(),
            rust_path: rust_path.into(),
        });
        self
    }

    /// Checks the options against a family: a nesting limit must be of an
    /// ordered set, and an extern set whose attribute set belongs to this
    /// family must name one of its attributes and a well-formed Rust path.
    /// Extern sets of other families are ignored.
    pub fn check(&self, family: &Family) -> Result<(), String> {
        if let Some((set, _)) = self
            .max_nesting
            .iter()
            .find(|(s, _)| !self.ordered_sets.contains(s))
        {
            return Err(format!(
                "max nesting of `{set}`: only an ordered set's lists nest in one another, \
                 and `{set}` is not generated as one"
            ));
        }
        for e in &self.extern_sets {
            let Some(set) = family.set_by_name(&e.set) else {
                continue;
            };
            let Some((_, attr)) = family.set(set).attr(&e.attr) else {
                return Err(format!(
                    "extern set `{}.{}`: set `{}` of family `{}` has no attribute `{}`",
                    e.set, e.attr, e.set, family.name, e.attr
                ));
            };
            let opaque =
                attr.ty == AttrType::Binary && attr.struct_.is_none() && attr.sub_type.is_none();
            if attr.ty != AttrType::Nest && !opaque {
                return Err(format!(
                    "extern set `{}.{}`: only a `nest` or a plain `binary` attribute can carry \
                     another family's set, and this one is `{}`",
                    e.set,
                    e.attr,
                    attr.ty.as_str()
                ));
            }
            syn::parse_str::<syn::Path>(&e.rust_path).map_err(|err| {
                format!(
                    "extern set `{}.{}`: `{}` is not a Rust path: {err}",
                    e.set, e.attr, e.rust_path
                )
            })?;
        }
        Ok(())
    }
}

/// Generates the module body for a validated spec, formatted.
pub fn generate(spec: &Spec, options: &Options) -> String {
    let tokens = generate_tokens_with(spec.family(), options);
    let file: syn::File = match syn::parse2(tokens) {
        Ok(f) => f,
        // The generator builds its tokens from checked names; a parse failure
        // is a bug in the generator, reported as a compile error in the output.
        Err(e) => {
            let msg = format!("genl code generator produced invalid tokens: {e}");
            return format!("compile_error!({msg:?});\n");
        }
    };
    let source = options
        .source_name
        .clone()
        .unwrap_or_else(|| spec.source().path().display().to_string());
    // The command line that gives the same output.
    let command = options.command_line(spec.family(), &source);
    format!(
        "// @generated by genl from `{source}`. Do not edit: change the spec and\n\
         // regenerate (`{command}`, or the build script that includes it).\n\n{}",
        prettyplease::unparse(&file)
    )
}

/// Generates the module body for a family, as tokens, with default options.
pub fn generate_tokens(family: &Family) -> TokenStream {
    generate_tokens_with(family, &Options::default())
}

/// Generates the module body for a family, as tokens.
pub fn generate_tokens_with(family: &Family, options: &Options) -> TokenStream {
    let header = items::family_consts(family);
    let defs = family
        .def_ids()
        .map(|id| items::definition(family, options, id));
    let prelude = types::Prelude::for_family(family, options);
    let sets: Vec<TokenStream> = family
        .set_ids()
        .map(|id| items::attr_set(family, options, &prelude, id))
        .collect();
    let sub_messages = sub_message::sub_messages(family, options, &prelude);
    let ops = items::operations(family, options, &prelude);
    let client = client::client(
        family,
        &cfg_feature(options.client_feature.as_deref()),
        options
            .async_client
            .then(|| cfg_feature(options.async_client_feature.as_deref())),
    );
    quote! {
        #header
        #(#defs)*
        #(#sets)*
        #sub_messages
        #ops
        #client
    }
}
