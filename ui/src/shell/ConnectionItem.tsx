import { Icon } from "../components/Icon";
import type { Selection } from "../model/selection";
import type { ConnectionNode } from "../model/workspace";
import { SurfaceLink } from "./SurfaceLink";

type ConnectionItemProps = {
  node: ConnectionNode;
  selection: Selection;
  onSelectSurface: (selection: NonNullable<Selection>) => void;
};

/** One connection in the sidebar, with its products and their surfaces nested below. */
export function ConnectionItem({ node, selection, onSelectSurface }: ConnectionItemProps) {
  const { connection, products } = node;
  return (
    <li className="sidebar-connection" data-testid={`connection-${connection.id}`}>
      <div className="sidebar-connection__header">
        <Icon name="computer" />
        <div className="sidebar-connection__text">
          <span className="sidebar-connection__name">{connection.name}</span>
          <span className="sidebar-connection__url">{connection.serverUrl}</span>
        </div>
      </div>
      {products.length === 0 ? (
        <p className="sidebar-connection__empty">No products yet</p>
      ) : (
        <ul className="sidebar-products">
          {products.map(({ product, surfaces }) => (
            <li key={product.id} className="sidebar-product">
              <span className="sidebar-product__name">
                <Icon name="product" size="sm" />
                {product.name}
              </span>
              <ul className="sidebar-surfaces">
                {surfaces.map((surface) => (
                  <li key={surface.id}>
                    <SurfaceLink
                      surface={surface}
                      selected={
                        selection?.connectionId === connection.id &&
                        selection.surfaceId === surface.id
                      }
                      onSelect={() =>
                        onSelectSurface({ connectionId: connection.id, surfaceId: surface.id })
                      }
                    />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
