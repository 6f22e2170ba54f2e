import { useId } from "react";
import { Icon } from "../components/Icon";
import { Tabs } from "../components/Tabs";
import type { Product, Surface } from "../model/workspace";
import { ActivityTab } from "./ActivityTab";
import { ConnectTab } from "./ConnectTab";
import { EnvironmentBadge } from "./EnvironmentBadge";
import { KeysTab } from "./KeysTab";
import { StatusBadge } from "./StatusBadge";
import "./SurfaceView.css";

type SurfaceViewProps = {
  product: Product;
  surface: Surface;
  onGenerateKey?: (() => void) | undefined;
};

/** One surface: its name and state, then Keys (first), Connect and Activity. */
export function SurfaceView({ product, surface, onGenerateKey }: SurfaceViewProps) {
  const titleId = useId();
  return (
    <section className="surface-view" aria-labelledby={titleId} data-testid="surface-view">
      <header className="surface-view__header">
        <p className="surface-view__product">
          <Icon name="product" size="sm" />
          {product.name}
        </p>
        <div className="surface-view__title-row">
          <h1 id={titleId} className="surface-view__title">
            {surface.name}
          </h1>
          <StatusBadge status={surface.status} />
          <EnvironmentBadge environment={surface.environment} />
        </div>
        <code className="surface-view__url">{surface.url}</code>
      </header>
      <Tabs
        label="Surface sections"
        items={[
          {
            id: "keys",
            label: "Keys",
            icon: "key",
            testId: "tab-keys",
            panel: <KeysTab keys={surface.keys} onGenerateKey={onGenerateKey} />,
          },
          {
            id: "connect",
            label: "Connect",
            icon: "plug",
            testId: "tab-connect",
            panel: <ConnectTab surface={surface} />,
          },
          {
            id: "activity",
            label: "Activity",
            icon: "activity",
            testId: "tab-activity",
            panel: <ActivityTab />,
          },
        ]}
      />
    </section>
  );
}
