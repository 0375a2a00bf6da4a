//! Changes of types: struct fields, enum values, union variants and alias targets, judged by
//! where each type is used.

use super::super::change::{ChangeKind, Usage};
use super::super::model::{EnumMember, Field, Shape, Surface, Variant};
use super::super::text::required_text;
use super::{Changes, Pair, Requirement, pair_by_key, pair_in_order, usages};

/// Either way a field's Rust type changes between `T` and `Option<T>`, which breaks code that
/// builds (request side) or reads (response side) it.
const FIELD: Requirement = Requirement {
    made_required: ChangeKind::FieldMadeRequired,
    made_optional: ChangeKind::FieldMadeOptional,
    consequence: "its Rust type becomes an `Option`",
};

pub(super) fn diff_types(old: &Surface, new: &Surface, changes: &mut Changes) {
    let usages = usages(old, new);
    for pair in pair_by_key(&old.types, &new.types, |t| t.name.as_str()) {
        match pair {
            Pair::Added(t) => changes.push(
                ChangeKind::TypeAdded,
                format!("type `{}` added ({})", t.name, t.shape.describe()),
            ),
            Pair::Removed(t) => changes.push(
                ChangeKind::TypeRemoved,
                format!("type `{}` removed (was {})", t.name, t.shape.describe()),
            ),
            Pair::Kept(a, b) => {
                let usage = usages.get(a.name.as_str()).copied().unwrap_or(Usage::Both);
                diff_shape(&a.name, &a.shape, &b.shape, usage, changes);
            }
        }
    }
}

fn diff_shape(name: &str, old: &Shape, new: &Shape, usage: Usage, changes: &mut Changes) {
    match (old, new) {
        (
            Shape::Struct {
                fields: old_fields,
                additional: old_extra,
            },
            Shape::Struct {
                fields: new_fields,
                additional: new_extra,
            },
        ) => {
            diff_fields(name, old_fields, new_fields, usage, changes);
            diff_additional(name, old_extra, new_extra, usage, changes);
        }
        (
            Shape::Enum {
                repr: old_repr,
                values: old_values,
            },
            Shape::Enum {
                repr: new_repr,
                values: new_values,
            },
        ) if old_repr == new_repr => diff_enum(name, old_values, new_values, changes),
        (
            Shape::Union {
                discriminator: old_by,
                variants: old_variants,
            },
            Shape::Union {
                discriminator: new_by,
                variants: new_variants,
            },
        ) => {
            diff_discriminator(name, old_by.as_deref(), new_by.as_deref(), changes);
            // Tags only matter, and only change alone, when both versions use them.
            let tagged = old_by.is_some() && new_by.is_some();
            diff_variants(name, old_variants, new_variants, tagged, usage, changes);
        }
        (Shape::Alias(a), Shape::Alias(b)) => changes.retyped(
            ChangeKind::AliasTargetChanged,
            &format!("alias `{name}`"),
            a,
            b,
        ),
        (a, b) => changes.push(
            ChangeKind::TypeKindChanged,
            format!(
                "type `{name}` is now {} (was {})",
                b.describe(),
                a.describe()
            ),
        ),
    }
}

fn diff_fields(name: &str, old: &[Field], new: &[Field], usage: Usage, changes: &mut Changes) {
    for pair in pair_in_order(old, new, |f| f.name.as_str()) {
        let field = &pair.latest().name;
        let what = format!("field `{field}` of `{name}` ({})", usage.label());
        match pair {
            Pair::Added(f) => changes.push(
                ChangeKind::FieldAdded {
                    required: f.required,
                    usage,
                },
                format!("{what} added ({}, {})", required_text(f.required), f.ty),
            ),
            Pair::Removed(f) => changes.push(
                ChangeKind::FieldRemoved,
                format!("{what} removed (was {})", f.ty),
            ),
            Pair::Kept(a, b) => diff_field(&what, a, b, usage, changes),
        }
    }
}

fn diff_field(what: &str, old: &Field, new: &Field, usage: Usage, changes: &mut Changes) {
    let mut optionality_changed = changes.requirement(&FIELD, what, old.required, new.required);
    match (old.nullable, new.nullable) {
        (false, true) => changes.push(
            ChangeKind::FieldMadeNullable { usage },
            format!("{what} is now nullable"),
        ),
        (true, false) => changes.push(
            ChangeKind::FieldMadeNonNullable { usage },
            format!("{what} is no longer nullable"),
        ),
        _ => {}
    }
    optionality_changed |= old.nullable != new.nullable;
    // When optionality changed, the `Option` it adds or removes is reported above.
    let (a, b) = if optionality_changed {
        (unwrap_optional(&old.ty), unwrap_optional(&new.ty))
    } else {
        (old.ty.as_str(), new.ty.as_str())
    };
    if a != b {
        changes.push(
            ChangeKind::FieldTypeChanged,
            format!("{what} is now {} (was {})", new.ty, old.ty),
        );
    }
}

/// The type inside the outer `Option<..>` or `Nullable<..>` that optionality adds.
fn unwrap_optional(ty: &str) -> &str {
    ["Option<", "Nullable<"]
        .iter()
        .find_map(|prefix| ty.strip_prefix(prefix)?.strip_suffix('>'))
        .unwrap_or(ty)
}

fn diff_additional(
    name: &str,
    old: &Option<String>,
    new: &Option<String>,
    usage: Usage,
    changes: &mut Changes,
) {
    let what = format!("additional properties of `{name}` ({})", usage.label());
    match Pair::of(old.as_ref(), new.as_ref()) {
        Some(Pair::Added(ty)) => changes.push(
            ChangeKind::AdditionalPropertiesAdded { usage },
            format!("{what} added ({ty})"),
        ),
        Some(Pair::Removed(ty)) => changes.push(
            ChangeKind::AdditionalPropertiesRemoved,
            format!("{what} removed (was {ty})"),
        ),
        Some(Pair::Kept(a, b)) if a != b => changes.push(
            ChangeKind::AdditionalPropertiesTypeChanged,
            format!("{what} are now {b} (were {a})"),
        ),
        _ => {}
    }
}

fn diff_enum(name: &str, old: &[EnumMember], new: &[EnumMember], changes: &mut Changes) {
    for pair in pair_in_order(old, new, |v| &v.value) {
        match pair {
            Pair::Added(v) => changes.push(
                ChangeKind::EnumValueAdded,
                format!("value {} (`{}`) of enum `{name}` added", v.value, v.variant),
            ),
            Pair::Removed(v) => changes.push(
                ChangeKind::EnumValueRemoved,
                format!(
                    "value {} (`{}`) of enum `{name}` removed",
                    v.value, v.variant
                ),
            ),
            Pair::Kept(a, b) if a.variant != b.variant => changes.push(
                ChangeKind::EnumVariantRenamed,
                format!(
                    "value {} of enum `{name}` is now the variant `{}` (was `{}`)",
                    a.value, b.variant, a.variant
                ),
            ),
            Pair::Kept(..) => {}
        }
    }
}

fn diff_discriminator(name: &str, old: Option<&str>, new: Option<&str>, changes: &mut Changes) {
    match (old, new) {
        (Some(a), Some(b)) if a != b => changes.push(
            ChangeKind::UnionDiscriminatorRenamed,
            format!("union `{name}` is now chosen by `{b}` (was `{a}`)"),
        ),
        (None, Some(b)) => changes.push(
            ChangeKind::UnionDiscriminatorAdded,
            format!("union `{name}` is now chosen by `{b}` (was untagged)"),
        ),
        (Some(a), None) => changes.push(
            ChangeKind::UnionDiscriminatorRemoved,
            format!("union `{name}` is now untagged (was chosen by `{a}`)"),
        ),
        _ => {}
    }
}

fn diff_variants(
    name: &str,
    old: &[Variant],
    new: &[Variant],
    tagged: bool,
    usage: Usage,
    changes: &mut Changes,
) {
    for pair in pair_in_order(old, new, |v| v.name.as_str()) {
        let variant = &pair.latest().name;
        let what = format!("variant `{variant}` of union `{name}` ({})", usage.label());
        match pair {
            Pair::Added(v) => changes.push(
                ChangeKind::UnionVariantAdded { usage },
                format!("{what} added ({})", v.ty),
            ),
            Pair::Removed(v) => changes.push(
                ChangeKind::UnionVariantRemoved,
                format!("{what} removed (was {})", v.ty),
            ),
            Pair::Kept(a, b) => {
                changes.retyped(ChangeKind::UnionVariantTypeChanged, &what, &a.ty, &b.ty);
                if tagged && a.tags != b.tags {
                    changes.push(
                        ChangeKind::UnionTagsChanged,
                        format!(
                            "{what} is now selected by {} (was {})",
                            tags_text(&b.tags),
                            tags_text(&a.tags)
                        ),
                    );
                }
            }
        }
    }
}

fn tags_text(tags: &[String]) -> String {
    if tags.is_empty() {
        "no tag".into()
    } else {
        tags.iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::*;
    use super::Usage;

    #[test]
    fn fields_added() {
        assert_eq!(
            one(
                &base(),
                &with(schemas("name", AGE, "name", "")),
                ChangeKind::FieldAdded {
                    required: false,
                    usage: Usage::Response,
                },
                Impact::Compatible
            ),
            "field `age` of `Pet` (response type) added (optional, Option<i32>)"
        );
        one(
            &base(),
            &with(schemas("name, age", AGE, "name", "")),
            ChangeKind::FieldAdded {
                required: true,
                usage: Usage::Response,
            },
            Impact::Compatible,
        );
        one(
            &base(),
            &with(schemas("name", "", "name", AGE)),
            ChangeKind::FieldAdded {
                required: false,
                usage: Usage::Request,
            },
            Impact::Compatible,
        );
        assert_eq!(
            one(
                &base(),
                &with(schemas("name", "", "name, age", AGE)),
                ChangeKind::FieldAdded {
                    required: true,
                    usage: Usage::Request,
                },
                Impact::Breaking
            ),
            "field `age` of `NewPet` (request type) added (required, i32)"
        );
    }

    #[test]
    fn fields_removed() {
        one(
            &with(schemas("name", AGE, "name", "")),
            &base(),
            ChangeKind::FieldRemoved,
            Impact::Breaking,
        );
        one(
            &with(schemas("name", "", "name", AGE)),
            &base(),
            ChangeKind::FieldRemoved,
            Impact::Breaking,
        );
    }

    #[test]
    fn field_type_changed() {
        assert_eq!(
            one(
                &with(schemas("name", AGE, "name", "")),
                &with(schemas(
                    "name",
                    &AGE.replace("integer, format: int32", "string"),
                    "name",
                    "",
                )),
                ChangeKind::FieldTypeChanged,
                Impact::Breaking
            ),
            "field `age` of `Pet` (response type) is now Option<String> (was Option<i32>)"
        );
    }

    #[test]
    fn field_optionality_in_request_types() {
        assert_eq!(
            one(
                &base(),
                &with(schemas("name", "", "name, tag", "")),
                ChangeKind::FieldMadeRequired,
                Impact::Breaking
            ),
            "field `tag` of `NewPet` (request type) is now required (was optional)"
        );
        one(
            &with(schemas("name", "", "name, tag", "")),
            &base(),
            ChangeKind::FieldMadeOptional,
            Impact::Breaking,
        );
    }

    #[test]
    fn field_optionality_in_response_types() {
        one(
            &base(),
            &with(schemas("name, tag", "", "name", "")),
            ChangeKind::FieldMadeRequired,
            Impact::Breaking,
        );
        assert_eq!(
            one(
                &with(schemas("name, tag", "", "name", "")),
                &base(),
                ChangeKind::FieldMadeOptional,
                Impact::Breaking
            ),
            "field `tag` of `Pet` (response type) is now optional (was required; its Rust type becomes an `Option`)"
        );
    }

    #[test]
    fn field_nullability() {
        let nullable = "        note: {type: string, nullable: true}\n";
        let plain = "        note: {type: string}\n";
        one(
            &with(schemas("name, note", plain, "name", "")),
            &with(schemas("name, note", nullable, "name", "")),
            ChangeKind::FieldMadeNullable {
                usage: Usage::Response,
            },
            Impact::Breaking,
        );
        one(
            &with(schemas("name, note", nullable, "name", "")),
            &with(schemas("name, note", plain, "name", "")),
            ChangeKind::FieldMadeNonNullable {
                usage: Usage::Response,
            },
            Impact::Compatible,
        );
        one(
            &with(schemas("name", "", "name, note", nullable)),
            &with(schemas("name", "", "name, note", plain)),
            ChangeKind::FieldMadeNonNullable {
                usage: Usage::Request,
            },
            Impact::Breaking,
        );
    }

    const COLOR: &str = "    Color:
      type: string
      enum: [red, green]
";

    fn colors(enum_schema: &str) -> String {
        with(
            schemas(
                "name",
                "        color: {$ref: '#/components/schemas/Color'}\n",
                "name",
                "",
            ) + enum_schema,
        )
    }

    #[test]
    fn enum_values_added_and_removed() {
        let more = COLOR.replace("[red, green]", "[red, green, blue]");
        assert_eq!(
            one(
                &colors(COLOR),
                &colors(&more),
                ChangeKind::EnumValueAdded,
                Impact::Compatible
            ),
            "value \"blue\" (`Blue`) of enum `Color` added"
        );
        one(
            &colors(&more),
            &colors(COLOR),
            ChangeKind::EnumValueRemoved,
            Impact::Breaking,
        );
        let integers = "    Color:\n      type: integer\n      enum: [1, 2]\n";
        assert_eq!(
            one(
                &colors(COLOR),
                &colors(integers),
                ChangeKind::TypeKindChanged,
                Impact::Breaking
            ),
            "type `Color` is now an integer enum (was a string enum)"
        );
    }

    #[test]
    fn types_added_removed_and_aliases() {
        let alias = "    Tags:\n      type: array\n      items: {type: string}\n";
        assert_eq!(
            one(
                &base(),
                &with(schemas("name", "", "name", "") + alias),
                ChangeKind::TypeAdded,
                Impact::Compatible
            ),
            "type `Tags` added (an alias of Vec<String>)"
        );
        one(
            &with(schemas("name", "", "name", "") + alias),
            &base(),
            ChangeKind::TypeRemoved,
            Impact::Breaking,
        );
        assert_eq!(
            one(
                &with(schemas("name", "", "name", "") + alias),
                &with(schemas("name", "", "name", "") + &alias.replace("string", "integer")),
                ChangeKind::AliasTargetChanged,
                Impact::Breaking
            ),
            "alias `Tags` is now Vec<i64> (was Vec<String>)"
        );
    }

    fn shapes(extra_variant: &str) -> String {
        with(
            schemas(
                "name",
                "        shape: {$ref: '#/components/schemas/Shape'}\n",
                "name",
                "",
            ) + &format!(
                "    Shape:
      oneOf:
        - $ref: '#/components/schemas/Circle'
        - $ref: '#/components/schemas/Square'
{extra_variant}    Circle:
      type: object
      required: [radius]
      properties:
        radius: {{type: number}}
    Square:
      type: object
      required: [side]
      properties:
        side: {{type: number}}
    Line:
      type: object
      required: [length]
      properties:
        length: {{type: number}}
"
            ),
        )
    }

    #[test]
    fn union_variants_added_and_removed() {
        let line = "        - $ref: '#/components/schemas/Line'\n";
        assert_eq!(
            one(
                &shapes(""),
                &shapes(line),
                ChangeKind::UnionVariantAdded {
                    usage: Usage::Response,
                },
                Impact::Breaking
            ),
            "variant `Line` of union `Shape` (response type) added (Line)"
        );
        one(
            &shapes(line),
            &shapes(""),
            ChangeKind::UnionVariantRemoved,
            Impact::Breaking,
        );
    }

    /// `Shape` chosen by its `shape` property, with this mapping.
    fn tagged(mapping: &str) -> String {
        shapes("").replace(
            "        - $ref: '#/components/schemas/Square'\n",
            &format!(
                "        - $ref: '#/components/schemas/Square'\n      discriminator:\n        propertyName: kind\n        mapping:\n{mapping}"
            ),
        )
    }

    const MAPPING: &str = "          circle: '#/components/schemas/Circle'
          square: '#/components/schemas/Square'
";

    #[test]
    fn union_discriminators_and_tags() {
        assert_eq!(
            one(
                &shapes(""),
                &tagged(MAPPING),
                ChangeKind::UnionDiscriminatorAdded,
                Impact::Breaking
            ),
            "union `Shape` is now chosen by `kind` (was untagged)"
        );
        assert_eq!(
            one(
                &tagged(MAPPING),
                &shapes(""),
                ChangeKind::UnionDiscriminatorRemoved,
                Impact::Breaking
            ),
            "union `Shape` is now untagged (was chosen by `kind`)"
        );
        assert_eq!(
            one(
                &tagged(MAPPING),
                &tagged(&MAPPING.replace("square:", "box:")),
                ChangeKind::UnionTagsChanged,
                Impact::Compatible
            ),
            "variant `Square` of union `Shape` (response type) is now selected by `box` (was `square`)"
        );
        one(
            &tagged(MAPPING),
            &tagged(MAPPING).replace("propertyName: kind", "propertyName: type"),
            ChangeKind::UnionDiscriminatorRenamed,
            Impact::Compatible,
        );
    }

    #[test]
    fn union_variant_type_changed_and_added_to_request_unions() {
        let inline = |format: &str| {
            with(schemas(
                "name",
                &format!(
                    "        id:\n          oneOf:\n            - {{type: string}}\n            - {{type: integer, format: {format}}}\n"
                ),
                "name",
                "",
            ))
        };
        assert_eq!(
            one(
                &inline("int32"),
                &inline("int64"),
                ChangeKind::UnionVariantTypeChanged,
                Impact::Breaking
            ),
            "variant `Integer` of union `PetId` (response type) is now i64 (was i32)"
        );
        // A union only sent in requests may gain a variant.
        let request = |extra: &str| {
            pets(
                "",
                &BODY.replace("schemas/NewPet", "schemas/Shape"),
                &(schemas("name", "", "name", "")
                    + &format!(
                        "    Shape:\n      oneOf:\n        - $ref: '#/components/schemas/NewPet'\n        - $ref: '#/components/schemas/Other'\n{extra}"
                    )
                    + "    Other:\n      type: object\n      required: [x]\n      properties:\n        x: {type: boolean}\n"),
            )
        };
        let d = one(
            &request(""),
            &request("        - {type: boolean}\n"),
            ChangeKind::UnionVariantAdded {
                usage: Usage::Request,
            },
            Impact::Compatible,
        );
        assert!(d.contains("(request type)"), "{d}");
    }

    #[test]
    fn additional_properties() {
        let extra = |ty: &str| format!("      additionalProperties: {{type: {ty}}}\n");
        let response = |ty: Option<&str>| {
            with(schemas("name", "", "name", "")).replace(
                "    NewPet:",
                &format!("{}    NewPet:", ty.map(extra).unwrap_or_default()),
            )
        };
        assert_eq!(
            one(
                &response(None),
                &response(Some("integer")),
                ChangeKind::AdditionalPropertiesAdded {
                    usage: Usage::Response,
                },
                Impact::Compatible
            ),
            "additional properties of `Pet` (response type) added (i64)"
        );
        one(
            &response(Some("integer")),
            &response(None),
            ChangeKind::AdditionalPropertiesRemoved,
            Impact::Breaking,
        );
        one(
            &response(Some("integer")),
            &response(Some("string")),
            ChangeKind::AdditionalPropertiesTypeChanged,
            Impact::Breaking,
        );
        let request = with(schemas("name", "", "name", "")) + &extra("integer");
        one(
            &base(),
            &request,
            ChangeKind::AdditionalPropertiesAdded {
                usage: Usage::Request,
            },
            Impact::Breaking,
        );
    }

    #[test]
    fn enum_variant_renamed() {
        let named = COLOR.to_string() + "      x-enum-varnames: [Red, Verde]\n";
        assert_eq!(
            one(
                &colors(COLOR),
                &colors(&named),
                ChangeKind::EnumVariantRenamed,
                Impact::Breaking
            ),
            "value \"green\" of enum `Color` is now the variant `Verde` (was `Green`)"
        );
    }

    #[test]
    fn struct_becoming_an_alias_changes_the_kind() {
        assert_eq!(
            one(
                &with(
                    schemas("name", "", "name", "")
                        + "    Tag:\n      type: object\n      properties:\n        x: {type: string}\n",
                ),
                &with(schemas("name", "", "name", "") + "    Tag:\n      type: string\n"),
                ChangeKind::TypeKindChanged,
                Impact::Breaking
            ),
            "type `Tag` is now an alias of String (was a struct)"
        );
    }
}
