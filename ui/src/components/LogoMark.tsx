import { useId } from "react";
import "./LogoMark.css";

/**
 * The app's mark, drawn like icons/icon.svg (a key on an indigo-to-teal tile),
 * simplified to read at sidebar size.
 */
export function LogoMark() {
  const gradientId = `${useId()}-logo`;
  return (
    <svg className="logo-mark" viewBox="0 0 1024 1024" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#4f46e5" />
          <stop offset="1" stopColor="#0f766e" />
        </linearGradient>
      </defs>
      <rect x="64" y="64" width="896" height="896" rx="200" fill={`url(#${gradientId})`} />
      <circle cx="380" cy="512" r="170" fill="none" stroke="#ffffff" strokeWidth="84" />
      <path
        d="M560 512 H820 M720 512 V640 M800 512 V600"
        fill="none"
        stroke="#ffffff"
        strokeWidth="84"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
