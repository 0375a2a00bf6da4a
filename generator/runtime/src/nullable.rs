//! `Nullable<T>`: the three states of an optional, nullable field of a request type.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional, nullable field of a request type: leaving it out, sending `null` and sending a
/// value are three different requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent at all (the default).
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is not sent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            Self::Absent | Self::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Self::Value(value.to_string())
    }
}

/// `Absent` is skipped by the field's `skip_serializing_if`; reaching the serializer, it is
/// `null` like `Null`.
impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(serializer),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

/// A field that is present decodes to `Null` or `Value`; a missing one takes the default,
/// `Absent`, through the field's `#[serde(default)]`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Self::Value(v),
            None => Self::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        name: Nullable<String>,
    }

    #[test]
    fn the_three_states_are_three_different_bodies() {
        let absent = Body::default();
        let null = Body {
            name: Nullable::Null,
        };
        let value = Body { name: "Ada".into() };
        assert_eq!(serde_json::to_value(&absent).unwrap(), json!({}));
        assert_eq!(serde_json::to_value(&null).unwrap(), json!({"name": null}));
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            json!({"name": "Ada"})
        );
    }

    #[test]
    fn decoding_keeps_the_three_states_apart() {
        let decode = |v| serde_json::from_value::<Body>(v).unwrap().name;
        assert_eq!(decode(json!({})), Nullable::Absent);
        assert_eq!(decode(json!({"name": null})), Nullable::Null);
        assert_eq!(
            decode(json!({"name": "Ada"})),
            Nullable::Value("Ada".to_string())
        );
    }

    #[test]
    fn accessors_see_only_a_value() {
        let value: Nullable<i32> = 3.into();
        assert_eq!(value.as_ref(), Some(&3));
        assert_eq!(value.into_option(), Some(3));
        assert_eq!(Nullable::<i32>::Null.into_option(), None);
        assert!(Nullable::<i32>::Absent.is_absent());
        assert!(!Nullable::<i32>::Null.is_absent());
    }
}
