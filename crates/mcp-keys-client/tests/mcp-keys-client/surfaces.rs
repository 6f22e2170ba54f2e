//! Surfaces: create, get with items and keys, update, list with filters,
//! add a capability.

use anyhow::Result;
use mcp_keys_client::{
    NewKey, NewSurface, PageRequest, SurfaceFilter, SurfaceStatus, SurfaceUpdate,
};
use mcp_keys_core::Environment;

use crate::support::Service;

#[tokio::test]
async fn a_surface_comes_back_with_its_capabilities_and_keys() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let product = client.create_product("Docs").await?;
    let surface = client
        .create_surface(
            &product.id,
            &NewSurface::mcp("Docs MCP").environment(Environment::Production),
        )
        .await?;
    assert_eq!(surface.product_id, product.id);
    assert_eq!(surface.kind, "mcp");
    assert_eq!(surface.status, SurfaceStatus::Active);
    assert_eq!(surface.environment, Environment::Production);
    let url = surface.url.clone().unwrap_or_default();
    assert!(
        url.starts_with(&service.base) && url.ends_with("/mcp"),
        "the MCP endpoint is under the service: {url}"
    );

    let item = client
        .add_capability(&product.id, &surface.id, "search")
        .await?;
    assert_eq!(item.capability_name, "search");
    let created = client
        .create_key(&product.id, &surface.id, &NewKey::named("cursor"))
        .await?;

    let shown = client.get_surface(&product.id, &surface.id).await?;
    assert_eq!(shown.items, [item]);
    assert_eq!(shown.keys, [created.metadata]);
    Ok(())
}

#[tokio::test]
async fn an_update_changes_only_what_it_names_and_filters_see_it() -> Result<()> {
    let service = Service::start().await?;
    let client = service.client()?;
    let (product, surface) = service.surface(&[]).await?;
    let (_, other) = service.surface(&[]).await?;

    let updated = client
        .update_surface(
            &product.id,
            &surface.id,
            &SurfaceUpdate {
                status: Some(SurfaceStatus::Inactive),
                ..SurfaceUpdate::default()
            },
        )
        .await?;
    assert_eq!(updated.status, SurfaceStatus::Inactive);
    assert_eq!(updated.name, surface.name, "the name is left alone");

    let inactive = SurfaceFilter {
        status: Some(SurfaceStatus::Inactive),
        ..SurfaceFilter::default()
    };
    let listed = client.list_surfaces_all(&inactive).await?;
    assert_eq!(
        listed.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [surface.id.as_str()]
    );
    let development = SurfaceFilter {
        kind: Some("mcp".into()),
        environment: Some(Environment::Development),
        ..SurfaceFilter::default()
    };
    let page = client
        .list_surfaces(&development, &PageRequest::default())
        .await?;
    assert_eq!(page.data.len(), 2, "both surfaces are development ones");
    let production = SurfaceFilter {
        environment: Some(Environment::Production),
        ..SurfaceFilter::default()
    };
    assert!(client.list_surfaces_all(&production).await?.is_empty());
    assert_ne!(other.id, surface.id);
    Ok(())
}
