//! Discriminated unions write their tag: OpenAPI says the discriminator property is present in
//! the payload, and a server picks the variant by it.

use serde::{Serialize, Serializer};

/// Serializes a union's variant with `property` set to `tag` when the variant's own fields
/// leave it out (the variant's schema does not declare it, or its field is unset); a value the
/// fields carry is kept.
///
/// # Errors
///
/// When the variant cannot be serialized.
pub fn serialize_tagged<T, S>(
    variant: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    T: Serialize + ?Sized,
    S: Serializer,
{
    let mut value = serde_json::to_value(variant).map_err(serde::ser::Error::custom)?;
    if let Some(fields) = value.as_object_mut() {
        fields
            .entry(property)
            .or_insert_with(|| serde_json::Value::String(tag.to_string()));
    }
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::serialize_tagged;
    use serde_json::json;

    fn tagged(variant: serde_json::Value) -> serde_json::Value {
        serialize_tagged(&variant, "kind", "circle", serde_json::value::Serializer).unwrap()
    }

    #[test]
    fn an_object_without_the_property_gets_the_tag_and_one_with_it_keeps_its_own() {
        assert_eq!(
            tagged(json!({"radius": 2})),
            json!({"radius": 2, "kind": "circle"})
        );
        assert_eq!(tagged(json!({"kind": "disc"})), json!({"kind": "disc"}));
        // Only objects carry properties.
        assert_eq!(tagged(json!("text")), json!("text"));
    }
}
