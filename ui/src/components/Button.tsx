import type { ButtonHTMLAttributes } from "react";
import { Icon, type IconName } from "./Icon";
import "./Button.css";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "className"> & {
  variant?: ButtonVariant;
  size?: "sm" | "md";
  /** An icon shown before the label. */
  icon?: IconName;
};

/**
 * The one button of the app. `primary` is the main action of a view (one per
 * view), `secondary` the others, `danger` destroys something (revoke), `ghost`
 * sits quietly in toolbars. A plain `type="button"` unless told otherwise, so no
 * button submits a form by accident.
 */
export function Button({
  variant = "secondary",
  size = "md",
  icon,
  type = "button",
  children,
  ...rest
}: ButtonProps) {
  return (
    <button {...rest} type={type} className={`button button--${variant} button--${size}`}>
      {icon && <Icon name={icon} size="sm" />}
      {children}
    </button>
  );
}
