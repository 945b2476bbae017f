//! Typed indices: a rule's position in the ladder, an attribute's in the
//! policy's list, an invoice's in the snapshot, a customer's number. Each
//! is its own type, so that a rule index can never be used to look up an
//! invoice; all are 32 bits, which halves the per-invoice arrays of a
//! replay of a million invoices.

/// Defines a typed index: a `u32` newtype, built from and turned back into
/// a `usize` position.
macro_rules! typed_index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize,
        )]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            /// The index of position `i`. Positions past `u32::MAX` (four
            /// billion rules, attributes or invoices, far beyond memory)
            /// all map to the last index.
            pub fn new(i: usize) -> Self {
                $name(u32::try_from(i).unwrap_or(u32::MAX))
            }

            /// The position this index stands for.
            pub fn get(self) -> usize {
                self.0 as usize
            }
        }
    };
}

pub(crate) use typed_index;
