//! A document's claims packed for holding: the pipeline holds the claims
//! of every paired document from claim extraction to the end of the
//! comparisons (130,000 claims, 30 MB as `Vec<Claim>` on the 61 MB
//! generated corpus). A [`Claim`] is 192 bytes with up to four strings of
//! its own (each a separate allocation, 32 bytes at least); packed it is
//! 64 bytes, its strings one run in a text shared by the document's claims.

use super::{Claim, ClaimKind, DateValue};
use crate::document::{Lang, Span};

/// One claim of [`PackedClaims`]: spans as `u32`, the options' presence as
/// bits of `present`, the strings as lengths of consecutive runs of
/// `PackedClaims::strings` from `strings_at`.
#[derive(Clone, Debug)]
struct Item {
    start: u32,
    end: u32,
    strings_at: u32,
    /// `unit`, `qualifier`, `speaker`, `base_unit`: their lengths.
    lens: [u16; 4],
    /// `value`, `base_value`, `min`, `max` (0.0 when absent).
    numbers: [f64; 4],
    date: Option<Box<DateValue>>,
    kind: ClaimKind,
    lang: Lang,
    /// Bit i: `numbers[i]` is present; bit 4 + i: string i is.
    present: u8,
}

/// The claims of one document, in their order, packed (see the module
/// docs). Claims that do not fit the packed form (a document over 4 GB, a
/// string over 64 KB) are held as they are.
#[derive(Clone, Debug, Default)]
pub struct PackedClaims {
    items: Box<[Item]>,
    strings: Box<str>,
    /// Used instead when the claims do not fit `items`.
    plain: Box<[Claim]>,
}

impl PackedClaims {
    /// Packs `claims`, keeping their order.
    pub fn pack(claims: Vec<Claim>) -> PackedClaims {
        let mut strings = String::new();
        let mut items = Vec::with_capacity(claims.len());
        for c in &claims {
            match pack_one(c, &mut strings) {
                Some(item) => items.push(item),
                None => {
                    return PackedClaims {
                        plain: claims.into_boxed_slice(),
                        ..PackedClaims::default()
                    };
                }
            }
        }
        // The dates' boxes move into the items rather than being copied.
        for (item, c) in items.iter_mut().zip(claims) {
            item.date = c.date;
        }
        PackedClaims {
            items: items.into_boxed_slice(),
            strings: strings.into_boxed_str(),
            plain: Box::default(),
        }
    }

    /// Number of claims.
    pub fn len(&self) -> usize {
        self.items.len() + self.plain.len()
    }

    /// True when there are no claims.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every claim, in order.
    pub fn unpack(&self) -> Vec<Claim> {
        self.within(Span::new(0, usize::MAX))
    }

    /// The claims that lie within `span` (start and end inside it), in
    /// order.
    pub fn within(&self, span: Span) -> Vec<Claim> {
        let inside = |s: usize, e: usize| s >= span.start && e <= span.end;
        if !self.plain.is_empty() {
            return self
                .plain
                .iter()
                .filter(|c| inside(c.span.start, c.span.end))
                .cloned()
                .collect();
        }
        self.items
            .iter()
            .filter(|i| inside(i.start as usize, i.end as usize))
            .map(|i| self.unpack_one(i))
            .collect()
    }

    fn unpack_one(&self, i: &Item) -> Claim {
        let mut at = i.strings_at as usize;
        let mut strs: [Option<String>; 4] = Default::default();
        for (k, s) in strs.iter_mut().enumerate() {
            let len = i.lens[k] as usize;
            if i.present & (1 << (4 + k)) != 0 {
                *s = Some(self.strings[at..at + len].to_string());
            }
            at += len;
        }
        let num = |k: usize| (i.present & (1 << k) != 0).then_some(i.numbers[k]);
        let [unit, qualifier, speaker, base_unit] = strs;
        Claim {
            kind: i.kind,
            span: Span::new(i.start as usize, i.end as usize),
            value: num(0),
            unit,
            qualifier,
            speaker,
            base_value: num(1),
            base_unit,
            min: num(2),
            max: num(3),
            date: i.date.clone(),
            lang: i.lang,
        }
    }
}

/// `c` as an [`Item`] (without its date, moved in after), its strings
/// appended to `strings`; `None` when it does not fit.
fn pack_one(c: &Claim, strings: &mut String) -> Option<Item> {
    // Every field named, so that a new one cannot be forgotten here.
    let Claim {
        kind,
        span,
        value,
        unit,
        qualifier,
        speaker,
        base_value,
        base_unit,
        min,
        max,
        date: _,
        lang,
    } = c;
    let strings_at = u32::try_from(strings.len()).ok()?;
    let mut present = 0u8;
    let mut lens = [0u16; 4];
    for (k, s) in [unit, qualifier, speaker, base_unit]
        .into_iter()
        .enumerate()
    {
        if let Some(s) = s {
            lens[k] = u16::try_from(s.len()).ok()?;
            present |= 1 << (4 + k);
            strings.push_str(s);
        }
    }
    let mut numbers = [0.0; 4];
    for (k, v) in [value, base_value, min, max].into_iter().enumerate() {
        if let Some(v) = v {
            numbers[k] = *v;
            present |= 1 << k;
        }
    }
    u32::try_from(strings.len()).ok()?;
    Some(Item {
        start: u32::try_from(span.start).ok()?,
        end: u32::try_from(span.end).ok()?,
        strings_at,
        lens,
        numbers,
        date: None,
        kind: *kind,
        lang: *lang,
        present,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::{ClaimOptions, extract};
    use proptest::prelude::*;

    #[test]
    fn packed_item_is_a_third_of_a_claim() {
        assert_eq!(std::mem::size_of::<Item>(), 64);
        assert!(std::mem::size_of::<Claim>() >= 3 * 64);
    }

    #[test]
    fn extracted_claims_round_trip() {
        let text = "قال الوزير محمد العلي إن \"الهجوم أسفر عن مقتل 35 شخصا\" يوم 12 مارس 2024، \
                    وإن الخسائر بلغت نحو 4.5 مليار دولار. The minister said \"about 1,200 km \
                    of road\" were built by 3 May 2023, at least 40% more than in 1998.";
        let claims = extract(text, &ClaimOptions::default());
        assert!(claims.iter().any(|c| c.kind == ClaimKind::Quote));
        assert!(claims.iter().any(|c| c.date.is_some()));
        assert!(claims.iter().any(|c| c.unit.is_some()));
        let packed = PackedClaims::pack(claims.clone());
        assert!(packed.plain.is_empty(), "packed, not held plain");
        assert_eq!(packed.len(), claims.len());
        assert_eq!(packed.unpack(), claims);
        // `within` keeps exactly the claims inside the span, in order.
        let span = Span::new(30, 200);
        let want: Vec<Claim> = claims
            .iter()
            .filter(|c| c.span.start >= span.start && c.span.end <= span.end)
            .cloned()
            .collect();
        assert!(!want.is_empty() && want.len() < claims.len());
        assert_eq!(packed.within(span), want);
    }

    #[test]
    fn claims_that_do_not_fit_are_held_plain() {
        let far = Claim::new(
            ClaimKind::Number,
            Span::new(1 << 33, (1 << 33) + 2),
            Some(1.0),
        );
        let long = Claim {
            speaker: Some("x".repeat(70_000)),
            ..Claim::new(ClaimKind::Quote, Span::new(0, 5), None)
        };
        for c in [far, long] {
            let v = vec![Claim::new(ClaimKind::Number, Span::new(0, 1), None), c];
            let p = PackedClaims::pack(v.clone());
            assert!(p.items.is_empty());
            assert_eq!(p.unpack(), v);
        }
    }

    fn opt_string() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[a-z%\\u{600}-\\u{6ff} ]{0,12}")
    }

    fn opt_number() -> impl Strategy<Value = Option<f64>> {
        proptest::option::of(prop_oneof![
            Just(0.0),
            Just(-0.0),
            -1e12f64..1e12,
            Just(f64::INFINITY)
        ])
    }

    fn claim() -> impl Strategy<Value = Claim> {
        (
            (0usize..1000, 0usize..50),
            (opt_string(), opt_string(), opt_string(), opt_string()),
            (opt_number(), opt_number(), opt_number(), opt_number()),
            prop_oneof![
                Just(ClaimKind::Number),
                Just(ClaimKind::Quote),
                Just(ClaimKind::Date)
            ],
            prop_oneof![Just(Lang::Ar), Just(Lang::En), Just(Lang::Other)],
        )
            .prop_map(
                |(
                    (s, n),
                    (unit, qualifier, speaker, base_unit),
                    (value, base_value, min, max),
                    kind,
                    lang,
                )| {
                    Claim {
                        kind,
                        span: Span::new(s, s + n),
                        value,
                        unit,
                        qualifier,
                        speaker,
                        base_value,
                        base_unit,
                        min,
                        max,
                        date: None,
                        lang,
                    }
                },
            )
    }

    proptest! {
        /// Packing keeps every field of every claim, the order, and the
        /// sign of zero.
        #[test]
        fn any_claims_round_trip(claims in proptest::collection::vec(claim(), 0..20)) {
            let p = PackedClaims::pack(claims.clone());
            let back = p.unpack();
            prop_assert_eq!(&back, &claims);
            for (x, y) in back.iter().zip(&claims) {
                prop_assert_eq!(x.value.map(f64::to_bits), y.value.map(f64::to_bits));
            }
        }
    }
}
