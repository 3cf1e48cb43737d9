import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The desktop shell loads ui/dist through the tauri:// custom protocol (no dev server),
// so every asset URL must be relative.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    chunkSizeWarningLimit: 2500,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    testTimeout: 20000,
  },
});
