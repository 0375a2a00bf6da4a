//! What can change between two surfaces, and which changes break callers.
//!
//! A [`ChangeKind`] carries the facts its verdict depends on (whether the new item is required,
//! where a type is used), so [`ChangeKind::impact`] is the single table of the rules the README
//! describes.

/// Whether callers of the old client can be broken by the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    Breaking,
    Compatible,
}

/// Where a type is used: reachable from parameters and request bodies (sent), from responses
/// (received), or both. A type reachable from neither counts as both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Request,
    Response,
    Both,
}

impl Usage {
    /// The usage of a type from whether requests and responses reach it.
    pub fn from_reach(request: bool, response: bool) -> Usage {
        match (request, response) {
            (true, false) => Usage::Request,
            (false, true) => Usage::Response,
            _ => Usage::Both,
        }
    }

    /// Whether callers build values of the type to send them.
    pub fn is_sent(self) -> bool {
        matches!(self, Usage::Request | Usage::Both)
    }

    /// Whether callers read values of the type they received.
    pub fn is_received(self) -> bool {
        matches!(self, Usage::Response | Usage::Both)
    }

    /// `request type`, `response type` or `request and response type`, for the change report.
    pub fn label(self) -> &'static str {
        match self {
            Usage::Request => "request type",
            Usage::Response => "response type",
            Usage::Both => "request and response type",
        }
    }
}

/// What changed. Kinds whose verdict depends on context carry that context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    /// Same client method, another HTTP method or path.
    OperationMoved,
    OperationDeprecated,
    OperationUndeprecated,
    ParameterAdded {
        required: bool,
    },
    ParameterRemoved,
    ParameterMadeRequired,
    ParameterMadeOptional,
    ParameterTypeChanged,
    /// The required parameters, the method's arguments, come in another order.
    ParametersReordered,
    RequestBodyAdded {
        required: bool,
    },
    RequestBodyRemoved,
    RequestBodyMadeRequired,
    RequestBodyMadeOptional,
    RequestBodyTypeChanged,
    RequestBodyMediaChanged,
    ResponseAdded,
    ResponseRemoved,
    ResponseTypeChanged,
    TypeAdded,
    TypeRemoved,
    /// A struct became an enum, a string enum an integer one, and so on.
    TypeKindChanged,
    FieldAdded {
        required: bool,
        usage: Usage,
    },
    FieldRemoved,
    FieldTypeChanged,
    FieldMadeRequired,
    FieldMadeOptional,
    FieldMadeNullable {
        usage: Usage,
    },
    FieldMadeNonNullable {
        usage: Usage,
    },
    AdditionalPropertiesAdded {
        usage: Usage,
    },
    AdditionalPropertiesRemoved,
    AdditionalPropertiesTypeChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumVariantRenamed,
    UnionVariantAdded {
        usage: Usage,
    },
    UnionVariantRemoved,
    UnionVariantTypeChanged,
    UnionTagsChanged,
    /// An untagged union became one chosen by a property.
    UnionDiscriminatorAdded,
    /// A union chosen by a property became untagged.
    UnionDiscriminatorRemoved,
    /// Another property chooses the variant.
    UnionDiscriminatorRenamed,
    AliasTargetChanged,
}

impl ChangeKind {
    /// Whether the change can break code written against the old client.
    pub fn impact(self) -> Impact {
        use ChangeKind::*;
        let breaking = match self {
            // New things a caller may ignore, and changes of the wire alone: an operation's URL,
            // how a body is encoded, which tag selects a variant, which property carries it.
            OperationAdded
            | OperationMoved
            | OperationDeprecated
            | OperationUndeprecated
            | RequestBodyMediaChanged
            | TypeAdded
            // Values a client does not know already decode to `Unknown(..)`.
            | EnumValueAdded
            | UnionTagsChanged
            | UnionDiscriminatorRenamed => false,
            // A required input is a new method argument or struct field to fill in.
            ParameterAdded { required } | RequestBodyAdded { required } => required,
            FieldAdded { required, usage } => required && usage.is_sent(),
            AdditionalPropertiesAdded { usage } => usage.is_sent(),
            // A response may now hold `null`.
            FieldMadeNullable { usage } => usage.is_received(),
            // A request may no longer send `null`.
            FieldMadeNonNullable { usage } => usage.is_sent(),
            // Matches on received values are exhaustive; values sent may use it or not.
            UnionVariantAdded { usage } => usage.is_received(),
            // Something callers name or match on is gone or has another Rust type or shape.
            // Making an input required or optional moves it between the method's arguments
            // and a setter, or a field's type between `T` and `Option<T>`; a new response
            // status changes what `send` returns or adds a variant to an exhaustive error enum;
            // a discriminated union has an `Unknown` variant and an untagged one has none.
            OperationRemoved
            | ParameterRemoved
            | ParameterMadeRequired
            | ParameterMadeOptional
            | ParameterTypeChanged
            | ParametersReordered
            | RequestBodyRemoved
            | RequestBodyMadeRequired
            | RequestBodyMadeOptional
            | RequestBodyTypeChanged
            | ResponseAdded
            | ResponseRemoved
            | ResponseTypeChanged
            | TypeRemoved
            | TypeKindChanged
            | FieldRemoved
            | FieldTypeChanged
            | FieldMadeRequired
            | FieldMadeOptional
            | AdditionalPropertiesRemoved
            | AdditionalPropertiesTypeChanged
            | EnumValueRemoved
            | EnumVariantRenamed
            | UnionVariantRemoved
            | UnionVariantTypeChanged
            | UnionDiscriminatorAdded
            | UnionDiscriminatorRemoved
            | AliasTargetChanged => true,
        };
        if breaking {
            Impact::Breaking
        } else {
            Impact::Compatible
        }
    }

    pub fn is_breaking(self) -> bool {
        self.impact() == Impact::Breaking
    }
}

/// One difference between two surfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The line of the change report, without its mark.
    pub description: String,
}

impl Change {
    pub fn impact(&self) -> Impact {
        self.kind.impact()
    }

    pub fn is_breaking(&self) -> bool {
        self.kind.is_breaking()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_decides_the_verdict_of_additions_and_nullability() {
        use ChangeKind::*;
        use Usage::*;
        let cases = [
            (ParameterAdded { required: true }, true),
            (ParameterAdded { required: false }, false),
            (RequestBodyAdded { required: true }, true),
            (RequestBodyAdded { required: false }, false),
            (
                FieldAdded {
                    required: true,
                    usage: Request,
                },
                true,
            ),
            (
                FieldAdded {
                    required: true,
                    usage: Response,
                },
                false,
            ),
            (
                FieldAdded {
                    required: false,
                    usage: Both,
                },
                false,
            ),
            (AdditionalPropertiesAdded { usage: Response }, false),
            (AdditionalPropertiesAdded { usage: Both }, true),
            (FieldMadeNullable { usage: Request }, false),
            (FieldMadeNullable { usage: Both }, true),
            (FieldMadeNonNullable { usage: Response }, false),
            (FieldMadeNonNullable { usage: Request }, true),
            (UnionVariantAdded { usage: Request }, false),
            (UnionVariantAdded { usage: Response }, true),
            (UnionDiscriminatorAdded, true),
            (UnionDiscriminatorRenamed, false),
        ];
        for (kind, breaking) in cases {
            assert_eq!(kind.is_breaking(), breaking, "{kind:?}");
        }
    }

    #[test]
    fn unreached_types_count_as_both() {
        assert_eq!(Usage::from_reach(false, false), Usage::Both);
        assert_eq!(Usage::from_reach(true, true), Usage::Both);
        assert_eq!(Usage::from_reach(true, false).label(), "request type");
        assert_eq!(Usage::from_reach(false, true).label(), "response type");
    }
}
