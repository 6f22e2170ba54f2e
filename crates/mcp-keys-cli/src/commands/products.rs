//! `mcp-keys products list|create`.

use chrono::Utc;

use crate::cli::ProductsCommand;
use crate::context::Context;
use crate::output::relative;

/// Runs a `products` subcommand.
pub async fn run(context: &Context, command: ProductsCommand) -> anyhow::Result<()> {
    let session = context.session().await?;
    let output = &context.output;
    let now = Utc::now();
    match command {
        ProductsCommand::List => {
            let products = session.client().list_products_all().await?;
            if output.json {
                return output.json(&products);
            }
            output.table(
                &["ID", "NAME", "CREATED"],
                products
                    .iter()
                    .map(|product| {
                        vec![
                            product.id.clone().into(),
                            product.name.clone().into(),
                            relative(product.created_at, now).into(),
                        ]
                    })
                    .collect(),
                "No products yet: create one with `mcp-keys products create NAME`.",
            )
        }
        ProductsCommand::Create { name } => {
            let product = session.create_product(&name, now).await?;
            if output.json {
                return output.json(&product);
            }
            output.line(&format!(
                "Created product {:?} with id {}.",
                product.name, product.id
            ))
        }
    }
}
