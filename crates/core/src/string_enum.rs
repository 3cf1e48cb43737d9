//! Enums that travel as fixed strings (seed status values, roles, operations, error
//! classes): one definition gives the serde names, the list of values and `as_str`/`parse`.

macro_rules! string_enum {
    ($(#[$attr:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$attr])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, specta::Type,
        )]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        // Written by hand: utoipa's derive does not see the `serde(rename)` above inside
        // this macro and documented the variant names (`Active`) instead of the values
        // sent (`active`); schemathesis found the mismatch.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::String))
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
