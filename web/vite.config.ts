import { resolve } from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The built files are embedded in the guichet binary (see src/web/), which
// serves them at the root; in development, `npm run dev` proxies the API to a
// running `guichet serve` on :8080.
export default defineConfig({
  plugins: [react()],
  // The build system sets GUICHET_WEB_OUT to a folder of the build directory.
  build: {
    outDir: process.env.GUICHET_WEB_OUT ?? "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
    // The agents' app, and the citizens' chat frame: small, and sharing nothing.
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "index.html"),
        chat: resolve(import.meta.dirname, "chat/frame.html"),
      },
    },
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
      "/chat/v1": { target: "http://127.0.0.1:8080", ws: true },
    },
  },
});
