//! Hijri → Gregorian by the Umm al-Qura calendar (Saudi Arabia's official
//! calendar, used by Gulf news).
//!
//! The month lengths of 1400–1500 AH are a table: bit `m` of `MONTHS[y -
//! 1400]` is set when month `m + 1` of year `y` has 30 days (29 otherwise),
//! and 1 Muharram 1400 AH is 21 November 1979. The table was derived from
//! ICU 72's `islamic-umalqura` calendar (whose data is the official Umm
//! al-Qura table), checking that consecutive month starts agree with the
//! lengths; tests check well-known dates (1 Ramadan 1436 = 18 June 2015).
//! Outside 1400–1500 AH the arithmetic (tabular, civil epoch) Islamic
//! calendar is used, which can differ from Umm al-Qura by a day or two.

/// First year covered by the table.
pub const FIRST_YEAR: i32 = 1400;
/// Last year covered by the table.
pub const LAST_YEAR: i32 = 1500;

/// Julian Day Number of 1 Muharram 1400 AH (1979-11-21).
const EPOCH_1400: i64 = 2_444_199;

#[rustfmt::skip]
const MONTHS: [u16; 101] = [
    0xaa5, 0xa4b, 0x497, 0x937, 0x2b6, 0x975, 0xd69, 0xd52,
    0xc95, 0x92b, 0x25b, 0x4db, 0x9d5, 0x5d2, 0xda5, 0xd4a,
    0xa95, 0x54d, 0xaad, 0x3aa, 0xbd2, 0xbc4, 0xb89, 0xa95,
    0x52d, 0x5ad, 0xb6a, 0x6d4, 0xdc9, 0xd92, 0xaa6, 0x956,
    0x2ae, 0x56d, 0x36a, 0xb55, 0xaaa, 0x94d, 0x49d, 0x95d,
    0x2ba, 0x5b5, 0x5aa, 0xd55, 0xa9a, 0x92e, 0x26e, 0x55d,
    0xada, 0x6d4, 0x6a5, 0xb27, 0xa4d, 0x4ad, 0x56d, 0xb5a,
    0x754, 0xf49, 0xe92, 0xd26, 0xa56, 0x356, 0x6b5, 0xbaa,
    0xb92, 0xb25, 0x68b, 0xa9b, 0x55a, 0xada, 0x5b4, 0xda9,
    0xb52, 0xa9a, 0x536, 0x276, 0x575, 0xaf2, 0x6d4, 0x6a9,
    0x555, 0x2ad, 0x4bd, 0x9ba, 0x574, 0xb69, 0xb52, 0xa95,
    0x52d, 0xa5d, 0x4da, 0xad9, 0x6b2, 0xe95, 0xe2a, 0xc96,
    0x92e, 0xaad, 0x56a, 0xd65, 0xd4a,
];

/// Julian Day Number of a Gregorian date.
pub fn gregorian_to_jdn(y: i32, m: u32, d: u32) -> i64 {
    let (y, m, d) = (y as i64, m as i64, d as i64);
    let a = (14 - m) / 12;
    let y = y + 4800 - a;
    let m = m + 12 * a - 3;
    d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

/// Gregorian `(year, month, day)` of a Julian Day Number.
pub fn jdn_to_gregorian(j: i64) -> (i32, u32, u32) {
    let a = j + 32044;
    let b = (4 * a + 3) / 146097;
    let c = a - 146097 * b / 4;
    let d = (4 * c + 3) / 1461;
    let e = c - 1461 * d / 4;
    let m = (5 * e + 2) / 153;
    let day = e - (153 * m + 2) / 5 + 1;
    let month = m + 3 - 12 * (m / 10);
    let year = 100 * b + d - 4800 + m / 10;
    (year as i32, month as u32, day as u32)
}

/// Days in Hijri month `m` (1–12) of year `y` (Umm al-Qura inside the table).
pub fn month_length(y: i32, m: u32) -> u32 {
    if (FIRST_YEAR..=LAST_YEAR).contains(&y) {
        if MONTHS[(y - FIRST_YEAR) as usize] >> (m - 1) & 1 == 1 {
            30
        } else {
            29
        }
    } else {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        (tabular_jdn(ny, nm, 1) - tabular_jdn(y, m, 1)) as u32
    }
}

/// Julian Day Number of a date in the arithmetic Islamic calendar (civil
/// epoch, 16 July 622 Julian = JDN 1948440).
fn tabular_jdn(y: i32, m: u32, d: u32) -> i64 {
    let (y, m, d) = (y as i64, m as i64, d as i64);
    d + (59 * (m - 1) + 1) / 2 + (y - 1) * 354 + (3 + 11 * y).div_euclid(30) + 1_948_439
}

/// The Gregorian date of Hijri `y/m/d`, or `None` for an impossible date.
pub fn to_gregorian(y: i32, m: u32, d: u32) -> Option<(i32, u32, u32)> {
    if !(1..=12).contains(&m) || d == 0 || d > 30 || y < 1 {
        return None;
    }
    if d > month_length(y, m) {
        return None;
    }
    let jdn = if (FIRST_YEAR..=LAST_YEAR).contains(&y) {
        let mut j = EPOCH_1400;
        for yy in FIRST_YEAR..y {
            j += (1..=12).map(|mm| month_length(yy, mm) as i64).sum::<i64>();
        }
        j += (1..m).map(|mm| month_length(y, mm) as i64).sum::<i64>();
        j + d as i64 - 1
    } else {
        tabular_jdn(y, m, d)
    };
    Some(jdn_to_gregorian(jdn))
}

/// The weekday (0 = Monday … 6 = Sunday) of a Gregorian date.
pub fn weekday(y: i32, m: u32, d: u32) -> u32 {
    (gregorian_to_jdn(y, m, d).rem_euclid(7)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch() {
        assert_eq!(jdn_to_gregorian(EPOCH_1400), (1979, 11, 21));
        assert_eq!(gregorian_to_jdn(1979, 11, 21), EPOCH_1400);
    }

    #[test]
    fn known_dates() {
        assert_eq!(to_gregorian(1436, 9, 1), Some((2015, 6, 18))); // Ramadan
        assert_eq!(to_gregorian(1436, 10, 1), Some((2015, 7, 17))); // Eid al-Fitr
        assert_eq!(to_gregorian(1436, 11, 1), Some((2015, 8, 16)));
        assert_eq!(to_gregorian(1440, 1, 1), Some((2018, 9, 11)));
        assert_eq!(to_gregorian(1445, 9, 1), Some((2024, 3, 11)));
        assert_eq!(to_gregorian(1439, 11, 19), Some((2018, 8, 1)));
        assert_eq!(to_gregorian(1421, 4, 29), Some((2000, 7, 31)));
        assert_eq!(to_gregorian(1436, 2, 30), Some((2014, 12, 22)));
        assert_eq!(to_gregorian(1436, 1, 30), None); // a 29-day month
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday(2015, 8, 16), 6); // Sunday
        assert_eq!(weekday(2026, 11, 29), 6);
    }

    #[test]
    fn tabular_outside_the_table() {
        // 1 Muharram 1 AH = 16 July 622 (Julian) = JDN 1948440.
        let (y, _, _) = to_gregorian(1350, 1, 1).unwrap();
        assert_eq!(y, 1931);
    }
}
