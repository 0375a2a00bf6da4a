//! Who is at fault for a failed smoke test: our generator, the document, or Prism.
//!
//! A failure is the generator's unless a rule below explains it otherwise; every rule names
//! what it recognizes and why that is not the client's fault. The rules look at what the smoke
//! test recorded: the outcome, Prism's violations, the status and the answer's body.

use std::collections::BTreeSet;

use serde_json::Value;

pub use super::document_facts::DocumentFacts;
use super::report::Class;

/// A known cause of failure that is not the generator's.
struct Rule {
    /// Which outcome it applies to (`request`, `response`).
    outcome: &'static str,
    class: Class,
    /// Recognizes the failure.
    matches: fn(&Facts) -> bool,
    /// Why it is not the client's fault.
    reason: &'static str,
}

/// What a rule looks at.
pub struct Facts<'a> {
    /// The whole report line, retries included.
    pub record: &'a Value,
    pub document: &'a DocumentFacts,
    pub status: Option<u64>,
    /// Prism's violations, `location: message`.
    pub violations: Vec<String>,
    pub detail: &'a str,
    pub response: &'a str,
}

impl<'a> Facts<'a> {
    pub fn of(record: &'a Value, document: &'a DocumentFacts) -> Self {
        let violations = record["violations"]
            .as_array()
            .map(|list| list.iter().map(violation_text).collect())
            .unwrap_or_default();
        Facts {
            record,
            document,
            status: record["status"].as_u64(),
            violations,
            detail: record["detail"].as_str().unwrap_or_default(),
            response: record["response"].as_str().unwrap_or_default(),
        }
    }

    /// Every violation (of this call and its retries) is a missing required property the
    /// document never declares.
    fn only_undeclared_required(&self) -> bool {
        let mut all = self.violations.clone();
        for mock in ["static", "proxy"] {
            if let Some(failure) = self.retry(mock) {
                if let Some(list) = failure["violations"].as_array() {
                    all.extend(list.iter().map(violation_text));
                }
            }
        }
        !all.is_empty()
            && all.iter().all(|v| {
                required_property(v)
                    .is_some_and(|name| self.document.undeclared_required.contains(name))
            })
    }

    /// The last request sent a form body (`a=1&b=2`) with a pair for every property the
    /// violations call missing.
    fn form_body_carries_the_missing_names(&self) -> bool {
        let Some(line) = self.record["requests"]
            .as_array()
            .and_then(|list| list.last())
            .and_then(Value::as_str)
        else {
            return false;
        };
        // `METHOD URL BODY`: a form body is the third field.
        let Some(body) = line.splitn(3, ' ').nth(2) else {
            return false;
        };
        let sent: BTreeSet<&str> = body
            .split('&')
            .filter_map(|pair| pair.split_once('=').map(|(name, _)| name))
            .collect();
        let missing: Vec<&str> = self
            .violations
            .iter()
            .filter_map(|v| required_property(v))
            .collect();
        !missing.is_empty() && missing.iter().all(|name| sent.contains(name))
    }

    /// The client refused to send an object inside an array parameter the document declares
    /// so.
    fn object_in_array_parameter(&self) -> bool {
        let refused = self
            .detail
            .split("parameter `")
            .nth(1)
            .and_then(|rest| rest.split_once("` is an object, which this location cannot carry"))
            .map(|(name, _)| name);
        refused.is_some_and(|name| self.document.object_array_parameters.contains(name))
    }

    /// Every violation says a JSON part of a multipart body is not an object or array: Prism
    /// validates each part as the text it is.
    fn multipart_json_part_as_text(&self) -> bool {
        self.every_body_property(|name, v| {
            (v.ends_with("must be object") || v.ends_with("must be array"))
                && self.document.multipart_json_properties.contains(name)
        })
    }

    /// There are violations, each about a property of the request body, and `about` holds for
    /// each (given the top-level property's name and the violation).
    fn every_body_property(&self, about: impl Fn(&str, &str) -> bool) -> bool {
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                let Some(rest) = v.strip_prefix("request.body.") else {
                    return false;
                };
                let name = rest.split([':', '.']).next().unwrap_or_default();
                about(name, v)
            })
    }

    /// Every violation says an array property of a multipart body is not an array: Prism keeps
    /// one part of each name.
    fn multipart_array_as_one_part(&self) -> bool {
        self.every_body_property(|name, v| {
            v.ends_with("must be array") && self.document.multipart_array_properties.contains(name)
        })
    }

    /// Every violation says a Swagger 2.0 `formData` array of a URL-encoded form is not an
    /// array: the form carries it joined in one field.
    fn joined_form_array_as_one_value(&self) -> bool {
        self.every_body_property(|name, v| {
            v.ends_with("must be array") && self.document.joined_form_arrays.contains(name)
        })
    }

    /// Every violation is about the `Content-Type` header, which the document declares as a
    /// parameter with values its body's media type does not have.
    fn content_type_parameter_contradicts_body(&self) -> bool {
        self.document.content_type_parameter
            && !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.to_ascii_lowercase()
                    .starts_with("request.header.content-type:")
            })
    }

    /// Every violation is a missing header the document declares as a parameter OpenAPI says
    /// to ignore (`Accept`, `Content-Type`, `Authorization`), which the client does not send
    /// as one.
    fn ignored_header_parameter_required(&self) -> bool {
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.strip_prefix("request.header: Request header must have required property '")
                    .and_then(|rest| rest.split('\'').next())
                    .is_some_and(|name| {
                        self.document
                            .reserved_header_parameters
                            .contains(&name.to_ascii_lowercase())
                    })
            })
    }

    /// The call's value hit a union that no value fits alone, and Prism says so.
    fn ambiguous_one_of(&self) -> bool {
        let ambiguous = self.record["ambiguous_unions"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let said = |v: &String| v.contains("exactly one schema in oneOf");
        let retried = ["static", "proxy"].iter().any(|mock| {
            self.retry(mock).is_some_and(|f| {
                f["violations"]
                    .as_array()
                    .is_some_and(|l| l.iter().map(violation_text).any(|v| said(&v)))
            })
        });
        ambiguous && (self.violations.iter().any(said) || retried)
    }

    /// A violation says a discriminator property's value is not allowed, and the document
    /// gives that property's variants values other than their implicit tags.
    fn implicit_tag_outside_enum(&self) -> bool {
        self.violations.iter().any(|v| {
            v.contains("must be equal to one of the allowed values")
                && v.split(':').next().is_some_and(|location| {
                    let property = location.rsplit('.').next().unwrap_or(location);
                    self.document.implicit_tags_outside_enum.contains(property)
                })
        })
    }

    /// Every violation is a pattern or format one, and the made-up values met a schema whose
    /// pattern and format contradict each other.
    fn contradictory_string_schema(&self) -> bool {
        let contradictions = self.record["contradictions"]
            .as_array()
            .is_some_and(|c| !c.is_empty());
        contradictions
            && !self.violations.is_empty()
            && self
                .violations
                .iter()
                .all(|v| v.contains("must match pattern") || v.contains("must match format"))
    }

    /// Every violation is a pattern written as a JavaScript regular expression literal
    /// (`/(?=.*[a-z])/`, flags after the closing slash): in JSON Schema its slashes are text
    /// the value must contain, which no value the document means (its own examples) has.
    fn pattern_written_as_a_literal(&self) -> bool {
        let literal = |v: &String| {
            v.split_once("must match pattern \"")
                .and_then(|(_, rest)| rest.rsplit_once('"'))
                .is_some_and(|(pattern, _)| {
                    let flags = pattern.trim_end_matches(|c: char| "gimsuy".contains(c));
                    pattern.len() > 2 && pattern.starts_with('/') && flags.ends_with('/')
                })
        };
        !self.violations.is_empty() && self.violations.iter().all(literal)
    }

    /// Every violation is a missing path parameter the operation declares outside its path
    /// template.
    fn only_path_parameters_outside_template(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.strip_prefix("request.path: Request path must have required property '")
                    .and_then(|rest| rest.split('\'').next())
                    .is_some_and(|name| {
                        // Prism lower-cases the names it reports.
                        let key = format!("{method} {path} {name}");
                        self.document
                            .path_parameters_outside_template
                            .iter()
                            .any(|declared| declared.eq_ignore_ascii_case(&key))
                    })
            })
    }

    /// No request can tell the operation's path from another operation's, and the call was
    /// not made again alone (against a document without the other).
    fn wire_twin(&self) -> bool {
        if self.record["alone"] == true {
            return false;
        }
        self.operation_in(&self.document.wire_twins)
    }

    /// Prism found no route for the request of an operation with a server of its own.
    fn unrouted_own_server(&self) -> bool {
        self.status == Some(404)
            && self.response.contains("NO_PATH_MATCHED_ERROR")
            && self.operation_in(&self.document.own_servers)
    }

    /// Whether the call's operation (`METHOD /path`) is in a set of the document's facts.
    fn operation_in(&self, set: &BTreeSet<String>) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        set.contains(&format!("{method} {path}"))
    }

    /// Prism found no route for a path whose template it cannot read, or routed it to another
    /// path that has no such method.
    fn unroutable_template(&self) -> bool {
        let unrouted = self.status == Some(404) && self.response.contains("NO_PATH_MATCHED_ERROR")
            || self.status == Some(405) && self.response.contains("NO_METHOD_MATCHED_ERROR");
        unrouted && self.operation_in(&self.document.prism_unroutable_templates)
    }

    /// Prism refused the credentials, and the document names an API key header or cookie with
    /// a name no request can carry.
    fn unsendable_api_key(&self) -> bool {
        self.status == Some(401)
            && self.document.unsendable_api_keys
            && (self.response.contains("UNAUTHORIZED")
                || self.record["method"] == "HEAD" && self.response.is_empty())
    }

    /// Every violation is a property an object may not have, and the document closes objects
    /// with `additionalProperties: false` beside a `$ref`, which its version ignores.
    fn closed_beside_a_reference(&self) -> bool {
        self.document.closed_beside_a_reference
            && !self.violations.is_empty()
            && self
                .violations
                .iter()
                .all(|v| v.contains("must NOT have additional properties"))
    }

    /// Every violation is a `false` schema, and the document closes a tuple with
    /// `items: false`, which Prism applies to every element.
    fn tuple_closed_by_items_false(&self) -> bool {
        self.document.tuples_closed_by_items_false
            && !self.violations.is_empty()
            && self
                .violations
                .iter()
                .all(|v| v.ends_with("boolean schema is false"))
    }

    /// Every violation is a required property with an upper-case letter missing from a
    /// `deepObject` query parameter: Prism read the keys lower-cased.
    fn deep_object_keys_lower_cased(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        let parameters: Vec<&str> = self
            .document
            .deep_objects_with_upper_case_keys
            .iter()
            .filter_map(|p| p.strip_prefix(&format!("{method} {path} ")))
            .collect();
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                let Some((location, message)) = v.split_once(": ") else {
                    return false;
                };
                let property = message
                    .split_once("must have required property '")
                    .and_then(|(_, rest)| rest.split('\'').next());
                // A key of the object (`request.query.deepobj` lacks `Id`), or the parameter
                // itself (`request.query` lacks `deepobj`).
                let key = property.is_some_and(|p| p.chars().any(char::is_uppercase))
                    && parameters.iter().any(|name| {
                        location.eq_ignore_ascii_case(&format!("request.query.{name}"))
                    });
                let itself = location == "request.query"
                    && property.is_some_and(|p| {
                        parameters
                            .iter()
                            .any(|name| name.to_ascii_lowercase() == p && *name != p)
                    });
                key || itself
            })
    }

    /// Every violation is about an item of a `spaceDelimited` query parameter: Prism splits
    /// the decoded value on the text `%20`, so the whole value is its one item.
    fn space_delimited_read_as_one_item(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.strip_prefix("request.query.")
                    .and_then(|rest| rest.split(['.', ':']).next())
                    .is_some_and(|name| {
                        self.document
                            .space_delimited_parameters
                            .contains(&format!("{method} {path} {name}"))
                    })
            })
    }

    /// Every violation says a tuple query parameter has too few items: Prism kept one value.
    fn tuple_query_read_as_one_value(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        !self.violations.is_empty()
            && self.violations.iter().all(|v| {
                v.strip_prefix("request.query.")
                    .and_then(|rest| rest.split_once(": "))
                    .is_some_and(|(name, message)| {
                        message.contains("must NOT have fewer than")
                            && self
                                .document
                                .tuple_query_parameters
                                .contains(&format!("{method} {path} {name}"))
                    })
            })
    }

    /// Prism found no route, or no method, for an operation of OpenAPI 3.2's `query` or
    /// `additionalOperations`.
    fn unrouted_additional_method(&self) -> bool {
        let unrouted = self.status == Some(404) && self.response.contains("NO_PATH_MATCHED_ERROR")
            || self.status == Some(405) && self.response.contains("NO_METHOD_MATCHED_ERROR");
        unrouted && self.operation_in(&self.document.additional_method_operations)
    }

    /// Every violation is about the body's shape, and the body is multipart of another type
    /// than form data, which Prism reads no fields out of.
    fn other_multipart_body(&self) -> bool {
        self.operation_in(&self.document.other_multipart_bodies)
            && !self.violations.is_empty()
            && self
                .violations
                .iter()
                .all(|v| v.starts_with("request.body"))
    }

    /// Prism refused the body's media type for a Swagger 2.0 operation that names none.
    fn body_without_consumes(&self) -> bool {
        self.no_supported_content_types()
            && self.operation_in(&self.document.bodies_without_consumes)
    }

    /// Prism refused the body's media type for a Swagger 2.0 operation whose `formData`
    /// parameters come with a `consumes` that names no form type.
    fn form_data_without_form_consumes(&self) -> bool {
        self.no_supported_content_types()
            && self.operation_in(&self.document.form_data_without_form_consumes)
    }

    /// Prism says the operation takes no media type for a body (as its answer, or as the
    /// request's violation).
    fn no_supported_content_types(&self) -> bool {
        let said = |text: &str| text.contains("No supported content types");
        self.status == Some(415) && said(self.response)
            || !self.violations.is_empty() && self.violations.iter().all(|v| said(v))
    }

    /// Prism found no content for the `Accept` the client sent, for an operation whose
    /// responses name media ranges only.
    fn range_not_acceptable(&self) -> bool {
        self.status == Some(406)
            && self.response.contains("NOT_ACCEPTABLE")
            && self.operation_in(&self.document.range_only_responses)
    }

    /// A success answered without a body, for a Swagger 2.0 schema without `produces`.
    fn bodiless_without_produces(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
            && self.response.trim().is_empty()
            && self.detail.contains("EOF while parsing")
            && self.operation_in(&self.document.schemas_without_produces)
    }

    /// Prism refused the request only for query names the operation sends twice.
    fn only_query_name_collisions(&self) -> bool {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        let located: Vec<&Value> = self.record["violations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|v| v["location"][0] == "request")
            .collect();
        !located.is_empty()
            && located.iter().all(|v| {
                let location = v["location"].as_array().map(Vec::as_slice).unwrap_or(&[]);
                location.get(1).is_some_and(|at| at == "query")
                    && location.last().and_then(Value::as_str).is_some_and(|name| {
                        self.document
                            .query_name_collisions
                            .contains(&format!("{method} {path} {name}"))
                    })
            })
    }

    /// The names of the required query properties Prism calls missing (lower-cased, as Prism
    /// writes them), when every violation is one.
    fn only_missing_query_names(&self) -> Option<Vec<&str>> {
        let names: Option<Vec<&str>> = self
            .violations
            .iter()
            .map(|v| {
                v.strip_prefix("request.query: Request query must have required property '")
                    .and_then(|rest| rest.split('\'').next())
            })
            .collect();
        names.filter(|n| !n.is_empty())
    }

    /// The names of the call's query parameters in `set` (`METHOD /path name`).
    fn query_names_in<'s>(&self, set: &'s BTreeSet<String>) -> Vec<&'s str> {
        let method = self.record["method"].as_str().unwrap_or_default();
        let path = self.record["path"].as_str().unwrap_or_default();
        let prefix = format!("{method} {path} ");
        set.iter()
            .filter_map(|entry| entry.strip_prefix(&prefix))
            .collect()
    }

    /// The query parameters each violation refuses for not being one of its allowed values,
    /// with the values the message lists; `None` unless every violation is such a refusal.
    fn refused_query_values(&self) -> Option<Vec<(&str, Vec<&str>)>> {
        let refused: Option<Vec<(&str, Vec<&str>)>> = self
            .violations
            .iter()
            .map(|v| {
                let (name, message) = v.strip_prefix("request.query.")?.split_once(": ")?;
                let (_, allowed) =
                    message.split_once("must be equal to one of the allowed values: ")?;
                Some((name, allowed.split(", ").collect()))
            })
            .collect();
        refused.filter(|r| !r.is_empty())
    }

    /// Every violation refuses a query value as not allowed, though every item the request
    /// sent under that name is one its own message lists as allowed (Prism lower-cases the
    /// name, and reads a list of one item so).
    fn allowed_value_refused(&self) -> bool {
        let Some(refused) = self.refused_query_values() else {
            return false;
        };
        let sent = self.sent_query_pairs();
        refused.iter().all(|(name, allowed)| {
            let values: Vec<&str> = sent
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
                .collect();
            !values.is_empty()
                && values
                    .iter()
                    .flat_map(|v| v.split("%2C"))
                    .all(|item| allowed.contains(&item))
        })
    }

    /// Every violation refuses a query value as not allowed, for a parameter whose `enum`
    /// lists values of another type than its own.
    fn enum_of_another_type_refused(&self) -> bool {
        let Some(refused) = self.refused_query_values() else {
            return false;
        };
        let declared = self.query_names_in(&self.document.enums_of_another_type);
        refused
            .iter()
            .all(|(name, _)| declared.iter().any(|d| d.eq_ignore_ascii_case(name)))
    }

    /// The query pairs of the last request sent, as written (`name`, `value`, still encoded).
    fn sent_query_pairs(&self) -> Vec<(&'a str, &'a str)> {
        let url = self.record["requests"]
            .as_array()
            .and_then(|list| list.last())
            .and_then(Value::as_str)
            .and_then(|line| line.split(' ').nth(1))
            .unwrap_or_default();
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .collect()
    }

    /// Every violation is a missing required query parameter that the request sent with an
    /// empty value, and that is a parameter whose default is the empty string.
    fn empty_default_read_as_missing(&self) -> bool {
        let Some(missing) = self.only_missing_query_names() else {
            return false;
        };
        let declared = self.query_names_in(&self.document.empty_default_query_parameters);
        let sent = self.sent_query_pairs();
        missing.iter().all(|name| {
            declared.iter().any(|d| d.to_lowercase() == *name)
                && sent
                    .iter()
                    .any(|(n, v)| v.is_empty() && n.to_lowercase() == *name)
        })
    }

    /// Every violation is a missing required query parameter named, percent-encoded, like a
    /// query parameter of the operation whose name has a character outside ASCII.
    fn non_ascii_query_name_encoded(&self) -> bool {
        let Some(missing) = self.only_missing_query_names() else {
            return false;
        };
        let declared = self.query_names_in(&self.document.non_ascii_query_parameters);
        missing.iter().all(|name| {
            name.contains('%')
                && declared
                    .iter()
                    .any(|d| percent_decoded(name).to_lowercase() == d.to_lowercase())
        })
    }

    /// Every violation is a missing required query parameter that the document writes as
    /// something other than a parameter.
    fn defective_query_parameter_missing(&self) -> bool {
        let Some(missing) = self.only_missing_query_names() else {
            return false;
        };
        let declared = self.query_names_in(&self.document.defective_query_parameters);
        missing
            .iter()
            .all(|name| declared.iter().any(|d| d.to_lowercase() == *name))
    }

    /// Every violation is a missing required query parameter that the request sent with a
    /// value, and that is a Swagger 2.0 parameter in `collectionFormat: tsv`.
    fn tab_separated_read_as_missing(&self) -> bool {
        let Some(missing) = self.only_missing_query_names() else {
            return false;
        };
        let declared = self.query_names_in(&self.document.tab_separated_query_parameters);
        let sent = self.sent_query_pairs();
        missing.iter().all(|name| {
            declared.iter().any(|d| d.to_lowercase() == *name)
                && sent
                    .iter()
                    .any(|(n, v)| !v.is_empty() && n.to_lowercase() == *name)
        })
    }

    /// Prism answered a HEAD request with a 500 and (as HEAD answers are) no body, for an
    /// operation that documents no response: the problem it could not send is
    /// `NO_RESPONSE_RESPONSE_DEFINED`.
    fn head_without_responses(&self) -> bool {
        self.record["method"] == "HEAD"
            && self.status == Some(500)
            && self.response.is_empty()
            && self.operation_in(&self.document.operations_without_responses)
    }

    /// Prism has no serializer for the answer's media type, or was given an object for a text
    /// one (Server-Sent Events: `text/event-stream` whose schema is the event object).
    fn cannot_serialize(&self) -> bool {
        let cannot = |text: &str| {
            text.contains("Cannot find serializer for")
                || text.contains("stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT")
        };
        cannot(self.response)
            || self
                .retry("static")
                .is_some_and(|s| s["response"].as_str().is_some_and(cannot))
    }

    /// Prism answered with its own problem: its answer broke the document, or it failed.
    fn prism_problem(&self, kind: &str) -> bool {
        self.status == Some(500)
            && self
                .response
                .contains(&format!("stoplight.io/prism/errors#{kind}"))
    }

    /// A retry (`static`, `proxy`) failed, and how.
    fn retry(&self, mock: &str) -> Option<&'a Value> {
        let failure = &self.record[format!("{mock}_failure")];
        (!failure.is_null()).then_some(failure)
    }
}

/// `name` of `…must have required property 'name'`.
fn required_property(violation: &str) -> Option<&str> {
    let rest = violation.split("must have required property '").nth(1)?;
    rest.split('\'').next()
}

/// `text` with its `%XX` escapes decoded (UTF-8, invalid sequences replaced).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `request.query.limit: must be integer`.
pub fn violation_text(v: &Value) -> String {
    let location = v["location"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(".")
        })
        .unwrap_or_default();
    let message = v["message"].as_str().unwrap_or_default();
    if location.is_empty() {
        message.to_string()
    } else {
        format!("{location}: {message}")
    }
}

const RULES: &[Rule] = &[
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.form_data_without_form_consumes(),
        reason: "the Swagger 2.0 operation has `formData` parameters but its `consumes` names no form type (`application/x-www-form-urlencoded` or `multipart/form-data`, which 2.0 requires for them), so no media type fits its body",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.other_multipart_body(),
        reason: "Prism reads fields out of `multipart/form-data` bodies only: of a `multipart/related` (or other multipart) body it sees no object",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.unrouted_additional_method(),
        reason: "Prism does not read OpenAPI 3.2's `query` and `additionalOperations`: it routes no request with their methods (`QUERY`, `COPY`)",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.body_without_consumes(),
        reason: "the Swagger 2.0 operation names no `consumes` (nor does the document): the client sends JSON, the usual default, while Prism accepts no media type for the body",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.tuple_closed_by_items_false(),
        reason: "Prism does not know `prefixItems` (JSON Schema 2020-12): it applies the tuple's `items: false` to every element, so it refuses every tuple",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.closed_beside_a_reference(),
        reason: "the document writes `additionalProperties: false` beside a `$ref`; its OpenAPI version ignores a reference's siblings, and so does the client, but Prism applies it to the referenced object and refuses that object's own properties",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.closed_beside_a_reference(),
        reason: "the document writes `additionalProperties: false` beside a `$ref`; its OpenAPI version ignores a reference's siblings, but Prism applies it to the referenced object and refuses its own made-up answer's properties",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.space_delimited_read_as_one_item(),
        reason: "Prism splits a `spaceDelimited` query value on the text `%20` after decoding it, so it reads `1%202` as the one item `1 2`",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.deep_object_keys_lower_cased(),
        reason: "Prism reads the keys of a `deepObject` query parameter lower-cased (`deepObj[Id]` as `id`), so it misses a property named with an upper-case letter",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.tuple_query_read_as_one_value(),
        reason: "Prism reads a query parameter as a list only through `items`; of a tuple (`prefixItems`) it keeps one value, and then finds too few",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.unsendable_api_key(),
        reason: "the document names an API key header (or cookie) that no request can carry (`Authorization: Bearer` is not an HTTP field name); the client sends the key under the name's leading token, while Prism looks for the whole name",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.only_query_name_collisions(),
        reason: "the operation sends a query name twice: a property of an exploded `form` object parameter (OpenAPI's default) is named like another query parameter, so the server reads both values as one list",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| {
            f.status == Some(500)
                && f.response.contains("stoplight.io/prism/errors#UNKNOWN")
                && f.response.contains("but schema is not defined")
        },
        reason: "the answer's media type has no schema (`text/html: {}`), and Prism cannot make up an answer without one",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.unroutable_template(),
        reason: "the path template names a variable with a character regular expressions treat specially (`{id.value}`, as gRPC gateways write them); Prism's router escapes it, no longer finds the variable, and routes no request to this path",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.bodiless_without_produces(),
        reason: "the Swagger 2.0 document gives the response a schema but no media type (`produces`, on the operation or the document), so the client reads JSON, the usual default, while Prism answers without a body",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.range_not_acceptable(),
        reason: "the operation's responses name media ranges only (`*/*`), which the client reads as JSON and asks for (`Accept: application/json`); Prism matches the ranges literally and answers 406",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.unrouted_own_server(),
        reason: "the operation has a server of its own (`servers` on the operation or its path item, such as `/private`), so the client sends it under that server's path; Prism routes by `paths` alone and found no route",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.operation_in(&f.document.paths_not_templates),
        reason: "the operation's path key is no OpenAPI path template: it holds an RFC 6570 expression (`{?page,size}`, `{+path}`) or a query string, which lenient generation reads as query parameters (or sends as written) and Prism matches literally",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.enum_of_another_type_refused(),
        reason: "the parameter's `enum` lists values of another type than its own (`type: string`, `enum: [true, false]`), so no value of its type is one of them",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.allowed_value_refused(),
        reason: "Prism refuses a query value that its own message lists as allowed (it lower-cases the parameter's name, and reads a list of one item as not a member)",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.only_path_parameters_outside_template(),
        reason: "the operation declares a required path parameter its path template does not have, so no request can carry it (lenient generation leaves it out)",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.pattern_written_as_a_literal(),
        reason: "a `pattern` is written as a JavaScript regular expression literal (`/…/`): in JSON Schema the slashes are part of it, so no value the document means (its own example) matches",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.contradictory_string_schema(),
        reason: "a string's schema contradicts itself: the text its `pattern` matches is not of its `format` (a pattern written as a description, `YYYY-MM-DD`), so no value satisfies both",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.contradictory_string_schema(),
        reason: "a string's schema contradicts itself: the text its `pattern` matches is not of its `format`, so no answer satisfies both",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.implicit_tag_outside_enum(),
        reason: "the union's discriminator has no `mapping` for this variant, so OpenAPI makes its schema name the property's value, which the variant's own schema does not allow (its `enum` has other values)",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.wire_twin(),
        reason: "the operation's path differs from another operation's only by a fragment (`/items#app`, never sent), by a query string written into it (`/key?list`, which Prism's router ignores) or by the names of its templated segments (`/{a}/config`, `/{b}/config`, which OpenAPI forbids), so Prism cannot tell the two apart: it answered the other operation",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.wire_twin(),
        reason: "the operation's path differs from another operation's only by a fragment (`/items#app`, never sent), by a query string written into it (`/key?list`, which Prism's router ignores) or by the names of its templated segments (`/{a}/config`, `/{b}/config`, which OpenAPI forbids), so Prism cannot tell the two apart: it checked the request against the other operation",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.ignored_header_parameter_required(),
        reason: "Prism requires a header parameter named `Accept`, `Content-Type` or `Authorization`, which OpenAPI says to ignore (the client sends the body's media type and the credentials of the security schemes, not such a parameter)",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.content_type_parameter_contradicts_body(),
        reason: "the document declares a `Content-Type` header parameter whose values are not the request body's media type; OpenAPI ignores such a parameter, so the client sends the body's media type, which Prism then checks against the parameter",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.multipart_json_part_as_text(),
        reason: "an object property of a multipart body is sent as an `application/json` part (OpenAPI's default encoding), and Prism validates the part's text without parsing it",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.multipart_array_as_one_part(),
        reason: "an array property of a multipart body is sent as one part per item (OpenAPI's default), and Prism keeps only one part of each name, so it sees a string where the schema wants an array",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.joined_form_array_as_one_value(),
        reason: "the Swagger 2.0 `formData` array is sent in one field, its items joined as its `collectionFormat` says (`csv` unless given: `phoneNumbers=1%2C2`), and Prism reads the field as one value without splitting it, so it sees a string where the schema wants an array",
    },
    Rule {
        outcome: "build",
        class: Class::Spec,
        matches: |f| f.object_in_array_parameter(),
        reason: "the parameter is an array of objects, or an object with an object-valued property outside `deepObject` style, and OpenAPI's parameter styles define no encoding for an object inside an array or another object (the document would need `content` with a media type), so the client refuses to guess one",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.only_undeclared_required() && f.form_body_carries_the_missing_names(),
        reason: "the form body carries a property the schema requires without declaring it (the client keeps it among the extra properties), but Prism reads a form body by the declared properties only and drops the rest before validating",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.only_undeclared_required(),
        reason: "the schema requires a property it does not declare (its `required` and `properties` disagree, e.g. `name` and `Name`), so no value the client's types can hold satisfies it",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.only_undeclared_required(),
        reason: "the schema requires a property it does not declare (its `required` and `properties` disagree, e.g. `name` and `Name`), so no answer satisfies it",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.ambiguous_one_of(),
        reason: "the `oneOf` variants overlap: no value fits exactly one of them (each variant's required properties, types, enums, formats and bounds considered)",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.ambiguous_one_of(),
        reason: "the `oneOf` variants overlap: no answer fits exactly one of them (each variant's required properties, types, enums, formats and bounds considered)",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| {
            f.record["method"] == "HEAD" && f.prism_problem("VIOLATIONS")
                || f.record["method"] == "HEAD"
                    && f.status == Some(500)
                    && f.response.is_empty()
                    && !f.violations.is_empty()
        },
        reason: "Prism checks its own answer to a HEAD request against the body schema, though an answer to HEAD has no body",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.cannot_serialize(),
        reason: "Prism cannot produce (or read) the document's media type for this answer",
    },
    Rule {
        // Its problem answer has a status the operation documents, so the client returned it
        // as the operation's error.
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.cannot_serialize(),
        reason: "Prism cannot produce the document's media type for this answer, and answered with a problem whose status the operation documents",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.prism_problem("NO_RESPONSE_RESPONSE_DEFINED"),
        reason: "the operation documents no response (OpenAPI requires at least one), so there is nothing to answer",
    },
    Rule {
        outcome: "response",
        class: Class::Spec,
        matches: |f| f.head_without_responses(),
        reason: "the operation documents no response (OpenAPI requires at least one), so Prism has nothing to answer; its problem (`NO_RESPONSE_RESPONSE_DEFINED`, 500) loses its body because the request is HEAD",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.empty_default_read_as_missing(),
        reason: "the required query parameter's `default` is the empty string, which it does not allow (`allowEmptyValue` is false unless set), so the value the document suggests is sent as `name=` and read as missing",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.non_ascii_query_name_encoded(),
        reason: "the query parameter's name has characters outside ASCII, which a URL carries percent-encoded (RFC 3986); Prism compares the encoded name it receives with the name as written and finds the parameter missing",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.tab_separated_read_as_missing(),
        reason: "the Swagger 2.0 query parameter is in `collectionFormat: tsv`, sent as its items joined by tabs (`a%09b`), which Prism does not read: it finds the parameter missing though the request carries it",
    },
    Rule {
        outcome: "request",
        class: Class::Spec,
        matches: |f| f.defective_query_parameter_missing(),
        reason: "the document writes this required query parameter as something that is not one (a `$ref` to a schema beside `name` and `in`, whose siblings OpenAPI ignores; or, in Swagger 2.0, `type: object` or a `schema` outside the body), so lenient generation left it out or sends it as a free-form object, which an empty value writes as nothing",
    },
    Rule {
        outcome: "request",
        class: Class::Prism,
        matches: |f| f.record["prism_stopped"] == true && f.status.is_none(),
        reason: "Prism stopped, or stopped answering, on this call (out of memory or busy for minutes generating or validating; it was started again for the others)",
    },
    Rule {
        outcome: "response",
        class: Class::Generator,
        matches: |f| {
            f.retry("proxy").is_some_and(|p| {
                p["outcome"] == "response"
                    && p["status"] != 500
                    && p["violations"].as_array().is_none_or(Vec::is_empty)
            })
        },
        reason: "the client cannot decode an answer that Prism's validator accepts (made up from the schema, through a Prism proxy)",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.prism_problem("VIOLATIONS") && f.retry("proxy").is_some(),
        reason: "Prism cannot make a valid answer for this schema, and neither the document's examples (static Prism) nor an answer made up from the schema satisfied its validator, so decoding was not checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| super::serve::answer_breaks_types(f.record),
        reason: "Prism's answer breaks what the document says in a way its validator does not check (a value beyond its format's range, e.g. `uint8`), and no other answer could be checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| {
            f.prism_problem("UNKNOWN") && f.response.contains("Maximum call stack size exceeded")
        },
        reason: "Prism's answer generator (json-schema-faker) overflows its stack on this recursive schema, and no other answer could be checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| {
            f.prism_problem("UNKNOWN") && f.retry("static").is_some() && f.retry("proxy").is_some()
        },
        reason: "Prism's answer generator fails with an error of its own on this schema, and neither the document's examples (static Prism) nor an answer made up from the schema satisfied its validator, so decoding was not checked",
    },
    Rule {
        outcome: "response",
        class: Class::Prism,
        matches: |f| f.prism_problem("VIOLATIONS"),
        reason: "Prism's generated answer breaks the document's schema (json-schema-faker leaves out required properties where it cuts a recursion), and no other answer could be checked",
    },
];

/// The class of a failure and the reason for it.
pub fn classify(record: &Value, document: &DocumentFacts) -> (Class, String) {
    let whole = classify_whole(record, document);
    if whole.0 != Class::Generator {
        return whole;
    }
    classify_each_violation(record, document).unwrap_or(whole)
}

/// A failure of several violations that no rule explains together: each violation is classed
/// on its own. Only when every one has a cause other than the client does the failure take
/// one: the document's if any is the document's, else Prism's. A `oneOf` or `anyOf` that no
/// branch matched sums up the violations found inside it, so beside them it is no evidence of
/// its own.
fn classify_each_violation(record: &Value, document: &DocumentFacts) -> Option<(Class, String)> {
    let violations = record["violations"].as_array().filter(|v| v.len() > 1)?;
    let outcome = record["outcome"].as_str().unwrap_or_default();
    let location = |v: &Value| -> Vec<String> {
        v["location"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
            .collect()
    };
    let summed_up = |v: &Value| {
        let message = v["message"].as_str().unwrap_or_default();
        let summary = message.ends_with("must match exactly one schema in oneOf")
            || message.ends_with("must match a schema in anyOf");
        summary
            && violations
                .iter()
                .any(|other| other != v && location(other).starts_with(&location(v)))
    };
    let mut classes = Vec::new();
    let mut reasons: Vec<&str> = Vec::new();
    for violation in violations.iter().filter(|v| !summed_up(v)) {
        let mut one = record.clone();
        one["violations"] = Value::Array(vec![violation.clone()]);
        let facts = Facts::of(&one, document);
        let rule = RULES
            .iter()
            .find(|r| r.outcome == outcome && (r.matches)(&facts))?;
        classes.push(rule.class);
        if !reasons.contains(&rule.reason) {
            reasons.push(rule.reason);
        }
    }
    let class = match classes.contains(&Class::Spec) {
        true => Class::Spec,
        false => Class::Prism,
    };
    let facts = Facts::of(record, document);
    Some((class, with_evidence(&reasons.join("; and "), &facts)))
}

fn classify_whole(record: &Value, document: &DocumentFacts) -> (Class, String) {
    let outcome = record["outcome"].as_str().unwrap_or_default();
    let facts = Facts::of(record, document);
    if let Some(rule) = RULES
        .iter()
        .find(|r| r.outcome == outcome && (r.matches)(&facts))
    {
        return (rule.class, with_evidence(rule.reason, &facts));
    }
    let reason = match outcome {
        "build" => format!("the client could not make the request: {}", facts.detail),
        "request" if !facts.violations.is_empty() => {
            format!(
                "Prism rejected the request: {}",
                facts.violations.join("; ")
            )
        }
        "request" => format!("the request failed: {}", facts.detail),
        "response" => format!("the answer was not understood: {}", facts.detail),
        other => format!("unexpected outcome `{other}`: {}", facts.detail),
    };
    (Class::Generator, reason)
}

/// A rule's reason with what was observed.
fn with_evidence(reason: &str, facts: &Facts) -> String {
    let evidence = if facts.violations.is_empty() {
        clip(if facts.detail.is_empty() {
            facts.response
        } else {
            facts.detail
        })
    } else {
        clip(&facts.violations.join("; "))
    };
    if evidence.is_empty() {
        reason.to_string()
    } else {
        format!("{reason}: {evidence}")
    }
}

fn clip(text: &str) -> String {
    text.chars().take(300).collect()
}
