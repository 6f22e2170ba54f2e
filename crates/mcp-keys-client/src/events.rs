//! `GET /v1/events`: the audit log (an extension).

use reqwest::Method;

use crate::extension::route_missing;
use crate::pages::walk;
use crate::transport::Retry;
use crate::{Client, Error, Event, EventFilter, Page, PageRequest};

impl Client {
    /// One page of audit events matching `filter`, oldest first.
    /// [`Error::Unsupported`] on a server without the events extension.
    pub async fn list_events(
        &self,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<Event>, Error> {
        let mut query = filter.query();
        query.extend(page.query());
        let url = self.url(&["v1", "events"], &query);
        let answer = self.send(Method::GET, url, None, Retry::Idempotent).await?;
        if route_missing(answer.status) {
            return Err(Error::Unsupported {
                feature: "audit events",
            });
        }
        answer.success(|| "the events route".to_owned())?.json()
    }

    /// Every audit event matching `filter`, following the pages.
    pub async fn list_events_all(&self, filter: &EventFilter) -> Result<Vec<Event>, Error> {
        walk(self.page_size, |page| async move {
            self.list_events(filter, &page).await
        })
        .await
    }
}
