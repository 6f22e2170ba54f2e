//! Cursor pagination of lists: `{"data":[...],"pagination":{...}}`.
//!
//! Every list is ordered by creation time, then id. A cursor names the last
//! row of a page as `<createdAt millis>.<id>`, so the next page starts after
//! it even while rows are being added: nothing is skipped or shown twice.

use serde::Serialize;

use crate::Error;

/// A page of a list.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Where the list goes on.
    pub pagination: Pagination,
}

/// The pagination part of a list answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
    /// Whether there is a next page.
    pub has_more: bool,
    /// The page size used.
    pub limit: u32,
    /// How many rows match, over all pages.
    pub total_count: u64,
}

/// Which page to read: its size and the row it starts after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// The page size, 1 to [`PageRequest::MAX_LIMIT`].
    pub limit: u32,
    /// `(created_at millis, id)` of the last row of the previous page.
    pub after: Option<(i64, String)>,
}

impl PageRequest {
    /// The page size when none is asked for.
    pub const DEFAULT_LIMIT: u32 = 50;
    /// The largest page size.
    pub const MAX_LIMIT: u32 = 200;

    /// Reads the `limit` and `cursor` query parameters.
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, Error> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(Error::BadRequest(format!(
                "limit must be between 1 and {}",
                Self::MAX_LIMIT
            )));
        }
        let after = cursor
            .map(|cursor| {
                cursor
                    .split_once('.')
                    .and_then(|(millis, id)| Some((millis.parse().ok()?, id.to_owned())))
                    .filter(|(_, id)| !id.is_empty())
                    .ok_or_else(|| {
                        Error::BadRequest("cursor is not one this service issued".into())
                    })
            })
            .transpose()?;
        Ok(Self { limit, after })
    }

    /// Builds the page from up to `limit + 1` rows read after the cursor:
    /// the extra row only tells whether there is more.
    pub fn page<T>(
        &self,
        mut rows: Vec<T>,
        total_count: u64,
        cursor_of: impl Fn(&T) -> (i64, String),
    ) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let next_cursor = has_more
            .then(|| rows.last().map(&cursor_of))
            .flatten()
            .map(|(millis, id)| format!("{millis}.{id}"));
        Page {
            data: rows,
            pagination: Pagination {
                next_cursor,
                has_more,
                limit: self.limit,
                total_count,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PageRequest;

    #[test]
    fn a_cursor_names_creation_time_and_id() -> Result<(), crate::Error> {
        let request = PageRequest::parse(Some(2), Some("1700000000000.abc"))?;
        assert_eq!(request.after, Some((1_700_000_000_000, "abc".to_owned())));
        Ok(())
    }

    #[test]
    fn limits_outside_the_range_and_foreign_cursors_are_rejected() {
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(201), None).is_err());
        assert!(PageRequest::parse(None, Some("nope")).is_err());
        assert!(PageRequest::parse(None, Some("12.")).is_err());
    }

    #[test]
    fn the_extra_row_sets_has_more_and_the_cursor() -> Result<(), crate::Error> {
        let request = PageRequest::parse(Some(2), None)?;
        let page = request.page(vec![1, 2, 3], 3, |n| (i64::from(*n), n.to_string()));
        assert_eq!(page.data, [1, 2]);
        assert!(page.pagination.has_more);
        assert_eq!(page.pagination.next_cursor.as_deref(), Some("2.2"));
        let last = request.page(vec![1], 1, |n| (i64::from(*n), n.to_string()));
        assert!(!last.pagination.has_more);
        assert_eq!(last.pagination.next_cursor, None);
        Ok(())
    }
}
