//! The client of a family: a `Client` with one method per operation and
//! kind, thin wrappers over `genl_runtime::Connection`, and an `Event` enum
//! of the notifications and events the family sends on its own. With the
//! async option, also an `AsyncClient` over `AsyncConnection` and a
//! cloneable `SharedClient` over `SharedConnection`.
//!
//! The methods that send and the event decoder are `#[inline]`, as the
//! derived codecs are: the requests' encoders and the replies' decoders are
//! compiled in the crate that calls a method, for the methods it calls.

use super::items::op_docs;
use super::types::ident;
use crate::model::{Family, Op};
use crate::names::{self, Scope};
use crate::raw::Protocol;
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

/// Names the client's own methods take; operations with these names get a
/// numbered method instead.
const RESERVED: &[&str] = &[
    "connect",
    "with_connection",
    "connection",
    "into_connection",
    "subscribe",
    "next_event",
    "events",
    "into_shared",
];

/// Whether a client blocks or is async.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Blocking,
    Async,
    /// Async over a `SharedConnection`: `&self` methods, and the client is
    /// `Clone`.
    Shared,
}

/// Names and helpers shared by the items of one family.
struct Ctx<'a> {
    family: &'a Family,
    result: TokenStream,
    vec: TokenStream,
    event_name: proc_macro2::Ident,
    has_events: bool,
}

/// The `Client` (behind `blocking`, a `#[cfg]` that may be empty; and with
/// `asynchronous`, the `AsyncClient` and `SharedClient`, behind that one)
/// and `Event` items; nothing for netlink-raw families, which are not
/// reached through generic netlink.
pub(super) fn client(
    family: &Family,
    blocking: &TokenStream,
    asynchronous: Option<TokenStream>,
) -> TokenStream {
    if family.protocol == Protocol::NetlinkRaw {
        return TokenStream::new();
    }
    let taken = |name: &str| {
        family.def_ids().any(|d| family.def(d).rust_name == name)
            || family.set_ids().any(|s| family.set(s).rust_name == name)
    };
    let qualified = |name: &str, path: TokenStream| {
        if taken(name) {
            path
        } else {
            format_ident!("{}", name).into_token_stream()
        }
    };
    let unique = |name: &str| {
        if taken(name) {
            format_ident!("Family{}", name)
        } else {
            format_ident!("{}", name)
        }
    };
    let mut ctx = Ctx {
        family,
        result: qualified("Result", quote!(::std::result::Result)),
        vec: qualified("Vec", quote!(::std::vec::Vec)),
        event_name: unique("Event"),
        has_events: false,
    };
    let events = events(&ctx);
    ctx.has_events = !events.is_empty();
    let blocking = client_struct(&ctx, Flavor::Blocking, unique("Client"), None, blocking);
    let asynchronous = match asynchronous {
        Some(cfg) => {
            let shared = unique("SharedClient");
            let mut both = client_struct(
                &ctx,
                Flavor::Async,
                unique("AsyncClient"),
                Some(&shared),
                &cfg,
            );
            both.extend(client_struct(&ctx, Flavor::Shared, shared, None, &cfg));
            both
        }
        None => TokenStream::new(),
    };
    quote! {
        #blocking
        #asynchronous
        #events
    }
}

/// One client struct; `shared` names the shared client an async one turns
/// into, and `cfg` (may be empty) is put on the struct and its `impl`.
fn client_struct(
    ctx: &Ctx<'_>,
    flavor: Flavor,
    name: proc_macro2::Ident,
    shared: Option<&proc_macro2::Ident>,
    cfg: &TokenStream,
) -> TokenStream {
    let result = &ctx.result;
    let (conn, asyncness, dot_await, kind) = match flavor {
        Flavor::Blocking => (
            quote!(::genl_runtime::Connection),
            TokenStream::new(),
            TokenStream::new(),
            "A client",
        ),
        Flavor::Async => (
            quote!(::genl_runtime::AsyncConnection),
            quote!(async),
            quote!(.await),
            "An async client (on tokio, with genl-runtime's `tokio` feature)",
        ),
        Flavor::Shared => (
            quote!(::genl_runtime::SharedConnection),
            quote!(async),
            quote!(.await),
            "A cloneable async client, shared by many tasks at once (on tokio, \
             with genl-runtime's `tokio` feature)",
        ),
    };
    let mut scope = Scope::new();
    for r in RESERVED {
        scope.claim((*r).to_owned(), r);
    }
    let methods: Vec<TokenStream> = ctx
        .family
        .operations
        .list
        .iter()
        .flat_map(|op| op_methods(ctx, flavor, op, &mut scope))
        .collect();
    let event_methods = if ctx.has_events && flavor == Flavor::Shared {
        let event_name = &ctx.event_name;
        quote! {
            /// Joins a multicast group of the family by name (see [`mcgrp`]);
            /// its messages then come to every stream of [`Self::events`].
            #[inline]
            pub async fn subscribe(&self, group: &str) -> #result<(), ::genl_runtime::Error> {
                self.conn.subscribe(FAMILY_NAME, group).await
            }

            /// A stream of the family's notifications and events, typed,
            /// from now on (the first stream also gets those that came
            /// while there was none).
            #[inline]
            pub async fn events(&self) -> #result<::genl_runtime::EventStream<#event_name>, ::genl_runtime::Error> {
                self.conn.events().await
            }
        }
    } else if ctx.has_events {
        let event_name = &ctx.event_name;
        quote! {
            /// Joins a multicast group of the family by name (see [`mcgrp`]);
            /// its messages then come from [`Self::next_event`].
            #[inline]
            pub #asyncness fn subscribe(&mut self, group: &str) -> #result<(), ::genl_runtime::Error> {
                self.conn.subscribe(FAMILY_NAME, group)#dot_await
            }

            /// Waits for the next notification or event of the family,
            /// typed; those that arrived during requests come first.
            #[inline]
            pub #asyncness fn next_event(&mut self) -> #result<#event_name, ::genl_runtime::Error> {
                self.conn.next_event()#dot_await
            }
        }
    } else {
        TokenStream::new()
    };
    let doc = format!(
        " {kind} of the `{}` family: one method per operation and kind,\n \
         each checking its request against the spec's policy before sending.",
        ctx.family.name
    );
    let (derive, connect, connection) = match flavor {
        Flavor::Shared => (
            quote!(#[derive(Clone, Debug)]),
            quote! {
                /// Opens a connection and starts its routing task on the
                /// current tokio runtime; the family is resolved on first
                /// use. Clones of the client share the connection.
                pub fn connect() -> #result<Self, ::genl_runtime::Error> {
                    Ok(Self::with_connection(::genl_runtime::AsyncConnection::new()?.into_shared()?))
                }
            },
            quote! {
                /// The connection, for what the methods do not cover.
                pub fn connection(&self) -> &#conn {
                    &self.conn
                }
            },
        ),
        _ => (
            quote!(#[derive(Debug)]),
            quote! {
                /// Opens a connection; the family is resolved on first use.
                pub fn connect() -> #result<Self, ::genl_runtime::Error> {
                    Ok(Self::with_connection(#conn::new()?))
                }
            },
            quote! {
                /// The connection, for what the methods do not cover.
                pub fn connection(&mut self) -> &mut #conn {
                    &mut self.conn
                }
            },
        ),
    };
    let into_shared = shared.map(|shared| {
        quote! {
            /// Turns the client into one that many tasks use at once, over
            /// the same connection (see `genl_runtime::SharedConnection`).
            pub fn into_shared(self) -> #result<#shared, ::genl_runtime::Error> {
                Ok(#shared::with_connection(self.conn.into_shared()?))
            }
        }
    });
    quote! {
        #[doc = #doc]
        #cfg
        #derive
        pub struct #name {
            conn: #conn,
        }

        #cfg
        impl #name {
            #connect

            /// A client over an existing connection.
            pub fn with_connection(conn: #conn) -> Self {
                Self { conn }
            }

            #connection

            #into_shared

            /// Gives the connection back.
            pub fn into_connection(self) -> #conn {
                self.conn
            }

            #(#methods)*
            #event_methods
        }
    }
}

/// The methods of one operation: `name` for `do`, `name_dump` for `dump`.
fn op_methods(ctx: &Ctx<'_>, flavor: Flavor, op: &Op, scope: &mut Scope) -> Vec<TokenStream> {
    let family = ctx.family;
    let result = &ctx.result;
    let (asyncness, dot_await) = match flavor {
        Flavor::Blocking => (TokenStream::new(), TokenStream::new()),
        Flavor::Async | Flavor::Shared => (quote!(async), quote!(.await)),
    };
    let receiver = match flavor {
        Flavor::Shared => quote!(&self),
        _ => quote!(&mut self),
    };
    let mut out = Vec::new();
    if op
        .request_value
        .and_then(|v| u8::try_from(v).ok())
        .is_none()
    {
        return out;
    }
    let base = names::rust_type(&op.name);
    let header = op
        .fixed_header
        .map(|id| ident(&family.def(id).rust_name).into_token_stream());
    let header_param = header.as_ref().map(|h| quote!(header: &#h,));
    let header_arg = match &header {
        Some(_) => quote!(header),
        None => quote!(&()),
    };
    let field = names::rust_field(&op.name);
    let field = field.strip_prefix("r#").unwrap_or(&field).to_owned();
    let op_name = &op.name;

    if let Some(sub) = &op.do_ {
        let method = ident(&names::rust_field(
            &scope.claim(field.clone(), &op.name).ident,
        ));
        let request = format_ident!("{}DoRequest", base);
        let doc = op_docs(&format!("Sends a `{op_name}` request."), &op.doc);
        let (body, ret) = match (&sub.reply, &header) {
            (None, _) => (
                quote! { self.conn.request(#header_arg, request)#dot_await.map(drop) },
                quote!(()),
            ),
            (Some(_), None) => {
                let reply = format_ident!("{}DoReply", base);
                (
                    quote! {
                        match self.conn.request(#header_arg, request)#dot_await? {
                            Some(((), reply)) => Ok(reply),
                            None => Err(::genl_runtime::Error::NoReply { operation: #op_name }),
                        }
                    },
                    reply.into_token_stream(),
                )
            }
            (Some(_), Some(h)) => {
                let reply = format_ident!("{}DoReply", base);
                (
                    quote! {
                        self.conn
                            .request(#header_arg, request)#dot_await?
                            .ok_or(::genl_runtime::Error::NoReply { operation: #op_name })
                    },
                    quote!((#h, #reply)),
                )
            }
        };
        // An operation called `new` is a method, not a constructor.
        let allow = (method == "new").then(|| quote!(#[allow(clippy::new_ret_no_self)]));
        out.push(quote! {
            #doc
            #allow
            #[inline]
            pub #asyncness fn #method(#receiver, #header_param request: &#request) -> #result<#ret, ::genl_runtime::Error> {
                #body
            }
        });
    }
    if op.dump.is_some() {
        let method = ident(
            &scope
                .claim(format!("{field}_dump"), &format!("{op_name} dump"))
                .ident,
        );
        let request = format_ident!("{}DumpRequest", base);
        let reply = format_ident!("{}DumpReply", base);
        let (ret, body, what) = match (flavor, &header) {
            (Flavor::Blocking, None) => (
                quote!(impl Iterator<Item = #result<#reply, ::genl_runtime::Error>> + '_),
                quote! { Ok(self.conn.dump(&(), request)?.map(|r| r.map(|((), reply)| reply))) },
                "one item per reply",
            ),
            (Flavor::Blocking, Some(_)) => (
                quote!(::genl_runtime::Dump<'_, #request>),
                quote! { self.conn.dump(#header_arg, request) },
                "one item (fixed header and attributes) per reply",
            ),
            (Flavor::Async, _) => (
                quote!(::genl_runtime::AsyncDump<'_, #request>),
                quote! { self.conn.dump(#header_arg, request).await },
                "a stream of fixed headers and attributes, one per reply",
            ),
            (Flavor::Shared, _) => (
                quote!(::genl_runtime::SharedDump<#request>),
                quote! { self.conn.dump(#header_arg, request).await },
                "a stream of fixed headers and attributes, one per reply",
            ),
        };
        let doc = op_docs(
            &format!("Dumps `{op_name}`: {what}, until the kernel's last."),
            &op.doc,
        );
        out.push(quote! {
            #doc
            #[inline]
            pub #asyncness fn #method(#receiver, #header_param request: &#request) -> #result<#ret, ::genl_runtime::Error> {
                #body
            }
        });
    }
    out
}

/// The `Event` enum and its decoder; nothing when the family sends no
/// notifications or events.
fn events(ctx: &Ctx<'_>) -> TokenStream {
    let (family, name, result, vec) = (ctx.family, &ctx.event_name, &ctx.result, &ctx.vec);
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut seen = Vec::new();
    for op in family.operations.list.iter().filter(|op| op.is_async()) {
        let Some(cmd) = op.reply_value.and_then(|v| u8::try_from(v).ok()) else {
            continue;
        };
        // Two operations sending one command: the first one's type reads it.
        if seen.contains(&cmd) {
            continue;
        }
        seen.push(cmd);
        let base = names::rust_type(&op.name);
        let ty = if op.notify.is_some() {
            format_ident!("{}Notification", base)
        } else {
            format_ident!("{}Event", base)
        };
        let variant = format_ident!("{}", base);
        let doc = op_docs(&format!("`{}` (command {cmd}).", op.name), &op.doc);
        let cmd = Literal::u8_unsuffixed(cmd);
        match op.fixed_header {
            None => {
                variants.push(quote! { #doc #variant(#ty), });
                arms.push(quote! {
                    #cmd => <#ty as ::genl_runtime::GenlMessage>::decode(payload).map(Self::#variant),
                });
            }
            Some(h) => {
                let h = ident(&family.def(h).rust_name);
                variants.push(quote! { #doc #variant(#h, #ty), });
                arms.push(quote! {
                    #cmd => {
                        let header = <#h as ::genl_runtime::CStruct>::read(payload)?;
                        let attrs = payload.get(<#h as ::genl_runtime::CStruct>::SIZE..).unwrap_or_default();
                        <#ty as ::genl_runtime::GenlMessage>::decode(attrs).map(|a| Self::#variant(header, a))
                    }
                });
            }
        }
    }
    if variants.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// The notifications and events of the family, by command.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum #name {
            #(#variants)*
            /// A command this spec does not list as a notification or event.
            Unknown {
                /// The command.
                cmd: u8,
                /// What follows the genl header.
                payload: #vec<u8>,
            },
        }

        impl ::genl_runtime::Events for #name {
            const FAMILY: &'static str = FAMILY_NAME;

            #[inline]
            fn decode_event(cmd: u8, payload: &[u8]) -> #result<Self, ::genl_runtime::wire::DecodeError> {
                match cmd {
                    #(#arms)*
                    _ => Ok(Self::Unknown { cmd, payload: payload.to_vec() }),
                }
            }
        }
    }
}
