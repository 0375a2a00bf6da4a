//! Servers: the document's, and those a path item or an operation lists instead.

use crate::diagnostics::pointer_join;
use crate::ir::{Server, ServerVariable};

use super::{Context, prose};

impl Context<'_> {
    /// The document's servers, in its order.
    pub(super) fn servers(&mut self) -> Vec<Server> {
        let servers = &self.doc.openapi.servers;
        let (servers, _) = self.checked_servers(servers, "/servers", "it is kept as written");
        servers
    }

    /// The servers an operation is sent to instead of the document's: its own, else its path
    /// item's; none when it lists none or the same as the document.
    pub(super) fn operation_servers(
        &mut self,
        own: &[openapiv3::Server],
        path_item: &[openapiv3::Server],
        pointer: &str,
        path: &str,
        api_servers: &[Server],
    ) -> Vec<Server> {
        let (listed, at) = if own.is_empty() {
            (
                path_item,
                pointer_join(&pointer_join("/paths", path), "servers"),
            )
        } else {
            (own, pointer_join(pointer, "servers"))
        };
        if listed.is_empty() {
            return Vec::new();
        }
        let fallback = "the operation is sent to the document's servers";
        let (servers, sound) = self.checked_servers(listed, &at, fallback);
        let same_urls = servers
            .iter()
            .map(|s| &s.url)
            .eq(api_servers.iter().map(|s| &s.url));
        if !sound || same_urls {
            return Vec::new();
        }
        servers
    }

    /// Servers as the IR has them, each checked: every `{variable}` of a URL must be defined,
    /// and a default must be among its variable's `enum`. The flag says whether all were sound;
    /// in lenient mode a default outside its `enum` is allowed too.
    fn checked_servers(
        &mut self,
        servers: &[openapiv3::Server],
        pointer: &str,
        fallback: &str,
    ) -> (Vec<Server>, bool) {
        let mut sound = true;
        let mut out = Vec::new();
        for (i, s) in servers.iter().enumerate() {
            let at = pointer_join(pointer, &i.to_string());
            let variables = s.variables.as_ref();
            for name in placeholders(&s.url) {
                if !variables.is_some_and(|v| v.contains_key(name)) {
                    sound = false;
                    self.problem(
                        pointer_join(&at, "url"),
                        format!("server URL `{}` has the variable `{{{name}}}`, which its `variables` do not define", s.url),
                        fallback,
                    );
                }
            }
            let mut server_variables = Vec::new();
            for (name, v) in variables.into_iter().flatten() {
                let mut allowed = v.enumeration.clone();
                if !allowed.is_empty() && !allowed.contains(&v.default) {
                    let variable_at = pointer_join(&pointer_join(&at, "variables"), name);
                    self.problem(
                        pointer_join(&variable_at, "default"),
                        format!(
                            "the default `{}` of server variable `{name}` is not among its `enum` ({})",
                            v.default,
                            allowed.join(", ")
                        ),
                        "the default is allowed too",
                    );
                    allowed.push(v.default.clone());
                }
                server_variables.push(ServerVariable {
                    name: name.clone(),
                    default: v.default.clone(),
                    allowed,
                    description: prose(&v.description),
                });
            }
            out.push(Server {
                url: s.url.clone(),
                description: prose(&s.description),
                variables: server_variables,
            });
        }
        (out, sound)
    }
}

/// The names between braces in a server URL.
fn placeholders(url: &str) -> impl Iterator<Item = &str> {
    url.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}
