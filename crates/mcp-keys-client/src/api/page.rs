//! Cursor pagination of lists: `{"data":[...],"pagination":{...}}`.

use serde::{Deserialize, Serialize};

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub data: Vec<T>,
    /// Where the list goes on. A server that sends none has one page only.
    #[serde(default)]
    pub pagination: Pagination,
}

impl<T> Page<T> {
    /// The cursor of the next page, or `None` on the last page. A cursor is
    /// only followed when the server also says there is more, or says
    /// nothing about it.
    pub fn next_cursor(&self) -> Option<&str> {
        let more = self.pagination.has_more.unwrap_or(true);
        self.pagination
            .next_cursor
            .as_deref()
            .filter(|cursor| more && !cursor.is_empty())
    }
}

/// The pagination part of a list answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Whether there is a next page.
    #[serde(default)]
    pub has_more: Option<bool>,
    /// The page size used.
    #[serde(default)]
    pub limit: Option<u32>,
    /// How many rows match, over all pages.
    #[serde(default)]
    pub total_count: Option<u64>,
}

/// Which page to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The page size; the server's default when `None` (50 on ours, at most 200).
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page; the first page when `None`.
    pub cursor: Option<String>,
}

impl PageRequest {
    /// The first page, of `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self {
            limit: Some(limit),
            cursor: None,
        }
    }

    /// The query parameters of this request.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &self.cursor {
            query.push(("cursor", cursor.clone()));
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn a_page_without_pagination_is_the_last_one() -> serde_json::Result<()> {
        let page: Page<u32> = serde_json::from_str(r#"{"data":[1,2]}"#)?;
        assert_eq!(page.data, [1, 2]);
        assert_eq!(page.next_cursor(), None);
        Ok(())
    }

    #[test]
    fn a_cursor_is_followed_unless_the_server_says_there_is_no_more() -> serde_json::Result<()> {
        let more: Page<u32> =
            serde_json::from_str(r#"{"data":[],"pagination":{"nextCursor":"c","hasMore":true}}"#)?;
        assert_eq!(more.next_cursor(), Some("c"));
        let silent: Page<u32> =
            serde_json::from_str(r#"{"data":[],"pagination":{"nextCursor":"c"}}"#)?;
        assert_eq!(silent.next_cursor(), Some("c"));
        let done: Page<u32> =
            serde_json::from_str(r#"{"data":[],"pagination":{"nextCursor":"c","hasMore":false}}"#)?;
        assert_eq!(done.next_cursor(), None);
        Ok(())
    }
}
