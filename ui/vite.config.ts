import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { bundledLicenses } from "./bundledLicenses";

// Tauri serves the built files from the binary; no inline scripts, so a strict CSP holds.
export default defineConfig({
  plugins: [svelte(), bundledLicenses()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, modulePreload: { polyfill: false } },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
