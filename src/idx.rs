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

        impl $crate::idx::Idx for $name {
            fn from_usize(i: usize) -> Self {
                $name::new(i)
            }
            fn to_usize(self) -> usize {
                self.get()
            }
        }
    };
}

pub(crate) use typed_index;

/// What a typed index is made from and turned back into.
pub(crate) trait Idx: Copy {
    fn from_usize(i: usize) -> Self;
    fn to_usize(self) -> usize;
}

/// A vector indexed by a typed index `I` rather than by `usize`: the
/// per-invoice, per-customer and per-rule arrays of evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IdxVec<I, T> {
    raw: Vec<T>,
    index: std::marker::PhantomData<fn(I) -> I>,
}

impl<I: Idx, T> IdxVec<I, T> {
    pub(crate) fn from_vec(raw: Vec<T>) -> Self {
        IdxVec {
            raw,
            index: std::marker::PhantomData,
        }
    }

    /// `n` copies of `value`.
    pub(crate) fn filled(value: T, n: usize) -> Self
    where
        T: Clone,
    {
        IdxVec::from_vec(vec![value; n])
    }

    pub(crate) fn len(&self) -> usize {
        self.raw.len()
    }

    pub(crate) fn get_mut(&mut self, i: I) -> Option<&mut T> {
        self.raw.get_mut(i.to_usize())
    }

    pub(crate) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.raw.iter()
    }

    /// Each element with its index.
    pub(crate) fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> + '_ {
        self.raw
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_usize(i), t))
    }

    /// The indices, in order.
    pub(crate) fn indices(&self) -> impl Iterator<Item = I> + 'static
    where
        I: 'static,
    {
        (0..self.raw.len()).map(I::from_usize)
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        &self.raw
    }
}

impl<I: Idx, T> std::ops::Index<I> for IdxVec<I, T> {
    type Output = T;
    fn index(&self, i: I) -> &T {
        &self.raw[i.to_usize()]
    }
}

impl<I: Idx, T> std::ops::IndexMut<I> for IdxVec<I, T> {
    fn index_mut(&mut self, i: I) -> &mut T {
        &mut self.raw[i.to_usize()]
    }
}

impl<I: Idx, T> FromIterator<T> for IdxVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        IdxVec::from_vec(iter.into_iter().collect())
    }
}
