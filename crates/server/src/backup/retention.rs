//! Which backups to keep: the newest backup of each of the last N days, ISO weeks
//! and months that have one (7 / 4 / 12 by default), the scheme of restic's
//! `--keep-daily/--keep-weekly/--keep-monthly`. A pure function, tested below.
//!
//! The newest good backup is always kept, so everything deleted has a newer good
//! backup; and retention only runs right after a backup succeeded.

use std::collections::BTreeSet;

use time::OffsetDateTime;

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

/// Maps a time to its day, ISO week or month.
type PeriodKey = fn(OffsetDateTime) -> (i32, u32);

/// The ids to keep among `backups` (id, time), in any order.
pub fn keep(backups: &[(String, OffsetDateTime)], policy: Policy) -> BTreeSet<String> {
    let mut newest_first: Vec<&(String, OffsetDateTime)> = backups.iter().collect();
    newest_first.sort_by(|a, b| (b.1, &b.0).cmp(&(a.1, &a.0)));
    let mut kept = BTreeSet::new();
    let buckets: [(u32, PeriodKey); 3] = [
        (policy.daily.max(1), |t| (t.year(), t.ordinal() as u32)),
        (policy.weekly, |t| {
            let (year, week, _) = t.to_iso_week_date();
            (year, week as u32)
        }),
        (policy.monthly, |t| (t.year(), t.month() as u32)),
    ];
    for (limit, key_of) in buckets {
        let mut last_key = None;
        let mut count = 0;
        for (id, at) in &newest_first {
            if count >= limit {
                break;
            }
            let key = key_of(at.to_offset(time::UtcOffset::UTC));
            if last_key != Some(key) {
                last_key = Some(key);
                count += 1;
                kept.insert(id.clone());
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_year_of_daily_backups_keeps_seven_daily_four_weekly_twelve_monthly() {
        let start = datetime!(2026-01-01 03:00 UTC);
        let backups: Vec<(String, OffsetDateTime)> =
            (0..400).map(|d| (format!("b{d:03}"), start + time::Duration::days(d))).collect();
        let policy = Policy { daily: 7, weekly: 4, monthly: 12 };
        let kept = keep(&backups, policy);
        // 7 newest days; weeks and months overlap with them partly.
        for d in 393..400 {
            assert!(kept.contains(&format!("b{d:03}")));
        }
        assert!(kept.len() <= 7 + 4 + 12 && kept.len() >= 12, "{}", kept.len());
        assert!(!kept.contains("b000"), "the oldest goes once 12 newer months exist");
        // Two backups on the same day: only the newer counts for that day.
        let same_day = vec![
            ("early".to_owned(), datetime!(2026-03-01 03:00 UTC)),
            ("late".to_owned(), datetime!(2026-03-01 15:00 UTC)),
        ];
        assert_eq!(keep(&same_day, policy), BTreeSet::from(["late".to_owned()]));
    }

    #[test]
    fn the_newest_is_always_kept() {
        let one = vec![("only".to_owned(), datetime!(2026-03-01 03:00 UTC))];
        assert!(keep(&one, Policy { daily: 0, weekly: 0, monthly: 0 }).contains("only"));
    }
}
