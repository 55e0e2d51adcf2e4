//! Dates with a time of day, written as text with a spec pattern
//! (`yyyymmddhhmiss` for `20180803171608`, `yyyy-mm-dd hh:mi:ss`).
//!
//! Such a text names no zone. Read with [`DateTime`] it is a
//! [`time::PrimitiveDateTime`], a wall-clock reading; a spec that knows the
//! provider's zone states its UTC offset, and [`DateTimeAt`] reads the text
//! as a [`time::OffsetDateTime`] at that offset.

use std::marker::PhantomData;

use serde::de::{self, Deserializer};
use serde::Serializer;

use super::{excerpt, Codec, Str};

/// A date-time pattern declared in a spec, such as `yyyymmddhhmiss`.
///
/// `yyyy`, `mm` and `dd` are the year, month and day, `hh` the hour (00-23),
/// `mi` the minute and `ss` the second; every other character is literal.
pub trait DateTimePattern {
    /// The pattern.
    const PATTERN: &'static str;
}

/// The UTC offset a spec states for a pattern's texts (`+07:00` for IAK's
/// Jakarta time), in seconds east of UTC.
pub trait FixedOffset: DateTimePattern {
    /// Seconds east of UTC (`25200` for `+07:00`).
    const SECONDS: i32;
}

/// The pattern's fields, in the order they are looked for at each position.
const TOKENS: [(&str, usize); 6] = [
    ("yyyy", 4),
    ("mm", 2),
    ("dd", 2),
    ("hh", 2),
    ("mi", 2),
    ("ss", 2),
];

/// Parses a date-time with a spec pattern. A field may have fewer digits
/// than the pattern (`3/8/2018 7:05`) only when a literal follows it, so a
/// compact text (`20180803171608`) must be complete; fields the pattern
/// leaves out (seconds) are 0.
pub fn parse_datetime(text: &str, pattern: &str) -> Option<time::PrimitiveDateTime> {
    let mut values: [Option<i32>; 6] = [None; 6];
    let mut p = pattern;
    let mut t = text.trim();
    'pattern: while !p.is_empty() {
        for (slot, (token, max)) in TOKENS.iter().enumerate() {
            if let Some(rest) = p.strip_prefix(token) {
                let n = t.bytes().take(*max).take_while(u8::is_ascii_digit).count();
                let literal_follows =
                    !rest.is_empty() && !TOKENS.iter().any(|(next, _)| rest.starts_with(next));
                if n == 0 || (n < *max && !literal_follows) {
                    return None;
                }
                values[slot] = Some(t[..n].parse::<i32>().ok()?);
                t = &t[n..];
                p = rest;
                continue 'pattern;
            }
        }
        let c = p.chars().next()?;
        t = t.strip_prefix(c)?;
        p = &p[c.len_utf8()..];
    }
    if !t.is_empty() {
        return None;
    }
    let [y, m, d, hh, mi, ss] = values;
    let month = time::Month::try_from(u8::try_from(m?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(y?, month, u8::try_from(d?).ok()?).ok()?;
    let small = |v: Option<i32>| u8::try_from(v.unwrap_or(0)).ok();
    let clock = time::Time::from_hms(small(hh)?, small(mi)?, small(ss)?).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock))
}

/// Formats a date-time with a spec pattern, every field zero-padded
/// (`yyyymmddhhmiss` gives `20180803171608`).
pub fn format_datetime(v: &time::PrimitiveDateTime, pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("yyyy") {
            out.push_str(&format!("{:04}", v.year()));
            rest = r;
            continue;
        }
        let field = [
            ("mm", u8::from(v.month())),
            ("dd", v.day()),
            ("hh", v.hour()),
            ("mi", v.minute()),
            ("ss", v.second()),
        ]
        .into_iter()
        .find_map(|(token, n)| rest.strip_prefix(token).map(|r| (r, n)));
        match field {
            Some((r, n)) => {
                out.push_str(&format!("{n:02}"));
                rest = r;
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// Formats a point in time as the wall-clock reading at `offset_seconds`
/// east of UTC, with a spec pattern.
pub fn format_datetime_at(v: &time::OffsetDateTime, pattern: &str, offset_seconds: i32) -> String {
    let offset =
        time::UtcOffset::from_whole_seconds(offset_seconds).unwrap_or(time::UtcOffset::UTC);
    let local = v.to_offset(offset);
    format_datetime(
        &time::PrimitiveDateTime::new(local.date(), local.time()),
        pattern,
    )
}

fn decode_local<'de, D: Deserializer<'de>>(
    d: D,
    pattern: &str,
) -> Result<time::PrimitiveDateTime, D::Error> {
    let s = Str::decode(d)?;
    parse_datetime(&s, pattern).ok_or_else(|| {
        de::Error::custom(format!(
            "expected a date and time written {pattern}, found {:?}",
            excerpt(&s)
        ))
    })
}

/// A date-time written with the pattern `P`, in no stated zone.
pub struct DateTime<P>(PhantomData<P>);
impl<P: DateTimePattern> Codec<time::PrimitiveDateTime> for DateTime<P> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<time::PrimitiveDateTime, D::Error> {
        decode_local(d, P::PATTERN)
    }
    fn encode<S: Serializer>(v: &time::PrimitiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_datetime(v, P::PATTERN))
    }
}

/// A date-time written with the pattern `P`, read at `P`'s stated UTC offset.
pub struct DateTimeAt<P>(PhantomData<P>);
impl<P: FixedOffset> Codec<time::OffsetDateTime> for DateTimeAt<P> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<time::OffsetDateTime, D::Error> {
        let local = decode_local(d, P::PATTERN)?;
        let offset = time::UtcOffset::from_whole_seconds(P::SECONDS).map_err(|_| {
            de::Error::custom(format!("UTC offset of {}s out of range", P::SECONDS))
        })?;
        Ok(local.assume_offset(offset))
    }
    fn encode<S: Serializer>(v: &time::OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_datetime_at(v, P::PATTERN, P::SECONDS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::from_value;
    use serde_json::json;
    use time::macros::datetime;

    struct Compact;
    impl DateTimePattern for Compact {
        const PATTERN: &'static str = "yyyymmddhhmiss";
    }
    impl FixedOffset for Compact {
        const SECONDS: i32 = 7 * 3600;
    }

    #[test]
    fn compact_texts_are_read_at_the_stated_offset() {
        let at = from_value::<DateTimeAt<Compact>, _>(json!("20180803171608")).unwrap();
        assert_eq!(at, datetime!(2018-08-03 17:16:08 +07:00));
        assert_eq!(at.to_offset(time::UtcOffset::UTC).hour(), 10);
        let local = from_value::<DateTime<Compact>, _>(json!("20180803171608")).unwrap();
        assert_eq!(local, datetime!(2018-08-03 17:16:08));
        // Written back as sent, also from another offset.
        assert_eq!(
            DateTimeAt::<Compact>::encode(&at, serde_json::value::Serializer).unwrap(),
            json!("20180803171608")
        );
        let utc = datetime!(2018-08-03 10:16:08 UTC);
        assert_eq!(
            format_datetime_at(&utc, "yyyymmddhhmiss", 7 * 3600),
            "20180803171608"
        );
    }

    #[test]
    fn patterns_with_separators_and_bad_texts() {
        assert_eq!(
            parse_datetime("3/8/2018 7:05", "dd/mm/yyyy hh:mi"),
            Some(datetime!(2018-08-03 07:05:00))
        );
        assert_eq!(
            format_datetime(&datetime!(2018-08-03 07:05:09), "yyyy-mm-dd hh:mi:ss"),
            "2018-08-03 07:05:09"
        );
        for bad in [
            "2018080317160",
            "20180803171608x",
            "20181303171608",
            "20180230171608",
            "20180803241608",
            "20180803176008",
            "",
            "۲۰۱۸",
        ] {
            assert_eq!(parse_datetime(bad, "yyyymmddhhmiss"), None, "{bad}");
        }
        assert!(from_value::<DateTime<Compact>, _>(json!(20180803171608_i64)).is_ok());
        assert!(from_value::<DateTime<Compact>, _>(json!(true)).is_err());
    }
}
