import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tauri serves ui/dist at the app's root under a strict CSP
// (default-src, script-src and style-src all 'self'), so the build must emit
// only external .js and .css files: no inline <script> or <style>.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Inlined assets would become data: URLs; keep every asset a file served by 'self'.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
