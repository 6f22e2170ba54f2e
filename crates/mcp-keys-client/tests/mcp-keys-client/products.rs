//! Products: create and list.

use anyhow::Result;
use mcp_keys_client::PageRequest;

use crate::support::Service;

#[tokio::test]
async fn a_created_product_is_listed_with_its_times() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let created = client.create_product("Docs").await?;
    assert_eq!(created.name, "Docs");
    assert!(created.updated_at.is_some());

    let page = client.list_products(&PageRequest::default()).await?;
    assert_eq!(page.data, std::slice::from_ref(&created));
    assert_eq!(page.pagination.total_count, Some(1));
    assert_eq!(page.next_cursor(), None, "one product is one page");
    assert_eq!(client.list_products_all().await?, [created]);
    Ok(())
}
