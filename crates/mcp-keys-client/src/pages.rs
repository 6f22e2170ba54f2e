//! Walking a list page by page to its end.

use std::collections::HashSet;
use std::future::Future;

use crate::{Error, Page, PageRequest};

/// Every row of a list: asks `fetch` for the first page of `limit` rows,
/// then follows `nextCursor` until the last page. A server that hands out a
/// cursor twice would loop forever; that is reported instead.
pub(crate) async fn walk<T, F, Fut>(limit: Option<u32>, mut fetch: F) -> Result<Vec<T>, Error>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    let mut request = PageRequest {
        limit,
        cursor: None,
    };
    loop {
        let page = fetch(request.clone()).await?;
        let next = page.next_cursor().map(str::to_owned);
        rows.extend(page.data);
        match next {
            None => return Ok(rows),
            Some(cursor) if !seen.insert(cursor.clone()) => {
                return Err(Error::protocol(
                    "the server sent the same page cursor twice",
                ));
            }
            Some(cursor) => request.cursor = Some(cursor),
        }
    }
}
